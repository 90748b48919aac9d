//! What the examples that take a host share: the port check, the `getaddrinfo`
//! lookup, and C's loop over the addresses it returns. (Not an example itself: cargo
//! builds only `examples/*.rs` and `examples/*/main.rs`.)
//!
//! The loop is the one every C sockets program writes:
//!
//! ```c
//! for (ai = res; ai != NULL; ai = ai->ai_next) {
//!     fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
//!     if (fd == -1) continue;
//!     if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;   /* or bind */
//!     close(fd);
//! }
//! ```

use std::process::ExitCode;

use sockapi::*;

/// `port` as a number from 0 to 65535, checked before the lookup: `getaddrinfo`
/// takes `99999` modulo 65536 (port 34463) and calls `notaport` a socket-type
/// problem. A bad one prints a message naming it; the caller exits with status 2.
pub fn check_port(prog: &str, port: &str) -> Result<u16, ExitCode> {
    port.parse::<u16>().map_err(|_| {
        eprintln!("{prog}: bad port {port:?}: a number from 0 to 65535");
        ExitCode::from(2)
    })
}

/// `getaddrinfo(host, port, hints)` for sockets of type `ty`, any family; `passive`
/// for a server (`AI_PASSIVE`). A failed lookup prints the host and the
/// `gai_strerror` text.
pub fn lookup(
    prog: &str,
    host: &str,
    port: &str,
    ty: SockType,
    passive: bool,
) -> Result<AddrInfoList, ExitCode> {
    let mut hints = AddrInfoHints::default();
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = ty;
    if passive {
        hints.ai_flags = AI_PASSIVE;
    }
    getaddrinfo(Some(host), Some(port), Some(&hints)).map_err(|e| {
        eprintln!("{prog}: {host}: {e}");
        ExitCode::FAILURE
    })
}

/// C's loop: for each address, `socket`, then `attempt` (`connect`, or `bind` with
/// what comes before it); the first that works gives its socket and address. When
/// every address fails, the message names the last one, its call and its errno
/// (`127.0.0.1:5: connect: ECONNREFUSED (Connection refused)`).
pub fn first_that_works(
    prog: &str,
    res: &AddrInfoList,
    mut attempt: impl FnMut(&Socket, &SockAddr) -> Result<(), (&'static str, Errno)>,
) -> Result<(Socket, SockAddr), ExitCode> {
    let mut last = None;
    for ai in res {
        let addr = ai.ai_addr();
        let fd = match socket(ai.ai_family(), ai.ai_socktype(), ai.ai_protocol()) {
            Ok(fd) => fd,
            Err(e) => {
                last = Some((addr, "socket", e));
                continue;
            }
        };
        match attempt(&fd, &addr) {
            Ok(()) => return Ok((fd, addr)),
            Err((call, e)) => last = Some((addr, call, e)),
        }
    }
    if let Some((addr, call, e)) = last {
        eprintln!("{prog}: {addr}: {call}: {e}");
    }
    Err(ExitCode::FAILURE)
}
