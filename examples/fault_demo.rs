//! Fault injection at work (cargo feature `fault`): `fault_demo [message]`.
//!
//! An echo server runs on its own thread (`127.0.0.1`, port 0). The main thread runs
//! the classic `tcp_echo_client` loop against it twice, each time under a fault plan
//! for its own thread only, so the server's calls stay real:
//!
//! 1. a naive client: one `send`, whose count it ignores, as many C clients do. The
//!    plan makes that `send` short (16 bytes, a real short write), so the echo comes
//!    back without the tail.
//! 2. a correct client: [`sendall`], under a plan of short sends (16 bytes, twice)
//!    and one `EINTR` before a real call. `sendall` sends the rest after each short
//!    count and retries the `EINTR`, so every byte comes back.
//!
//! Run it with `SOCKAPI_TRACE=1` to see each injected result marked:
//!
//! ```text
//! send(4, "The quick brown fox jumps over t"..., 43, 0) = 16 (injected: short)
//! send(4, "fox jumps over the lazy dog", 27, 0) = -1 EINTR (Interrupted system call) (injected)
//! send(4, "fox jumps over the lazy dog", 27, 0) = 16 (injected: short)
//! send(4, "he lazy dog", 11, 0) = 11
//! ```
//!
//! Exits 0 when the naive client lost its tail and `sendall` delivered everything.

use std::process::ExitCode;
use std::thread;

use sockapi::fault::{Plan, Rule};
use sockapi::*;

const DEFAULT_MESSAGE: &str = "The quick brown fox jumps over the lazy dog";
/// How many bytes each injected short `send` passes to the kernel.
const SHORT: usize = 16;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 1 {
        eprintln!("usage: fault_demo [message]");
        return ExitCode::from(2);
    }
    let message = args.first().map_or(DEFAULT_MESSAGE, String::as_str);
    if message.len() <= 2 * SHORT {
        eprintln!(
            "fault_demo: the message must be longer than {} bytes",
            2 * SHORT
        );
        return ExitCode::from(2);
    }
    match run(message.as_bytes()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("fault_demo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(message: &[u8]) -> Result<bool, Box<dyn std::error::Error>> {
    let listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
    bind(&listener, &std::net::SocketAddr::from(([127, 0, 0, 1], 0)))?;
    listen(&listener, SOMAXCONN)?;
    let addr = getsockname(&listener)?;
    println!("listening on {addr}");
    // Two clients, one after the other: the server echoes each until it shuts down.
    let server = thread::spawn(move || -> Result<(), Errno> {
        for _ in 0..2 {
            let (c, _peer) = accept(&listener)?;
            let mut buf = [0u8; 1024];
            loop {
                let n = recv(&c, &mut buf, 0)?;
                if n == 0 {
                    break;
                }
                sendall(&c, &buf[..n], 0).map_err(|e| e.errno())?;
            }
        }
        Ok(())
    });

    // 1. The naive client: one send, its count ignored.
    let naive = {
        let _faults = Plan::new()
            .rule(Rule::on("send").short(SHORT).times(1))
            .start()?;
        let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
        connect(&fd, &addr)?;
        let n = send(&fd, message, 0)?;
        println!("naive send: send() returned {n} of {} bytes", message.len());
        echo_back(fd)?
    };
    println!(
        "naive send: echoed {} of {} bytes: {:?}",
        naive.len(),
        message.len(),
        String::from_utf8_lossy(&naive)
    );

    // 2. The correct client: sendall, under short sends and one EINTR.
    let full = {
        let faults = Plan::new()
            .rule(Rule::on("send").eintr().after(1).times(1))
            .rule(Rule::on("send").short(SHORT).times(2))
            .start()?;
        let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
        connect(&fd, &addr)?;
        sendall(&fd, message, 0)?;
        println!(
            "sendall: {} bytes sent through {} injected faults",
            message.len(),
            faults.injected()
        );
        echo_back(fd)?
    };
    println!(
        "sendall: echoed {} of {} bytes: {:?}",
        full.len(),
        message.len(),
        String::from_utf8_lossy(&full)
    );

    match server.join() {
        Ok(result) => result?,
        Err(_) => return Err("the server thread panicked".into()),
    }
    let lost_tail = naive.len() < message.len() && message.starts_with(&naive);
    let delivered = full == message;
    println!(
        "{}",
        if lost_tail && delivered {
            "result: the naive send lost the tail; sendall delivered every byte"
        } else {
            "result: unexpected"
        }
    );
    Ok(lost_tail && delivered)
}

/// Shuts down the sending side and reads the echo until the server closes.
fn echo_back(fd: Socket) -> Result<Vec<u8>, Errno> {
    shutdown(&fd, SHUT_WR)?;
    let mut echoed = Vec::new();
    let mut buf = [0u8; 1024];
    // The server echoes at most what was sent: bounded by the message.
    for _ in 0..1024 {
        let n = recv(&fd, &mut buf, 0)?;
        if n == 0 {
            break;
        }
        echoed.extend_from_slice(&buf[..n]);
    }
    close(fd)?;
    Ok(echoed)
}
