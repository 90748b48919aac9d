//! Helpers shared by the integration tests: loopback addresses, sockets made with
//! `SOCK_CLOEXEC`, listeners and connected pairs, a closed port, and unique names for
//! Unix socket paths and abstract names.
//!
//! Each test binary includes this module with `mod common;`. Not the harness-less
//! `fd_leaks` and `no_alloc`: they measure the whole process and stay self-contained.
//! The submodules serve a few binaries each: [`servers`], the tests that run the
//! server examples; [`signals`], the `EINTR` tests; [`rights`], the descriptor-passing
//! tests that count the process's descriptors.
//!
//! Each helper makes only the calls its doc names (the trace tests count the lines
//! of [`tcp_socket`], for one).

// Each test binary compiles its own copy of this module and uses only some of the
// helpers; the rest would be dead code in that binary.
#![allow(dead_code)]

use std::ffi::c_int;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::AsFd;
use std::path::PathBuf;

use sockapi::*;

pub mod rights;
pub mod servers;
#[cfg(target_os = "linux")]
pub mod signals;

/// 127.0.0.1, port 0: the kernel picks the port at `bind`.
pub const V4: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
/// [::1], port 0: the kernel picks the port at `bind`.
pub const V6: SocketAddr = SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 0, 0, 0));

/// A blocking call that should return at once must not hang the test run if it
/// does not.
pub const TIMEOUT: timeval = timeval {
    tv_sec: 10,
    tv_usec: 0,
};

/// [`TIMEOUT`] as a `Duration`.
pub const TIMEOUT_DURATION: std::time::Duration = std::time::Duration::from_secs(10);

/// A name no other test binary, test or process uses:
/// `sockapi-{binary}-{pid}-{what}`. `binary` keeps the test binaries apart (they run
/// at the same time), the process id keeps runs apart, `what` keeps tests apart.
pub fn unique_name(binary: &str, what: &str) -> String {
    format!("sockapi-{binary}-{}-{what}", std::process::id())
}

/// The abstract Unix address named [`unique_name`]`(binary, what)`.
pub fn abstract_name(binary: &str, what: &str) -> SockAddr {
    SockAddr::abstract_name(unique_name(binary, what).as_bytes()).unwrap()
}

/// A directory of its own for each test's Unix socket paths, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// The directory [`unique_name`]`(binary, test)` in the system's temp dir, new and
    /// empty.
    pub fn new(binary: &str, test: &str) -> TempDir {
        let dir = std::env::temp_dir().join(unique_name(binary, test));
        // A directory left by an earlier run with the same pid would make bind fail.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn family_of(addr: &SocketAddr) -> AddressFamily {
    if addr.is_ipv4() {
        AF_INET
    } else {
        AF_INET6
    }
}

/// The port of an IPv4 or IPv6 address.
pub fn port_of(addr: &SockAddr) -> u16 {
    addr.as_socket().expect("an IP address").port()
}

/// `socket(family of ip, ty | SOCK_CLOEXEC, 0)`, and nothing else: no option is set,
/// so every option still has its default.
pub fn inet_socket(ip: SocketAddr, ty: SockType) -> Socket {
    let domain = family_of(&ip);
    socket(domain, ty | SOCK_CLOEXEC, 0)
        .unwrap_or_else(|e| panic!("socket({domain:?}, {ty:?} | SOCK_CLOEXEC): {e}"))
}

/// A TCP socket of `ip`'s family: see [`inet_socket`].
pub fn tcp_socket(ip: SocketAddr) -> Socket {
    inet_socket(ip, SOCK_STREAM)
}

/// A UDP socket of `ip`'s family: see [`inet_socket`].
pub fn udp_socket(ip: SocketAddr) -> Socket {
    inet_socket(ip, SOCK_DGRAM)
}

/// Sets `SO_RCVTIMEO` and `SO_SNDTIMEO` to [`TIMEOUT`].
pub fn set_timeouts(fd: impl AsFd) {
    setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &TIMEOUT).unwrap();
    setsockopt(&fd, SOL_SOCKET, SO_SNDTIMEO, &TIMEOUT).unwrap();
}

/// `fd` after [`set_timeouts`]: its blocking calls give up after [`TIMEOUT`].
pub fn timed<F: AsFd>(fd: F) -> F {
    set_timeouts(&fd);
    fd
}

/// A listening stream socket of `domain` bound to `addr` (backlog `SOMAXCONN`, with
/// [`set_timeouts`]), and the address it got.
pub fn listener_on<A: ToSockAddr + ?Sized>(domain: AddressFamily, addr: &A) -> (Socket, SockAddr) {
    let fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&fd, addr).unwrap();
    listen(&fd, SOMAXCONN).unwrap();
    set_timeouts(&fd);
    let local = getsockname(&fd).unwrap();
    (fd, local)
}

/// A TCP listener on `ip` (port 0 for a port the kernel picks): see [`listener_on`].
pub fn listener(ip: SocketAddr) -> (Socket, SockAddr) {
    listener_on(family_of(&ip), &ip)
}

/// A connected pair over loopback TCP, both ends with [`set_timeouts`]:
/// (client, accepted server end).
pub fn tcp_pair(ip: SocketAddr) -> (Socket, Socket) {
    let (listener, addr) = listener(ip);
    let client = tcp_socket(ip);
    connect(&client, &addr).unwrap();
    let (server, _) = accept(&listener).unwrap();
    set_timeouts(&client);
    set_timeouts(&server);
    (client, server)
}

/// A loopback address with a port nothing listens on: bound to port 0, read back,
/// then closed. Only a listener on that exact port could spoil it, and port-0 binds
/// pick ports at random.
pub fn closed_port(ip: SocketAddr) -> SockAddr {
    let fd = tcp_socket(ip);
    bind(&fd, &ip).unwrap();
    let addr = getsockname(&fd).unwrap();
    close(fd).unwrap();
    addr
}

/// A descriptor that is not a socket.
pub fn not_a_socket() -> std::fs::File {
    std::fs::File::open("/dev/null").unwrap()
}

pub fn is_nonblocking(fd: &impl AsFd) -> bool {
    fcntl(fd, F_GETFL).unwrap().contains(O_NONBLOCK)
}

pub fn is_cloexec(fd: &impl AsFd) -> bool {
    fcntl(fd, F_GETFD).unwrap().contains(FD_CLOEXEC)
}

/// `getsockopt_raw` (into 4 bytes) and `setsockopt_raw` (of the int 1) of option
/// `name` at `level` both fail with `errno`.
pub fn assert_raw_option_fails(fd: impl AsFd, level: Level, name: c_int, errno: Errno) {
    let mut buf = [0u8; 4];
    assert_eq!(
        unsafe { getsockopt_raw(&fd, level, name, &mut buf) },
        Err(errno),
        "getsockopt_raw({level:?}, {name})"
    );
    assert_eq!(
        unsafe { setsockopt_raw(&fd, level, name, &1i32.to_ne_bytes()) },
        Err(errno),
        "setsockopt_raw({level:?}, {name})"
    );
}

/// Whether `tool` (which `.ci/run` installs) can run here: `tool version_arg` starts
/// and exits 0. If it cannot, for any reason (not installed, permission denied, …),
/// the test that asked passes without running: this prints one line naming the tool
/// and how to install it, and returns `false`. With `CI` set in the environment (as
/// `.ci/run` runs), it panics instead, so CI never skips.
pub fn tool_runs(tool: &str, version_arg: &str, install: &str) -> bool {
    let why = match std::process::Command::new(tool)
        .arg(version_arg)
        .stdin(std::process::Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => return true,
        Ok(out) => format!("`{tool} {version_arg}` failed ({})", out.status),
        Err(e) => format!("`{tool}` cannot run ({e})"),
    };
    if std::env::var_os("CI").is_some() {
        panic!("{why}; CI is set, so this test does not skip: {install}");
    }
    // Straight to stderr, past libtest's capture, so the line shows in a passing run.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {why}; to run this test, {install}"
    );
    false
}

/// Runs `f` on a thread of its own moved into a new network namespace (only a `lo`,
/// down), and returns what it returned; `None` (the test passes without running)
/// where namespaces cannot be made and `CI` is unset. Nothing sent there can leave
/// the machine.
pub fn in_new_netns<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Option<R> {
    let thread = std::thread::spawn(move || {
        // SAFETY: flags only; it moves this thread alone into a new namespace.
        if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
            let e = Errno::last();
            if std::env::var_os("CI").is_some() {
                panic!("unshare(CLONE_NEWNET): {e}; CI is set, so this test does not skip");
            }
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: unshare(CLONE_NEWNET): {e}; this test needs CAP_SYS_ADMIN"
            );
            return None;
        }
        Some(f())
    });
    thread.join().unwrap()
}

// Socket-option helpers, shared by the option tests.

pub fn proc_string(path: &str) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {path}: {e}"))
        .trim()
        .to_owned()
}

pub fn proc_int(path: &str) -> c_int {
    let text = proc_string(path);
    text.parse()
        .unwrap_or_else(|e| panic!("parse {path} ({text:?}): {e}"))
}

pub fn is_root() -> bool {
    // SAFETY: geteuid takes nothing and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Sets each value and asserts what the kernel reports back.
pub fn assert_int_steps<L: Into<Level> + Copy>(
    fd: &Socket,
    level: L,
    option: SockOpt<c_int, ReadWrite>,
    steps: &[(c_int, c_int)],
) {
    for &(set, expect) in steps {
        setsockopt(fd, level, option, &set)
            .unwrap_or_else(|e| panic!("setsockopt({option:?}, {set}): {e}"));
        assert_eq!(
            getsockopt(fd, level, option),
            Ok(expect),
            "{option:?} after setting {set}"
        );
    }
}

/// Each value is refused with `EINVAL`, and the value before stays.
pub fn assert_int_rejected<L: Into<Level> + Copy>(
    fd: &Socket,
    level: L,
    option: SockOpt<c_int, ReadWrite>,
    bad: &[c_int],
) {
    let before = getsockopt(fd, level, option);
    for value in bad {
        assert_eq!(
            setsockopt(fd, level, option, value),
            Err(Errno::EINVAL),
            "{option:?} {value}"
        );
    }
    assert_eq!(getsockopt(fd, level, option), before, "{option:?} after");
}

// Sanitizer builds (`RUSTFLAGS=-Zsanitizer=address`, `build.rs` sets the cfg).

/// The sanitizer this build is instrumented with (`sockapi_sanitizer`, which
/// `build.rs` sets from `-Zsanitizer=…` in the rustc flags), or `None`.
pub const SANITIZER: Option<&str> = if cfg!(sockapi_sanitizer = "address") {
    Some("AddressSanitizer")
} else if cfg!(sockapi_sanitizer = "thread") {
    Some("ThreadSanitizer")
} else if cfg!(sockapi_sanitizer = "memory") {
    Some("MemorySanitizer")
} else if cfg!(sockapi_sanitizer = "leak") {
    Some("LeakSanitizer")
} else if cfg!(sockapi_sanitizer = "hwaddress") {
    Some("HWAddressSanitizer")
} else {
    None
};

/// Whether the test `what` must not run because this build is instrumented by a
/// sanitizer, for the reason `why`: if so it prints ONE line saying so (to stderr,
/// past libtest's capture) and returns `true`, and the test returns at once. Only for
/// what the sanitizer itself makes impossible or meaningless (a binary run under
/// valgrind, which cannot host a sanitizer's runtime), never to hide a finding.
pub fn skip_when_sanitized(what: &str, why: &str) -> bool {
    let Some(sanitizer) = SANITIZER else {
        return false;
    };
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "skipped under {sanitizer}: {what}: {why}"
    );
    true
}

/// `cmd` (a program to be run under `strace`, i.e. `ptrace`) with the sanitizer's leak
/// check off when this build is instrumented: LeakSanitizer stops the world with
/// `ptrace` at exit, which fails inside a traced process ("LeakSanitizer does not
/// work under ptrace") and turns a clean exit into status 1. The same program's leaks
/// are still checked where it runs untraced. Nothing changes in a plain build.
pub fn leak_check_off_under_ptrace(cmd: &mut std::process::Command) -> &mut std::process::Command {
    if SANITIZER.is_some() {
        let mut opts = std::env::var("ASAN_OPTIONS").unwrap_or_default();
        if !opts.is_empty() {
            opts.push(':');
        }
        opts.push_str("detect_leaks=0");
        cmd.env("ASAN_OPTIONS", opts);
    }
    cmd
}
