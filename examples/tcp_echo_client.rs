//! The classic TCP echo client: `tcp_echo_client [host] [port] [message]` (default
//! `localhost 12345 'Hello Server'`).
//!
//! It looks the host up with `getaddrinfo` (a name in `/etc/hosts`, or an IPv4 or
//! IPv6 literal), connects to the first address that answers, sends the message,
//! receives up to 1024 bytes, prints `Received <text>` and closes. The C it ports,
//! call for call (under `strace` the connected descriptor sees `socket`, `connect`,
//! `sendto`, `recvfrom`, `close`):
//!
//! ```c
//! getaddrinfo(host, port, &hints, &res);          /* then, for each address: */
//! int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
//! connect(fd, ai->ai_addr, ai->ai_addrlen);
//! send(fd, msg, strlen(msg), 0);
//! ssize_t n = recv(fd, buf, 1024, 0);
//! printf("Received %.*s\n", (int)n, buf);
//! close(fd);
//! ```

use std::process::ExitCode;

use sockapi::*;

mod common;

const PROG: &str = "tcp_echo_client";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 3 {
        eprintln!("usage: tcp_echo_client [host] [port] [message]");
        return ExitCode::from(2);
    }
    let host = args.first().map_or("localhost", String::as_str);
    let port = args.get(1).map_or("12345", String::as_str);
    let message = args.get(2).map_or("Hello Server", String::as_str);
    match run(host, port, message) {
        Ok(code) | Err(code) => code,
    }
}

fn run(host: &str, port: &str, message: &str) -> Result<ExitCode, ExitCode> {
    common::check_port(PROG, port)?;
    let res = common::lookup(PROG, host, port, SOCK_STREAM, false)?;
    let (fd, _addr) = common::first_that_works(PROG, &res, |fd, addr| {
        connect(fd, addr).map_err(|e| ("connect", e))
    })?;
    match talk(fd, message) {
        Ok(reply) => {
            println!("Received {reply}");
            Ok(ExitCode::SUCCESS)
        }
        Err((call, e)) => {
            eprintln!("{PROG}: {call}: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

fn talk(fd: Socket, message: &str) -> Result<String, (&'static str, Errno)> {
    send(&fd, message.as_bytes(), 0).map_err(|e| ("send", e))?;
    let mut buf = [0u8; 1024];
    let n = recv(&fd, &mut buf, 0).map_err(|e| ("recv", e))?;
    close(fd).map_err(|e| ("close", e))?;
    Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
}
