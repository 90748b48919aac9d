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
//!     /* IPv4 or IPv6: the address inside the sockaddr, inet_ntop into ipstr */
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
    let res = match getaddrinfo(Some(host.as_str()), None, Some(&hints)) {
        Ok(res) => res,
        Err(e) => {
            eprintln!("getaddrinfo: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("IP addresses for {host}:\n");
    for ai in &res {
        let addr = ai.ai_addr();
        let mut ipstr = [0u8; INET6_ADDRSTRLEN];
        // The address inside the sockaddr, by family, as C casts it.
        let (label, text) = if let Some(sin) = addr.as_sockaddr_in() {
            ("IPv4", inet_ntop(AF_INET, &sin.sin_addr, &mut ipstr))
        } else if let Some(sin6) = addr.as_sockaddr_in6() {
            ("IPv6", inet_ntop(AF_INET6, &sin6.sin6_addr, &mut ipstr))
        } else {
            continue;
        };
        match text {
            Ok(ip) => println!("  {label}: {ip}"),
            Err(e) => eprintln!("inet_ntop: {e}"),
        }
    }
    ExitCode::SUCCESS
}
