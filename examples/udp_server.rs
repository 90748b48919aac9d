//! The classic UDP echo server: `udp_server [host] [port]` (default `localhost 12345`).
//!
//! It looks the host up with `getaddrinfo` (`AI_PASSIVE`; a name in `/etc/hosts`, or
//! an IPv4 or IPv6 literal), binds the first address that takes it, prints `listening on <addr>` first (port 0 picks a free port, and the
//! line shows which), then loops: each datagram that arrives goes back to its sender,
//! byte for byte, up to the 65,507 bytes a UDP datagram over IPv4 can carry (65,527
//! over IPv6). A failed receive or send is reported on stderr and the loop goes on:
//! one bad datagram or one unreachable sender does not stop the service. The C it
//! ports:
//!
//! ```c
//! getaddrinfo(host, port, &hints, &res);          /* then, for each address: */
//! int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
//! bind(fd, ai->ai_addr, ai->ai_addrlen);
//! for (;;) {
//!     struct sockaddr_storage peer;
//!     socklen_t len = sizeof peer;
//!     ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
//!     sendto(fd, buf, n, 0, (struct sockaddr *)&peer, len);
//! }
//! ```

use std::process::ExitCode;

use sockapi::*;

mod common;

/// Room for the largest UDP datagram (65,535 bytes less the 8-byte UDP header, and
/// less the 20-byte IPv4 header: 65,507; IPv6's 40-byte header sits outside its
/// payload length, so 65,527 there). One buffer, reused for every datagram.
const BUF_LEN: usize = 65_536;

const PROG: &str = "udp_server";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 2 {
        eprintln!("usage: udp_server [host] [port]");
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
    let res = common::lookup(PROG, host, port, SOCK_DGRAM, true)?;
    let (fd, _addr) = common::first_that_works(PROG, &res, |fd, addr| {
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
    let local = getsockname(&fd).map_err(|e| ("getsockname", e))?;
    println!("listening on {local}");

    let mut buf = [0u8; BUF_LEN];
    loop {
        let (n, peer) = match recvfrom(&fd, &mut buf, 0) {
            Ok(got) => got,
            // A signal came: wait again.
            Err(Errno::EINTR) => continue,
            // The socket is unusable: nothing more will arrive.
            Err(e @ (Errno::EBADF | Errno::ENOTSOCK | Errno::EINVAL)) => {
                return Err(("recvfrom", e))
            }
            Err(e) => {
                eprintln!("udp_server: recvfrom: {e}");
                continue;
            }
        };
        // One datagram in, the same datagram out; a failure concerns that sender only.
        if let Err(e) = sendto(&fd, &buf[..n], 0, &peer) {
            eprintln!("udp_server: {peer}: sendto: {e}");
        }
    }
}
