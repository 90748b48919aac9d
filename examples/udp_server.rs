//! The classic UDP echo server: `udp_server [host] [port]` (default `localhost 12345`).
//!
//! It binds, prints `listening on <addr>` first (port 0 picks a free port, and the
//! line shows which), then loops: each datagram that arrives goes back to its sender,
//! byte for byte, up to the 65,507 bytes a UDP datagram over IPv4 can carry (65,527
//! over IPv6). A failed receive or send is reported on stderr and the loop goes on:
//! one bad datagram or one unreachable sender does not stop the service. The C it
//! ports:
//!
//! ```c
//! int fd = socket(AF_INET, SOCK_DGRAM, 0);
//! bind(fd, (struct sockaddr *)&addr, sizeof addr);
//! for (;;) {
//!     struct sockaddr_storage peer;
//!     socklen_t len = sizeof peer;
//!     ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
//!     sendto(fd, buf, n, 0, (struct sockaddr *)&peer, len);
//! }
//! ```

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use sockapi::*;

/// Room for the largest UDP datagram (65,535 bytes less the 8-byte UDP header, and
/// less the 20-byte IPv4 header: 65,507; IPv6's 40-byte header sits outside its
/// payload length, so 65,527 there). One buffer, reused for every datagram.
const BUF_LEN: usize = 65_536;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let host = args.first().map_or("localhost", String::as_str);
    let port = args.get(1).map_or("12345", String::as_str);
    let addr = match parse_addr(host, port) {
        Some(addr) => addr,
        None => {
            eprintln!("usage: udp_server [host] [port]  (host: an IP address or localhost)");
            return ExitCode::from(2);
        }
    };
    match serve(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err((call, e)) => {
            eprintln!("udp_server: {call}: {e}");
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
    let fd = socket(domain, SOCK_DGRAM, 0).map_err(|e| ("socket", e))?;
    bind(&fd, &addr).map_err(|e| ("bind", e))?;
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
