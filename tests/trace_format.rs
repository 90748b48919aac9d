//! The call trace: when it is on and off, and the exact line each call prints.
//!
//! The trace writes straight to the process's stderr descriptor, past the test
//! harness's capture, and its on/off state is process-wide. So each test re-runs this
//! test binary as a child (`current_exe() --exact NAME`, with `SOCKAPI_TRACE_CHILD=NAME`)
//! in which the same test function performs its scenario; the parent reads the child's
//! stderr. The child also prints, on stdout, each line it expects to see, with the
//! descriptor numbers and ports it got filled into the formats written here.
//!
//! Without the cargo feature `trace` the trace is compiled out: the tests that expect
//! lines are left out, and `trace_compiled_out_prints_nothing` checks that nothing at
//! all is printed, whatever the environment and `enable` say.
// The helpers that only the tests of lines use are dead without the feature.
#![cfg_attr(not(feature = "trace"), allow(dead_code, unused_imports))]

use std::ffi::c_int;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, RawFd};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::{closed_port, port_of, tcp_socket, udp_socket, unique_name, TempDir, V4};

/// The prefix of this binary's temp dirs and abstract names.
const BIN: &str = "trace";

const SCENARIO_VAR: &str = "SOCKAPI_TRACE_CHILD";
const EXPECT_TAG: &str = "<<trace-expect>> ";
const DONE_TAG: &str = "<<scenario-done>>";

/// What the parent puts in one of the child's trace variables (`SOCKAPI_TRACE`,
/// `SOCKAPI_TRACE_STRSIZE`). Unset means removed, so a value in the environment of
/// the test run cannot change what the child prints.
#[derive(Clone, Copy, Debug)]
enum TraceEnv {
    Unset,
    Set(&'static str),
}

impl TraceEnv {
    fn apply(self, cmd: &mut Command, var: &str) {
        match self {
            TraceEnv::Unset => cmd.env_remove(var),
            TraceEnv::Set(value) => cmd.env(var, value),
        };
    }
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
    "sendto",
    "recvfrom",
    "if_nametoindex",
    "if_indextoname",
    "getaddrinfo",
    "getnameinfo",
    "inet_pton",
    "inet_ntop",
    "inet_aton",
    "inet_ntoa",
    "shutdown",
    "close",
    "getsockname",
    "getpeername",
    "setsockopt",
    "getsockopt",
    "fcntl",
    "sendmmsg",
    "recvmmsg",
    "getservbyname",
    "getservbyport",
    "getprotobyname",
    "getprotobynumber",
    "gethostbyname",
    "gethostbyaddr",
    "select",
    "pselect",
    "poll",
    "ppoll",
    "ioctl",
    "sockatmark",
    "epoll_create1",
    "epoll_ctl",
    "epoll_wait",
    "epoll_pwait",
    "tcp_state_of",
    "tcp_state_in",
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

/// How long a child may run: a scenario that blocks by mistake fails its test
/// instead of hanging the run.
const CHILD_LIMIT: Duration = Duration::from_secs(60);

/// Runs `cmd` with its stdout and stderr collected, as `Command::output`, but kills
/// it and returns `None` if its pipes are still open after `limit`. The pipes close
/// when the child exits, so waiting for their end is waiting for the exit.
fn output_within(
    mut cmd: Command,
    limit: Duration,
) -> Option<(std::process::ExitStatus, Vec<u8>, Vec<u8>)> {
    use std::io::Read;
    use std::process::Stdio;
    use std::sync::mpsc;

    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the test binary as a child");
    let (tx, rx) = mpsc::channel();
    let pipes: [Box<dyn Read + Send>; 2] = [
        Box::new(child.stdout.take().expect("stdout is piped")),
        Box::new(child.stderr.take().expect("stderr is piped")),
    ];
    let readers: Vec<_> = pipes
        .into_iter()
        .map(|mut pipe| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                let _ = tx.send(());
                bytes
            })
        })
        .collect();
    let deadline = Instant::now() + limit;
    for _ in 0..readers.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if rx.recv_timeout(left).is_err() {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
    }
    let status = child.wait().expect("wait for the child");
    let mut outputs = readers
        .into_iter()
        .map(|reader| reader.join().expect("pipe reader"));
    let stdout = outputs.next().unwrap_or_default();
    let stderr = outputs.next().unwrap_or_default();
    Some((status, stdout, stderr))
}

/// Parent side: runs test `name` alone in a child process, `SOCKAPI_TRACE` as `env`
/// and `SOCKAPI_TRACE_STRSIZE` as `strsize` say, and collects its output.
fn run_child(name: &str, env: TraceEnv, strsize: TraceEnv) -> ChildRun {
    let exe = std::env::current_exe().expect("current_exe");
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(SCENARIO_VAR, name);
    env.apply(&mut cmd, "SOCKAPI_TRACE");
    strsize.apply(&mut cmd, "SOCKAPI_TRACE_STRSIZE");
    let (status, stdout, stderr) = output_within(cmd, CHILD_LIMIT)
        .unwrap_or_else(|| panic!("child {name} still running after {CHILD_LIMIT:?}: killed"));
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    let stderr = String::from_utf8(stderr).expect("trace lines are UTF-8");
    assert!(
        status.success(),
        "child {name} ({env:?}, strsize {strsize:?}) failed: {status}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
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

/// Where `sun_path` starts in a `sockaddr_un`: the length of the unnamed address.
const SUN_PATH_OFFSET: usize = std::mem::offset_of!(sys::sockaddr_un, sun_path);

/// Data of bytes below 8 as the trace must show it, written out here rather than
/// by the crate's formatter: `\1\0\0\0`, one digit each, quoted (no byte is followed
/// by a digit, so one digit is what strace writes).
fn small_bytes(bytes: &[u8]) -> String {
    let mut shown = String::from("\"");
    for &b in bytes {
        assert!(b < 8, "{b} needs more than one octal digit");
        shown.push_str(&format!("\\{b}"));
    }
    shown.push('"');
    shown
}

/// The C int 1 as 4 bytes of data in native byte order, as the trace shows it.
fn one() -> String {
    small_bytes(&1i32.to_ne_bytes())
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

/// The most a trace line holds before it is cut with `...`: 512 bytes, less the
/// `...` and the newline.
const LINE_ROOM: usize = 508;

/// Exactly two lines of the run were cut, each right at [`LINE_ROOM`].
fn assert_two_lines_cut_at_room(run: &ChildRun) {
    let cut: Vec<&str> = run
        .trace_lines()
        .into_iter()
        .filter(|l| l.ends_with("..."))
        .collect();
    assert_eq!(cut.len(), 2, "{cut:?}");
    assert!(cut.iter().all(|l| l.len() == LINE_ROOM + 3), "{cut:?}");
}

/// In the child started for test `name`: runs `scenario`, marks it done and returns
/// `None`. In the parent: runs that child, `SOCKAPI_TRACE` as `env` says and
/// `SOCKAPI_TRACE_STRSIZE` unset, and returns its output.
fn run_scenario(name: &str, env: TraceEnv, scenario: impl FnOnce()) -> Option<ChildRun> {
    run_scenario_with_strsize(name, env, TraceEnv::Unset, scenario)
}

/// [`run_scenario`] with `SOCKAPI_TRACE_STRSIZE` as `strsize` says.
fn run_scenario_with_strsize(
    name: &str,
    env: TraceEnv,
    strsize: TraceEnv,
    scenario: impl FnOnce(),
) -> Option<ChildRun> {
    if is_child(name) {
        scenario();
        done();
        return None;
    }
    Some(run_child(name, env, strsize))
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
    lines.push(format!("bind({lfd}, {{AF_INET, 127.0.0.1:0}}, 16) = 0"));
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
    lines.push(format!(
        "connect({cfd}, {{AF_INET, 127.0.0.1:{port}}}, 16) = 0"
    ));
    let (s, peer) = accept(&l).unwrap();
    lines.push(format!(
        "accept({lfd}, {{AF_INET, 127.0.0.1:{}}}) = {}",
        port_of(&peer),
        s.as_raw_fd()
    ));
    send(&c, b"ping", 0).unwrap();
    lines.push(format!("send({cfd}, \"ping\", 4, 0) = 4"));
    let mut buf = [0u8; 4];
    recv(&s, &mut buf, MSG_WAITALL).unwrap();
    lines.push(format!(
        "recv({}, \"ping\", 4, MSG_WAITALL) = 4",
        s.as_raw_fd()
    ));
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

#[cfg(feature = "trace")]
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
#[cfg(feature = "trace")]
#[test]
fn env_other_value_turns_the_trace_on() {
    const NAME: &str = "env_other_value_turns_the_trace_on";
    check_trace(NAME, TraceEnv::Set("yes"), || {
        traced_workload();
    });
}

/// The same workload as above, with the trace off three ways: no line at all.
#[cfg(feature = "trace")]
#[test]
fn env_unset_prints_nothing() {
    const NAME: &str = "env_unset_prints_nothing";
    check_no_trace(NAME, TraceEnv::Unset, untraced_workload);
}

#[cfg(feature = "trace")]
#[test]
fn env_zero_prints_nothing() {
    const NAME: &str = "env_zero_prints_nothing";
    check_no_trace(NAME, TraceEnv::Set("0"), untraced_workload);
}

#[cfg(feature = "trace")]
#[test]
fn env_empty_prints_nothing() {
    const NAME: &str = "env_empty_prints_nothing";
    check_no_trace(NAME, TraceEnv::Set(""), untraced_workload);
}

/// `enable()` turns the trace on without the variable and `disable()` off again; a
/// socket made while it was off still shows its `close` once it is on.
#[cfg(feature = "trace")]
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
#[cfg(feature = "trace")]
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
#[cfg(feature = "trace")]
#[test]
fn env_set_from_inside_the_program_is_ignored() {
    const NAME: &str = "env_set_from_inside_the_program_is_ignored";
    check_no_trace(NAME, TraceEnv::Unset, || {
        std::env::set_var("SOCKAPI_TRACE", "1");
        untraced_workload();
    });
}

#[cfg(not(target_vendor = "apple"))]
#[cfg(feature = "trace")]
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

#[cfg(feature = "trace")]
#[test]
fn refused_connect_error_line() {
    const NAME: &str = "refused_connect_error_line";
    check_trace(NAME, TraceEnv::Set("1"), || {
        // A closed port: bound, read back, closed.
        let (probe, pfd) = traced_tcp();
        bind(&probe, &v4(0)).unwrap();
        expect(format!("bind({pfd}, {{AF_INET, 127.0.0.1:0}}, 16) = 0"));
        let port = port_of(&getsockname(&probe).unwrap());
        expect(format!(
            "getsockname({pfd}, {{AF_INET, 127.0.0.1:{port}}}) = 0"
        ));
        close(probe).unwrap();
        expect(format!("close({pfd}) = 0"));

        let (c, cfd) = traced_tcp();
        assert_eq!(connect(&c, &v4(port)), Err(Errno::ECONNREFUSED));
        expect(format!(
            "connect({cfd}, {{AF_INET, 127.0.0.1:{port}}}, 16) = -1 ECONNREFUSED (Connection refused)"
        ));
        drop_traced(c);
        // The text after `-1 ` is the error's `Display`, which `Debug` repeats.
        assert_eq!(
            format!("{}", Errno::ECONNREFUSED),
            "ECONNREFUSED (Connection refused)"
        );
        assert_eq!(
            format!("{:?}", Errno::ECONNREFUSED),
            "ECONNREFUSED (Connection refused)"
        );
    });
}

#[cfg(feature = "trace")]
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
        expect(format!("bind({lfd}, {{AF_INET, 127.0.0.1:0}}, 16) = 0"));
        listen(&l, 5).unwrap();
        expect(format!("listen({lfd}, 5) = 0"));
        let port = port_of(&getsockname(&l).unwrap());
        expect(format!(
            "getsockname({lfd}, {{AF_INET, 127.0.0.1:{port}}}) = 0"
        ));

        let (c, cfd) = traced_tcp();
        connect(&c, &v4(port)).unwrap();
        expect(format!(
            "connect({cfd}, {{AF_INET, 127.0.0.1:{port}}}, 16) = 0"
        ));
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
            "connect({c2fd}, {{AF_INET, 127.0.0.1:{port}}}, 16) = 0"
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
        expect(format!("send({cfd}, \"hello\", 5, 0) = 5"));
        let mut buf = [0u8; 16];
        // Blocks until the bytes are there, so the non-blocking peek below has them.
        assert_eq!(recv(&s, &mut buf[..5], MSG_PEEK | MSG_WAITALL), Ok(5));
        expect(format!(
            "recv({sfd}, \"hello\", 5, MSG_PEEK|MSG_WAITALL) = 5"
        ));
        // Written in the other order: the trace names flags in table order.
        assert_eq!(recv(&s, &mut buf, MSG_DONTWAIT | MSG_PEEK), Ok(5));
        expect(format!(
            "recv({sfd}, \"hello\", 16, MSG_PEEK|MSG_DONTWAIT) = 5"
        ));
        assert_eq!(recv(&s, &mut buf[..5], 0), Ok(5));
        expect(format!("recv({sfd}, \"hello\", 5, 0) = 5"));
        assert_eq!(recv(&s, &mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
        expect(format!(
            "recv({sfd}, ..., 16, MSG_DONTWAIT) = -1 EAGAIN (Resource temporarily unavailable)"
        ));

        shutdown(&c, SHUT_WR).unwrap();
        expect(format!("shutdown({cfd}, SHUT_WR) = 0"));
        assert_eq!(recv(&s, &mut buf, 0), Ok(0));
        expect(format!("recv({sfd}, \"\", 16, 0) = 0"));
        send(&s, b"bye", MSG_NOSIGNAL).unwrap();
        expect(format!("send({sfd}, \"bye\", 3, MSG_NOSIGNAL) = 3"));
        assert_eq!(send(&s, b"", MSG_DONTWAIT | MSG_NOSIGNAL), Ok(0));
        expect(format!(
            "send({sfd}, \"\", 0, MSG_DONTWAIT|MSG_NOSIGNAL) = 0"
        ));

        close(c).unwrap();
        expect(format!("close({cfd}) = 0"));
        for sock in [s2, c2, s, l] {
            drop_traced(sock);
        }
    });
}

#[cfg(feature = "trace")]
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
        // The harness's name is the option's `Debug`; the trace, as strace, names the
        // pair (SOL_SOCKET, 9999) the kernel saw, which has no name: its number.
        assert_eq!(format!("{bogus:?}"), "SO_BOGUS");
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, 9999, ..., [4]) = -1 ENOPROTOOPT (Protocol not available)"
        ));

        // The raw forms show the bytes as data, and the option by its name.
        let keepalive = SO_KEEPALIVE.as_raw();
        // SAFETY: SO_KEEPALIVE is a plain int: the kernel reads the 4 bytes and
        // follows nothing in them.
        unsafe { setsockopt_raw(&s, SOL_SOCKET, keepalive, &1i32.to_ne_bytes()) }.unwrap();
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, SO_KEEPALIVE, {}, 4) = 0",
            one()
        ));
        let mut buf = [0u8; 8];
        assert_eq!(
            // SAFETY: a plain int option: the kernel writes at most `buf.len()` bytes.
            unsafe { getsockopt_raw(&s, SOL_SOCKET, keepalive, &mut buf) },
            Ok(4)
        );
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, SO_KEEPALIVE, {}, [4]) = 0",
            one()
        ));
        assert_eq!(
            // SAFETY: no option 9999 exists: the kernel writes nothing.
            unsafe { getsockopt_raw(&s, SOL_SOCKET, 9999, &mut buf) },
            Err(Errno::ENOPROTOOPT)
        );
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, 9999, ..., [8]) = -1 ENOPROTOOPT (Protocol not available)"
        ));
        assert_eq!(
            // SAFETY: no option 9999 exists: the kernel reads nothing but fails.
            unsafe { setsockopt_raw(&s, SOL_SOCKET, 9999, &[0; 4]) },
            Err(Errno::ENOPROTOOPT)
        );
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, 9999, \"\\0\\0\\0\\0\", 4) = -1 ENOPROTOOPT (Protocol not available)"
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

#[cfg(feature = "trace")]
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

#[cfg(feature = "trace")]
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

#[cfg(feature = "trace")]
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
            "send({ufd}, \"abc\", 3, 0) = -1 EDESTADDRREQ (Destination address required)"
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
            "recv({tfd}, ..., 4, 0) = -1 ENOTCONN (Transport endpoint is not connected)"
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

#[cfg(feature = "trace")]
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
        // The length: the family, the path and its NUL.
        let path_len = SUN_PATH_OFFSET + path.as_os_str().len() + 1;
        expect(format!("bind({lfd}, {{AF_UNIX, {shown}}}, {path_len}) = 0"));
        listen(&l, 5).unwrap();
        expect(format!("listen({lfd}, 5) = 0"));

        let c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let cfd = c.as_raw_fd();
        expect(format!(
            "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = {cfd}"
        ));
        connect(&c, &SockAddr::unix(&path).unwrap()).unwrap();
        expect(format!(
            "connect({cfd}, {{AF_UNIX, {shown}}}, {path_len}) = 0"
        ));
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
        // The family, the leading NUL and the name, with no terminator.
        let abstract_len = SUN_PATH_OFFSET + 1 + name.len();
        expect(format!(
            "bind({afd}, {{AF_UNIX, {abstract_shown}}}, {abstract_len}) = 0"
        ));
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
        expect(format!(
            "bind({autofd}, {{AF_UNIX}}, {SUN_PATH_OFFSET}) = 0"
        ));
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

#[cfg(feature = "trace")]
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
        expect(format!("bind({lfd}, {{AF_INET6, [::1]:0}}, 28) = 0"));
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
        expect(format!(
            "connect({cfd}, {{AF_INET6, [::1]:{port}}}, 28) = 0"
        ));
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
#[cfg(feature = "trace")]
#[test]
fn long_line_is_cut_with_an_ellipsis() {
    const NAME: &str = "long_line_is_cut_with_an_ellipsis";
    const ROOM: usize = LINE_ROOM;
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
            // The length: the family, the leading NUL and the name.
            let len = SUN_PATH_OFFSET + 1 + name.len();
            format!(
                "connect({fd}, {{AF_UNIX, @\"{shown}\"}}, {len}) = -1 EAFNOSUPPORT (Address family not supported by protocol)"
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

        // Names whose lines are exactly ROOM and ROOM + 1 bytes long: some `\xff`
        // and a few plain letters (the length field grows with the name, so search).
        for target in [ROOM, ROOM + 1] {
            let name = (0..=107usize)
                .flat_map(|escapes| (0..4usize).map(move |letters| (escapes, letters)))
                .filter(|&(escapes, letters)| escapes + letters <= 107)
                .map(|(escapes, letters)| {
                    let mut name = vec![0xffu8; escapes];
                    name.resize(escapes + letters, b'a');
                    name
                })
                .find(|name| line_for(name).len() == target)
                .unwrap_or_else(|| panic!("no name makes a line of {target} bytes"));
            let line = line_for(&name);
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
    assert_two_lines_cut_at_room(&run);
}

/// A peer-chosen name reaches the trace as UTF-8: printable characters as they are,
/// and the ones that reorder or hide text (a zero-width space, a right-to-left
/// override) byte by byte as `\xNN`, so the line cannot fool a terminal.
///
/// (This used to also check that the 508-byte cut never splits a character, with a
/// long non-ASCII name minted by `SockOpt::new`. The trace now shows options by the
/// number the kernel saw, and every other non-ASCII byte of a line comes from a Unix
/// name of at most 108 bytes, which cannot reach byte 508, so no line can be cut
/// inside a character any more.)
#[cfg(feature = "trace")]
#[test]
fn non_ascii_unix_name_is_shown_as_utf8() {
    const NAME: &str = "non_ascii_unix_name_is_shown_as_utf8";
    // `run_child` also checks that the whole of stderr is valid UTF-8.
    check_trace(NAME, TraceEnv::Set("1"), || {
        let unique = unique_name(BIN, NAME);
        let mut name = unique.clone().into_bytes();
        name.extend_from_slice("-\u{e9}\u{65e5}\u{200b}\u{202e}".as_bytes());
        let a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        let afd = a.as_raw_fd();
        expect(format!(
            "socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = {afd}"
        ));
        bind(&a, &SockAddr::abstract_name(&name).unwrap()).unwrap();
        let shown = format!("@\"{unique}-\u{e9}\u{65e5}\\xe2\\x80\\x8b\\xe2\\x80\\xae\"");
        let len = SUN_PATH_OFFSET + 1 + name.len();
        expect(format!("bind({afd}, {{AF_UNIX, {shown}}}, {len}) = 0"));
        getsockname(&a).unwrap();
        expect(format!("getsockname({afd}, {{AF_UNIX, {shown}}}) = 0"));
        drop_traced(a);
    });
}

// ---------------------------------------------------------------------------------------
// Data, as strace shows it
// ---------------------------------------------------------------------------------------

/// Child side: a connected `AF_UNIX` pair of `ty` and the line its `socketpair`
/// prints. A stream `send` on it has queued all its bytes at the peer when it
/// returns, so a `recv` right after gets them all.
fn traced_pair(ty: SockType) -> (Socket, RawFd, Socket, RawFd) {
    let (a, b) = socketpair(AF_UNIX, ty | SOCK_CLOEXEC, 0).unwrap();
    let (afd, bfd) = (a.as_raw_fd(), b.as_raw_fd());
    expect(format!(
        "socketpair(AF_UNIX, {:?}, 0, [{afd}, {bfd}]) = 0",
        ty | SOCK_CLOEXEC
    ));
    (a, afd, b, bfd)
}

/// `send` and `recv` show the data as a C string, as strace does: `\"`, `\\`, `\t`,
/// `\n`, `\v`, `\f`, `\r`, every other byte outside `' '..='~'` in octal with the
/// fewest digits, but three when the next byte shown is an octal digit (`\0001` is
/// NUL then `1`, where `\01` would read as one byte).
#[cfg(feature = "trace")]
#[test]
fn data_is_shown_as_a_c_string() {
    const NAME: &str = "data_is_shown_as_a_c_string";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (a, afd, b, bfd) = traced_pair(SOCK_STREAM);
        let cases: &[(&[u8], &str)] = &[
            (b"Hello Server", r#""Hello Server""#),
            (b" ~", r#"" ~""#),
            (br#"say "hi" \ bye"#, r#""say \"hi\" \\ bye""#),
            (b"\t\n\x0b\x0c\r", r#""\t\n\v\f\r""#),
            (
                b"\x00\x01\x07\x08\x1b\x7f\x80\xff",
                r#""\0\1\7\10\33\177\200\377""#,
            ),
            (
                b"\x001\x007\x008\x1b0\xff7\x019",
                r#""\0001\0007\08\0330\3777\19""#,
            ),
            (b"a\x00", r#""a\0""#),
            // Not UTF-8 aware: each byte of a character is its own escape.
            ("\u{e9}".as_bytes(), r#""\303\251""#),
        ];
        for &(data, shown) in cases {
            let n = data.len();
            assert_eq!(send(&a, data, 0), Ok(n));
            expect(format!("send({afd}, {shown}, {n}, 0) = {n}"));
            let mut buf = [0u8; 64];
            assert_eq!(recv(&b, &mut buf[..n], MSG_WAITALL), Ok(n));
            expect(format!("recv({bfd}, {shown}, {n}, MSG_WAITALL) = {n}"));
        }
        drop_traced(b);
        drop_traced(a);
    });
}

/// `recv` shows the bytes it received (the first `n` of the buffer, not the whole
/// buffer), and `...` for the buffer when it failed.
#[cfg(feature = "trace")]
#[test]
fn recv_shows_the_bytes_received() {
    const NAME: &str = "recv_shows_the_bytes_received";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (a, afd, b, bfd) = traced_pair(SOCK_STREAM);
        assert_eq!(send(&a, b"Hello Server", 0), Ok(12));
        expect(format!("send({afd}, \"Hello Server\", 12, 0) = 12"));
        // The rest of the buffer holds bytes the trace must not show.
        let mut buf = [b'#'; 64];
        assert_eq!(recv(&b, &mut buf, 0), Ok(12));
        expect(format!("recv({bfd}, \"Hello Server\", 64, 0) = 12"));
        assert_eq!(recv(&b, &mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
        expect(format!(
            "recv({bfd}, ..., 64, MSG_DONTWAIT) = -1 EAGAIN (Resource temporarily unavailable)"
        ));
        drop_traced(b);
        drop_traced(a);

        let (c, cfd, d, dfd) = traced_pair(SOCK_DGRAM);
        // With MSG_TRUNC the value is the datagram's length, past the buffer: the
        // line shows what the buffer holds.
        assert_eq!(send(&c, b"0123456789", 0), Ok(10));
        expect(format!("send({cfd}, \"0123456789\", 10, 0) = 10"));
        let mut small = [b'#'; 4];
        assert_eq!(recv(&d, &mut small, MSG_TRUNC), Ok(10));
        expect(format!("recv({dfd}, \"0123\", 4, MSG_TRUNC) = 10"));
        // An empty datagram.
        assert_eq!(send(&c, b"", 0), Ok(0));
        expect(format!("send({cfd}, \"\", 0, 0) = 0"));
        assert_eq!(recv(&d, &mut buf, 0), Ok(0));
        expect(format!("recv({dfd}, \"\", 64, 0) = 0"));
        drop_traced(d);
        drop_traced(c);
    });
}

/// At most `strsize()` bytes of data, 32 unless changed, then `...` after the quote
/// when there was more; `set_strsize` changes it for every call that shows data.
#[cfg(feature = "trace")]
#[test]
fn strsize_limits_the_data_shown() {
    const NAME: &str = "strsize_limits_the_data_shown";
    check_trace(NAME, TraceEnv::Set("1"), || {
        assert_eq!(trace::DEFAULT_STRSIZE, 32);
        assert_eq!(trace::strsize(), trace::DEFAULT_STRSIZE);
        let (a, afd, b, bfd) = traced_pair(SOCK_STREAM);
        let mut buf = [0u8; 128];
        let mut round_trip = |data: &[u8], shown: &str| {
            let n = data.len();
            assert_eq!(send(&a, data, 0), Ok(n));
            expect(format!("send({afd}, {shown}, {n}, 0) = {n}"));
            assert_eq!(recv(&b, &mut buf[..n], MSG_WAITALL), Ok(n));
            expect(format!("recv({bfd}, {shown}, {n}, MSG_WAITALL) = {n}"));
        };

        let x32 = "x".repeat(32);
        round_trip(x32.as_bytes(), &format!("\"{x32}\""));
        round_trip(format!("{x32}y").as_bytes(), &format!("\"{x32}\"..."));
        // Bytes, not characters of output, are counted: 33 NULs show 32 `\0`.
        round_trip(&[0; 33], &format!("\"{}\"...", "\\0".repeat(32)));

        trace::set_strsize(4);
        assert_eq!(trace::strsize(), 4);
        round_trip(b"Hello Server", r#""Hell"..."#);
        round_trip(b"Hell", r#""Hell""#);
        // The octal digit after the cut is not shown, so it does not lengthen the
        // escape before it.
        round_trip(b"abc\x011", r#""abc\1"..."#);
        round_trip(b"ab\x011", r#""ab\0011""#);

        trace::set_strsize(0);
        round_trip(b"abc", r#"""..."#);
        // Nothing to receive: a `recv` would wait for a byte.
        assert_eq!(send(&a, b"", 0), Ok(0));
        expect(format!("send({afd}, \"\", 0, 0) = 0"));

        trace::set_strsize(100);
        let long = "z".repeat(100);
        round_trip(long.as_bytes(), &format!("\"{long}\""));
        round_trip(format!("{long}!").as_bytes(), &format!("\"{long}\"..."));

        // The raw option forms show their bytes under the same limit.
        trace::set_strsize(2);
        let (s, fd) = traced_tcp();
        // SAFETY: SO_KEEPALIVE is a plain int: the kernel reads the 4 bytes and
        // follows nothing in them.
        unsafe { setsockopt_raw(&s, SOL_SOCKET, SO_KEEPALIVE.as_raw(), &1i32.to_ne_bytes()) }
            .unwrap();
        let two = small_bytes(&1i32.to_ne_bytes()[..2]);
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, SO_KEEPALIVE, {two}..., 4) = 0"
        ));
        let mut opt = [0u8; 4];
        assert_eq!(
            // SAFETY: a plain int option: the kernel writes at most `opt.len()` bytes.
            unsafe { getsockopt_raw(&s, SOL_SOCKET, SO_KEEPALIVE.as_raw(), &mut opt) },
            Ok(4)
        );
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, SO_KEEPALIVE, {two}..., [4]) = 0"
        ));

        trace::set_strsize(trace::DEFAULT_STRSIZE);
        // A value longer than 32 bytes: an int option reads its first 4 and takes
        // the rest as it comes.
        let mut long_value = [0u8; 40];
        long_value[..4].copy_from_slice(&1i32.to_ne_bytes());
        // SAFETY: SO_KEEPALIVE is a plain int: the kernel reads its first 4 bytes
        // and follows nothing in them.
        unsafe { setsockopt_raw(&s, SOL_SOCKET, SO_KEEPALIVE.as_raw(), &long_value) }.unwrap();
        let first_32 = small_bytes(&long_value[..32]);
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, SO_KEEPALIVE, {first_32}..., 40) = 0"
        ));

        drop_traced(s);
        drop_traced(b);
        drop_traced(a);
    });
}

/// Child side: the `strsize` that `SOCKAPI_TRACE_STRSIZE` should have set, by the
/// rule of the trace's docs (a decimal number; anything else keeps 32), written out
/// here for the values the parent passes.
fn strsize_from_env() -> usize {
    match std::env::var("SOCKAPI_TRACE_STRSIZE").as_deref() {
        Ok("5") => 5,
        Ok("0") => 0,
        Ok("32") => 32,
        Ok("100") => 100,
        Ok("abc" | "" | "-1" | " 5" | "5x" | "0x10") | Err(_) => 32,
        Ok(other) => panic!("no expectation written for SOCKAPI_TRACE_STRSIZE={other:?}"),
    }
}

/// Child side: sends 40 letters with the trace on and expects them cut at `limit`.
fn send_forty(limit: usize) {
    let (a, afd, b, _) = traced_pair(SOCK_STREAM);
    let data = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    assert_eq!(data.len(), 40);
    assert_eq!(send(&a, data.as_bytes(), 0), Ok(40));
    let more = if limit < 40 { "..." } else { "" };
    expect(format!(
        "send({afd}, \"{}\"{more}, 40, 0) = 40",
        &data[..limit.min(40)]
    ));
    drop_traced(b);
    drop_traced(a);
}

/// `SOCKAPI_TRACE_STRSIZE=N` sets the limit as the program loads, as strace's `-s N`;
/// a value that is not a decimal number keeps the default. `set_strsize` still
/// changes it afterwards.
#[cfg(feature = "trace")]
#[test]
fn env_strsize_sets_the_data_limit() {
    const NAME: &str = "env_strsize_sets_the_data_limit";
    if is_child(NAME) {
        let limit = strsize_from_env();
        assert_eq!(trace::strsize(), limit);
        send_forty(limit);
        trace::set_strsize(7);
        send_forty(7);
        done();
        return;
    }
    for value in ["5", "0", "32", "100", "abc", "", "-1", " 5", "5x", "0x10"] {
        let run = run_child(NAME, TraceEnv::Set("1"), TraceEnv::Set(value));
        run.assert_trace_is_expected();
    }
    // And without the variable: the default.
    run_child(NAME, TraceEnv::Set("1"), TraceEnv::Unset).assert_trace_is_expected();
}

/// The variable is read even while the trace is off: it holds once `enable` turns
/// the trace on.
#[cfg(feature = "trace")]
#[test]
fn env_strsize_applies_once_enabled() {
    const NAME: &str = "env_strsize_applies_once_enabled";
    let run = run_scenario_with_strsize(NAME, TraceEnv::Unset, TraceEnv::Set("5"), || {
        assert_eq!(trace::strsize(), 5);
        let quiet = tcp_socket(V4);
        drop(quiet);
        trace::enable();
        send_forty(5);
    });
    if let Some(run) = run {
        run.assert_trace_is_expected();
    }
}

/// Read as the program loads (ELF targets), so setting it from inside changes
/// nothing.
#[cfg(not(target_vendor = "apple"))]
#[cfg(feature = "trace")]
#[test]
fn env_strsize_set_from_inside_the_program_is_ignored() {
    const NAME: &str = "env_strsize_set_from_inside_the_program_is_ignored";
    check_trace(NAME, TraceEnv::Set("1"), || {
        std::env::set_var("SOCKAPI_TRACE_STRSIZE", "3");
        assert_eq!(trace::strsize(), trace::DEFAULT_STRSIZE);
        send_forty(trace::DEFAULT_STRSIZE);
    });
}

/// A line of data longer than the 508 bytes a line holds is cut there like any
/// other, with `...`: the data's own `...` would come after the closing quote.
#[cfg(feature = "trace")]
#[test]
fn long_data_line_is_cut_with_an_ellipsis() {
    const NAME: &str = "long_data_line_is_cut_with_an_ellipsis";
    const ROOM: usize = LINE_ROOM;
    let Some(run) = run_scenario(NAME, TraceEnv::Set("1"), || {
        let (a, afd, b, bfd) = traced_pair(SOCK_STREAM);
        trace::set_strsize(1000);
        let data = "a".repeat(600);
        assert_eq!(send(&a, data.as_bytes(), 0), Ok(600));
        let full = format!("send({afd}, \"{data}\", 600, 0) = 600");
        expect(format!("{}...", &full[..ROOM]));
        let mut buf = [0u8; 600];
        assert_eq!(recv(&b, &mut buf, MSG_WAITALL), Ok(600));
        let full = format!("recv({bfd}, \"{data}\", 600, MSG_WAITALL) = 600");
        expect(format!("{}...", &full[..ROOM]));
        drop_traced(b);
        drop_traced(a);
    }) else {
        return;
    };
    run.assert_trace_is_expected();
    assert_two_lines_cut_at_room(&run);
}

// ---------------------------------------------------------------------------------------
// Datagrams: sendto and recvfrom
// ---------------------------------------------------------------------------------------

/// Child side: a UDP socket of `ip`'s family bound to `ip` (port 0), with the lines
/// of its `socket`, `bind` and `getsockname`; returns it, its descriptor and address.
fn traced_bound_udp(ip: SocketAddr) -> (Socket, RawFd, SockAddr) {
    let s = udp_socket(ip);
    let fd = s.as_raw_fd();
    let family = if ip.is_ipv4() { "AF_INET" } else { "AF_INET6" };
    let len = if ip.is_ipv4() { 16 } else { 28 };
    expect(format!(
        "socket({family}, SOCK_DGRAM|SOCK_CLOEXEC, 0) = {fd}"
    ));
    bind(&s, &ip).unwrap();
    expect(format!("bind({fd}, {{{family}, {ip}}}, {len}) = 0"));
    let addr = getsockname(&s).unwrap();
    expect(format!("getsockname({fd}, {addr:?}) = 0"));
    (s, fd, addr)
}

/// `sendto` shows the data, the address and its length; `recvfrom` the bytes
/// received, the sender and the length the kernel reported in brackets, as strace
/// does; a failed `recvfrom` shows `...` for both, and the length passed in (the
/// whole `sockaddr_storage`).
#[cfg(feature = "trace")]
#[test]
fn sendto_and_recvfrom_lines() {
    const NAME: &str = "sendto_and_recvfrom_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (a, afd, addr_a) = traced_bound_udp(V4);
        let (b, bfd, addr_b) = traced_bound_udp(V4);
        let (pa, pb) = (port_of(&addr_a), port_of(&addr_b));

        assert_eq!(sendto(&a, b"hello", 0, &addr_b), Ok(5));
        expect(format!(
            "sendto({afd}, \"hello\", 5, 0, {{AF_INET, 127.0.0.1:{pb}}}, 16) = 5"
        ));
        let mut buf = [0u8; 64];
        assert_eq!(recvfrom(&b, &mut buf, 0), Ok((5, addr_a)));
        expect(format!(
            "recvfrom({bfd}, \"hello\", 64, 0, {{AF_INET, 127.0.0.1:{pa}}}, [16]) = 5"
        ));

        // A std address as the destination: the same line.
        assert_eq!(sendto(&b, b"back", MSG_DONTWAIT, &v4(pa)), Ok(4));
        expect(format!(
            "sendto({bfd}, \"back\", 4, MSG_DONTWAIT, {{AF_INET, 127.0.0.1:{pa}}}, 16) = 4"
        ));
        assert_eq!(recvfrom(&a, &mut buf, MSG_PEEK), Ok((4, addr_b)));
        expect(format!(
            "recvfrom({afd}, \"back\", 64, MSG_PEEK, {{AF_INET, 127.0.0.1:{pb}}}, [16]) = 4"
        ));
        // Cut to 2 bytes; with MSG_TRUNC the count is the datagram's, 4, and the
        // line shows the 2 bytes the buffer got.
        assert_eq!(recvfrom(&a, &mut buf[..2], MSG_TRUNC), Ok((4, addr_b)));
        expect(format!(
            "recvfrom({afd}, \"ba\", 2, MSG_TRUNC, {{AF_INET, 127.0.0.1:{pb}}}, [16]) = 4"
        ));

        assert_eq!(
            recvfrom(&a, &mut buf, MSG_DONTWAIT).map(|(n, _)| n),
            Err(Errno::EAGAIN)
        );
        expect(format!(
            "recvfrom({afd}, ..., 64, MSG_DONTWAIT, ..., [128]) = -1 EAGAIN (Resource temporarily unavailable)"
        ));
        // The address goes to the kernel as it is: a wrong family, and its verdict.
        let v6: SocketAddr = "[::1]:9".parse().unwrap();
        assert_eq!(sendto(&a, b"x", 0, &v6), Err(Errno::EAFNOSUPPORT));
        expect(format!(
            "sendto({afd}, \"x\", 1, 0, {{AF_INET6, [::1]:9}}, 28) = -1 EAFNOSUPPORT (Address family not supported by protocol)"
        ));
        // Data longer than the limit shows 32 bytes and `...`, as for send and recv.
        let long = [b'z'; 40];
        assert_eq!(sendto(&a, &long, 0, &addr_a), Ok(40));
        let shown = format!("\"{}\"...", "z".repeat(32));
        expect(format!(
            "sendto({afd}, {shown}, 40, 0, {{AF_INET, 127.0.0.1:{pa}}}, 16) = 40"
        ));
        assert_eq!(recvfrom(&a, &mut buf, 0), Ok((40, addr_a)));
        expect(format!(
            "recvfrom({afd}, {shown}, 64, 0, {{AF_INET, 127.0.0.1:{pa}}}, [16]) = 40"
        ));

        drop_traced(b);
        drop_traced(a);
    });
}

/// The other families: IPv6 (`[28]`), `AF_UNIX` paths, and the empty address Linux
/// reports from an unbound `AF_UNIX` sender (`[0]`).
#[cfg(feature = "trace")]
#[test]
fn recvfrom_address_lines_of_each_family() {
    const NAME: &str = "recvfrom_address_lines_of_each_family";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let any6: SocketAddr = "[::1]:0".parse().unwrap();
        let (s6, fd6, addr6) = traced_bound_udp(any6);
        let port6 = port_of(&addr6);
        assert_eq!(sendto(&s6, b"six", 0, &addr6), Ok(3));
        expect(format!(
            "sendto({fd6}, \"six\", 3, 0, {{AF_INET6, [::1]:{port6}}}, 28) = 3"
        ));
        let mut buf = [0u8; 16];
        assert_eq!(recvfrom(&s6, &mut buf, 0), Ok((3, addr6)));
        expect(format!(
            "recvfrom({fd6}, \"six\", 16, 0, {{AF_INET6, [::1]:{port6}}}, [28]) = 3"
        ));
        drop_traced(s6);

        let dir = TempDir::new(BIN, NAME);
        let path = dir.path("u");
        let u = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        let ufd = u.as_raw_fd();
        expect(format!(
            "socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = {ufd}"
        ));
        let uaddr = SockAddr::unix(&path).unwrap();
        let shown = format!("{{AF_UNIX, \"{}\"}}", path.display());
        let len = SUN_PATH_OFFSET + path.as_os_str().len() + 1;
        bind(&u, &uaddr).unwrap();
        expect(format!("bind({ufd}, {shown}, {len}) = 0"));
        assert_eq!(sendto(&u, b"me", 0, &uaddr), Ok(2));
        expect(format!("sendto({ufd}, \"me\", 2, 0, {shown}, {len}) = 2"));
        assert_eq!(recvfrom(&u, &mut buf, 0), Ok((2, uaddr)));
        expect(format!(
            "recvfrom({ufd}, \"me\", 16, 0, {shown}, [{len}]) = 2"
        ));

        let anon = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        let anon_fd = anon.as_raw_fd();
        expect(format!(
            "socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = {anon_fd}"
        ));
        assert_eq!(sendto(&anon, b"?", 0, &uaddr), Ok(1));
        expect(format!(
            "sendto({anon_fd}, \"?\", 1, 0, {shown}, {len}) = 1"
        ));
        let (n, peer) = recvfrom(&u, &mut buf, 0).unwrap();
        assert_eq!((n, peer.len()), (1, 0));
        expect(format!(
            "recvfrom({ufd}, \"?\", 16, 0, {{AF_UNSPEC, 0 bytes}}, [0]) = 1"
        ));
        drop_traced(anon);
        drop_traced(u);
    });
}

// ---------------------------------------------------------------------------------------
// Socket options, as strace shows them
// ---------------------------------------------------------------------------------------

/// The trace names the option the kernel applies at the level passed, whatever
/// constant the program named: C's `setsockopt(fd, SOL_SOCKET, TCP_NODELAY, …)` sets
/// option 1 of `SOL_SOCKET`, `SO_DEBUG`. The value is shown by the option's type.
/// A pair the crate does not name shows its number, and so does a level.
#[cfg(target_os = "linux")]
#[cfg(feature = "trace")]
#[test]
fn option_is_named_as_the_kernel_applies_it() {
    const NAME: &str = "option_is_named_as_the_kernel_applies_it";
    check_trace(NAME, TraceEnv::Set("1"), || {
        assert_eq!((TCP_NODELAY.as_raw(), sys::SO_DEBUG), (1, 1));
        let (s, fd) = traced_tcp();
        // The typed calls pass an option at its own level only: elsewhere the number
        // is another option (here SO_DEBUG), refused without a call, and said so.
        assert_eq!(
            setsockopt(&s, SOL_SOCKET, TCP_NODELAY, &1),
            Err(Errno::ENOPROTOOPT)
        );
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, SO_DEBUG, ...) = -1 ENOPROTOOPT (Protocol not available) \
             (not called: TCP_NODELAY is not an option of SOL_SOCKET)"
        ));
        assert_eq!(getsockopt(&s, SOL_TCP, SO_ERROR), Err(Errno::ENOPROTOOPT));
        expect(format!(
            "getsockopt({fd}, SOL_TCP, TCP_KEEPIDLE, ...) = -1 ENOPROTOOPT (Protocol not available) \
             (not called: SO_ERROR is not an option of SOL_TCP)"
        ));
        // IPPROTO_TCP and SOL_TCP are one level: no refusal.
        setsockopt(&s, SOL_TCP, TCP_NODELAY, &1).unwrap();
        expect(format!(
            "setsockopt({fd}, SOL_TCP, TCP_NODELAY, [1], 4) = 0"
        ));

        // The raw forms reach any level, and name what the kernel applies there.
        // SAFETY: option 1 of SOL_SOCKET is SO_DEBUG, an int: plain data.
        unsafe { setsockopt_raw(&s, SOL_SOCKET, TCP_NODELAY.as_raw(), &0i32.to_ne_bytes()) }
            .unwrap();
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, SO_DEBUG, \"\\0\\0\\0\\0\", 4) = 0"
        ));
        // SO_REUSEADDR is 2: at SOL_TCP, TCP_MAXSEG, which refuses 1.
        // SAFETY: TCP_MAXSEG is an int: plain data.
        let maxseg =
            unsafe { setsockopt_raw(&s, IPPROTO_TCP, SO_REUSEADDR.as_raw(), &1i32.to_ne_bytes()) };
        assert_eq!(maxseg, Err(Errno::EINVAL));
        expect(format!(
            "setsockopt({fd}, SOL_TCP, TCP_MAXSEG, \"\\1\\0\\0\\0\", 4) = -1 EINVAL (Invalid argument)"
        ));
        // SO_TYPE is 3: at SOL_TCP, TCP_CORK (off).
        let mut cork = [0xffu8; 4];
        // SAFETY: TCP_CORK is an int: plain data.
        let n = unsafe { getsockopt_raw(&s, SOL_TCP, SO_TYPE.as_raw(), &mut cork) };
        assert_eq!((n, cork), (Ok(4), [0; 4]));
        expect(format!(
            "getsockopt({fd}, SOL_TCP, TCP_CORK, \"\\0\\0\\0\\0\", [4]) = 0"
        ));

        // Unknown to the crate: an option number, and a level.
        // SAFETY: no option 9999 exists at SOL_TCP: the kernel reads nothing.
        let unknown = unsafe { setsockopt_raw(&s, SOL_TCP, 9999, &[0; 4]) };
        assert_eq!(unknown, Err(Errno::ENOPROTOOPT));
        expect(format!(
            "setsockopt({fd}, SOL_TCP, 9999, \"\\0\\0\\0\\0\", 4) = -1 ENOPROTOOPT (Protocol not available)"
        ));
        // SAFETY: no option exists at level 9999: the kernel reads nothing.
        let level = unsafe { setsockopt_raw(&s, 9999, TCP_NODELAY.as_raw(), &1i32.to_ne_bytes()) };
        assert_eq!(level, Err(Errno::ENOPROTOOPT));
        expect(format!(
            "setsockopt({fd}, 9999, 1, \"\\1\\0\\0\\0\", 4) = -1 ENOPROTOOPT (Protocol not available)"
        ));

        // IPPROTO_UDP as a level prints SOL_UDP.
        let u = udp_socket(V4);
        let ufd = u.as_raw_fd();
        expect(format!(
            "socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, 0) = {ufd}"
        ));
        let mut buf = [0u8; 4];
        assert_eq!(
            // SAFETY: no option 9999 exists at SOL_UDP: the kernel writes nothing.
            unsafe { getsockopt_raw(&u, IPPROTO_UDP, 9999, &mut buf) },
            Err(Errno::ENOPROTOOPT)
        );
        expect(format!(
            "getsockopt({ufd}, SOL_UDP, 9999, ..., [4]) = -1 ENOPROTOOPT (Protocol not available)"
        ));

        drop_traced(u);
        drop_traced(s);
    });
}

/// `SO_ERROR`'s value by its errno name, as strace shows it: after a non-blocking
/// connect to a closed port the pending error is `ECONNREFUSED`, and reading it
/// clears it (`[0]`).
///
/// On loopback the refusal usually lands before `connect` returns, but nothing
/// orders it: the socket's error is read until it is set, at most 1000 times and 5
/// seconds, yielding between reads; every read's line is expected.
#[cfg(feature = "trace")]
#[test]
fn so_error_is_shown_by_its_errno_name() {
    const NAME: &str = "so_error_is_shown_by_its_errno_name";
    const ATTEMPTS: usize = 5;
    const READS: usize = 1000;
    check_trace(NAME, TraceEnv::Unset, || {
        // Found with the trace off, so its calls print nothing.
        let addr = closed_port(V4);
        let port = port_of(&addr);
        trace::enable();
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut reads = 0;
        let mut refused = false;
        for _ in 0..ATTEMPTS {
            let s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).unwrap();
            let fd = s.as_raw_fd();
            expect(format!(
                "socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0) = {fd}"
            ));
            let connect_line = format!("connect({fd}, {{AF_INET, 127.0.0.1:{port}}}, 16) = -1");
            match connect(&s, &addr) {
                Err(Errno::EINPROGRESS) => expect(format!(
                    "{connect_line} EINPROGRESS (Operation now in progress)"
                )),
                // Refused within the call: `connect` took the error, none is pending.
                Err(Errno::ECONNREFUSED) => {
                    expect(format!("{connect_line} ECONNREFUSED (Connection refused)"));
                    drop_traced(s);
                    continue;
                }
                other => panic!("non-blocking connect to a closed port: {other:?}"),
            }
            while reads < READS && Instant::now() < deadline {
                reads += 1;
                let pending = getsockopt(&s, SOL_SOCKET, SO_ERROR).unwrap();
                if pending == Errno::ECONNREFUSED.raw() {
                    expect(format!(
                        "getsockopt({fd}, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0"
                    ));
                    refused = true;
                    break;
                }
                assert_eq!(pending, 0, "{}", Errno::from_raw(pending));
                expect(format!(
                    "getsockopt({fd}, SOL_SOCKET, SO_ERROR, [0], [4]) = 0"
                ));
                std::thread::yield_now();
            }
            if refused {
                assert_eq!(getsockopt(&s, SOL_SOCKET, SO_ERROR), Ok(0));
                expect(format!(
                    "getsockopt({fd}, SOL_SOCKET, SO_ERROR, [0], [4]) = 0"
                ));
            }
            drop_traced(s);
            if refused || reads >= READS || Instant::now() >= deadline {
                break;
            }
        }
        assert!(
            refused,
            "no ECONNREFUSED in SO_ERROR after {reads} reads (5 s at most)"
        );
    });
}

/// The raw forms show the bytes as data: `setsockopt` the value passed,
/// `getsockopt` the bytes the kernel wrote (the first `min(len, buffer)`) with the
/// length the kernel reported, and `...` with the buffer's length when it failed.
#[cfg(feature = "trace")]
#[test]
fn raw_option_lines() {
    const NAME: &str = "raw_option_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (s, fd) = traced_tcp();
        let keepalive = SO_KEEPALIVE.as_raw();
        // SAFETY: SO_KEEPALIVE is a plain int: the kernel reads the 4 bytes and
        // follows nothing in them.
        unsafe { setsockopt_raw(&s, SOL_SOCKET, keepalive, &1i32.to_ne_bytes()) }.unwrap();
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, SO_KEEPALIVE, {}, 4) = 0",
            one()
        ));
        // A short value: the kernel refuses it, the line still shows it.
        // SAFETY: as above; the kernel reads at most the 2 bytes and fails.
        let short = unsafe { setsockopt_raw(&s, SOL_SOCKET, keepalive, &[1, 0]) };
        assert_eq!(short, Err(Errno::EINVAL));
        expect(format!(
            "setsockopt({fd}, SOL_SOCKET, SO_KEEPALIVE, \"\\1\\0\", 2) = -1 EINVAL (Invalid argument)"
        ));

        // Into 8, 4, 2 and 0 bytes: an int option writes and reports at most 4.
        for (size, reported) in [(8, 4), (4, 4), (2, 2), (0, 0)] {
            let mut buf = [0xAAu8; 8];
            let buf = &mut buf[..size];
            // SAFETY: a plain int option: the kernel writes at most `buf.len()` bytes.
            let got = unsafe { getsockopt_raw(&s, SOL_SOCKET, keepalive, buf) };
            assert_eq!(got, Ok(reported));
            let written = small_bytes(&1i32.to_ne_bytes()[..reported]);
            expect(format!(
                "getsockopt({fd}, SOL_SOCKET, SO_KEEPALIVE, {written}, [{reported}]) = 0"
            ));
        }
        // Below an int, SOL_IP writes the value as one byte and says so.
        setsockopt(&s, IPPROTO_IP, IP_TTL, &200).unwrap();
        expect(format!("setsockopt({fd}, SOL_IP, IP_TTL, [200], 4) = 0"));
        let mut buf = [0xAAu8; 3];
        assert_eq!(
            // SAFETY: a plain int option: the kernel writes at most `buf.len()` bytes.
            unsafe { getsockopt_raw(&s, IPPROTO_IP, IP_TTL.as_raw(), &mut buf) },
            Ok(1)
        );
        expect(format!(
            "getsockopt({fd}, SOL_IP, IP_TTL, \"\\310\", [1]) = 0"
        ));
        // Failing: `...` for the value and the buffer's length.
        let mut buf = [0u8; 3];
        assert_eq!(
            // SAFETY: no option 9999 exists: the kernel writes nothing.
            unsafe { getsockopt_raw(&s, SOL_SOCKET, 9999, &mut buf) },
            Err(Errno::ENOPROTOOPT)
        );
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, 9999, ..., [3]) = -1 ENOPROTOOPT (Protocol not available)"
        ));
        drop_traced(s);
    });
}

/// An option whose kernel reports more than the buffer it was given: Linux's
/// `NETLINK_LIST_MEMBERSHIPS` writes whole 32-bit words of the group bitmap while
/// they fit and reports the bitmap's full size. The line shows the bytes written
/// and the length reported. (A netlink socket talks to the kernel only; joining the
/// link group needs no privilege.)
#[cfg(target_os = "linux")]
#[cfg(feature = "trace")]
#[test]
fn raw_getsockopt_shows_a_length_past_the_buffer() {
    const NAME: &str = "raw_getsockopt_shows_a_length_past_the_buffer";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let family = AddressFamily::from_raw(libc::AF_NETLINK);
        let n = socket(family, SOCK_RAW | SOCK_CLOEXEC, libc::NETLINK_ROUTE).unwrap();
        let fd = n.as_raw_fd();
        // Families and protocols the crate does not name show their numbers.
        expect(format!(
            "socket({}, SOCK_RAW|SOCK_CLOEXEC, {}) = {fd}",
            libc::AF_NETLINK,
            libc::NETLINK_ROUTE
        ));
        let group = libc::RTNLGRP_LINK as c_int;
        assert_eq!(group, 1);
        // SAFETY: NETLINK_ADD_MEMBERSHIP takes a plain int, the group number.
        unsafe {
            setsockopt_raw(
                &n,
                libc::SOL_NETLINK,
                libc::NETLINK_ADD_MEMBERSHIP,
                &group.to_ne_bytes(),
            )
        }
        .unwrap();
        expect(format!(
            "setsockopt({fd}, {}, {}, {}, 4) = 0",
            libc::SOL_NETLINK,
            libc::NETLINK_ADD_MEMBERSHIP,
            one()
        ));
        for size in [0, 4] {
            // The buffer is the head of a larger array, so a report past its end
            // (which AddressSanitizer's `getsockopt` interceptor takes as written)
            // stays inside memory the test owns; the tail shows nothing was written.
            let mut backing = [0xAAu8; 64];
            let buf = &mut backing[..size];
            // SAFETY: the kernel writes the bitmap only in whole words that fit in
            // `buf.len()` bytes, and follows nothing in them.
            let reported = unsafe {
                getsockopt_raw(&n, libc::SOL_NETLINK, libc::NETLINK_LIST_MEMBERSHIPS, buf)
            }
            .unwrap();
            // The bitmap is at least one word (rtnetlink has over 32 groups on
            // recent kernels, so two words there); 0 bytes never hold it.
            assert!(reported >= 4, "{reported}");
            if size == 0 {
                assert!(reported > size);
            }
            assert!(backing[size..].iter().all(|&b| b == 0xAA), "{backing:?}");
            // Group 1 is bit 0 of the first word.
            let written = small_bytes(&1u32.to_ne_bytes()[..size]);
            expect(format!(
                "getsockopt({fd}, {}, {}, {written}, [{reported}]) = 0",
                libc::SOL_NETLINK,
                libc::NETLINK_LIST_MEMBERSHIPS
            ));
        }
        drop_traced(n);
    });
}

/// An option whose value is a name: set, the name's bytes and their count; read,
/// the 16 bytes the kernel wrote, NUL padding included, as strace shows them.
#[cfg(target_os = "linux")]
#[cfg(feature = "trace")]
#[test]
fn name_option_lines() {
    const NAME: &str = "name_option_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let (s, fd) = traced_tcp();
        // `reno` is built in and open to unprivileged programs.
        setsockopt(&s, SOL_TCP, TCP_CONGESTION, b"reno").unwrap();
        expect(format!(
            "setsockopt({fd}, SOL_TCP, TCP_CONGESTION, \"reno\", 4) = 0"
        ));
        assert_eq!(
            getsockopt(&s, SOL_TCP, TCP_CONGESTION).unwrap().as_bytes(),
            b"reno"
        );
        expect(format!(
            "getsockopt({fd}, SOL_TCP, TCP_CONGESTION, \"reno{}\", [16]) = 0",
            "\\0".repeat(12)
        ));
        // The data limit holds for names too.
        trace::set_strsize(2);
        setsockopt(&s, SOL_TCP, TCP_CONGESTION, b"reno").unwrap();
        expect(format!(
            "setsockopt({fd}, SOL_TCP, TCP_CONGESTION, \"re\"..., 4) = 0"
        ));
        getsockopt(&s, SOL_TCP, TCP_CONGESTION).unwrap();
        expect(format!(
            "getsockopt({fd}, SOL_TCP, TCP_CONGESTION, \"re\"..., [16]) = 0"
        ));
        trace::set_strsize(trace::DEFAULT_STRSIZE);
        // Unbound: the kernel writes no byte and reports 0.
        assert_eq!(
            getsockopt(&s, SOL_SOCKET, SO_BINDTODEVICE)
                .unwrap()
                .as_bytes(),
            b""
        );
        expect(format!(
            "getsockopt({fd}, SOL_SOCKET, SO_BINDTODEVICE, \"\", [0]) = 0"
        ));

        // A UDP socket has no TCP level.
        let u = udp_socket(V4);
        let ufd = u.as_raw_fd();
        expect(format!(
            "socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, 0) = {ufd}"
        ));
        assert_eq!(
            setsockopt(&u, SOL_TCP, TCP_CONGESTION, b"reno"),
            Err(Errno::ENOPROTOOPT)
        );
        expect(format!(
            "setsockopt({ufd}, SOL_TCP, TCP_CONGESTION, \"reno\", 4) = -1 ENOPROTOOPT (Protocol not available)"
        ));
        drop_traced(u);
        drop_traced(s);
    });
}

/// A typed `getsockopt` that fails shows `...` for the value and the length it
/// passed, which the option's type fixes: 4 for an int, 8 for a `linger`, 16 for a
/// `timeval` and for a name.
#[cfg(feature = "trace")]
#[test]
fn typed_getsockopt_failure_lines() {
    const NAME: &str = "typed_getsockopt_failure_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let file = common::not_a_socket();
        let ffd = file.as_raw_fd();
        let not_a_socket = "-1 ENOTSOCK (Socket operation on non-socket)";
        assert_eq!(
            getsockopt(&file, SOL_SOCKET, SO_KEEPALIVE),
            Err(Errno::ENOTSOCK)
        );
        expect(format!(
            "getsockopt({ffd}, SOL_SOCKET, SO_KEEPALIVE, ..., [4]) = {not_a_socket}"
        ));
        assert_eq!(
            getsockopt(&file, SOL_SOCKET, SO_LINGER).err(),
            Some(Errno::ENOTSOCK)
        );
        expect(format!(
            "getsockopt({ffd}, SOL_SOCKET, SO_LINGER, ..., [8]) = {not_a_socket}"
        ));
        assert_eq!(
            getsockopt(&file, SOL_SOCKET, SO_RCVTIMEO).err(),
            Some(Errno::ENOTSOCK)
        );
        expect(format!(
            "getsockopt({ffd}, SOL_SOCKET, SO_RCVTIMEO, ..., [16]) = {not_a_socket}"
        ));
        assert_eq!(getsockopt(&file, SOL_SOCKET, SO_TYPE), Err(Errno::ENOTSOCK));
        expect(format!(
            "getsockopt({ffd}, SOL_SOCKET, SO_TYPE, ..., [4]) = {not_a_socket}"
        ));
        #[cfg(target_os = "linux")]
        {
            assert_eq!(
                getsockopt(&file, SOL_TCP, TCP_CONGESTION),
                Err(Errno::ENOTSOCK)
            );
            expect(format!(
                "getsockopt({ffd}, SOL_TCP, TCP_CONGESTION, ..., [16]) = {not_a_socket}"
            ));
            // The path MTU exists only once connected.
            let (s, fd) = traced_tcp();
            assert_eq!(getsockopt(&s, IPPROTO_IP, IP_MTU), Err(Errno::ENOTCONN));
            expect(format!(
                "getsockopt({fd}, SOL_IP, IP_MTU, ..., [4]) = -1 ENOTCONN (Transport endpoint is not connected)"
            ));
            drop_traced(s);
        }
    });
}

/// `tcp_info`'s line is the `getsockopt` it makes: `SOL_TCP, TCP_INFO`, the main
/// fields by their C names and numbers, then `...`, and the length the kernel
/// filled; on failure `...` and the length passed, the size of the struct.
#[cfg(target_os = "linux")]
#[cfg(feature = "trace")]
#[test]
fn tcp_info_lines() {
    const NAME: &str = "tcp_info_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        /// The line for `info`, written out from its raw fields.
        fn line(fd: RawFd, info: &TcpInfo, state: &str) -> String {
            let r = info.as_raw();
            format!(
                "getsockopt({fd}, SOL_TCP, TCP_INFO, {{tcpi_state={state}, tcpi_ca_state={}, \
                 tcpi_retransmits={}, tcpi_rto={}, tcpi_rtt={}, tcpi_rttvar={}, \
                 tcpi_snd_cwnd={}, tcpi_total_retrans={}, ...}}, [{}]) = 0",
                r.tcpi_ca_state,
                r.tcpi_retransmits,
                r.tcpi_rto,
                r.tcpi_rtt,
                r.tcpi_rttvar,
                r.tcpi_snd_cwnd,
                r.tcpi_total_retrans,
                info.len()
            )
        }
        let size = std::mem::size_of::<sys::tcp_info>();

        let (s, fd) = traced_tcp();
        let info = tcp_info(&s).unwrap();
        assert_eq!(info.state(), TCP_CLOSE);
        expect(line(fd, &info, "TCP_CLOSE"));
        listen(&s, 5).unwrap();
        expect(format!("listen({fd}, 5) = 0"));
        let info = tcp_info(&s).unwrap();
        expect(line(fd, &info, "TCP_LISTEN"));

        let u = udp_socket(V4);
        let ufd = u.as_raw_fd();
        expect(format!(
            "socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, 0) = {ufd}"
        ));
        assert_eq!(tcp_info(&u).err(), Some(Errno::EOPNOTSUPP));
        expect(format!(
            "getsockopt({ufd}, SOL_TCP, TCP_INFO, ..., [{size}]) = -1 EOPNOTSUPP (Operation not supported)"
        ));

        let file = common::not_a_socket();
        let ffd = file.as_raw_fd();
        assert_eq!(tcp_info(&file).err(), Some(Errno::ENOTSOCK));
        expect(format!(
            "getsockopt({ffd}, SOL_TCP, TCP_INFO, ..., [{size}]) = -1 ENOTSOCK (Socket operation on non-socket)"
        ));

        drop_traced(u);
        drop_traced(s);
    });
}

// ---------------------------------------------------------------------------------------
// Compiled out
// ---------------------------------------------------------------------------------------

/// Without the `trace` feature nothing is printed, whatever the environment and
/// `enable` say; `enabled` stays `false` and the data limit stays the default.
#[cfg(not(feature = "trace"))]
#[test]
fn trace_compiled_out_prints_nothing() {
    const NAME: &str = "trace_compiled_out_prints_nothing";
    let run = run_scenario_with_strsize(NAME, TraceEnv::Set("1"), TraceEnv::Set("5"), || {
        assert!(!trace::enabled());
        assert_eq!(trace::strsize(), trace::DEFAULT_STRSIZE);
        trace::enable();
        assert!(!trace::enabled());
        trace::set_strsize(5);
        assert_eq!(trace::strsize(), trace::DEFAULT_STRSIZE);
        untraced_workload();
        let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        assert_eq!(send(&a, b"Hello Server", 0), Ok(12));
        let mut buf = [0u8; 64];
        assert_eq!(recv(&b, &mut buf, 0), Ok(12));
        setsockopt(&a, SOL_SOCKET, SO_KEEPALIVE, &1).unwrap();
        assert_eq!(getsockopt(&a, SOL_SOCKET, SO_ERROR), Ok(0));
    });
    if let Some(run) = run {
        run.assert_no_trace();
        assert_eq!(run.stderr, "", "the child wrote to stderr");
    }
}

/// Two threads trace 200 socket/close pairs each: every line comes out whole.
#[cfg(feature = "trace")]
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

/// `if_nametoindex` and `if_indextoname` are C library calls, not syscalls, so strace
/// does not show them; the trace does, names as strings.
#[cfg(feature = "trace")]
#[test]
fn interface_name_lines() {
    const NAME: &str = "interface_name_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let index = if_nametoindex("lo").unwrap();
        expect(format!("if_nametoindex(\"lo\") = {index}"));
        assert_eq!(if_indextoname(index).unwrap(), "lo");
        expect(format!("if_indextoname({index}, \"lo\") = \"lo\""));
        assert_eq!(if_nametoindex(c"lo"), Ok(index));
        expect(format!("if_nametoindex(\"lo\") = {index}"));
        assert_eq!(if_nametoindex("sockapi-none0"), Err(Errno::ENODEV));
        expect("if_nametoindex(\"sockapi-none0\") = -1 ENODEV (No such device)".to_owned());
        assert_eq!(if_indextoname(0), Err(Errno::ENXIO));
        expect("if_indextoname(0, ...) = NULL ENXIO (No such device or address)".to_owned());
    });
}

/// `tcp_state_of` and `tcp_state_in` make several syscalls, none traced on its own:
/// each lookup is one line, the state by its diagram name (or `none`) and the table
/// that answered, or the error before any table.
#[cfg(all(feature = "trace", target_os = "linux"))]
#[test]
fn tcp_state_lines() {
    const NAME: &str = "tcp_state_lines";
    check_trace(NAME, TraceEnv::Unset, || {
        // Made before the trace is on: only the lookups print.
        let (l, addr) = common::listener(V4);
        let client = tcp_socket(V4);
        connect(&client, &addr).unwrap();
        let (server, _) = accept(&l).unwrap();
        let (local, peer) = (getsockname(&client).unwrap(), getpeername(&client).unwrap());
        let (lp, pp) = (port_of(&local), port_of(&peer));
        shutdown(&client, SHUT_WR).unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(recv(&server, &mut buf, 0), Ok(0));
        close(server).unwrap();
        assert_eq!(recv(&client, &mut buf, 0), Ok(0));
        let deadline = Instant::now() + Duration::from_secs(10);
        while tcp_state_in(TcpTable::SockDiag, &local, &peer) != Ok(Some(TCP_TIME_WAIT))
            && Instant::now() < deadline
        {
            std::thread::yield_now();
        }
        let (l6, addr6) = common::listener(common::V6);
        let p6 = port_of(&addr6);

        trace::enable();
        assert_eq!(tcp_state_of(&local, &peer), Ok(Some(TCP_TIME_WAIT)));
        expect(format!(
            "tcp_state_of({{AF_INET, 127.0.0.1:{lp}}}, {{AF_INET, 127.0.0.1:{pp}}}) = TIME_WAIT (sock_diag)"
        ));
        assert_eq!(
            tcp_state_in(TcpTable::Proc, &local, &peer),
            Ok(Some(TCP_TIME_WAIT))
        );
        expect(format!(
            "tcp_state_in(Proc, {{AF_INET, 127.0.0.1:{lp}}}, {{AF_INET, 127.0.0.1:{pp}}}) = TIME_WAIT (/proc/net/tcp)"
        ));
        // The end that closed second has left the table.
        assert_eq!(tcp_state_in(TcpTable::SockDiag, &peer, &local), Ok(None));
        expect(format!(
            "tcp_state_in(SockDiag, {{AF_INET, 127.0.0.1:{pp}}}, {{AF_INET, 127.0.0.1:{lp}}}) = none (sock_diag)"
        ));
        let any6 = SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, 0));
        assert_eq!(
            tcp_state_in(TcpTable::Proc, &addr6, &any6),
            Ok(Some(TCP_LISTEN))
        );
        expect(format!(
            "tcp_state_in(Proc, {{AF_INET6, [::1]:{p6}}}, {{AF_INET6, [::]:0}}) = LISTEN (/proc/net/tcp6)"
        ));
        assert_eq!(tcp_state_of(&addr6, &local), Err(Errno::EINVAL));
        expect(format!(
            "tcp_state_of({{AF_INET6, [::1]:{p6}}}, {{AF_INET, 127.0.0.1:{lp}}}) = -1 EINVAL (Invalid argument)"
        ));
        let path = SockAddr::unix("/tmp/sockapi-trace-none").unwrap();
        assert_eq!(
            tcp_state_in(TcpTable::SockDiag, &path, &peer),
            Err(Errno::EAFNOSUPPORT)
        );
        expect(format!(
            "tcp_state_in(SockDiag, {{AF_UNIX, \"/tmp/sockapi-trace-none\"}}, {{AF_INET, 127.0.0.1:{pp}}}) = -1 EAFNOSUPPORT (Address family not supported by protocol)"
        ));
        trace::disable();
        drop((l, l6, client));
    });
}

/// `getaddrinfo` and `getnameinfo` are C library calls too: the names as strings, the
/// hints by their fields, the list by its addresses, a failure by its `EAI_*` name.
#[cfg(feature = "trace")]
#[test]
fn addrinfo_lines() {
    const NAME: &str = "addrinfo_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let mut hints = AddrInfoHints::default();
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
        hints.ai_family = AF_INET;
        hints.ai_socktype = SOCK_STREAM;
        getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&hints)).unwrap();
        expect(
            "getaddrinfo(\"127.0.0.1\", \"80\", {ai_flags=AI_NUMERICHOST|AI_NUMERICSERV, \
             ai_family=AF_INET, ai_socktype=SOCK_STREAM, ai_protocol=0}, \
             [{AF_INET, 127.0.0.1:80}]) = 0"
                .to_owned(),
        );
        let e = getaddrinfo(Some("localhost"), None, Some(&hints)).unwrap_err();
        expect(format!(
            "getaddrinfo(\"localhost\", NULL, {{ai_flags=AI_NUMERICHOST|AI_NUMERICSERV, \
             ai_family=AF_INET, ai_socktype=SOCK_STREAM, ai_protocol=0}}, ...) = \
             EAI_NONAME ({e})"
        ));
        // A `&CStr` prints as the `&str` does.
        getaddrinfo(c"127.0.0.1", c"80", Some(&hints)).unwrap();
        expect(
            "getaddrinfo(\"127.0.0.1\", \"80\", {ai_flags=AI_NUMERICHOST|AI_NUMERICSERV, \
             ai_family=AF_INET, ai_socktype=SOCK_STREAM, ai_protocol=0}, \
             [{AF_INET, 127.0.0.1:80}]) = 0"
                .to_owned(),
        );
        let e = getaddrinfo(c"localhost", None, Some(&hints)).unwrap_err();
        expect(format!(
            "getaddrinfo(\"localhost\", NULL, {{ai_flags=AI_NUMERICHOST|AI_NUMERICSERV, \
             ai_family=AF_INET, ai_socktype=SOCK_STREAM, ai_protocol=0}}, ...) = \
             EAI_NONAME ({e})"
        ));
        getaddrinfo(Some("a\0b"), None, None).unwrap_err();
        expect(
            "getaddrinfo(\"a\\0b\", NULL, ...) = EAI_SYSTEM (System error: EINVAL \
             (Invalid argument)) (not called: NUL inside a name)"
                .to_owned(),
        );
        let addr = SockAddr::from(v4(80));
        getnameinfo(&addr, NI_NUMERICHOST | NI_NUMERICSERV).unwrap();
        expect(
            "getnameinfo({AF_INET, 127.0.0.1:80}, 16, \"127.0.0.1\", 1025, \"80\", 32, \
             NI_NUMERICHOST|NI_NUMERICSERV) = 0"
                .to_owned(),
        );
    });
}

/// The netdb entry calls are C library calls, not syscalls: the line shows the
/// arguments as C passes them (`htons(80)`, `NULL` for any protocol) and the entry as
/// strace shows a struct, `NULL` when not found, `NULL` and the errno or `h_errno` on
/// failure. The entries are read back with the trace off, so the expected lines hold
/// whatever this machine's files say.
#[cfg(all(feature = "trace", target_os = "linux", target_env = "gnu"))]
#[test]
fn netdb_entry_lines() {
    const NAME: &str = "netdb_entry_lines";
    /// `["a", "b"]`, as the trace lists aliases.
    fn list<'a>(names: impl Iterator<Item = NetStr<'a>>) -> String {
        let names: Vec<String> = names.map(|n| format!("\"{n}\"")).collect();
        format!("[{}]", names.join(", "))
    }
    if !std::path::Path::new("/etc/services").exists() && std::env::var_os("CI").is_none() {
        eprintln!("skipped: /etc/services is missing; install `netbase`");
        return;
    }
    check_trace(NAME, TraceEnv::Set("1"), || {
        trace::disable();
        let se = getservbyname("http", "tcp").unwrap().unwrap();
        let pe = getprotobynumber(17).unwrap().unwrap();
        let he = gethostbyname("localhost").unwrap();
        let by_addr = gethostbyaddr(std::net::Ipv4Addr::LOCALHOST).unwrap();
        trace::enable();
        let http = format!(
            "{{s_name=\"http\", s_aliases={}, s_port=htons(80), s_proto=\"tcp\"}}",
            list(se.s_aliases())
        );
        getservbyname("http", "tcp").unwrap();
        expect(format!("getservbyname(\"http\", \"tcp\") = {http}"));
        getservbyname(c"http", c"tcp").unwrap();
        expect(format!("getservbyname(\"http\", \"tcp\") = {http}"));
        getservbyport(80u16.to_be(), "tcp").unwrap();
        expect(format!("getservbyport(htons(80), \"tcp\") = {http}"));
        getservbyport(80u16.to_be(), c"tcp").unwrap();
        expect(format!("getservbyport(htons(80), \"tcp\") = {http}"));
        assert_eq!(getservbyname("sockapi-none", None), Ok(None));
        expect("getservbyname(\"sockapi-none\", NULL) = NULL".to_owned());
        assert_eq!(getservbyname("a\0b", "tcp"), Err(Errno::EINVAL));
        expect("getservbyname(\"a\\0b\", \"tcp\") = NULL EINVAL (Invalid argument)".to_owned());
        getprotobynumber(17).unwrap();
        expect(format!(
            "getprotobynumber(17) = {{p_name=\"udp\", p_aliases={}, p_proto=17}}",
            list(pe.p_aliases())
        ));
        assert_eq!(getprotobyname("sockapi-none"), Ok(None));
        expect("getprotobyname(\"sockapi-none\") = NULL".to_owned());
        assert_eq!(getprotobyname(c"sockapi-none"), Ok(None));
        expect("getprotobyname(\"sockapi-none\") = NULL".to_owned());
        let addrs: Vec<String> = he.h_addr_list().map(|a| a.to_string()).collect();
        gethostbyname("localhost").unwrap();
        expect(format!(
            "gethostbyname(\"localhost\") = {{h_name=\"{}\", h_aliases={}, h_addrtype=AF_INET, h_length=4, h_addr_list=[{}]}}",
            he.h_name(),
            list(he.h_aliases()),
            addrs.join(", ")
        ));
        let addrs: Vec<String> = by_addr.h_addr_list().map(|a| a.to_string()).collect();
        gethostbyaddr(std::net::Ipv4Addr::LOCALHOST).unwrap();
        expect(format!(
            "gethostbyaddr(127.0.0.1, 4, AF_INET) = {{h_name=\"{}\", h_aliases={}, h_addrtype=AF_INET, h_length=4, h_addr_list=[{}]}}",
            by_addr.h_name(),
            list(by_addr.h_aliases()),
            addrs.join(", ")
        ));
        // Digits and dots that are no address: HOST_NOT_FOUND without a DNS query.
        assert_eq!(gethostbyname("256.1.1.1").unwrap_err(), HOST_NOT_FOUND);
        expect(
            "gethostbyname(\"256.1.1.1\") = NULL h_errno=HOST_NOT_FOUND (Unknown host)".to_owned(),
        );
        assert_eq!(gethostbyname(c"256.1.1.1").unwrap_err(), HOST_NOT_FOUND);
        expect(
            "gethostbyname(\"256.1.1.1\") = NULL h_errno=HOST_NOT_FOUND (Unknown host)".to_owned(),
        );
    });
}

/// The address conversions are C library calls too: the text as a string, the binary
/// address by its fields, `...` where the call wrote nothing.
#[cfg(feature = "trace")]
#[test]
fn inet_conversion_lines() {
    const NAME: &str = "inet_conversion_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let mut a: in_addr = zeroed();
        assert_eq!(inet_pton(AF_INET, "127.0.0.1", &mut a), Ok(true));
        expect("inet_pton(AF_INET, \"127.0.0.1\", {s_addr=127.0.0.1}) = 1".to_owned());
        assert_eq!(inet_pton(AF_INET, "1.2.3", &mut a), Ok(false));
        expect("inet_pton(AF_INET, \"1.2.3\", ...) = 0".to_owned());
        assert_eq!(inet_pton(AF_INET, "1.2.3.4\0x", &mut a), Ok(false));
        expect("inet_pton(AF_INET, \"1.2.3.4\\0x\", ...) = 0".to_owned());
        assert_eq!(inet_pton(AF_INET6, "::1", &mut a), Err(Errno::EAFNOSUPPORT));
        expect(
            "inet_pton(AF_INET6, \"::1\", ...) = -1 EAFNOSUPPORT (Address family not supported by protocol)"
                .to_owned(),
        );
        let mut a6: in6_addr = zeroed();
        assert_eq!(inet_pton(AF_INET6, c"::1", &mut a6), Ok(true));
        expect("inet_pton(AF_INET6, \"::1\", {s6_addr=::1}) = 1".to_owned());
        let mut buf = [0u8; INET_ADDRSTRLEN];
        assert_eq!(inet_ntop(AF_INET, &a, &mut buf), Ok("127.0.0.1"));
        expect(
            "inet_ntop(AF_INET, {s_addr=127.0.0.1}, \"127.0.0.1\", 16) = \"127.0.0.1\"".to_owned(),
        );
        assert_eq!(inet_ntop(AF_INET, &a, &mut buf[..4]), Err(Errno::ENOSPC));
        expect(
            "inet_ntop(AF_INET, {s_addr=127.0.0.1}, ..., 4) = NULL ENOSPC (No space left on device)"
                .to_owned(),
        );
        assert!(inet_aton("10.1", &mut a));
        expect("inet_aton(\"10.1\", {s_addr=10.0.0.1}) = 1".to_owned());
        assert!(!inet_aton("x", &mut a));
        expect("inet_aton(\"x\", ...) = 0".to_owned());
        assert!(inet_aton(c"10.1", &mut a));
        expect("inet_aton(\"10.1\", {s_addr=10.0.0.1}) = 1".to_owned());
        assert_eq!(inet_ntoa(a), "10.0.0.1");
        expect("inet_ntoa({s_addr=10.0.0.1}) = \"10.0.0.1\"".to_owned());
        // The byte-order helpers are no calls: no line.
        assert_eq!(ntohs(htons(80)), 80);
    });
}

/// Multicast values print their fields, strace-style. (No group is joined here,
/// outside a namespace of the test's own: the join below fails before the kernel sends
/// anything.)
#[cfg(all(feature = "trace", target_os = "linux"))]
#[test]
fn multicast_option_lines() {
    const NAME: &str = "multicast_option_lines";
    check_trace(NAME, TraceEnv::Set("1"), || {
        let u = udp_socket(V4);
        let ufd = u.as_raw_fd();
        expect(format!(
            "socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, 0) = {ufd}"
        ));
        let lo = in_addr {
            s_addr: u32::from_ne_bytes([127, 0, 0, 1]),
        };
        setsockopt(&u, IPPROTO_IP, IP_MULTICAST_IF, &lo).unwrap();
        expect(format!(
            "setsockopt({ufd}, SOL_IP, IP_MULTICAST_IF, {{s_addr=127.0.0.1}}, 4) = 0"
        ));
        assert_eq!(
            getsockopt(&u, IPPROTO_IP, IP_MULTICAST_IF).map(|a| a.s_addr),
            Ok(lo.s_addr)
        );
        expect(format!(
            "getsockopt({ufd}, SOL_IP, IP_MULTICAST_IF, {{s_addr=127.0.0.1}}, [4]) = 0"
        ));
        let nowhere = ip_mreq {
            imr_multiaddr: in_addr {
                s_addr: u32::from_ne_bytes([239, 255, 0, 1]),
            },
            imr_interface: in_addr {
                s_addr: u32::from_ne_bytes([192, 0, 2, 1]),
            },
        };
        assert_eq!(
            setsockopt(&u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &nowhere),
            Err(Errno::ENODEV)
        );
        expect(format!(
            "setsockopt({ufd}, SOL_IP, IP_ADD_MEMBERSHIP, {{imr_multiaddr=239.255.0.1, imr_interface=192.0.2.1}}, 8) = -1 ENODEV (No such device)"
        ));
        drop_traced(u);
    });
}

/// `sendmmsg`/`recvmmsg` (Linux): the first two messages, then `...`; the received
/// data cut to each message's length; the timeout as Linux left it.
#[cfg(all(feature = "trace", target_os = "linux"))]
#[test]
fn mmsg_lines() {
    use std::io::{IoSlice, IoSliceMut};
    const NAME: &str = "mmsg_lines";
    check_trace(NAME, TraceEnv::Unset, || {
        let (a, b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        let (afd, bfd) = (a.as_raw_fd(), b.as_raw_fd());
        let iovs = [
            [IoSlice::new(b"one")],
            [IoSlice::new(b"two")],
            [IoSlice::new(b"3")],
        ];
        let mut msgs = iovs
            .each_ref()
            .map(|iov| MMsgHdr::new(MsgHdr::new(None, iov, Control::NONE)));
        let mut bufs = [[0u8; 8]; 3];
        let [b0, b1, b2] = &mut bufs;
        let mut riovs = [
            [IoSliceMut::new(b0)],
            [IoSliceMut::new(b1)],
            [IoSliceMut::new(b2)],
        ];
        let [i0, i1, i2] = &mut riovs;
        let mut hdrs = [
            MsgHdrMut::new(i0, &mut []),
            MsgHdrMut::new(i1, &mut []),
            MsgHdrMut::new(i2, &mut []),
        ];
        let [h0, h1, h2] = &mut hdrs;
        let mut entries = [
            MMsgHdrMut::new(h0),
            MMsgHdrMut::new(h1),
            MMsgHdrMut::new(h2),
        ];
        trace::enable();
        assert_eq!(sendmmsg(&a, &mut msgs, 0), Ok(3));
        expect(format!(
            "sendmmsg({afd}, [{{msg_hdr={{msg_name=NULL, msg_iov=[{{\"one\", 3}}], msg_iovlen=1, msg_controllen=0, msg_flags=0}}, msg_len=3}}, {{msg_hdr={{msg_name=NULL, msg_iov=[{{\"two\", 3}}], msg_iovlen=1, msg_controllen=0, msg_flags=0}}, msg_len=3}}, ...], 3, 0) = 3"
        ));
        assert_eq!(recvmmsg(&b, &mut entries, MSG_WAITFORONE, None), Ok(3));
        expect(format!(
            "recvmmsg({bfd}, [{{msg_hdr={{msg_name=NULL, msg_iov=[{{\"one\", 8}}], msg_iovlen=1, msg_controllen=0, msg_flags=0}}, msg_len=3}}, {{msg_hdr={{msg_name=NULL, msg_iov=[{{\"two\", 8}}], msg_iovlen=1, msg_controllen=0, msg_flags=0}}, msg_len=3}}, ...], 3, MSG_WAITFORONE, NULL) = 3"
        ));
        assert_eq!(
            recvmmsg(&b, &mut entries, MSG_DONTWAIT, None),
            Err(Errno::EAGAIN)
        );
        expect(format!(
            "recvmmsg({bfd}, [...], 3, MSG_DONTWAIT, NULL) = -1 EAGAIN (Resource temporarily unavailable)"
        ));
        assert_eq!(sendmmsg(&a, &mut msgs[..1], 0), Ok(1));
        expect(format!(
            "sendmmsg({afd}, [{{msg_hdr={{msg_name=NULL, msg_iov=[{{\"one\", 3}}], msg_iovlen=1, msg_controllen=0, msg_flags=0}}, msg_len=3}}], 1, 0) = 1"
        ));
        let mut ts = timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        assert_eq!(recvmmsg(&b, &mut entries[..1], 0, Some(&mut ts)), Ok(1));
        expect(format!(
            "recvmmsg({bfd}, [{{msg_hdr={{msg_name=NULL, msg_iov=[{{\"one\", 8}}], msg_iovlen=1, msg_controllen=0, msg_flags=0}}, msg_len=3}}], 1, 0, {{tv_sec=0, tv_nsec=0}}) = 1"
        ));
        drop_traced(a);
        drop_traced(b);
    });
}

/// `select` and `pselect` as strace shows them: the sets before the call, the ready
/// fds and the time left after it, `(Timeout)` for 0; the mask by signal names.
#[cfg(feature = "trace")]
#[test]
fn select_lines() {
    const NAME: &str = "select_lines";
    check_trace(NAME, TraceEnv::Unset, || {
        let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let (afd, bfd) = (a.as_raw_fd(), b.as_raw_fd());
        send(&a, b"x", 0).unwrap();
        let mut r = FdSet::new();
        r.insert(&a).unwrap();
        r.insert(&b).unwrap();
        let mut w = FdSet::new();
        w.insert(&a).unwrap();
        let nfds = r.nfds();
        trace::enable();
        let mut tv = timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        assert_eq!(
            select(nfds, Some(&mut r), Some(&mut w), None, Some(&mut tv)),
            Ok(2)
        );
        expect(format!(
            "select({nfds}, [{afd} {bfd}], [{afd}], NULL, {{tv_sec=0, tv_usec=0}}) = 2 (in [{bfd}], out [{afd}], left {{tv_sec=0, tv_usec=0}})"
        ));
        let mut r = FdSet::new();
        r.insert(&a).unwrap();
        let mut tv = timeval {
            tv_sec: 0,
            tv_usec: 1000,
        };
        assert_eq!(select(nfds, Some(&mut r), None, None, Some(&mut tv)), Ok(0));
        expect(format!(
            "select({nfds}, [{afd}], NULL, NULL, {{tv_sec=0, tv_usec=1000}}) = 0 (Timeout)"
        ));
        let mut r = FdSet::new();
        r.insert(&b).unwrap();
        assert_eq!(select(nfds, Some(&mut r), None, None, None), Ok(1));
        expect(format!(
            "select({nfds}, [{bfd}], NULL, NULL, NULL) = 1 (in [{bfd}])"
        ));
        assert_eq!(
            select(2048, Some(&mut r), None, None, Some(&mut tv)),
            Err(Errno::EINVAL)
        );
        expect(format!(
            "select(2048, [{bfd}], NULL, NULL, {{tv_sec=0, tv_usec=0}}) = -1 EINVAL (Invalid argument)"
        ));
        let mut mask: sigset_t = zeroed();
        sigemptyset(&mut mask).unwrap();
        sigaddset(&mut mask, libc::SIGUSR1).unwrap();
        sigaddset(&mut mask, libc::SIGINT).unwrap();
        let ts = timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        assert_eq!(
            pselect(nfds, Some(&mut r), None, None, Some(&ts), Some(&mask)),
            Ok(1)
        );
        expect(format!(
            "pselect({nfds}, [{bfd}], NULL, NULL, {{tv_sec=0, tv_nsec=0}}, [INT USR1]) = 1 (in [{bfd}])"
        ));
        sigfillset(&mut mask).unwrap();
        assert_eq!(pselect(0, None, None, None, Some(&ts), Some(&mask)), Ok(0));
        expect(
            "pselect(0, NULL, NULL, NULL, {tv_sec=0, tv_nsec=0}, ~[RTMIN RT_1]) = 0 (Timeout)"
                .to_owned(),
        );
        assert_eq!(
            pselect(-1, None, None, None, None, None),
            Err(Errno::EINVAL)
        );
        expect(
            "pselect(-1, NULL, NULL, NULL, NULL, NULL) = -1 EINVAL (Invalid argument)".to_owned(),
        );
        drop_traced(a);
        drop_traced(b);
    });
}

/// `poll`/`ppoll` as strace shows them: the entries asked for (`{fd=-1}` for a skipped
/// one), then the ready ones or `(Timeout)`; the typed `ioctl` requests by name with
/// their `int`; `sockatmark` as the call made.
#[cfg(all(feature = "trace", target_os = "linux"))]
#[test]
fn poll_ioctl_sockatmark_lines() {
    const NAME: &str = "poll_ioctl_sockatmark_lines";
    check_trace(NAME, TraceEnv::Unset, || {
        let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let (afd, bfd) = (a.as_raw_fd(), b.as_raw_fd());
        assert_eq!(send(&a, b"x", 0), Ok(1));
        let (l, _) = common::listener(V4);
        let lfd = l.as_raw_fd();
        let u = udp_socket(V4);
        let ufd = u.as_raw_fd();
        let mut mask: sigset_t = zeroed();
        sigemptyset(&mut mask).unwrap();
        sigaddset(&mut mask, libc::SIGUSR1).unwrap();
        trace::enable();

        let mut fds = [
            pollfd::new(&b, POLLIN | POLLOUT),
            pollfd::from_raw_fd(-1, POLLIN),
            pollfd::new(&a, POLLIN),
        ];
        assert_eq!(poll(&mut fds, 1000), Ok(1));
        expect(format!(
            "poll([{{fd={bfd}, events=POLLIN|POLLOUT}}, {{fd=-1}}, {{fd={afd}, events=POLLIN}}], 3, 1000) = 1 ([{{fd={bfd}, revents=POLLIN|POLLOUT}}])"
        ));
        let mut one = [pollfd::new(&a, POLLIN | POLLPRI | POLLRDHUP)];
        assert_eq!(poll(&mut one, 0), Ok(0));
        expect(format!(
            "poll([{{fd={afd}, events=POLLIN|POLLPRI|POLLRDHUP}}], 1, 0) = 0 (Timeout)"
        ));
        assert_eq!(poll(&mut [], 0), Ok(0));
        expect("poll([], 0, 0) = 0 (Timeout)".to_string());
        let ts = timespec {
            tv_sec: 0,
            tv_nsec: 1_000_000,
        };
        let mut one = [pollfd::new(&a, POLLIN)];
        assert_eq!(ppoll(&mut one, Some(&ts), Some(&mask)), Ok(0));
        expect(format!(
            "ppoll([{{fd={afd}, events=POLLIN}}], 1, {{tv_sec=0, tv_nsec=1000000}}, [USR1], 8) = 0 (Timeout)"
        ));
        let mut rt: sigset_t = zeroed();
        sigemptyset(&mut rt).unwrap();
        for signum in [libc::SIGTERM, 40, 64] {
            sigaddset(&mut rt, signum).unwrap();
        }
        assert_eq!(ppoll(&mut one, Some(&ts), Some(&rt)), Ok(0));
        expect(format!(
            "ppoll([{{fd={afd}, events=POLLIN}}], 1, {{tv_sec=0, tv_nsec=1000000}}, [TERM RT_8 RT_32], 8) = 0 (Timeout)"
        ));
        // glibc's full set leaves out its own two signals, 32 and 33 (musl's, three).
        #[cfg(target_env = "gnu")]
        {
            let mut most: sigset_t = zeroed();
            sigfillset(&mut most).unwrap();
            sigdelset(&mut most, libc::SIGKILL).unwrap();
            sigdelset(&mut most, 50).unwrap();
            assert_eq!(ppoll(&mut one, Some(&ts), Some(&most)), Ok(0));
            expect(format!(
                "ppoll([{{fd={afd}, events=POLLIN}}], 1, {{tv_sec=0, tv_nsec=1000000}}, ~[KILL RTMIN RT_1 RT_18], 8) = 0 (Timeout)"
            ));
        }
        let mut one = [pollfd::new(&b, POLLIN)];
        assert_eq!(ppoll(&mut one, None, None), Ok(1));
        expect(format!(
            "ppoll([{{fd={bfd}, events=POLLIN}}], 1, NULL, NULL, 8) = 1 ([{{fd={bfd}, revents=POLLIN}}])"
        ));
        let bad = timespec {
            tv_sec: 0,
            tv_nsec: -1,
        };
        let e = ppoll(&mut one, Some(&bad), None).unwrap_err();
        expect(format!(
            "ppoll([{{fd={bfd}, events=POLLIN}}], 1, {{tv_sec=0, tv_nsec=-1}}, NULL, 8) = -1 {e}"
        ));

        assert_eq!(ioctl(&b, FIONREAD), Ok(1));
        expect(format!("ioctl({bfd}, FIONREAD, [1]) = 0"));
        assert_eq!(ioctl(&b, SIOCINQ), Ok(1));
        expect(format!("ioctl({bfd}, SIOCINQ, [1]) = 0"));
        // A Unix socket counts its send queue as the kernel charges it (the buffer's
        // truesize), not in bytes of data.
        let queued = ioctl(&a, SIOCOUTQ).unwrap();
        assert!(queued > 0);
        expect(format!("ioctl({afd}, SIOCOUTQ, [{queued}]) = 0"));
        assert_eq!(ioctl(&b, FIONBIO(&1)), Ok(()));
        expect(format!("ioctl({bfd}, FIONBIO, [1]) = 0"));
        assert_eq!(ioctl(&l, SIOCINQ), Err(Errno::EINVAL));
        expect(format!(
            "ioctl({lfd}, SIOCINQ, ...) = -1 EINVAL (Invalid argument)"
        ));

        let e = sockatmark(&u).unwrap_err();
        expect(format!("sockatmark({ufd}) = -1 {e}"));
        drop_traced(a);
        drop_traced(b);
        drop_traced(l);
        drop_traced(u);
    });
}

/// `epoll_create1`/`epoll_ctl`/`epoll_wait` (Linux), as strace shows them: the event
/// bits by name in the kernel's order, `data` as both `u32` and `u64`, `NULL` for
/// `EPOLL_CTL_DEL`, the filled entries only; and the epoll descriptor's `close` on
/// drop.
#[cfg(all(feature = "trace", target_os = "linux"))]
#[test]
fn epoll_lines() {
    const NAME: &str = "epoll_lines";
    check_trace(NAME, TraceEnv::Unset, || {
        let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
        let (afd, bfd) = (a.as_raw_fd(), b.as_raw_fd());
        trace::enable();
        let ep = epoll_create1(EPOLL_CLOEXEC).unwrap();
        let epfd = ep.as_raw_fd();
        expect(format!("epoll_create1(EPOLL_CLOEXEC) = {epfd}"));
        let ev = epoll_event::new(EPOLLIN, bfd as u64);
        epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&ev)).unwrap();
        expect(format!(
            "epoll_ctl({epfd}, EPOLL_CTL_ADD, {bfd}, {{events=EPOLLIN, data={{u32={bfd}, u64={bfd}}}}}) = 0"
        ));
        assert_eq!(
            epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&ev)),
            Err(Errno::EEXIST)
        );
        expect(format!(
            "epoll_ctl({epfd}, EPOLL_CTL_ADD, {bfd}, {{events=EPOLLIN, data={{u32={bfd}, u64={bfd}}}}}) = -1 EEXIST (File exists)"
        ));
        let big = epoll_event::new(EPOLLET | EPOLLIN | EPOLLRDHUP | EPOLLOUT, 1 << 32 | 3);
        epoll_ctl(&ep, EPOLL_CTL_ADD, &a, Some(&big)).unwrap();
        expect(format!(
            "epoll_ctl({epfd}, EPOLL_CTL_ADD, {afd}, {{events=EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET, data={{u32=3, u64=4294967299}}}}) = 0"
        ));
        epoll_ctl(&ep, EPOLL_CTL_DEL, &a, None).unwrap();
        expect(format!("epoll_ctl({epfd}, EPOLL_CTL_DEL, {afd}, NULL) = 0"));
        assert_eq!(
            epoll_ctl(&ep, EpollOp::from_raw(5), &a, Some(&ev)),
            Err(Errno::EINVAL)
        );
        expect(format!(
            "epoll_ctl({epfd}, 0x5 /* EPOLL_CTL_??? */, {afd}, {{events=EPOLLIN, data={{u32={bfd}, u64={bfd}}}}}) = -1 EINVAL (Invalid argument)"
        ));
        let mut events = [epoll_event::default(); 64];
        assert_eq!(epoll_wait(&ep, &mut events, 0), Ok(0));
        expect(format!("epoll_wait({epfd}, [], 64, 0) = 0"));
        trace::disable();
        assert_eq!(send(&a, b"x", 0), Ok(1));
        trace::enable();
        assert_eq!(epoll_wait(&ep, &mut events, 1000), Ok(1));
        expect(format!(
            "epoll_wait({epfd}, [{{events=EPOLLIN, data={{u32={bfd}, u64={bfd}}}}}], 64, 1000) = 1"
        ));
        assert_eq!(epoll_wait(&ep, &mut [], -1), Err(Errno::EINVAL));
        expect(format!(
            "epoll_wait({epfd}, [...], 0, -1) = -1 EINVAL (Invalid argument)"
        ));
        // SAFETY: sigemptyset initialises the set before sigaddset reads it.
        let mask = unsafe {
            let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
            libc::sigemptyset(set.as_mut_ptr());
            libc::sigaddset(set.as_mut_ptr(), libc::SIGUSR1);
            libc::sigaddset(set.as_mut_ptr(), libc::SIGTERM);
            set.assume_init()
        };
        assert_eq!(epoll_pwait(&ep, &mut events, 0, Some(&mask)), Ok(1));
        expect(format!(
            "epoll_pwait({epfd}, [{{events=EPOLLIN, data={{u32={bfd}, u64={bfd}}}}}], 64, 0, [USR1 TERM], 8) = 1"
        ));
        assert_eq!(epoll_pwait(&ep, &mut events[..2], 0, None), Ok(1));
        expect(format!(
            "epoll_pwait({epfd}, [{{events=EPOLLIN, data={{u32={bfd}, u64={bfd}}}}}], 2, 0, NULL, 8) = 1"
        ));
        drop(ep);
        expect(format!("close({epfd}) = 0"));
        trace::disable();
    });
}
