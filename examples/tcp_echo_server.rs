//! The classic TCP echo server: `tcp_echo_server [host] [port]` (default
//! `localhost 12345`).
//!
//! It looks the host up with `getaddrinfo` (`AI_PASSIVE`; a name in `/etc/hosts`,
//! or an IPv4 or IPv6 literal), binds the first address that takes it, listens with
//! `SOMAXCONN`, prints `listening on <addr>` first (port 0 picks a free
//! port, and the line shows which), then takes connections one after another: for
//! each, it receives up to 1024 bytes, sends them back and closes. The C it ports:
//!
//! ```c
//! getaddrinfo(host, port, &hints, &res);          /* then, for each address: */
//! int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
//! setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
//! bind(fd, ai->ai_addr, ai->ai_addrlen);
//! listen(fd, SOMAXCONN);
//! for (;;) {
//!     int c = accept(fd, NULL, NULL);
//!     ssize_t n = recv(c, buf, 1024, 0);
//!     send(c, buf, n, 0);
//!     close(c);
//! }
//! ```

use std::process::ExitCode;

use sockapi::*;

mod common;

const PROG: &str = "tcp_echo_server";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 2 {
        eprintln!("usage: tcp_echo_server [host] [port]");
        return ExitCode::from(2);
    }
    let host = args.first().map_or("localhost", String::as_str);
    let port = args.get(1).map_or("12345", String::as_str);
    match run(host, port) {
        Ok(code) | Err(code) => code,
    }
}

fn run(host: &str, port: &str) -> Result<ExitCode, ExitCode> {
    common::check_port(PROG, port)?;
    let res = common::lookup(PROG, host, port, SOCK_STREAM, true)?;
    let (fd, _addr) = common::first_that_works(PROG, &res, |fd, addr| {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &1).map_err(|e| ("setsockopt", e))?;
        bind(fd, addr).map_err(|e| ("bind", e))
    })?;
    drop(res);
    match serve(fd) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err((call, e)) => {
            eprintln!("{PROG}: {call}: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// The failing call's name with its `Errno`.
type Failure = (&'static str, Errno);

fn serve(fd: Socket) -> Result<(), Failure> {
    listen(&fd, SOMAXCONN).map_err(|e| ("listen", e))?;
    let local = getsockname(&fd).map_err(|e| ("getsockname", e))?;
    println!("listening on {local}");

    loop {
        let (conn, peer) = match accept(&fd) {
            Ok(pair) => pair,
            // The client gave up before we took it, or a signal came: take the next one.
            Err(Errno::ECONNABORTED | Errno::EINTR) => continue,
            Err(e) => return Err(("accept", e)),
        };
        if let Err((call, e)) = echo_once(&conn) {
            eprintln!("tcp_echo_server: {peer}: {call}: {e}");
        }
        if let Err(e) = close(conn) {
            eprintln!("tcp_echo_server: {peer}: close: {e}");
        }
    }
}

/// Receives up to 1024 bytes and sends them all back.
fn echo_once(conn: &Socket) -> Result<(), Failure> {
    let mut buf = [0u8; 1024];
    let n = recv(conn, &mut buf, 0).map_err(|e| ("recv", e))?;
    let mut sent = 0;
    while sent < n {
        sent += send(conn, &buf[sent..n], 0).map_err(|e| ("send", e))?;
    }
    Ok(())
}
