//! The whole telephone call of a TCP session, server and client in one process, with
//! the call trace on: `cargo run --example tour`.
//!
//! Standard output narrates each phase; standard error shows every sockets call as it
//! returns, strace-style (`socket(AF_INET, SOCK_STREAM, 0) = 3`). The two threads take
//! turns, handing a baton over channels, so the story reads in order.
//!
//! | phone call | server | client |
//! |---|---|---|
//! | look up the extension and the number | `getservbyname("http", "tcp")`, `getaddrinfo("localhost", "0", AI_PASSIVE)` | |
//! | install a phone, get a number | `socket`, `setsockopt(SO_REUSEADDR)`, `bind`, `listen` | |
//! | dial | | `socket`, `connect` |
//! | pick up | `accept` | |
//! | talk | `recv`, `send` | `send`, `recv` |
//! | say goodbye | `recv` = 0 (end-of-file) | `shutdown(SHUT_WR)` |
//! | hang up | `close` | `close` |

use std::process::ExitCode;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread;

use sockapi::*;

/// A failing call's name and its error (an `Errno`, or a `GaiError` for the lookup).
type Failure = (&'static str, String);

fn main() -> ExitCode {
    trace::enable();
    match run() {
        Ok(()) => {
            say("The call is over: both sides hung up.");
            ExitCode::SUCCESS
        }
        Err((call, e)) => {
            eprintln!("tour: {call}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One narration line, on stdout, before the calls of its phase.
fn say(line: &str) {
    println!("\n== {line}");
}

/// Turns pass between the threads as unit messages; a lost peer ends the tour.
fn wait(turn: &Receiver<()>) -> Result<(), Failure> {
    turn.recv()
        .map_err(|_| ("the other thread", "gone".to_owned()))
}

fn pass(turn: &Sender<()>) -> Result<(), Failure> {
    turn.send(())
        .map_err(|_| ("the other thread", "gone".to_owned()))
}

fn run() -> Result<(), Failure> {
    say("Directory: look up the extension of the web (getservbyname \"http\", \"tcp\").");
    match getservbyname("http", "tcp") {
        Ok(Some(se)) => say(&format!(
            "Directory: the \"{}\" service answers on port {} (s_port is htons({})).",
            se.s_name(),
            se.port(),
            ntohs(se.s_port())
        )),
        Ok(None) => say("Directory: this machine has no \"http\" in /etc/services."),
        Err(e) => return Err(("getservbyname", e.to_string())),
    }
    say("Directory: look up the number of localhost (getaddrinfo), for a server (AI_PASSIVE) on any free port (\"0\").");
    let mut hints = AddrInfoHints::default();
    hints.ai_flags = AI_PASSIVE;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    let res = getaddrinfo(Some("localhost"), Some("0"), Some(&hints))
        .map_err(|e| ("getaddrinfo", e.to_string()))?;
    let ai = res.first();
    say(&format!("Directory: localhost is {}.", ai.ai_addr()));

    say("Server: install a phone (socket), allow a quick restart (SO_REUSEADDR), get a number (bind to that address), and wait for calls (listen).");
    let server = socket(ai.ai_family(), ai.ai_socktype(), ai.ai_protocol())
        .map_err(|e| ("socket", e.to_string()))?;
    setsockopt(&server, SOL_SOCKET, SO_REUSEADDR, &1).map_err(|e| ("setsockopt", e.to_string()))?;
    bind(&server, ai).map_err(|e| ("bind", e.to_string()))?;
    listen(&server, SOMAXCONN).map_err(|e| ("listen", e.to_string()))?;
    let number = getsockname(&server).map_err(|e| ("getsockname", e.to_string()))?;
    say(&format!("Server: the number is {number}."));

    let (to_client, client_turn) = channel();
    let (to_server, server_turn) = channel();
    let client = thread::spawn(move || client(number, client_turn, to_server));

    pass(&to_client)?; // the client dials
    wait(&server_turn)?;
    say("Server: the phone rings; pick up (accept gives a new socket for this call).");
    let (call, peer) = accept(&server).map_err(|e| ("accept", e.to_string()))?;
    say(&format!("Server: the caller is {peer}."));

    pass(&to_client)?; // the client speaks
    wait(&server_turn)?;
    say("Server: listen (recv), then answer (send).");
    let mut buf = [0u8; 64];
    let n = recv(&call, &mut buf, 0).map_err(|e| ("recv", e.to_string()))?;
    say(&format!(
        "Server: heard {:?}.",
        String::from_utf8_lossy(&buf[..n])
    ));
    send(&call, b"Hello Client", 0).map_err(|e| ("send", e.to_string()))?;

    pass(&to_client)?; // the client hears the answer and says goodbye
    wait(&server_turn)?;
    say("Server: recv returns 0: the caller said goodbye (end-of-file).");
    let n = recv(&call, &mut buf, 0).map_err(|e| ("recv", e.to_string()))?;
    if n != 0 {
        return Err(("recv", format!("{n} bytes where end-of-file was expected")));
    }
    say(
        "Server: hang up this call (close), then take the phone off the wall (close the listener).",
    );
    close(call).map_err(|e| ("close", e.to_string()))?;
    close(server).map_err(|e| ("close", e.to_string()))?;

    pass(&to_client)?; // the client hangs up
    client
        .join()
        .map_err(|_| ("client thread", "panicked".to_owned()))?
}

fn client(number: SockAddr, my_turn: Receiver<()>, to_server: Sender<()>) -> Result<(), Failure> {
    wait(&my_turn)?;
    say("Client: look up the number (getaddrinfo localhost and the server's port), get a phone (socket) and dial (connect).");
    let port = number.as_socket().map_or(0, |a| a.port()).to_string();
    let mut hints = AddrInfoHints::default();
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    let res = getaddrinfo(Some("localhost"), Some(port.as_str()), Some(&hints))
        .map_err(|e| ("getaddrinfo", e.to_string()))?;
    let ai = res.first();
    let fd = socket(ai.ai_family(), ai.ai_socktype(), ai.ai_protocol())
        .map_err(|e| ("socket", e.to_string()))?;
    connect(&fd, ai).map_err(|e| ("connect", e.to_string()))?;
    pass(&to_server)?;

    wait(&my_turn)?;
    say("Client: speak (send).");
    send(&fd, b"Hello Server", 0).map_err(|e| ("send", e.to_string()))?;
    pass(&to_server)?;

    wait(&my_turn)?;
    say("Client: hear the answer (recv).");
    let mut buf = [0u8; 64];
    let n = recv(&fd, &mut buf, 0).map_err(|e| ("recv", e.to_string()))?;
    say(&format!(
        "Client: heard {:?}.",
        String::from_utf8_lossy(&buf[..n])
    ));
    say("Client: say goodbye (shutdown SHUT_WR): no more sending, the server will read end-of-file.");
    shutdown(&fd, SHUT_WR).map_err(|e| ("shutdown", e.to_string()))?;
    pass(&to_server)?;

    wait(&my_turn)?;
    say("Client: hang up (close).");
    close(fd).map_err(|e| ("close", e.to_string()))
}
