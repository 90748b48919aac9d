//! The classic teaching program: `showip <host>` prints every address `getaddrinfo`
//! returns for the host, IPv4 and IPv6 alike, labelled by family.
//!
//! ```text
//! $ showip localhost
//! IP addresses for localhost:
//!
//!   IPv4: 127.0.0.1
//! ```
//!
//! The C it ports:
//!
//! ```c
//! memset(&hints, 0, sizeof hints);
//! hints.ai_family = AF_UNSPEC;
//! hints.ai_socktype = SOCK_STREAM;
//! if ((status = getaddrinfo(argv[1], NULL, &hints, &res)) != 0) {
//!     fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(status));
//!     return 1;
//! }
//! for (p = res; p != NULL; p = p->ai_next) {
//!     /* IPv4 or IPv6: inet_ntop into ipstr */
//!     printf("  %s: %s\n", p->ai_family == AF_INET ? "IPv4" : "IPv6", ipstr);
//! }
//! freeaddrinfo(res);
//! ```
//!
//! A missing argument prints the usage and exits 2; a name that cannot be resolved
//! prints the `gai_strerror` text and exits 1.

use std::process::ExitCode;

use sockapi::*;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [host] = args.as_slice() else {
        eprintln!("usage: showip <host>");
        return ExitCode::from(2);
    };
    let mut hints = AddrInfoHints::default();
    hints.ai_family = AF_UNSPEC; // IPv4 or IPv6
    hints.ai_socktype = SOCK_STREAM; // one entry per address
    let res = match getaddrinfo(Some(host), None, Some(&hints)) {
        Ok(res) => res,
        Err(e) => {
            eprintln!("getaddrinfo: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("IP addresses for {host}:\n");
    for ai in &res {
        let addr = ai.ai_addr();
        let (label, ip) = match addr.as_socket() {
            Some(std::net::SocketAddr::V4(v4)) => ("IPv4", v4.ip().to_string()),
            Some(std::net::SocketAddr::V6(v6)) => ("IPv6", v6.ip().to_string()),
            None => ("other", format!("{addr:?}")),
        };
        println!("  {label}: {ip}");
    }
    ExitCode::SUCCESS
}
