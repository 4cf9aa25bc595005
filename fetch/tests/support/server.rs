//! A small HTTP/1.1 server on the loopback address for the streaming tests: each path serves a
//! body with chosen validators, and can instead trickle it, cut it short, redirect, or fail with a
//! status. Every request is logged, so a test can tell a conditional request from a download.
//! Shared by `silo-fetch`'s tests and the `silo` command's (included by path).

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How a path answers.
#[derive(Clone)]
pub enum Behavior {
    /// The body, at once.
    Normal,
    /// The body in `chunk`-byte pieces, `delay` apart.
    Trickle { chunk: usize, delay: Duration },
    /// The full `Content-Length`, then only this many bytes of the body, then the connection closes.
    CutAfter(usize),
    /// A 302 to this path.
    Redirect(String),
    /// This status, with no body.
    Status(u16),
}

/// What a path serves.
#[derive(Clone)]
pub struct Route {
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub behavior: Behavior,
}

impl Route {
    /// `body`, at once, with an `ETag`.
    pub fn new(body: impl Into<Vec<u8>>, etag: &str) -> Route {
        Route { body: body.into(), etag: Some(format!("\"{etag}\"")), behavior: Behavior::Normal }
    }

    /// The same route answering with `behavior`.
    pub fn behaving(mut self, behavior: Behavior) -> Route {
        self.behavior = behavior;
        self
    }
}

/// A request the server saw.
#[derive(Clone, Debug)]
pub struct Logged {
    pub path: String,
    pub if_none_match: Option<String>,
    pub status: u16,
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    log: Vec<Logged>,
}

/// The server; it stops when dropped.
pub struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Starts a server on an ephemeral loopback port.
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (state.clone(), stop.clone());
        thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    let s = s.clone();
                    thread::spawn(move || serve(conn, &s));
                }
            }
        });
        Server { addr, state, stop }
    }

    /// The URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Serves `route` at `path` from now on.
    pub fn set(&self, path: &str, route: Route) {
        self.state.lock().unwrap().routes.insert(path.to_string(), route);
    }

    /// The requests seen so far for `path`.
    pub fn requests(&self, path: &str) -> Vec<Logged> {
        self.state.lock().unwrap().log.iter().filter(|l| l.path == path).cloned().collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// Answers one request on `conn`, then closes it.
fn serve(conn: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut if_none_match = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("if-none-match")
        {
            if_none_match = Some(value.trim().to_string());
        }
    }
    let route = state.lock().unwrap().routes.get(&path).cloned();
    let mut conn = conn;
    let status = answer(&mut conn, route, if_none_match.as_deref());
    state.lock().unwrap().log.push(Logged { path, if_none_match, status });
}

/// Writes the response; returns its status.
fn answer(conn: &mut TcpStream, route: Option<Route>, if_none_match: Option<&str>) -> u16 {
    let Some(route) = route else {
        let _ = conn
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return 404;
    };
    match &route.behavior {
        Behavior::Redirect(to) => {
            let head = format!(
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = conn.write_all(head.as_bytes());
            return 302;
        }
        Behavior::Status(code) => {
            let head =
                format!("HTTP/1.1 {code} Failed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = conn.write_all(head.as_bytes());
            return *code;
        }
        _ => {}
    }
    let etag = route.etag.as_deref();
    if let Some(tag) = etag
        && if_none_match == Some(tag)
    {
        let head = format!("HTTP/1.1 304 Not Modified\r\nETag: {tag}\r\nConnection: close\r\n\r\n");
        let _ = conn.write_all(head.as_bytes());
        return 304;
    }
    let etag_line = etag.map(|e| format!("ETag: {e}\r\n")).unwrap_or_default();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/wasm\r\nContent-Length: {}\r\n{etag_line}Connection: close\r\n\r\n",
        route.body.len()
    );
    if conn.write_all(head.as_bytes()).is_err() {
        return 200;
    }
    match route.behavior {
        Behavior::Trickle { chunk, delay } => {
            for piece in route.body.chunks(chunk.max(1)) {
                if conn.write_all(piece).is_err() || conn.flush().is_err() {
                    break;
                }
                thread::sleep(delay);
            }
        }
        Behavior::CutAfter(n) => {
            let _ = conn.write_all(&route.body[..n.min(route.body.len())]);
            let _ = conn.flush();
            let _ = conn.shutdown(std::net::Shutdown::Both);
        }
        _ => {
            let _ = conn.write_all(&route.body);
        }
    }
    200
}
