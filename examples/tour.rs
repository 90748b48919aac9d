//! The whole telephone call of a TCP session, server and client in one process, with
//! the call trace on: `cargo run --example tour`.
//!
//! Standard output narrates each phase; standard error shows every sockets call as it
//! returns, strace-style (`socket(AF_INET, SOCK_STREAM, 0) = 3`). The two threads take
//! turns, handing a baton over channels, so the story reads in order.
//!
//! | phone call | server | client |
//! |---|---|---|
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

/// A failing call's name and its `Errno`.
type Failure = (&'static str, Errno);

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
    turn.recv().map_err(|_| ("the other thread", Errno::EPIPE))
}

fn pass(turn: &Sender<()>) -> Result<(), Failure> {
    turn.send(())
        .map_err(|_| ("the other thread", Errno::EPIPE))
}

fn run() -> Result<(), Failure> {
    say("Server: install a phone (socket), allow a quick restart (SO_REUSEADDR), get a number (bind to 127.0.0.1, port 0), and wait for calls (listen).");
    let server = socket(AF_INET, SOCK_STREAM, 0).map_err(|e| ("socket", e))?;
    setsockopt(&server, SOL_SOCKET, SO_REUSEADDR, &1).map_err(|e| ("setsockopt", e))?;
    let any_port: SockAddr = std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into();
    bind(&server, &any_port).map_err(|e| ("bind", e))?;
    listen(&server, SOMAXCONN).map_err(|e| ("listen", e))?;
    let number = getsockname(&server).map_err(|e| ("getsockname", e))?;
    say(&format!("Server: the number is {number}."));

    let (to_client, client_turn) = channel();
    let (to_server, server_turn) = channel();
    let client = thread::spawn(move || client(number, client_turn, to_server));

    pass(&to_client)?; // the client dials
    wait(&server_turn)?;
    say("Server: the phone rings; pick up (accept gives a new socket for this call).");
    let (call, peer) = accept(&server).map_err(|e| ("accept", e))?;
    say(&format!("Server: the caller is {peer}."));

    pass(&to_client)?; // the client speaks
    wait(&server_turn)?;
    say("Server: listen (recv), then answer (send).");
    let mut buf = [0u8; 64];
    let n = recv(&call, &mut buf, 0).map_err(|e| ("recv", e))?;
    say(&format!(
        "Server: heard {:?}.",
        String::from_utf8_lossy(&buf[..n])
    ));
    send(&call, b"Hello Client", 0).map_err(|e| ("send", e))?;

    pass(&to_client)?; // the client hears the answer and says goodbye
    wait(&server_turn)?;
    say("Server: recv returns 0: the caller said goodbye (end-of-file).");
    let n = recv(&call, &mut buf, 0).map_err(|e| ("recv", e))?;
    if n != 0 {
        return Err(("recv (expected end-of-file)", Errno::EPROTO));
    }
    say(
        "Server: hang up this call (close), then take the phone off the wall (close the listener).",
    );
    close(call).map_err(|e| ("close", e))?;
    close(server).map_err(|e| ("close", e))?;

    pass(&to_client)?; // the client hangs up
    client.join().map_err(|_| ("client thread", Errno::EPIPE))?
}

fn client(number: SockAddr, my_turn: Receiver<()>, to_server: Sender<()>) -> Result<(), Failure> {
    wait(&my_turn)?;
    say("Client: get a phone (socket) and dial the number (connect).");
    let fd = socket(AF_INET, SOCK_STREAM, 0).map_err(|e| ("socket", e))?;
    connect(&fd, &number).map_err(|e| ("connect", e))?;
    pass(&to_server)?;

    wait(&my_turn)?;
    say("Client: speak (send).");
    send(&fd, b"Hello Server", 0).map_err(|e| ("send", e))?;
    pass(&to_server)?;

    wait(&my_turn)?;
    say("Client: hear the answer (recv).");
    let mut buf = [0u8; 64];
    let n = recv(&fd, &mut buf, 0).map_err(|e| ("recv", e))?;
    say(&format!(
        "Client: heard {:?}.",
        String::from_utf8_lossy(&buf[..n])
    ));
    say("Client: say goodbye (shutdown SHUT_WR): no more sending, the server will read end-of-file.");
    shutdown(&fd, SHUT_WR).map_err(|e| ("shutdown", e))?;
    pass(&to_server)?;

    wait(&my_turn)?;
    say("Client: hang up (close).");
    close(fd).map_err(|e| ("close", e))
}
