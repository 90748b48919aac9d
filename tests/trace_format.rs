//! The call trace: when it is on and off, and the exact line each call prints.
//!
//! The trace writes straight to the process's stderr descriptor, past the test
//! harness's capture, and its on/off state is process-wide. So each test re-runs this
//! test binary as a child (`current_exe() --exact NAME`, with `SOCKAPI_TRACE_CHILD=NAME`)
//! in which the same test function performs its scenario; the parent reads the child's
//! stderr. The child also prints, on stdout, each line it expects to see, with the
//! descriptor numbers and ports it got filled into the formats written here.
#![cfg(feature = "trace")]

use std::ffi::c_int;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, RawFd};
use std::process::Command;
use std::sync::{Arc, Barrier};

use sockapi::*;

mod common;
use common::{port_of, tcp_socket, unique_name, TempDir, V4};

/// The prefix of this binary's temp dirs and abstract names.
const BIN: &str = "trace";

const SCENARIO_VAR: &str = "SOCKAPI_TRACE_CHILD";
const EXPECT_TAG: &str = "<<trace-expect>> ";
const DONE_TAG: &str = "<<scenario-done>>";

/// What the parent puts in the child's `SOCKAPI_TRACE`.
#[derive(Clone, Copy, Debug)]
enum TraceEnv {
    Unset,
    Set(&'static str),
}

/// The calls whose lines the trace prints.
const CALLS: &[&str] = &[
    "socket",
    "socketpair",
    "bind",
    "listen",
    "accept",
    "accept4",
    "connect",
    "send",
    "recv",
    "shutdown",
    "close",
    "getsockname",
    "getpeername",
    "setsockopt",
    "getsockopt",
    "fcntl",
];

/// Whether this process is the child started for scenario `name`.
fn is_child(name: &str) -> bool {
    std::env::var(SCENARIO_VAR).as_deref() == Ok(name)
}

/// Child side: a line the trace must print next.
fn expect(line: String) {
    println!("{EXPECT_TAG}{line}");
}

/// Child side: the scenario ran to its end (so an empty trace is not a skipped test).
fn done() {
    println!("{DONE_TAG}");
}

struct ChildRun {
    expected: Vec<String>,
    stderr: String,
}

impl ChildRun {
    /// The stderr lines that look like trace lines (`name(` for a known call), so
    /// anything else the harness might print is left out.
    fn trace_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|line| {
                CALLS.iter().any(|call| {
                    line.strip_prefix(call)
                        .is_some_and(|rest| rest.starts_with('('))
                })
            })
            .collect()
    }

    /// The trace is exactly the expected lines, in order.
    fn assert_trace_is_expected(&self) {
        assert!(
            !self.expected.is_empty(),
            "the scenario expected no line; use assert_no_trace"
        );
        assert_eq!(
            self.trace_lines(),
            self.expected,
            "\n--- child stderr ---\n{}",
            self.stderr
        );
    }

    fn assert_no_trace(&self) {
        assert_eq!(
            self.trace_lines(),
            Vec::<&str>::new(),
            "\n--- child stderr ---\n{}",
            self.stderr
        );
    }
}

/// Parent side: runs test `name` alone in a child process and collects its output.
fn run_child(name: &str, env: TraceEnv) -> ChildRun {
    let exe = std::env::current_exe().expect("current_exe");
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(SCENARIO_VAR, name);
    match env {
        TraceEnv::Unset => cmd.env_remove("SOCKAPI_TRACE"),
        TraceEnv::Set(value) => cmd.env("SOCKAPI_TRACE", value),
    };
    let out = cmd.output().expect("run the test binary as a child");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8(out.stderr).expect("trace lines are UTF-8");
    assert!(
        out.status.success(),
        "child {name} ({env:?}) failed: {}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        out.status
    );
    // libtest may print "test NAME ... " on the same line before the child's output.
    assert!(
        stdout.lines().any(|l| l.ends_with(DONE_TAG)),
        "child {name} did not run its scenario:\n{stdout}"
    );
    let expected = stdout
        .lines()
        .filter_map(|l| {
            l.find(EXPECT_TAG)
                .map(|i| l[i + EXPECT_TAG.len()..].to_owned())
        })
        .collect();
    ChildRun { expected, stderr }
}

/// Whether `line` is `pattern` with each `{n}` standing for one or more digits.
fn matches_pattern(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split("{n}");
    let Some(first) = parts.next() else {
        return line.is_empty();
    };
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    for literal in parts {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        match rest.strip_prefix(literal) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    rest.is_empty()
}

fn v4(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Child side: a new IPv4 TCP socket (`common::tcp_socket`, a single `socket` call),
/// its descriptor, and the line that call must print.
fn traced_tcp() -> (Socket, RawFd) {
    let s = tcp_socket(V4);
    let fd = s.as_raw_fd();
    expect(format!(
        "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = {fd}"
    ));
    (s, fd)
}

/// Child side: drops `sock`, which closes it, and expects the `close` line.
fn drop_traced(sock: Socket) {
    let fd = sock.as_raw_fd();
    drop(sock);
    expect(format!("close({fd}) = 0"));
}

/// In the child started for test `name`: runs `scenario`, marks it done and returns
/// `None`. In the parent: runs that child, `SOCKAPI_TRACE` as `env` says, and returns
/// its output.
fn run_scenario(name: &str, env: TraceEnv, scenario: impl FnOnce()) -> Option<ChildRun> {
    if is_child(name) {
        scenario();
        done();
        return None;
    }
    Some(run_child(name, env))
}

/// [`run_scenario`], then the parent asserts that the trace is exactly the lines the
/// scenario expected.
fn check_trace(name: &str, env: TraceEnv, scenario: impl FnOnce()) {
    if let Some(run) = run_scenario(name, env, scenario) {
        run.assert_trace_is_expected();
    }
}

/// [`run_scenario`], then the parent asserts that there is no trace line at all.
fn check_no_trace(name: &str, env: TraceEnv, scenario: impl FnOnce()) {
    if let Some(run) = run_scenario(name, env, scenario) {
        run.assert_no_trace();
    }
}

/// Child side: the workload with the trace on, each of its lines expected.
fn traced_workload() {
    for line in workload() {
        expect(line);
    }
}

/// Child side: the workload with the trace off.
fn untraced_workload() {
    assert!(!workload().is_empty());
    assert!(!trace::enabled());
}

/// Child side: a short TCP exchange over loopback; returns the lines it makes when
/// the trace is on.
fn workload() -> Vec<String> {
    let mut lines = Vec::new();
    let l = tcp_socket(V4);
    let lfd = l.as_raw_fd();
    lines.push(format!(
        "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = {lfd}"
    ));
    bind(&l, &v4(0)).unwrap();
    lines.push(format!("bind({lfd}, {{AF_INET, 127.0.0.1:0}}) = 0"));
    listen(&l, 5).unwrap();
    lines.push(format!("listen({lfd}, 5) = 0"));
    let port = port_of(&getsockname(&l).unwrap());
    lines.push(format!(
        "getsockname({lfd}, {{AF_INET, 127.0.0.1:{port}}}) = 0"
    ));
    let c = tcp_socket(V4);
    let cfd = c.as_raw_fd();
    lines.push(format!(
        "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = {cfd}"
    ));
    connect(&c, &v4(port)).unwrap();
    lines.push(format!("connect({cfd}, {{AF_INET, 127.0.0.1:{port}}}) = 0"));
    let (s, peer) = accept(&l).unwrap();
    lines.push(format!(
        "accept({lfd}, {{AF_INET, 127.0.0.1:{}}}) = {}",
        port_of(&peer),
        s.as_raw_fd()
    ));
    send(&c, b"ping", 0).unwrap();
    lines.push(format!("send({cfd}, 4, 0) = 4"));
    let mut buf = [0u8; 4];
    recv(&s, &mut buf, MSG_WAITALL).unwrap();
    lines.push(format!("recv({}, 4, MSG_WAITALL) = 4", s.as_raw_fd()));
    let sfd = s.as_raw_fd();
    drop(s);
    lines.push(format!("close({sfd}) = 0"));
    close(c).unwrap();
    lines.push(format!("close({cfd}) = 0"));
    drop(l);
    lines.push(format!("close({lfd}) = 0"));
    lines
}

// ---------------------------------------------------------------------------------------
// On and off
// ---------------------------------------------------------------------------------------

#[test]
fn env_one_turns_the_trace_on() {
    const NAME: &str = "env_one_turns_the_trace_on";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (s, _) = traced_tcp();
        assert!(trace::enabled());
        drop_traced(s);
    });
}

/// "`SOCKAPI_TRACE` set to anything but empty or `0` turns the trace on."
#[test]
fn env_other_value_turns_the_trace_on() {
    const NAME: &str = "env_other_value_turns_the_trace_on";
    check_trace(NAME, TraceEnv::Set("yes"), || {
        traced_workload();
    });
}

/// The same workload as above, with the trace off three ways: no line at all.
#[test]
fn env_unset_prints_nothing() {
    const NAME: &str = "env_unset_prints_nothing";
    check_no_trace(NAME, TraceEnv::Unset, untraced_workload);
}

#[test]
fn env_zero_prints_nothing() {
    const NAME: &str = "env_zero_prints_nothing";
    check_no_trace(NAME, TraceEnv::Set("0"), untraced_workload);
}

#[test]
fn env_empty_prints_nothing() {
    const NAME: &str = "env_empty_prints_nothing";
    check_no_trace(NAME, TraceEnv::Set(""), untraced_workload);
}

/// `enable()` turns the trace on without the variable and `disable()` off again; a
/// socket made while it was off still shows its `close` once it is on.
#[test]
fn enable_and_disable_switch_the_trace() {
    const NAME: &str = "enable_and_disable_switch_the_trace";
    check_trace(NAME, TraceEnv::Unset, || {
        assert!(!trace::enabled());
        let quiet = tcp_socket(V4);

        trace::enable();
        assert!(trace::enabled());
        let (loud, _) = traced_tcp();
        drop_traced(quiet);

        trace::disable();
        assert!(!trace::enabled());
        drop(loud);
        let again = tcp_socket(V4);
        let again_fd = again.as_raw_fd();

        trace::enable();
        close(again).unwrap();
        expect(format!("close({again_fd}) = 0"));
    });
}

/// `disable()` turns off a trace that `SOCKAPI_TRACE=1` turned on.
#[test]
fn disable_wins_over_env() {
    const NAME: &str = "disable_wins_over_env";
    check_trace(NAME, TraceEnv::Set("1"), || {
        trace::disable();
        assert!(!trace::enabled());
        let quiet = tcp_socket(V4);
        drop(quiet);

        trace::enable();
        let (loud, _) = traced_tcp();
        drop_traced(loud);
    });
}

/// On ELF targets the variable is read as the program loads, so setting it from inside
/// the program changes nothing, either way. (Apple's systems read it at the first call.)
#[cfg(not(target_vendor = "apple"))]
#[test]
fn env_set_from_inside_the_program_is_ignored() {
    const NAME: &str = "env_set_from_inside_the_program_is_ignored";
    check_no_trace(NAME, TraceEnv::Unset, || {
        std::env::set_var("SOCKAPI_TRACE", "1");
        untraced_workload();
    });
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn env_removed_from_inside_the_program_is_ignored() {
    const NAME: &str = "env_removed_from_inside_the_program_is_ignored";
    check_trace(NAME, TraceEnv::Set("1"), || {
        std::env::remove_var("SOCKAPI_TRACE");
        traced_workload();
        assert!(trace::enabled());
    });
}

// ---------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------

#[test]
fn refused_connect_error_line() {
    const NAME: &str = "refused_connect_error_line";
    check_trace(NAME, TraceEnv::Set("1"), || {
        // A closed port: bound, read back, closed.
        let (probe, pfd) = traced_tcp();
        bind(&probe, &v4(0)).unwrap();
        expect(format!("bind({pfd}, {{AF_INET, 127.0.0.1:0}}) = 0"));
        let port = port_of(&getsockname(&probe).unwrap());
        expect(format!(
            "getsockname({pfd}, {{AF_INET, 127.0.0.1:{port}}}) = 0"
        ));
        close(probe).unwrap();
        expect(format!("close({pfd}) = 0"));

        let (c, cfd) = traced_tcp();
        assert_eq!(connect(&c, &v4(port)), Err(Errno::ECONNREFUSED));
        expect(format!(
            "connect({cfd}, {{AF_INET, 127.0.0.1:{port}}}) = -1 ECONNREFUSED (Connection refused)"
        ));
        drop_traced(c);
    });
}

#[test]
fn tcp_session_lines() {
    const NAME: &str = "tcp_session_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (l, lfd) = traced_tcp();
        setsockopt(&l, SOL_SOCKET, SO_REUSEADDR, &1).unwrap();
        expect(format!(
            "setsockopt({lfd}, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"
        ));
        bind(&l, &v4(0)).unwrap();
        expect(format!("bind({lfd}, {{AF_INET, 127.0.0.1:0}}) = 0"));
        listen(&l, 5).unwrap();
        expect(format!("listen({lfd}, 5) = 0"));
        let port = port_of(&getsockname(&l).unwrap());
        expect(format!(
            "getsockname({lfd}, {{AF_INET, 127.0.0.1:{port}}}) = 0"
        ));

        let (c, cfd) = traced_tcp();
        connect(&c, &v4(port)).unwrap();
        expect(format!("connect({cfd}, {{AF_INET, 127.0.0.1:{port}}}) = 0"));
        let cport = port_of(&getsockname(&c).unwrap());
        expect(format!(
            "getsockname({cfd}, {{AF_INET, 127.0.0.1:{cport}}}) = 0"
        ));
        let (s, _) = accept(&l).unwrap();
        let sfd = s.as_raw_fd();
        expect(format!(
            "accept({lfd}, {{AF_INET, 127.0.0.1:{cport}}}) = {sfd}"
        ));
        getpeername(&s).unwrap();
        expect(format!(
            "getpeername({sfd}, {{AF_INET, 127.0.0.1:{cport}}}) = 0"
        ));

        let (c2, c2fd) = traced_tcp();
        connect(&c2, &v4(port)).unwrap();
        expect(format!(
            "connect({c2fd}, {{AF_INET, 127.0.0.1:{port}}}) = 0"
        ));
        let c2port = port_of(&getsockname(&c2).unwrap());
        expect(format!(
            "getsockname({c2fd}, {{AF_INET, 127.0.0.1:{c2port}}}) = 0"
        ));
        let (s2, _) = accept4(&l, SOCK_NONBLOCK | SOCK_CLOEXEC).unwrap();
        expect(format!(
            "accept4({lfd}, {{AF_INET, 127.0.0.1:{c2port}}}, SOCK_NONBLOCK|SOCK_CLOEXEC) = {}",
            s2.as_raw_fd()
        ));

        send(&c, b"hello", 0).unwrap();
        expect(format!("send({cfd}, 5, 0) = 5"));
        let mut buf = [0u8; 16];
        // Blocks until the bytes are there, so the non-blocking peek below has them.
        assert_eq!(recv(&s, &mut buf[..5], MSG_PEEK | MSG_WAITALL), Ok(5));
        expect(format!("recv({sfd}, 5, MSG_PEEK|MSG_WAITALL) = 5"));
        // Written in the other order: the trace names flags in table order.
        assert_eq!(recv(&s, &mut buf, MSG_DONTWAIT | MSG_PEEK), Ok(5));
        expect(format!("recv({sfd}, 16, MSG_PEEK|MSG_DONTWAIT) = 5"));
        assert_eq!(recv(&s, &mut buf[..5], 0), Ok(5));
        expect(format!("recv({sfd}, 5, 0) = 5"));
        assert_eq!(recv(&s, &mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
        expect(format!(
            "recv({sfd}, 16, MSG_DONTWAIT) = -1 EAGAIN (Resource temporarily unavailable)"
        ));

        shutdown(&c, SHUT_WR).unwrap();
        expect(format!("shutdown({cfd}, SHUT_WR) = 0"));
        assert_eq!(recv(&s, &mut buf, 0), Ok(0));
        expect(format!("recv({sfd}, 16, 0) = 0"));
        send(&s, b"bye", MSG_NOSIGNAL).unwrap();
        expect(format!("send({sfd}, 3, MSG_NOSIGNAL) = 3"));
        assert_eq!(send(&s, b"", MSG_DONTWAIT | MSG_NOSIGNAL), Ok(0));
        expect(format!("send({sfd}, 0, MSG_DONTWAIT|MSG_NOSIGNAL) = 0"));

        close(c).unwrap();
        expect(format!("close({cfd}) = 0"));
        for sock in [s2, c2, s, l] {
            drop_traced(sock);
        }
    });
}

#[test]
fn sockopt_lines() {
    const NAME: &str = "sockopt_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (s, fd) = traced_tcp();
        let five = linger {
            l_onoff: 1,
            l_linger: 5,
        };
        setsockopt(&s, SOL_SOCKET, SO_LINGER, &five).unwrap();
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, SO_LINGER, {{l_onoff=1, l_linger=5}}, 8) = 0"
        ));
        getsockopt(&s, SOL_SOCKET, SO_LINGER).unwrap();
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, SO_LINGER, {{l_onoff=1, l_linger=5}}, [8]) = 0"
        ));
        getsockopt(&s, SOL_SOCKET, SO_TYPE).unwrap();
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, SO_TYPE, [SOCK_STREAM], [4]) = 0"
        ));
        getsockopt(&s, SOL_SOCKET, SO_ERROR).unwrap();
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, SO_ERROR, [0], [4]) = 0"
        ));
        let timeout = timeval {
            tv_sec: 1,
            tv_usec: 500_000,
        };
        setsockopt(&s, SOL_SOCKET, SO_RCVTIMEO, &timeout).unwrap();
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, SO_RCVTIMEO, {{tv_sec=1, tv_usec=500000}}, 16) = 0"
        ));
        getsockopt(&s, SOL_SOCKET, SO_RCVTIMEO).unwrap();
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, SO_RCVTIMEO, {{tv_sec=1, tv_usec=500000}}, [16]) = 0"
        ));
        // C's IPPROTO_TCP and IPPROTO_IP levels print as SOL_TCP and SOL_IP.
        setsockopt(&s, IPPROTO_TCP, TCP_NODELAY, &1).unwrap();
        expect(format!(
            "setsockopt({fd}, SOL_TCP, TCP_NODELAY, [1], 4) = 0"
        ));
        getsockopt(&s, SOL_TCP, TCP_NODELAY).unwrap();
        expect(format!(
            "getsockopt({fd}, SOL_TCP, TCP_NODELAY, [1], [4]) = 0"
        ));
        setsockopt(&s, IPPROTO_IP, IP_TTL, &9).unwrap();
        expect(format!("setsockopt({fd}, SOL_IP, IP_TTL, [9], 4) = 0"));
        assert_eq!(setsockopt(&s, IPPROTO_IP, IP_TTL, &0), Err(Errno::EINVAL));
        expect(format!(
            "setsockopt({fd}, SOL_IP, IP_TTL, [0], 4) = -1 EINVAL (Invalid argument)"
        ));
        let bogus: SockOpt<c_int, ReadWrite> =
        // SAFETY: an int option: the kernel reads and writes only its 4 bytes.
        unsafe { SockOpt::new(9999, "SO_BOGUS") };
        assert_eq!(getsockopt(&s, SOL_SOCKET, bogus), Err(Errno::ENOPROTOOPT));
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, SO_BOGUS, ..., [4]) = -1 ENOPROTOOPT (Protocol not available)"
        ));

        let keepalive = SO_KEEPALIVE.as_raw();
        unsafe { setsockopt_raw(&s, SOL_SOCKET, keepalive, &1i32.to_ne_bytes()) }.unwrap();
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, {keepalive}, <4 bytes>, 4) = 0"
        ));
        let mut buf = [0u8; 8];
        assert_eq!(
            unsafe { getsockopt_raw(&s, SOL_SOCKET, keepalive, &mut buf) },
            Ok(4)
        );
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, {keepalive}, <4 bytes>, [4]) = 0"
        ));
        assert_eq!(
            unsafe { getsockopt_raw(&s, SOL_SOCKET, 9999, &mut buf) },
            Err(Errno::ENOPROTOOPT)
        );
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, 9999, ..., [8]) = -1 ENOPROTOOPT (Protocol not available)"
        ));
        assert_eq!(
            unsafe { setsockopt_raw(&s, SOL_SOCKET, 9999, &[0; 4]) },
            Err(Errno::ENOPROTOOPT)
        );
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, 9999, <4 bytes>, 4) = -1 ENOPROTOOPT (Protocol not available)"
        ));

        let s6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let fd6 = s6.as_raw_fd();
        expect(format!(
            "socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, 0) = {fd6}"
        ));
        setsockopt(&s6, IPPROTO_IPV6, IPV6_V6ONLY, &1).unwrap();
        expect(format!(
            "setsockopt({fd6}, SOL_IPV6, IPV6_V6ONLY, [1], 4) = 0"
        ));

        drop_traced(s6);
        drop_traced(s);
    });
}

#[test]
fn fcntl_lines() {
    const NAME: &str = "fcntl_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (s, fd) = traced_tcp();
        let flags = fcntl(&s, F_GETFL).unwrap();
        expect(format!(
            "fcntl({fd}, F_GETFL) = {:#x} (flags O_RDWR)",
            O_RDWR.as_raw()
        ));
        fcntl(&s, F_SETFL(flags | O_NONBLOCK)).unwrap();
        expect(format!("fcntl({fd}, F_SETFL, O_NONBLOCK|O_RDWR) = 0"));
        fcntl(&s, F_GETFL).unwrap();
        expect(format!(
            "fcntl({fd}, F_GETFL) = {:#x} (flags O_NONBLOCK|O_RDWR)",
            (O_NONBLOCK | O_RDWR).as_raw()
        ));
        fcntl(&s, F_GETFD).unwrap();
        expect(format!("fcntl({fd}, F_GETFD) = 0x1 (flags FD_CLOEXEC)"));
        fcntl(&s, F_SETFD(FdFlags::EMPTY)).unwrap();
        expect(format!("fcntl({fd}, F_SETFD, 0) = 0"));
        fcntl(&s, F_GETFD).unwrap();
        expect(format!("fcntl({fd}, F_GETFD) = 0x0 (flags 0)"));
        fcntl(&s, F_SETFD(FD_CLOEXEC)).unwrap();
        expect(format!("fcntl({fd}, F_SETFD, FD_CLOEXEC) = 0"));
        drop_traced(s);
    });
}

#[test]
fn socketpair_and_close_lines() {
    const NAME: &str = "socketpair_and_close_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let (afd, bfd) = (a.as_raw_fd(), b.as_raw_fd());
        expect(format!(
            "socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, [{afd}, {bfd}]) = 0"
        ));
        close(a).unwrap();
        expect(format!("close({afd}) = 0"));
        drop_traced(b);

        let (c, d) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
        let (cfd, dfd) = (c.as_raw_fd(), d.as_raw_fd());
        expect(format!(
            "socketpair(AF_UNIX, SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0, [{cfd}, {dfd}]) = 0"
        ));
        drop_traced(d);
        drop_traced(c);

        assert_eq!(
            socketpair(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).err(),
            Some(Errno::EOPNOTSUPP)
        );
        expect(
            "socketpair(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0, [...]) = -1 EOPNOTSUPP (Operation not supported)"
                .to_owned(),
        );
    });
}

#[test]
fn failing_call_lines() {
    const NAME: &str = "failing_call_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        assert_eq!(
            socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 99).err(),
            Some(Errno::EPROTONOSUPPORT)
        );
        expect(
            "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 99) = -1 EPROTONOSUPPORT (Protocol not supported)"
                .to_owned(),
        );
        let u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP).unwrap();
        let ufd = u.as_raw_fd();
        expect(format!(
            "socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_UDP) = {ufd}"
        ));
        assert_eq!(listen(&u, 5), Err(Errno::EOPNOTSUPP));
        expect(format!(
            "listen({ufd}, 5) = -1 EOPNOTSUPP (Operation not supported)"
        ));
        assert_eq!(send(&u, b"abc", 0), Err(Errno::EDESTADDRREQ));
        expect(format!(
            "send({ufd}, 3, 0) = -1 EDESTADDRREQ (Destination address required)"
        ));

        let (t, tfd) = traced_tcp();
        assert_eq!(accept(&t).err(), Some(Errno::EINVAL));
        expect(format!("accept({tfd}, ...) = -1 EINVAL (Invalid argument)"));
        assert_eq!(accept4(&t, SOCK_CLOEXEC).err(), Some(Errno::EINVAL));
        expect(format!(
            "accept4({tfd}, ..., SOCK_CLOEXEC) = -1 EINVAL (Invalid argument)"
        ));
        assert_eq!(getpeername(&t), Err(Errno::ENOTCONN));
        expect(format!(
            "getpeername({tfd}, ...) = -1 ENOTCONN (Transport endpoint is not connected)"
        ));
        let mut buf = [0u8; 4];
        assert_eq!(recv(&t, &mut buf, 0), Err(Errno::ENOTCONN));
        expect(format!(
            "recv({tfd}, 4, 0) = -1 ENOTCONN (Transport endpoint is not connected)"
        ));
        // Before the shutdown: Linux marks even a failed shutdown's direction closed.
        assert_eq!(shutdown(&t, SHUT_RDWR), Err(Errno::ENOTCONN));
        expect(format!(
            "shutdown({tfd}, SHUT_RDWR) = -1 ENOTCONN (Transport endpoint is not connected)"
        ));

        drop_traced(t);
        drop_traced(u);
    });
}

#[test]
fn unix_address_lines() {
    const NAME: &str = "unix_address_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let dir = TempDir::new(BIN, NAME);
        // A quote and a backslash in the name: the trace escapes both.
        let path = dir.path("a\"b\\c.sock");
        let dir_text = path
            .parent()
            .and_then(|dir| dir.to_str())
            .expect("a UTF-8 temp dir");
        assert!(
            !dir_text.contains(['"', '\\']) && !dir_text.chars().any(char::is_control),
            "the temp dir would need escapes: {dir_text}"
        );

        let l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let lfd = l.as_raw_fd();
        expect(format!(
            "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = {lfd}"
        ));
        getsockname(&l).unwrap();
        expect(format!("getsockname({lfd}, {{AF_UNIX}}) = 0"));
        bind(&l, &SockAddr::unix(&path).unwrap()).unwrap();
        let shown = format!("\"{dir_text}/a\\\"b\\\\c.sock\"");
        expect(format!("bind({lfd}, {{AF_UNIX, {shown}}}) = 0"));
        listen(&l, 5).unwrap();
        expect(format!("listen({lfd}, 5) = 0"));

        let c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let cfd = c.as_raw_fd();
        expect(format!(
            "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = {cfd}"
        ));
        connect(&c, &SockAddr::unix(&path).unwrap()).unwrap();
        expect(format!("connect({cfd}, {{AF_UNIX, {shown}}}) = 0"));
        let (s, _) = accept(&l).unwrap();
        // The client is unbound, so the peer is the unnamed address.
        expect(format!("accept({lfd}, {{AF_UNIX}}) = {}", s.as_raw_fd()));

        // An abstract name with a NUL, a quote, a backslash, DEL and a non-UTF-8 byte
        // after a prefix unique on the machine.
        let unique = unique_name(BIN, NAME);
        let mut name = unique.clone().into_bytes();
        name.extend_from_slice(b"\0\"\\\x7f\xff");
        let a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        let afd = a.as_raw_fd();
        expect(format!(
            "socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = {afd}"
        ));
        bind(&a, &SockAddr::abstract_name(&name).unwrap()).unwrap();
        let abstract_shown = format!("@\"{unique}\\x00\\\"\\\\\\x7f\\xff\"");
        expect(format!("bind({afd}, {{AF_UNIX, {abstract_shown}}}) = 0"));
        getsockname(&a).unwrap();
        expect(format!(
            "getsockname({afd}, {{AF_UNIX, {abstract_shown}}}) = 0"
        ));

        // Binding the unnamed address autobinds a 5-hex-digit abstract name.
        let auto = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        let autofd = auto.as_raw_fd();
        expect(format!(
            "socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = {autofd}"
        ));
        bind(&auto, &SockAddr::unnamed()).unwrap();
        expect(format!("bind({autofd}, {{AF_UNIX}}) = 0"));
        let bound = getsockname(&auto).unwrap();
        let auto_name = bound
            .as_abstract_name()
            .expect("an autobound abstract name");
        assert!(
            auto_name.len() == 5
                && auto_name
                    .iter()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)),
            "autobind name {auto_name:?}"
        );
        expect(format!(
            "getsockname({autofd}, {{AF_UNIX, @\"{}\"}}) = 0",
            std::str::from_utf8(auto_name).unwrap()
        ));

        for sock in [auto, a, s, c, l] {
            drop_traced(sock);
        }
    });
}

#[test]
fn ipv6_address_lines() {
    const NAME: &str = "ipv6_address_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let any6: SocketAddr = "[::1]:0".parse().unwrap();
        let l = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let lfd = l.as_raw_fd();
        expect(format!(
            "socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, 0) = {lfd}"
        ));
        bind(&l, &any6).unwrap();
        expect(format!("bind({lfd}, {{AF_INET6, [::1]:0}}) = 0"));
        listen(&l, 5).unwrap();
        expect(format!("listen({lfd}, 5) = 0"));
        let port = port_of(&getsockname(&l).unwrap());
        expect(format!(
            "getsockname({lfd}, {{AF_INET6, [::1]:{port}}}) = 0"
        ));

        let c = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let cfd = c.as_raw_fd();
        expect(format!(
            "socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, 0) = {cfd}"
        ));
        let target = SocketAddr::new(any6.ip(), port);
        connect(&c, &target).unwrap();
        expect(format!("connect({cfd}, {{AF_INET6, [::1]:{port}}}) = 0"));
        let cport = port_of(&getsockname(&c).unwrap());
        expect(format!(
            "getsockname({cfd}, {{AF_INET6, [::1]:{cport}}}) = 0"
        ));
        let (s, _) = accept(&l).unwrap();
        let sfd = s.as_raw_fd();
        expect(format!(
            "accept({lfd}, {{AF_INET6, [::1]:{cport}}}) = {sfd}"
        ));
        getpeername(&c).unwrap();
        expect(format!(
            "getpeername({cfd}, {{AF_INET6, [::1]:{port}}}) = 0"
        ));

        for sock in [s, c, l] {
            drop_traced(sock);
        }
    });
}

/// A line is formatted in a 512-byte buffer: at most 508 bytes of it, then `...` and
/// the newline. The longest address (an abstract name of 107 bytes, each shown as
/// `\xff`) with a long error text goes past that; lines of exactly 508 bytes stay whole.
#[test]
fn long_line_is_cut_with_an_ellipsis() {
    const NAME: &str = "long_line_is_cut_with_an_ellipsis";
    const ROOM: usize = 508;
    let Some(run) = run_scenario(NAME, TraceEnv::Set("1"), || {
        // An IPv4 socket given a Unix address: the kernel says EAFNOSUPPORT.
        let (s, fd) = traced_tcp();
        let line_for = |name: &[u8]| {
            let shown: String = name
                .iter()
                .map(|&b| {
                    if b == 0xff {
                        "\\xff".to_owned()
                    } else {
                        char::from(b).to_string()
                    }
                })
                .collect();
            format!(
                "connect({fd}, {{AF_UNIX, @\"{shown}\"}}) = -1 EAFNOSUPPORT (Address family not supported by protocol)"
            )
        };

        let longest = [0xffu8; 107];
        let full = line_for(&longest);
        assert!(full.len() > ROOM, "{} bytes is not long", full.len());
        assert_eq!(
            connect(&s, &SockAddr::abstract_name(&longest).unwrap()),
            Err(Errno::EAFNOSUPPORT)
        );
        expect(format!("{}...", &full[..ROOM]));

        // Names whose lines are exactly ROOM and ROOM + 1 bytes long, padding with
        // plain letters after as many `\xff` as fit.
        for target in [ROOM, ROOM + 1] {
            let base = line_for(&[]).len();
            let escapes = (target - base) / 4;
            let mut name = vec![0xffu8; escapes];
            name.resize(escapes + (target - base) % 4, b'a');
            let line = line_for(&name);
            assert_eq!(line.len(), target);
            assert_eq!(
                connect(&s, &SockAddr::abstract_name(&name).unwrap()),
                Err(Errno::EAFNOSUPPORT)
            );
            if target == ROOM {
                expect(line);
            } else {
                expect(format!("{}...", &line[..ROOM]));
            }
        }

        drop_traced(s);
    }) else {
        return;
    };
    run.assert_trace_is_expected();
    // Checked on the parent side too, against the buffer size rather than the child.
    let cut: Vec<&str> = run
        .trace_lines()
        .into_iter()
        .filter(|l| l.ends_with("..."))
        .collect();
    assert_eq!(cut.len(), 2, "{cut:?}");
    assert!(cut.iter().all(|l| l.len() == ROOM + 3));
}

/// The cut never splits a UTF-8 character: it moves back to the character's start.
/// A harness-named option (`SockOpt::new`) can carry a long non-ASCII name.
#[test]
fn long_line_is_cut_on_a_character_boundary() {
    const NAME: &str = "long_line_is_cut_on_a_character_boundary";
    const ROOM: usize = 508;
    // `run_child` also checks that the whole of stderr is valid UTF-8.
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (s, fd) = traced_tcp();
        let prefix = format!("getsockopt({fd}, SOL_SOCKET, SO_");
        // Pad with one ASCII letter if needed so that byte ROOM falls inside an `é`.
        let pad = if (ROOM - prefix.len()) % 2 == 0 {
            "x"
        } else {
            ""
        };
        let c_name: &'static str =
            Box::leak(format!("SO_{pad}{}", "\u{e9}".repeat(300)).into_boxed_str());
        let option: SockOpt<c_int, ReadWrite> =
        // SAFETY: an int option: the kernel reads and writes only its 4 bytes.
        unsafe { SockOpt::new(9999, c_name) };
        assert_eq!(getsockopt(&s, SOL_SOCKET, option), Err(Errno::ENOPROTOOPT));
        let full = format!(
            "getsockopt({fd}, SOL_SOCKET, {c_name}, ..., [4]) = -1 ENOPROTOOPT (Protocol not available)"
        );
        assert!(
            !full.is_char_boundary(ROOM),
            "the cut must fall inside a character"
        );
        expect(format!("{}...", &full[..ROOM - 1]));
        drop_traced(s);
    });
}

/// Two threads trace 200 socket/close pairs each: every line comes out whole.
#[test]
fn lines_from_two_threads_do_not_interleave() {
    const NAME: &str = "lines_from_two_threads_do_not_interleave";
    const ROUNDS: usize = 200;
    let Some(run) = run_scenario(NAME, TraceEnv::Set("1"), || {
        let start = Arc::new(Barrier::new(2));
        let workers: Vec<_> = (0..2)
            .map(|i| {
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    start.wait();
                    for _ in 0..ROUNDS {
                        let s = tcp_socket(V4);
                        if i == 0 {
                            close(s).unwrap();
                        } else {
                            drop(s);
                        }
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
    }) else {
        return;
    };
    assert!(run.stderr.ends_with('\n'), "stderr ends mid-line");
    let lines: Vec<&str> = run.stderr.lines().collect();
    let opens = lines
        .iter()
        .filter(|l| matches_pattern("socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = {n}", l))
        .count();
    let closes = lines
        .iter()
        .filter(|l| matches_pattern("close({n}) = 0", l))
        .count();
    let broken: Vec<&&str> = lines
        .iter()
        .filter(|l| {
            !matches_pattern("socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = {n}", l)
                && !matches_pattern("close({n}) = 0", l)
        })
        .collect();
    assert_eq!(broken, Vec::<&&str>::new());
    assert_eq!((opens, closes), (2 * ROUNDS, 2 * ROUNDS));
}

/// The checker used above rejects what it should.
#[test]
fn pattern_checker_is_strict() {
    let p = "close({n}) = 0";
    assert!(matches_pattern(p, "close(12) = 0"));
    assert!(!matches_pattern(p, "close() = 0"));
    assert!(!matches_pattern(p, "close(1x) = 0"));
    assert!(!matches_pattern(p, "close(3) = 0close(4) = 0"));
    assert!(!matches_pattern(p, "xclose(3) = 0"));
    assert!(!matches_pattern(p, "close(3) = "));
}
