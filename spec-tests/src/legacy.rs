//! The folded form of the legacy exception instructions, which the `wast` crate no longer
//! parses: `(try $l? bt (do instr*) (catch $t instr*)* (catch_all instr*)?)` and
//! `(try $l? bt (do instr*) (delegate l))`, as the official suite's `legacy/` folder writes them.
//!
//! [`unfold`] rewrites each into the plain form (`try $l? bt instr* catch $t instr* ... end`,
//! `try ... delegate l`), token by token, keeping every other byte (newlines included, so that
//! directives keep their line numbers). Strings and comments are copied untouched.

use std::borrow::Cow;

/// What an open parenthesis stood for.
enum Open {
    /// A folded `try`: closes with `end`, unless it delegated.
    Try { delegated: bool },
    /// A part of a folded `try` (`do`, `catch`, `catch_all`, `delegate`): closes with nothing.
    Part,
    /// Anything else: closes with `)`.
    Other,
}

/// `text` with every folded legacy `try` written in the plain form.
pub fn unfold(text: &str) -> Cow<'_, str> {
    if !text.contains("(try") {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 64);
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with(";;") {
            let end = rest.find('\n').map_or(text.len(), |n| i + n);
            out.push_str(&text[i..end]);
            i = end;
        } else if rest.starts_with("(;") {
            let end = block_comment_end(text, i);
            out.push_str(&text[i..end]);
            i = end;
        } else if bytes[i] == b'"' {
            let end = string_end(bytes, i);
            out.push_str(&text[i..end]);
            i = end;
        } else if bytes[i] == b'(' {
            let word = keyword_after(text, i + 1);
            let in_try = matches!(stack.last(), Some(Open::Try { .. }));
            match word {
                "try" => {
                    stack.push(Open::Try { delegated: false });
                    out.push_str("try");
                    i += 1 + word.len();
                }
                "do" | "catch" | "catch_all" | "delegate" if in_try => {
                    if word == "delegate"
                        && let Some(Open::Try { delegated }) = stack.last_mut()
                    {
                        *delegated = true;
                    }
                    stack.push(Open::Part);
                    if word != "do" {
                        out.push_str(word);
                    }
                    i += 1 + word.len();
                }
                _ => {
                    stack.push(Open::Other);
                    out.push('(');
                    i += 1;
                }
            }
        } else if bytes[i] == b')' {
            match stack.pop() {
                Some(Open::Try { delegated: false }) => out.push_str(" end"),
                Some(Open::Try { delegated: true }) | Some(Open::Part) => {}
                Some(Open::Other) | None => out.push(')'),
            }
            i += 1;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    Cow::Owned(out)
}

/// The keyword starting at byte `at` (empty when there is none: a string, a paren...).
fn keyword_after(text: &str, at: usize) -> &str {
    let rest = &text[at.min(text.len())..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '"' || c == ';')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// One past the closing quote of the string starting at `at`.
fn string_end(bytes: &[u8], at: usize) -> usize {
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// One past the end of the (nestable) block comment starting at `at`.
fn block_comment_end(text: &str, at: usize) -> usize {
    let mut depth = 0;
    let mut i = at;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("(;") {
            depth += 1;
            i += 2;
        } else if rest.starts_with(";)") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::unfold;

    #[test]
    fn folded_try_becomes_plain() {
        let text = "(func (try $l (result i32)\n (do (call $f))\n (catch $e (i32.const 1))\n (catch_all (i32.const 2))))";
        assert_eq!(
            unfold(text),
            "(func try $l (result i32)\n  (call $f)\n catch $e (i32.const 1)\n catch_all (i32.const 2) end)"
        );
    }

    #[test]
    fn delegate_ends_the_try() {
        assert_eq!(unfold("(try (do (throw $e)) (delegate 0))"), "try  (throw $e) delegate 0");
    }

    #[test]
    fn strings_and_comments_are_untouched() {
        let text = ";; (try\n(; (try ;) \"(try (do))\" (try (do))";
        assert_eq!(unfold(text), ";; (try\n(; (try ;) \"(try (do))\" try  end");
    }
}
