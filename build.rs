//! The one table from the target to the capability `cfg`s that `src/` uses.
//!
//! It reads only `CARGO_CFG_TARGET_*`: no C compiler and no rustc probing, so users of
//! the crate build it with nothing but rustc. An unknown target gets no capability,
//! which is always safe: the portable forms remain.
//!
//! Beside the table, one `cfg` that is not a capability: `sockapi_sanitizer = "…"`,
//! read from `CARGO_ENCODED_RUSTFLAGS`, for the tests that cannot run instrumented.

use std::env;

/// Every capability this script may emit, with what it means. Each is declared with
/// `cargo::rustc-check-cfg`, so a typo in `src/` is a warning, and each is used there.
const CAPABILITIES: &[(&str, &str)] = &[
    (
        "have_accept4",
        "accept4(2) and the SOCK_NONBLOCK / SOCK_CLOEXEC type flags",
    ),
    ("have_msg_nosignal", "the MSG_NOSIGNAL send flag"),
    (
        "have_linux_msg_flags",
        "Linux's own message flags (MSG_MORE, MSG_CONFIRM, MSG_ERRQUEUE, MSG_CMSG_CLOEXEC)",
    ),
    (
        "have_sin_len",
        "a length byte (sin_len, sin6_len, sun_len) leading each sockaddr",
    ),
    (
        "have_abstract_unix",
        "Linux's abstract namespace for AF_UNIX addresses",
    ),
    (
        "have_tcp_keepidle",
        "the TCP_KEEPIDLE option under that name",
    ),
    (
        "have_linux_sockopts",
        "Linux's own socket options (SO_DOMAIN, SO_PEERCRED, TCP_USER_TIMEOUT, IP_MTU, …)",
    ),
    (
        "have_linux_cmsg",
        "sendmsg/recvmsg control messages as Linux lays them out and passes descriptors",
    ),
    (
        "have_init_array",
        "ELF .init_array: code that runs as the program loads, before main",
    ),
    (
        "have_mmsg",
        "sendmmsg(2) and recvmmsg(2) with struct mmsghdr, and the MSG_WAITFORONE flag",
    ),
    (
        "have_epoll",
        "epoll(7): epoll_create1, epoll_ctl, epoll_wait and struct epoll_event",
    ),
    (
        "have_linux_errnos",
        "the errno values beyond POSIX and BSD that Linux defines",
    ),
    (
        "have_reentrant_netdb",
        "getservbyname_r, getservbyport_r, getprotobyname_r, getprotobynumber_r, \
         gethostbyname_r and gethostbyaddr_r with glibc's signatures and behaviour",
    ),
    (
        "have_ppoll",
        "ppoll(2): poll with a timespec timeout and a signal mask",
    ),
    (
        "have_tcp_info",
        "TCP_INFO with Linux's struct tcp_info and its TCP_* state numbers, and the \
         kernel's connection table (NETLINK_SOCK_DIAG, /proc/net/tcp)",
    ),
    (
        "have_pollrdhup",
        "the POLLRDHUP event (the peer shut down its writing side)",
    ),
];

/// The table: which capabilities a target has, by OS and C library (`gnu`, `musl`, …).
/// Only the reentrant netdb calls differ between Linux's C libraries, so they get
/// their own row, glibc's alone: bionic lacks `getservbyname_r`; musl lacks
/// `getprotobyname_r`/`getprotobynumber_r`, and its `getservbyname_r` points `s_proto`
/// at a literal outside the caller's buffer (which the bounds-checked reader refuses);
/// uclibc and others are not checked.
fn capabilities(os: &str, c_library: &str) -> Vec<&'static str> {
    let mut caps = by_os(os, c_library).to_vec();
    if let ("linux", "gnu") = (os, c_library) {
        caps.push("have_reentrant_netdb");
    }
    caps.extend_from_slice(poll_capabilities(os));
    caps
}

/// `<poll.h>` beyond POSIX's `poll`: Linux's `ppoll` and `POLLRDHUP` (the BSDs have
/// `ppoll` too, and can join this row once tested).
fn poll_capabilities(os: &str) -> &'static [&'static str] {
    match os {
        "linux" | "android" => &["have_ppoll", "have_pollrdhup"],
        _ => &[],
    }
}

fn by_os(os: &str, c_library: &str) -> &'static [&'static str] {
    match (os, c_library) {
        ("linux", _) | ("android", _) => &[
            "have_accept4",
            "have_msg_nosignal",
            "have_linux_msg_flags",
            "have_abstract_unix",
            "have_linux_errnos",
            "have_linux_sockopts",
            "have_linux_cmsg",
            "have_tcp_keepidle",
            "have_init_array",
            "have_mmsg",
            "have_epoll",
            "have_tcp_info",
        ],
        ("freebsd", _) => &[
            "have_accept4",
            "have_msg_nosignal",
            "have_sin_len",
            "have_tcp_keepidle",
            "have_init_array",
        ],
        ("dragonfly" | "netbsd" | "openbsd", _) => &[
            "have_accept4",
            "have_msg_nosignal",
            "have_sin_len",
            "have_init_array",
        ],
        ("illumos" | "solaris", _) => &["have_accept4", "have_msg_nosignal", "have_init_array"],
        ("macos" | "ios" | "tvos" | "watchos" | "visionos", _) => &["have_sin_len"],
        _ => &[],
    }
}

/// The sanitizers `sockapi_sanitizer = "…"` may name: set when `RUSTFLAGS` carries
/// `-Zsanitizer=NAME`. Not a capability: it tells the tests that the build is
/// instrumented, so the few that cannot run instrumented (a binary run under valgrind,
/// whose shadow memory clashes with the sanitizer's) skip themselves with one line.
/// A `cfg` from here rather than `cfg(sanitize = "…")`, which needs a nightly feature.
const SANITIZERS: &[&str] = &["address", "leak", "memory", "thread", "hwaddress"];

/// The sanitizers named by `-Zsanitizer=NAME[,NAME…]` (or `-Z sanitizer=…`) in the
/// rustc flags Cargo hands this script, `\x1f`-separated as in
/// `CARGO_ENCODED_RUSTFLAGS`. Cargo passes the flags of the target being built: with
/// `--target` given, build scripts and proc-macros themselves stay uninstrumented.
fn sanitizers(encoded_flags: &str) -> Vec<&'static str> {
    let flags: Vec<&str> = encoded_flags.split('\x1f').collect();
    let mut found = Vec::new();
    for (i, flag) in flags.iter().enumerate() {
        let value = if let Some(v) = flag.strip_prefix("-Zsanitizer=") {
            v
        } else if *flag == "-Z" {
            match flags.get(i + 1).and_then(|f| f.strip_prefix("sanitizer=")) {
                Some(v) => v,
                None => continue,
            }
        } else {
            continue;
        };
        for name in value.split(',') {
            if let Some(known) = SANITIZERS.iter().copied().find(|s| *s == name) {
                if !found.contains(&known) {
                    found.push(known);
                }
            }
        }
    }
    found
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let values: Vec<String> = SANITIZERS.iter().map(|s| format!("\"{s}\"")).collect();
    println!(
        "cargo::rustc-check-cfg=cfg(sockapi_sanitizer, values({}))",
        values.join(", ")
    );
    for name in sanitizers(&env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default()) {
        println!("cargo::rustc-cfg=sockapi_sanitizer=\"{name}\"");
    }
    for (name, _meaning) in CAPABILITIES {
        println!("cargo::rustc-check-cfg=cfg({name})");
    }
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let c_library = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    for cap in capabilities(&os, &c_library) {
        println!("cargo::rustc-cfg={cap}");
    }
}
