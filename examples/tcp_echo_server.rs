//! The classic TCP echo server: `tcp_echo_server [host] [port]` (default
//! `localhost 12345`).
//!
//! It listens with `SOMAXCONN`, prints `listening on <addr>` first (port 0 picks a free
//! port, and the line shows which), then takes connections one after another: for
//! each, it receives up to 1024 bytes, sends them back and closes. The C it ports:
//!
//! ```c
//! int fd = socket(AF_INET, SOCK_STREAM, 0);
//! setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
//! bind(fd, (struct sockaddr *)&addr, sizeof addr);
//! listen(fd, SOMAXCONN);
//! for (;;) {
//!     int c = accept(fd, NULL, NULL);
//!     ssize_t n = recv(c, buf, 1024, 0);
//!     send(c, buf, n, 0);
//!     close(c);
//! }
//! ```

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use sockapi::*;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let host = args.first().map_or("localhost", String::as_str);
    let port = args.get(1).map_or("12345", String::as_str);
    let addr = match parse_addr(host, port) {
        Some(addr) => addr,
        None => {
            eprintln!("usage: tcp_echo_server [host] [port]  (host: an IP address or localhost)");
            return ExitCode::from(2);
        }
    };
    match serve(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err((call, e)) => {
            eprintln!("tcp_echo_server: {call}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// An IP literal, or `localhost` as 127.0.0.1 (the examples resolve names through
/// `getaddrinfo` once the crate has it).
fn parse_addr(host: &str, port: &str) -> Option<SocketAddr> {
    let ip = match host {
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        _ => host.parse().ok()?,
    };
    Some(SocketAddr::new(ip, port.parse().ok()?))
}

/// The failing call's name with its `Errno`.
type Failure = (&'static str, Errno);

fn serve(addr: SocketAddr) -> Result<(), Failure> {
    let domain = if addr.is_ipv4() { AF_INET } else { AF_INET6 };
    let fd = socket(domain, SOCK_STREAM, 0).map_err(|e| ("socket", e))?;
    setsockopt(&fd, SOL_SOCKET, SO_REUSEADDR, &1).map_err(|e| ("setsockopt", e))?;
    bind(&fd, &addr).map_err(|e| ("bind", e))?;
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
