//! The classic TCP echo client: `tcp_echo_client [host] [port] [message]` (default
//! `localhost 12345 'Hello Server'`).
//!
//! It connects, sends the message, receives up to 1024 bytes, prints
//! `Received <text>` and closes. The C it ports, call for call (under `strace` the
//! connected descriptor sees `socket`, `connect`, `sendto`, `recvfrom`, `close`):
//!
//! ```c
//! int fd = socket(AF_INET, SOCK_STREAM, 0);
//! connect(fd, (struct sockaddr *)&addr, sizeof addr);
//! send(fd, msg, strlen(msg), 0);
//! ssize_t n = recv(fd, buf, 1024, 0);
//! printf("Received %.*s\n", (int)n, buf);
//! close(fd);
//! ```

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use sockapi::*;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let host = args.first().map_or("localhost", String::as_str);
    let port = args.get(1).map_or("12345", String::as_str);
    let message = args.get(2).map_or("Hello Server", String::as_str);
    let addr = match parse_addr(host, port) {
        Some(addr) => addr,
        None => {
            eprintln!("usage: tcp_echo_client [host] [port] [message]  (host: an IP address or localhost)");
            return ExitCode::from(2);
        }
    };
    match talk(addr, message) {
        Ok(reply) => {
            println!("Received {reply}");
            ExitCode::SUCCESS
        }
        Err((call, e)) => {
            eprintln!("tcp_echo_client: {call}: {e}");
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

fn talk(addr: SocketAddr, message: &str) -> Result<String, (&'static str, Errno)> {
    let domain = if addr.is_ipv4() { AF_INET } else { AF_INET6 };
    let fd = socket(domain, SOCK_STREAM, 0).map_err(|e| ("socket", e))?;
    connect(&fd, &addr).map_err(|e| ("connect", e))?;
    send(&fd, message.as_bytes(), 0).map_err(|e| ("send", e))?;
    let mut buf = [0u8; 1024];
    let n = recv(&fd, &mut buf, 0).map_err(|e| ("recv", e))?;
    close(fd).map_err(|e| ("close", e))?;
    Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
}
