//! Checks the machine code of this very build: every threaded handler must end by jumping to the
//! next one. A handler that *calls* through a register instead leaves a native frame behind each
//! time it runs, and a long-running guest would overflow the host stack. (The executor also
//! probes for this at run time and falls back to a loop, but the probe runs a sample of shapes;
//! this looks at all of them.)

use std::process::Command;

#[test]
fn threaded_handlers_never_call_their_successor() {
    let exe = std::env::current_exe().unwrap();
    let output = match Command::new("objdump").args(["-d", "--no-show-raw-insn"]).arg(&exe).output()
    {
        Ok(o) if o.status.success() => o,
        _ => {
            eprintln!("skipped: objdump is not available to disassemble {}", exe.display());
            return;
        }
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let mut current = String::new();
    let mut handlers = 0;
    let mut offenders = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_suffix(">:").and_then(|l| l.split_once(" <")).map(|(_, n)| n)
        {
            current = name.to_string();
            if current.contains("interp4exec8threaded") {
                handlers += 1;
            }
            continue;
        }
        let in_handler =
            current.contains("interp4exec8threaded") && !current.contains("probe_constant_stack");
        // `call *%reg` or `call *off(%reg)`: an indirect call that is not through the GOT.
        let indirect = line.contains("\tcall") && line.contains('*') && !line.contains("(%rip)");
        if in_handler && indirect && !offenders.contains(&current) {
            offenders.push(current.clone());
        }
    }
    if handlers == 0 {
        eprintln!("skipped: no threaded handler symbols found (stripped or another target)");
        return;
    }
    assert!(offenders.is_empty(), "handlers that call instead of jump: {offenders:#?}");
}
