//! The classic HTTP client of the telephone-call lesson: `http_get <host> [port]
//! [path]` (port: from `getservbyname("http", "tcp")`, 80; path: `/`).
//!
//! Look up the extension (`getservbyname`), then the number (`getaddrinfo`); dial each
//! address until one answers (`socket`, `connect`); ask (`GET <path> HTTP/1.0` with a
//! `Host` header); listen until the other side hangs up (`recv` until 0, end-of-file);
//! hang up (`close`). The response goes to stdout as it came. The C it ports:
//!
//! ```c
//! struct servent *se = getservbyname("http", "tcp");     /* se->s_port: htons(80) */
//! getaddrinfo(host, port, &hints, &res);
//! for (ai = res; ai; ai = ai->ai_next) {
//!     fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
//!     if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
//!     close(fd);
//! }
//! send(fd, request, strlen(request), 0);
//! while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
//!     fwrite(buf, 1, n, stdout);
//! close(fd);
//! ```
//!
//! A refused connection names the address and says so
//! (`http_get: 127.0.0.1:80: connect: ECONNREFUSED (Connection refused)`); a bad
//! port or a missing host exits 2.

use std::io::Write as _;
use std::process::ExitCode;

use sockapi::*;

mod common;

const PROG: &str = "http_get";
const USAGE: &str = "usage: http_get <host> [port] [path]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.len() > 3 {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let host = args[0].as_str();
    let path = args.get(2).map_or("/", String::as_str);
    match run(host, args.get(1).map(String::as_str), path) {
        Ok(code) | Err(code) => code,
    }
}

/// The port as given, or the `http` service's from `/etc/services`.
fn http_port(port: Option<&str>) -> Result<String, ExitCode> {
    if let Some(port) = port {
        common::check_port(PROG, port)?;
        return Ok(port.to_owned());
    }
    match getservbyname("http", "tcp") {
        Ok(Some(se)) => Ok(se.port().to_string()),
        Ok(None) => {
            eprintln!(
                "{PROG}: getservbyname: no \"http\" service for tcp (is /etc/services there?)"
            );
            Err(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("{PROG}: getservbyname: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

fn run(host: &str, port: Option<&str>, path: &str) -> Result<ExitCode, ExitCode> {
    let port = http_port(port)?;
    let res = common::lookup(PROG, host, &port, SOCK_STREAM, false)?;
    let (fd, addr) = common::first_that_works(PROG, &res, |fd, addr| {
        connect(fd, addr).map_err(|e| ("connect", e))
    })?;
    drop(res);
    let request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n");
    match get(fd, request.as_bytes()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err((call, e)) => {
            eprintln!("{PROG}: {addr}: {call}: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// Sends the whole request, then copies the response to stdout until end-of-file.
fn get(fd: Socket, request: &[u8]) -> Result<(), (&'static str, Errno)> {
    let mut sent = 0;
    while sent < request.len() {
        match send(&fd, &request[sent..], 0) {
            Ok(n) => sent += n,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(("send", e)),
        }
    }
    let mut out = std::io::stdout().lock();
    let mut buf = [0u8; 4096];
    loop {
        let n = match recv(&fd, &mut buf, 0) {
            Ok(0) => break,
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(("recv", e)),
        };
        out.write_all(&buf[..n])
            .map_err(|_| ("write", Errno::EIO))?;
    }
    out.flush().map_err(|_| ("write", Errno::EIO))?;
    close(fd).map_err(|e| ("close", e))
}
