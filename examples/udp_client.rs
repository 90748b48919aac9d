//! The classic UDP client: `udp_client [host] [port] [message] [timeout-seconds]`
//! (default `localhost 12345 'Hello Server' 2`).
//!
//! It looks the host up with `getaddrinfo` (a name in `/etc/hosts`, or an IPv4 or
//! IPv6 literal) and takes the first address a socket can be made for; then it sends
//! the message in one datagram with `sendto`, waits for one datagram back
//! with `recvfrom`, at most `timeout-seconds` (`SO_RCVTIMEO`), prints
//! `Received <text>` and closes. UDP does not promise delivery: when nothing comes
//! back within the timeout (the server is down, or the datagram or its answer was
//! lost), it says so and exits with status 1. The C it ports:
//!
//! ```c
//! getaddrinfo(host, port, &hints, &res);
//! int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
//! struct timeval tv = { .tv_sec = 2 };
//! setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
//! sendto(fd, msg, strlen(msg), 0, ai->ai_addr, ai->ai_addrlen);
//! ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
//! if (n < 0) {
//!     if (errno == EAGAIN)
//!         fprintf(stderr, "no reply within 2 s\n");
//!     else
//!         perror("recvfrom");
//!     return 1;
//! }
//! printf("Received %.*s\n", (int)n, buf);
//! close(fd);
//! ```
//!
//! As in C, the reply is taken from whoever sends it: an unconnected UDP socket
//! accepts datagrams from any address (`connect` would filter them, at the price of
//! the classic flow).

use std::process::ExitCode;

use sockapi::*;

mod common;

const PROG: &str = "udp_client";

/// Room for the largest UDP datagram.
const BUF_LEN: usize = 65_536;

const USAGE: &str = "usage: udp_client [host] [port] [message] [timeout-seconds]  \
    (timeout: whole seconds, at least 1)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 4 {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let host = args.first().map_or("localhost", String::as_str);
    let port = args.get(1).map_or("12345", String::as_str);
    let message = args.get(2).map_or("Hello Server", String::as_str);
    let timeout = args.get(3).map_or("2", String::as_str);
    let Some(timeout) = parse_timeout(timeout) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match run(host, port, message, timeout) {
        Ok(code) | Err(code) => code,
    }
}

fn run(host: &str, port: &str, message: &str, timeout: u32) -> Result<ExitCode, ExitCode> {
    common::check_port(PROG, port)?;
    let res = common::lookup(PROG, host, port, SOCK_DGRAM, false)?;
    // A datagram socket needs no connect: the first address a socket is made for.
    let (fd, addr) = common::first_that_works(PROG, &res, |_, _| Ok(()))?;
    match talk(fd, &addr, message, timeout) {
        Ok(reply) => {
            println!("Received {reply}");
            Ok(ExitCode::SUCCESS)
        }
        Err(Failure::NoReply) => {
            eprintln!(
                "{PROG}: no reply from {addr} within {timeout} s \
                 (UDP does not promise delivery)"
            );
            Err(ExitCode::FAILURE)
        }
        Err(Failure::Call(call, e)) => {
            eprintln!("{PROG}: {call}: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// Whole seconds, at least 1 (a zero `SO_RCVTIMEO` would mean: wait forever).
fn parse_timeout(seconds: &str) -> Option<u32> {
    seconds.parse().ok().filter(|&s| s >= 1)
}

enum Failure {
    /// The wait for the reply timed out.
    NoReply,
    /// A call failed: its name and `Errno`.
    Call(&'static str, Errno),
}

fn call(name: &'static str) -> impl FnOnce(Errno) -> Failure {
    move |e| Failure::Call(name, e)
}

fn talk(fd: Socket, addr: &SockAddr, message: &str, timeout: u32) -> Result<String, Failure> {
    let tv = timeval {
        tv_sec: timeout.into(),
        tv_usec: 0,
    };
    setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &tv).map_err(call("setsockopt"))?;
    sendto(&fd, message.as_bytes(), 0, addr).map_err(call("sendto"))?;
    let mut buf = [0u8; BUF_LEN];
    let n = match recvfrom(&fd, &mut buf, 0) {
        Ok((n, _peer)) => n,
        // `SO_RCVTIMEO` ran out: Linux reports it as EAGAIN (EWOULDBLOCK).
        Err(Errno::EAGAIN) => return Err(Failure::NoReply),
        Err(e) => return Err(Failure::Call("recvfrom", e)),
    };
    close(fd).map_err(call("close"))?;
    Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
}
