//! Every example, run as the built binary over loopback: what it prints, what it
//! traces, how it fails, and (under `strace`) the syscalls it makes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use sockapi::*;

mod common;
use common::servers::{banner_addr, example, lines_of, next_line};
use common::{listener, port_of, tcp_socket, V4};

/// How long any example may run before the test kills it and fails.
const RUN_LIMIT: Duration = Duration::from_secs(30);
/// How long a socket in the test waits for its peer before giving up.
const PEER_LIMIT: timeval = timeval {
    tv_sec: 20,
    tv_usec: 0,
};

/// Cargo builds the example binaries for a plain `cargo test`, but not when targets
/// are picked with `--test`: a binary left from a build with other features then
/// disagrees with this test's `cfg!(feature = "trace")`.
const STALE: &str = "or the example binaries are stale: `cargo test --test …` does not build \
    examples, so run `cargo build --examples` with the same features first";

/// A child that is killed and reaped however the test ends, so no example outlives it.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl ChildGuard {
    /// Waits for the exit, polling: the deadline bounds the wait, it does not order
    /// anything. Kills the child and panics when the deadline passes.
    fn wait_bounded(&mut self, limit: Duration, what: &str) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.0.try_wait().expect("try_wait") {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = self.0.kill();
                let _ = self.0.wait();
                panic!("{what} still running after {limit:?}: killed");
            }
            thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Collects a pipe to its end on a thread, so a full pipe never stalls the child.
fn collect(mut r: impl Read + Send + 'static) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = r.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

struct Output {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` to its end (bounded), stdin closed, stdout and stderr captured.
fn run(cmd: &mut Command) -> Output {
    let what = format!("{cmd:?}");
    let mut child = ChildGuard(
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {what}: {e}")),
    );
    let stdout = collect(child.0.stdout.take().expect("stdout"));
    let stderr = collect(child.0.stderr.take().expect("stderr"));
    let status = child.wait_bounded(RUN_LIMIT, &what);
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// An example with the trace variable removed, so stderr holds only what the program
/// itself writes.
fn example_cmd(name: &str) -> Command {
    let mut cmd = Command::new(example(name));
    cmd.env_remove("SOCKAPI_TRACE");
    cmd
}

/// A listening TCP socket on 127.0.0.1, port chosen by the kernel.
fn listener_v4() -> (Socket, u16) {
    let (fd, addr) = listener(V4);
    // A client that never comes must not hang the accept thread. The client is an
    // example process starting up, so it gets `PEER_LIMIT`, not `common::TIMEOUT`.
    setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &PEER_LIMIT).expect("SO_RCVTIMEO");
    (fd, port_of(&addr))
}

/// Runs `tcp_echo_client HOST PORT` (see `example_cmd`) to its end.
fn run_client(host: &str, port: u16) -> Output {
    run(example_cmd("tcp_echo_client").args([host, &port.to_string()]))
}

/// `what` exited with status 0.
fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        out.stdout,
        out.stderr
    );
}

/// Whether the trace is compiled in. When it is not, the program must have written
/// nothing to stderr (asserted here), and the caller skips its checks of the trace.
fn trace_compiled_in(out: &Output) -> bool {
    if cfg!(feature = "trace") {
        return true;
    }
    assert_eq!(
        out.stderr, "",
        "the trace is compiled out, yet stderr has lines; {STALE}"
    );
    false
}

/// Accepts one connection, echoes one `recv` back, and returns what it received.
fn echo_once(listener: Socket) -> JoinHandle<Result<Vec<u8>, Errno>> {
    thread::spawn(move || {
        let (conn, _peer) = accept4(&listener, SOCK_CLOEXEC)?;
        setsockopt(&conn, SOL_SOCKET, SO_RCVTIMEO, &PEER_LIMIT)?;
        let mut buf = [0u8; 1024];
        let n = recv(&conn, &mut buf, 0)?;
        send(&conn, &buf[..n], 0)?;
        Ok(buf[..n].to_vec())
    })
}

/// The number after the last ` = ` of a trace or strace line.
fn ret_of(line: &str) -> i32 {
    line.rsplit(" = ")
        .next()
        .and_then(|ret| ret.trim().parse().ok())
        .unwrap_or_else(|| panic!("no return value in {line:?}"))
}

// ---------------------------------------------------------------------------------
// tour

/// The descriptors of the tour's two sockets, the server's and the client's: what the
/// two `lines` that start with `socket_call` returned. `output` is shown on failure.
fn tour_sockets(lines: &[&str], socket_call: &str, output: &str) -> (i32, i32) {
    let sockets: Vec<i32> = lines
        .iter()
        .filter(|l| l.starts_with(socket_call))
        .map(|l| ret_of(l))
        .collect();
    assert_eq!(
        sockets.len(),
        2,
        "two socket calls expected (is the trace missing? {STALE}):\n{output}"
    );
    (sockets[0], sockets[1])
}

#[test]
fn tour_narrates_each_phase_and_traces_every_call() {
    let out = run(&mut example_cmd("tour"));
    assert_success(&out, "tour");

    let narration: Vec<&str> = out.stdout.lines().filter(|l| !l.is_empty()).collect();
    for line in &narration {
        assert!(line.starts_with("== "), "not a narration line: {line:?}");
    }
    let phases = [
        "== Directory: look up the extension of the web (getservbyname",
        "== Directory: the \"http\" service answers on port 80 (s_port is htons(80)).",
        "== Directory: look up the number of localhost (getaddrinfo)",
        "== Directory: localhost is 127.0.0.1:0.",
        "== Server: install a phone (socket)",
        "== Server: the number is 127.0.0.1:",
        "== Client: look up the number (getaddrinfo localhost and the server's port), get a phone (socket) and dial (connect).",
        "== Server: the phone rings; pick up",
        "== Server: the caller is 127.0.0.1:",
        "== Client: speak (send).",
        "== Server: listen (recv), then answer (send).",
        "== Server: heard \"Hello Server\".",
        "== Client: hear the answer (recv).",
        "== Client: heard \"Hello Client\".",
        "== Client: say goodbye (shutdown SHUT_WR)",
        "== Server: recv returns 0",
        "== Server: hang up this call (close)",
        "== Client: hang up (close).",
        "== The call is over: both sides hung up.",
    ];
    assert_eq!(
        narration.len(),
        phases.len(),
        "narration lines:\n{}",
        out.stdout
    );
    for (line, phase) in narration.iter().zip(phases) {
        assert!(line.starts_with(phase), "expected {phase:?}, got {line:?}");
    }

    if !trace_compiled_in(&out) {
        return;
    }

    let lines: Vec<&str> = out.stderr.lines().collect();
    let (l, c) = tour_sockets(
        &lines,
        "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = ",
        &out.stderr,
    );
    let number_prefix = format!("getsockname({l}, {{AF_INET, 127.0.0.1:");
    let port: u16 = lines
        .iter()
        .find_map(|line| line.strip_prefix(&number_prefix)?.strip_suffix("}) = 0"))
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no getsockname({l}) line:\n{}", out.stderr));
    assert_ne!(port, 0);
    let accept_prefix = format!("accept({l}, {{AF_INET, 127.0.0.1:");
    let accept_line = lines
        .iter()
        .find(|line| line.starts_with(&accept_prefix))
        .unwrap_or_else(|| panic!("no accept({l}) line:\n{}", out.stderr));
    let a = ret_of(accept_line);
    let peer = accept_line
        .strip_prefix(&accept_prefix)
        .and_then(|rest| rest.split('}').next())
        .expect("peer port");

    // The baton makes the order deterministic: the whole trace is known but for the
    // descriptors and ports, which come from the lines above.
    let servent = lines.first().copied().unwrap_or_default();
    assert!(
        servent.starts_with("getservbyname(\"http\", \"tcp\") = {s_name=\"http\", ")
            && servent.ends_with("s_port=htons(80), s_proto=\"tcp\"}"),
        "{servent:?}"
    );
    let expected = vec![
        servent.to_owned(),
        "getaddrinfo(\"localhost\", \"0\", {ai_flags=AI_PASSIVE, ai_family=AF_INET, \
         ai_socktype=SOCK_STREAM, ai_protocol=0}, [{AF_INET, 127.0.0.1:0}]) = 0"
            .to_owned(),
        format!("socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = {l}"),
        format!("setsockopt({l}, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"),
        format!("bind({l}, {{AF_INET, 127.0.0.1:0}}, 16) = 0"),
        format!("listen({l}, {SOMAXCONN}) = 0"),
        format!("getsockname({l}, {{AF_INET, 127.0.0.1:{port}}}) = 0"),
        format!(
            "getaddrinfo(\"localhost\", \"{port}\", {{ai_flags=0, ai_family=AF_INET, \
             ai_socktype=SOCK_STREAM, ai_protocol=0}}, [{{AF_INET, 127.0.0.1:{port}}}]) = 0"
        ),
        format!("socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = {c}"),
        format!("connect({c}, {{AF_INET, 127.0.0.1:{port}}}, 16) = 0"),
        format!("accept({l}, {{AF_INET, 127.0.0.1:{peer}}}) = {a}"),
        format!("send({c}, \"Hello Server\", 12, 0) = 12"),
        format!("recv({a}, \"Hello Server\", 64, 0) = 12"),
        format!("send({a}, \"Hello Client\", 12, 0) = 12"),
        format!("recv({c}, \"Hello Client\", 64, 0) = 12"),
        format!("shutdown({c}, SHUT_WR) = 0"),
        format!("recv({a}, \"\", 64, 0) = 0"),
        format!("close({a}) = 0"),
        format!("close({l}) = 0"),
        format!("close({c}) = 0"),
    ];
    assert_eq!(lines, expected, "stderr:\n{}", out.stderr);
    assert!(
        out.stdout
            .contains(&format!("== Server: the number is 127.0.0.1:{port}.")),
        "the narrated number differs from getsockname's port {port}:\n{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("== Server: the caller is 127.0.0.1:{peer}.")),
        "the narrated caller differs from accept's peer {peer}:\n{}",
        out.stdout
    );
}

/// stdout and stderr into one socket, so the interleaving the reader sees is the
/// order the program wrote in (stdout is line-buffered, each trace line one write).
#[test]
fn tour_narration_comes_before_the_calls_of_its_phase() {
    let (reader, writer) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
    setsockopt(&reader, SOL_SOCKET, SO_RCVTIMEO, &PEER_LIMIT).expect("SO_RCVTIMEO");
    let writer = OwnedFd::from(writer);
    let writer2 = writer.try_clone().expect("dup");
    let mut child = {
        // The Command holds both write ends until it drops, and the reader sees
        // end-of-file only once every write end is closed.
        let mut cmd = example_cmd("tour");
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(writer))
            .stderr(Stdio::from(writer2));
        ChildGuard(cmd.spawn().expect("spawn tour"))
    };
    let merged = collect(UnixStream::from(reader));
    let status = child.wait_bounded(RUN_LIMIT, "tour");
    let merged = merged.join().expect("reader");
    assert!(status.success(), "tour failed: {status:?}\n{merged}");

    let lines: Vec<&str> = merged.lines().filter(|l| !l.is_empty()).collect();
    if !cfg!(feature = "trace") {
        assert!(
            lines.iter().all(|l| l.starts_with("== ")),
            "the trace is compiled out, yet there are other lines; {STALE}\n{merged}"
        );
        return;
    }

    // The phase each call belongs to: the narration line that must be the last one
    // before it. Descriptors are told apart by the order of the socket calls.
    let (l, c) = tour_sockets(&lines, "socket(", &merged);
    let a = lines
        .iter()
        .find(|line| line.starts_with(&format!("accept({l},")))
        .map(|line| ret_of(line))
        .unwrap_or_else(|| panic!("no accept line:\n{merged}"));
    let phase_of = |call: &str| -> &'static str {
        let on = |fd: i32| call.contains(&format!("({fd},")) || call.contains(&format!("({fd})"));
        let name = call.split('(').next().unwrap_or("");
        match name {
            "getservbyname" => "== Directory: look up the extension",
            "getaddrinfo" if call.contains("AI_PASSIVE") => "== Directory: look up the number",
            "getaddrinfo" => "== Client: look up the number",
            "socket" if ret_of(call) == l => "== Server: install a phone",
            "setsockopt" | "bind" | "listen" | "getsockname" => "== Server: install a phone",
            "socket" | "connect" => "== Client: look up the number",
            "accept" => "== Server: the phone rings",
            "send" if on(c) => "== Client: speak",
            "recv" | "send" if on(a) && ret_of(call) > 0 => "== Server: listen (recv)",
            "recv" if on(c) => "== Client: hear the answer",
            "shutdown" => "== Client: say goodbye",
            "recv" if on(a) => "== Server: recv returns 0",
            "close" if on(a) || on(l) => "== Server: hang up this call",
            "close" if on(c) => "== Client: hang up",
            _ => panic!("unexpected call in the tour: {call:?}\n{merged}"),
        }
    };
    const PHASE_HEADINGS: [&str; 12] = [
        "== Directory: look up the extension",
        "== Directory: look up the number",
        "== Server: install a phone",
        "== Client: look up the number",
        "== Server: the phone rings",
        "== Client: speak",
        "== Server: listen (recv)",
        "== Client: hear the answer",
        "== Client: say goodbye",
        "== Server: recv returns 0",
        "== Server: hang up this call",
        "== Client: hang up",
    ];
    let mut last_narration = "";
    let mut calls = 0;
    for line in &lines {
        if line.starts_with("== ") {
            // Report lines ("heard …", "the caller is …") sit inside a phase; only
            // the headings open one.
            if PHASE_HEADINGS.iter().any(|h| line.starts_with(h)) {
                last_narration = line;
            }
            continue;
        }
        calls += 1;
        let phase = phase_of(line);
        assert!(
            last_narration.starts_with(phase),
            "{line:?} belongs to {phase:?} but follows {last_narration:?}\n{merged}"
        );
    }
    assert_eq!(
        calls, 20,
        "every call of the tour is traced once:\n{merged}"
    );
}

// ---------------------------------------------------------------------------------
// The trace, on and off through the environment

/// Runs `tcp_echo_client` against an echo listener in the test, `SOCKAPI_TRACE` set to
/// `trace` (or removed); returns the output, the listener's port and what it received.
fn client_with_trace(trace: Option<&str>) -> (Output, u16, Vec<u8>) {
    let (listener, port) = listener_v4();
    let peer = echo_once(listener);
    let mut cmd = example_cmd("tcp_echo_client");
    cmd.args(["127.0.0.1", &port.to_string()]);
    if let Some(value) = trace {
        cmd.env("SOCKAPI_TRACE", value);
    }
    let out = run(&mut cmd);
    let got = peer.join().expect("echo thread").expect("echo peer");
    assert_success(&out, "tcp_echo_client");
    assert_eq!(out.stdout, "Received Hello Server\n");
    (out, port, got)
}

#[test]
fn trace_is_on_with_sockapi_trace_1() {
    let (out, port, got) = client_with_trace(Some("1"));
    assert_eq!(got, b"Hello Server");
    if !trace_compiled_in(&out) {
        return;
    }
    let lines: Vec<&str> = out.stderr.lines().collect();
    let second = lines.get(1).copied().unwrap_or_default();
    assert!(
        second.starts_with("socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = "),
        "the trace is missing, {STALE}; stderr:\n{}",
        out.stderr
    );
    let fd = ret_of(second);
    assert!(fd >= 3, "a new descriptor, got {fd}");
    let expected = vec![
        format!(
            "getaddrinfo(\"127.0.0.1\", \"{port}\", {{ai_flags=0, ai_family=AF_UNSPEC, \
             ai_socktype=SOCK_STREAM, ai_protocol=0}}, [{{AF_INET, 127.0.0.1:{port}}}]) = 0"
        ),
        format!("socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = {fd}"),
        format!("connect({fd}, {{AF_INET, 127.0.0.1:{port}}}, 16) = 0"),
        format!("send({fd}, \"Hello Server\", 12, 0) = 12"),
        format!("recv({fd}, \"Hello Server\", 1024, 0) = 12"),
        format!("close({fd}) = 0"),
    ];
    assert_eq!(lines, expected, "stderr:\n{}", out.stderr);
}

#[test]
fn trace_is_off_without_sockapi_trace() {
    let (out, _, got) = client_with_trace(None);
    assert_eq!(got, b"Hello Server");
    assert_eq!(out.stderr, "", "no SOCKAPI_TRACE, yet stderr has lines");
}

#[test]
fn trace_is_off_with_sockapi_trace_0_or_empty() {
    for value in ["0", ""] {
        let (out, _, _) = client_with_trace(Some(value));
        assert_eq!(
            out.stderr, "",
            "SOCKAPI_TRACE={value:?}, yet stderr has lines"
        );
    }
}

// ---------------------------------------------------------------------------------
// tcp_echo_server

/// A running server example (`tcp_echo_server` or `udp_server`) and the address its
/// banner named.
struct Server {
    name: &'static str,
    child: ChildGuard,
    addr: SocketAddr,
    stderr: Option<JoinHandle<String>>,
}

impl Server {
    /// `tcp_echo_server HOST 0`.
    fn start(host: &str) -> Server {
        Server::spawn(example_cmd("tcp_echo_server"), "tcp_echo_server", host)
    }

    /// `name HOST 0` as `cmd` has it set up, its banner read and checked.
    fn spawn(mut cmd: Command, name: &'static str, host: &str) -> Server {
        cmd.args([host, "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = ChildGuard(cmd.spawn().unwrap_or_else(|e| panic!("spawn {name}: {e}")));
        let stdout = lines_of(child.0.stdout.take().expect("stdout"));
        let stderr = collect(child.0.stderr.take().expect("stderr"));
        let banner = next_line(&stdout, RUN_LIMIT, name);
        let addr = banner_addr(&banner);
        assert_ne!(addr.port(), 0, "banner {banner:?} shows port 0");
        let expected = match addr {
            SocketAddr::V4(_) => format!("listening on {host}:{}", addr.port()),
            SocketAddr::V6(_) => format!("listening on [{host}]:{}", addr.port()),
        };
        assert_eq!(banner, expected);
        Server {
            name,
            child,
            addr,
            stderr: Some(stderr),
        }
    }

    /// Checks the server is still serving, then stops it: returns its stderr.
    fn stop(mut self) -> String {
        assert!(
            self.child.0.try_wait().expect("try_wait").is_none(),
            "{} exited on its own",
            self.name
        );
        let _ = self.child.0.kill();
        let _ = self.child.0.wait();
        self.stderr.take().expect("stderr").join().expect("reader")
    }
}

/// One client with std's `TcpStream`: sends `message`, reads to end-of-file.
fn std_echo(addr: SocketAddr, message: &str) -> String {
    let mut stream = TcpStream::connect_timeout(&addr, RUN_LIMIT).expect("connect");
    stream.set_read_timeout(Some(RUN_LIMIT)).expect("timeout");
    stream.write_all(message.as_bytes()).expect("write");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("read");
    reply
}

#[test]
fn tcp_echo_server_v4_serves_python_our_client_and_many_clients() {
    let server = Server::start("127.0.0.1");
    let port = server.addr.port().to_string();

    let python = run(Command::new("python3").args([
        "-c",
        "import socket,sys; s=socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20); \
         s.sendall(b'Hello Server'); print(s.recv(1024).decode())",
        &port,
    ]));
    assert_success(&python, "the python client");
    assert_eq!(python.stdout, "Hello Server\n");

    let ours = run_client("127.0.0.1", server.addr.port());
    assert_success(&ours, "tcp_echo_client");
    assert_eq!(ours.stdout, "Received Hello Server\n");
    assert_eq!(ours.stderr, "");

    let addr = server.addr;
    let clients: Vec<_> = (0..20)
        .map(|i| {
            thread::spawn(move || {
                let message = format!("client {i} says hello");
                (std_echo(addr, &message), message)
            })
        })
        .collect();
    for client in clients {
        let (reply, message) = client.join().expect("client thread");
        assert_eq!(reply, message);
    }

    assert_eq!(server.stop(), "", "the server reported errors");
}

#[test]
fn tcp_echo_server_v6() {
    let server = Server::start("::1");
    assert_eq!(server.addr.ip(), "::1".parse::<std::net::IpAddr>().unwrap());
    assert_eq!(std_echo(server.addr, "Hello over IPv6"), "Hello over IPv6");

    let ours = run_client("::1", server.addr.port());
    assert_success(&ours, "tcp_echo_client");
    assert_eq!(ours.stdout, "Received Hello Server\n");

    assert_eq!(server.stop(), "", "the server reported errors");
}

// ---------------------------------------------------------------------------------
// tcp_echo_client against Python

#[test]
fn tcp_echo_client_talks_to_a_python_server() {
    let script = "import socket\n\
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n\
        s.settimeout(20)\n\
        s.bind(('127.0.0.1', 0))\n\
        s.listen(1)\n\
        print(s.getsockname()[1], flush=True)\n\
        c, _ = s.accept()\n\
        c.settimeout(20)\n\
        data = c.recv(1024)\n\
        c.sendall(b'Hello Client')\n\
        c.close()\n\
        s.close()\n\
        print(data.decode(), flush=True)\n";
    let mut python = ChildGuard(
        Command::new("python3")
            .args(["-c", script])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn python3"),
    );
    let stdout = lines_of(python.0.stdout.take().expect("stdout"));
    let py_stderr = collect(python.0.stderr.take().expect("stderr"));
    let port = next_line(&stdout, RUN_LIMIT, "the python server");
    let port: u16 = port
        .parse()
        .unwrap_or_else(|_| panic!("python printed {port:?}, not a port"));

    let out = run_client("127.0.0.1", port);
    assert_success(&out, "tcp_echo_client");
    assert_eq!(out.stdout, "Received Hello Client\n");
    assert_eq!(out.stderr, "");

    let got = next_line(&stdout, RUN_LIMIT, "the python server");
    let status = python.wait_bounded(RUN_LIMIT, "the python server");
    let py_stderr = py_stderr.join().expect("reader");
    assert!(status.success(), "python server: {status:?}\n{py_stderr}");
    assert_eq!(got, "Hello Server", "what the python server received");
}

// ---------------------------------------------------------------------------------
// udp_server and udp_client

/// `udp_server HOST 0`, the trace variable removed.
fn udp_server(host: &str) -> Server {
    Server::spawn(example_cmd("udp_server"), "udp_server", host)
}

/// Runs `udp_client ARGS…` (see `example_cmd`) to its end.
fn run_udp_client(args: &[&str]) -> Output {
    run(example_cmd("udp_client").args(args))
}

/// Runs a Python script (`python3 -c SCRIPT ARGS…`) to its end.
fn run_python(script: &str, args: &[&str]) -> Output {
    run(Command::new("python3").arg("-c").arg(script).args(args))
}

/// Python's `socket` module as a UDP client of the server at 127.0.0.1:argv[1]:
/// first a client that sends and leaves before the echo (the server's answer meets a
/// closed port), then datagrams of 12, 0, 1,024 and 65,507 bytes (the largest UDP
/// over IPv4), each followed by its echo: prints the length and whether the echo
/// was the datagram, byte for byte, from the server's address.
const PY_UDP_CLIENT: &str = "import socket, sys\n\
    server = ('127.0.0.1', int(sys.argv[1]))\n\
    gone = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
    gone.sendto(b'nobody will read this', server)\n\
    gone.close()\n\
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
    s.settimeout(20)\n\
    big = bytes(i % 251 for i in range(65507))\n\
    for msg in [b'Hello Server', b'', bytes(range(256)) * 4, big]:\n\
    \x20   s.sendto(msg, server)\n\
    \x20   data, addr = s.recvfrom(65536)\n\
    \x20   print(len(data), data == msg and addr == server, flush=True)\n";

#[test]
fn udp_server_echoes_python_our_client_and_many_clients() {
    let server = udp_server("127.0.0.1");
    let port = server.addr.port().to_string();

    let python = run_python(PY_UDP_CLIENT, &[&port]);
    assert_success(&python, "the python client");
    assert_eq!(python.stdout, "12 True\n0 True\n1024 True\n65507 True\n");

    let ours = run_udp_client(&["127.0.0.1", &port]);
    assert_success(&ours, "udp_client");
    assert_eq!(ours.stdout, "Received Hello Server\n");
    assert_eq!(ours.stderr, "");
    let ours = run_udp_client(&["127.0.0.1", &port, "hi there", "5"]);
    assert_success(&ours, "udp_client");
    assert_eq!(ours.stdout, "Received hi there\n");

    let addr = server.addr;
    let clients: Vec<_> = (0..20)
        .map(|i| {
            thread::spawn(move || {
                let s = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
                s.set_read_timeout(Some(RUN_LIMIT)).expect("timeout");
                let message = format!("client {i} says hello");
                s.send_to(message.as_bytes(), addr).expect("send_to");
                let mut buf = [0u8; 64];
                let (n, from) = s.recv_from(&mut buf).expect("recv_from");
                assert_eq!(from, addr);
                (buf[..n].to_vec(), message)
            })
        })
        .collect();
    for client in clients {
        let (reply, message) = client.join().expect("client thread");
        assert_eq!(reply, message.as_bytes());
    }

    assert_eq!(server.stop(), "", "the server reported errors");
}

#[test]
fn udp_server_v6() {
    let server = udp_server("::1");
    assert_eq!(server.addr.ip(), "::1".parse::<std::net::IpAddr>().unwrap());
    let ours = run_udp_client(&["::1", &server.addr.port().to_string()]);
    assert_success(&ours, "udp_client");
    assert_eq!(ours.stdout, "Received Hello Server\n");
    assert_eq!(server.stop(), "", "the server reported errors");
}

/// A Python UDP echo server on 127.0.0.1: prints its port, takes one datagram,
/// waits argv[1] seconds, answers `Hello Client` to its sender and prints what it got.
const PY_UDP_SERVER: &str = "import socket, sys, time\n\
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
    s.settimeout(20)\n\
    s.bind(('127.0.0.1', 0))\n\
    print(s.getsockname()[1], flush=True)\n\
    data, addr = s.recvfrom(65536)\n\
    time.sleep(float(sys.argv[1]))\n\
    s.sendto(b'Hello Client', addr)\n\
    print(data.decode(), flush=True)\n";

/// Runs `udp_client 127.0.0.1 PORT [extra…]` against [`PY_UDP_SERVER`] answering after
/// `delay` seconds; returns the client's output and what the server received.
fn udp_client_against_python(delay: &str, extra: &[&str]) -> (Output, String) {
    let mut python = ChildGuard(
        Command::new("python3")
            .args(["-c", PY_UDP_SERVER, delay])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn python3"),
    );
    let stdout = lines_of(python.0.stdout.take().expect("stdout"));
    let py_stderr = collect(python.0.stderr.take().expect("stderr"));
    let port = next_line(&stdout, RUN_LIMIT, "the python server");
    assert!(
        port.parse::<u16>().is_ok(),
        "python printed {port:?}, not a port"
    );
    let mut args = vec!["127.0.0.1", port.as_str()];
    args.extend_from_slice(extra);
    let out = run_udp_client(&args);
    let got = next_line(&stdout, RUN_LIMIT, "the python server");
    let status = python.wait_bounded(RUN_LIMIT, "the python server");
    let py_stderr = py_stderr.join().expect("reader");
    assert!(status.success(), "python server: {status:?}\n{py_stderr}");
    (out, got)
}

#[test]
fn udp_client_talks_to_a_python_server() {
    let (out, got) = udp_client_against_python("0", &[]);
    assert_success(&out, "udp_client");
    assert_eq!(out.stdout, "Received Hello Client\n");
    assert_eq!(out.stderr, "");
    assert_eq!(got, "Hello Server", "what the python server received");
}

/// A reply one second late, within a timeout of three, is received.
#[test]
fn udp_client_receives_a_late_reply_within_the_timeout() {
    let (out, got) = udp_client_against_python("1", &["late but there", "3"]);
    assert_success(&out, "udp_client");
    assert_eq!(out.stdout, "Received Hello Client\n");
    assert_eq!(got, "late but there");
}

/// A bound socket that never answers: after the timeout the client says plainly that
/// no reply came, and exits 1; the datagram did arrive.
#[test]
fn udp_client_without_a_reply_says_so_and_exits_1() {
    let silent = common::udp_socket(V4);
    bind(&silent, &V4).expect("bind");
    let port = port_of(&getsockname(&silent).expect("getsockname"));
    let started = Instant::now();
    let out = run_udp_client(&["127.0.0.1", &port.to_string(), "anyone there?", "1"]);
    let took = started.elapsed();
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "udp_client: no reply from 127.0.0.1:{port} within 1 s \
             (UDP does not promise delivery)\n"
        )
    );
    assert_eq!(out.stdout, "");
    assert!(took >= Duration::from_secs(1), "gave up after {took:?}");
    let mut buf = [0u8; 64];
    let (n, _) = recvfrom(&silent, &mut buf, MSG_DONTWAIT).expect("the datagram");
    assert_eq!(&buf[..n], b"anyone there?");
}

#[test]
fn udp_server_on_a_port_in_use_reports_eaddrinuse() {
    let held = common::udp_socket(V4);
    bind(&held, &V4).expect("bind");
    let port = port_of(&getsockname(&held).expect("getsockname"));
    let out = run(example_cmd("udp_server").args(["127.0.0.1", &port.to_string()]));
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!("udp_server: 127.0.0.1:{port}: bind: EADDRINUSE (Address already in use)\n")
    );
    assert_eq!(out.stdout, "", "no banner before a failed bind");
    drop(held);
}

/// `udp_client` against `udp_server`, both with `SOCKAPI_TRACE=1`: the classic flow,
/// call for call, on each side.
#[test]
fn udp_client_against_udp_server_traced() {
    let mut cmd = example_cmd("udp_server");
    cmd.env("SOCKAPI_TRACE", "1");
    let server = Server::spawn(cmd, "udp_server", "127.0.0.1");
    let port = server.addr.port();
    let mut client = example_cmd("udp_client");
    client
        .args(["127.0.0.1", &port.to_string()])
        .env("SOCKAPI_TRACE", "1");
    let out = run(&mut client);
    assert_success(&out, "udp_client");
    assert_eq!(out.stdout, "Received Hello Server\n");
    // The server traces its sendto after the client may have had the echo: one more
    // echo, served after that, makes sure the line is written before the server stops.
    let probe = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    probe.set_read_timeout(Some(RUN_LIMIT)).expect("timeout");
    probe.send_to(b"probe", server.addr).expect("send_to");
    let mut buf = [0u8; 8];
    assert_eq!(probe.recv_from(&mut buf).expect("recv_from").0, 5);
    let server_trace = server.stop();
    if !trace_compiled_in(&out) {
        assert_eq!(server_trace, "", "the trace is compiled out; {STALE}");
        return;
    }
    println!("udp_client's trace:\n{}", out.stderr);
    println!("udp_server's trace:\n{server_trace}");

    let lines: Vec<&str> = out.stderr.lines().collect();
    let second = lines.get(1).copied().unwrap_or_default();
    assert!(
        second.starts_with("socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = "),
        "the trace is missing, {STALE}; stderr:\n{}",
        out.stderr
    );
    let fd = ret_of(second);
    let expected = vec![
        format!(
            "getaddrinfo(\"127.0.0.1\", \"{port}\", {{ai_flags=0, ai_family=AF_UNSPEC, \
             ai_socktype=SOCK_DGRAM, ai_protocol=0}}, [{{AF_INET, 127.0.0.1:{port}}}]) = 0"
        ),
        format!("socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = {fd}"),
        format!("setsockopt({fd}, SOL_SOCKET, SO_RCVTIMEO, {{tv_sec=2, tv_usec=0}}, 16) = 0"),
        format!("sendto({fd}, \"Hello Server\", 12, 0, {{AF_INET, 127.0.0.1:{port}}}, 16) = 12"),
        format!(
            "recvfrom({fd}, \"Hello Server\", 65536, 0, {{AF_INET, 127.0.0.1:{port}}}, [16]) = 12"
        ),
        format!("close({fd}) = 0"),
    ];
    assert_eq!(lines, expected, "stderr:\n{}", out.stderr);

    let lines: Vec<&str> = server_trace.lines().collect();
    let sfd = ret_of(lines.get(1).copied().unwrap_or_default());
    // The client's port: the kernel picked it at its first sendto.
    let recv_prefix = format!("recvfrom({sfd}, \"Hello Server\", 65536, 0, {{AF_INET, 127.0.0.1:");
    let cport = lines
        .get(4)
        .and_then(|line| line.strip_prefix(&recv_prefix))
        .and_then(|rest| rest.split('}').next())
        .unwrap_or_else(|| panic!("no recvfrom line:\n{server_trace}"));
    let expected = [
        "getaddrinfo(\"127.0.0.1\", \"0\", {ai_flags=AI_PASSIVE, ai_family=AF_UNSPEC, \
         ai_socktype=SOCK_DGRAM, ai_protocol=0}, [{AF_INET, 127.0.0.1:0}]) = 0"
            .to_owned(),
        format!("socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = {sfd}"),
        format!("bind({sfd}, {{AF_INET, 127.0.0.1:0}}, 16) = 0"),
        format!("getsockname({sfd}, {{AF_INET, 127.0.0.1:{port}}}) = 0"),
        format!(
            "recvfrom({sfd}, \"Hello Server\", 65536, 0, {{AF_INET, 127.0.0.1:{cport}}}, [16]) = 12"
        ),
        format!("sendto({sfd}, \"Hello Server\", 12, 0, {{AF_INET, 127.0.0.1:{cport}}}, 16) = 12"),
    ];
    assert!(lines.len() >= 7, "server trace:\n{server_trace}");
    assert_eq!(lines[..6], expected[..], "server trace:\n{server_trace}");
    assert!(
        lines[6].starts_with(&format!("recvfrom({sfd}, \"probe\", 65536, 0, ")),
        "server trace:\n{server_trace}"
    );
}

// ---------------------------------------------------------------------------------
// Error exits

fn assert_no_panic(out: &Output) {
    assert!(
        !out.stderr.contains("panicked"),
        "the example panicked:\n{}",
        out.stderr
    );
}

#[test]
fn tcp_echo_client_to_a_closed_port_reports_econnrefused() {
    // Bound but never listening: the kernel refuses connections to it, and holding it
    // keeps any other process from taking the port meanwhile.
    let refusing = tcp_socket(V4);
    bind(&refusing, &V4).expect("bind");
    let port = port_of(&getsockname(&refusing).expect("getsockname"));
    let out = run_client("127.0.0.1", port);
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!("tcp_echo_client: 127.0.0.1:{port}: connect: ECONNREFUSED (Connection refused)\n")
    );
    assert_eq!(out.stdout, "");
    drop(refusing);
}

#[test]
fn tcp_echo_server_on_a_port_in_use_reports_eaddrinuse() {
    // Held open, listening, without SO_REUSEADDR: the server's own SO_REUSEADDR does
    // not let it bind beside a listener.
    let (held, port) = listener_v4();
    let out = run(example_cmd("tcp_echo_server").args(["127.0.0.1", &port.to_string()]));
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!("tcp_echo_server: 127.0.0.1:{port}: bind: EADDRINUSE (Address already in use)\n")
    );
    assert_eq!(out.stdout, "", "no banner before a failed bind");
    drop(held);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    let cases: [(&str, &[&str]); 6] = [
        ("tcp_echo_client", &["127.0.0.1", "1", "hi", "extra"]),
        ("tcp_echo_server", &["127.0.0.1", "1", "extra"]),
        ("udp_server", &["127.0.0.1", "1", "extra"]),
        ("udp_client", &["127.0.0.1", "1", "hi", "2", "extra"]),
        ("udp_client", &["127.0.0.1", "12345", "hi", "0"]),
        ("udp_client", &["127.0.0.1", "12345", "hi", "soon"]),
    ];
    for (name, args) in cases {
        let out = run(example_cmd(name).args(args));
        assert_no_panic(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{name} {args:?}: stderr:\n{}",
            out.stderr
        );
        let first = out.stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("usage: {name} [host] [port]")),
            "{name} {args:?}: no usage line:\n{}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "{name} {args:?}");
    }
}

/// The port is checked before the lookup, which would wrap `99999` to 34463 and call
/// `notaport` a socket-type problem.
#[test]
fn a_bad_port_is_named_and_exits_2() {
    for name in [
        "tcp_echo_client",
        "tcp_echo_server",
        "udp_server",
        "udp_client",
    ] {
        for port in ["99999", "65536", "-1", "notaport", ""] {
            let out = run(example_cmd(name).args(["127.0.0.1", port]));
            assert_no_panic(&out);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{name} {port:?}: {}",
                out.stderr
            );
            assert_eq!(
                out.stderr,
                format!("{name}: bad port {port:?}: a number from 0 to 65535\n"),
                "{name} {port:?}"
            );
            assert_eq!(out.stdout, "");
        }
    }
}

/// `unshare -n <binary> <args>`: the binary in a fresh network namespace, where no
/// DNS query can leave the machine; `None` (the test passes without running) where
/// `unshare -n` cannot run and `CI` is unset.
fn in_fresh_netns(name: &str, args: &[&str]) -> Option<Output> {
    let probe = Command::new("unshare")
        .args(["-n", "true"])
        .stdin(Stdio::null())
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        other => {
            let why = match other {
                Ok(out) => format!("`unshare -n true` failed ({})", out.status),
                Err(e) => format!("`unshare` cannot run ({e})"),
            };
            if std::env::var_os("CI").is_some() {
                panic!("{why}; CI is set, so this test does not skip");
            }
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: {why}; to run this test, run it as root (util-linux's unshare)"
            );
            return None;
        }
    }
    let mut cmd = Command::new("unshare");
    cmd.arg("-n")
        .arg(example(name))
        .args(args)
        .env_remove("SOCKAPI_TRACE");
    Some(run(&mut cmd))
}

/// A host that no lookup can find prints the host and the `gai_strerror` text, and
/// exits 1 (in a fresh namespace: the resolver is unreachable, `EAI_AGAIN`).
#[test]
fn a_bad_host_is_named_with_the_gai_text() {
    let text = gai_strerror(EAI_AGAIN);
    for name in [
        "tcp_echo_client",
        "tcp_echo_server",
        "udp_server",
        "udp_client",
    ] {
        let Some(out) = in_fresh_netns(name, &["sockapi-test.invalid", "1"]) else {
            return;
        };
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", out.stderr);
        assert_eq!(
            out.stderr,
            format!("{name}: sockapi-test.invalid: {text}\n")
        );
        assert_eq!(out.stdout, "");
    }
}

/// Names from `/etc/hosts` and IPv6 literals resolve too.
#[test]
fn hosts_by_name_and_ipv6_literal() {
    for host in ["localhost", "::1"] {
        let (listener, port) = match host {
            "::1" => {
                let (fd, addr) = common::listener("[::1]:0".parse().unwrap());
                (fd, port_of(&addr))
            }
            _ => listener_v4(),
        };
        let peer = echo_once(listener);
        let out = run(example_cmd("tcp_echo_client").args([host, &port.to_string(), "named"]));
        assert_success(&out, "tcp_echo_client");
        assert_eq!(out.stdout, "Received named\n");
        assert_eq!(
            peer.join().expect("echo thread").expect("echo peer"),
            b"named"
        );
    }
}

// ---------------------------------------------------------------------------------
// strace: the client makes exactly the syscalls the C program makes

/// One strace line without its `PID ` or `[pid PID] ` prefix, spaces collapsed.
fn strace_body(line: &str) -> String {
    let line = line.trim_start();
    let line = match line.strip_prefix("[pid ") {
        Some(rest) => rest.split_once(']').map_or(rest, |(_, body)| body),
        None => line.trim_start_matches(|c: char| c.is_ascii_digit()),
    };
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Joins `<unfinished ...>` lines with their `<... NAME resumed>` continuations.
fn strace_calls(text: &str) -> Vec<String> {
    let mut calls: Vec<String> = Vec::new();
    let mut pending: Vec<(String, usize)> = Vec::new();
    for body in text.lines().map(strace_body) {
        if let Some(start) = body.strip_suffix("<unfinished ...>") {
            let name = start.split('(').next().unwrap_or("").to_string();
            calls.push(start.trim_end().to_string());
            pending.push((name, calls.len() - 1));
        } else if let Some(rest) = body.strip_prefix("<... ") {
            let (name, tail) = rest.split_once(" resumed>").expect("resumed line");
            if let Some(i) = pending.iter().position(|(n, _)| n == name) {
                let (_, at) = pending.remove(i);
                calls[at] = format!("{} {}", calls[at], tail.trim_start());
            }
        } else {
            calls.push(body);
        }
    }
    calls
}

#[test]
fn tcp_echo_client_under_strace_makes_the_c_syscalls() {
    if !common::tool_runs("strace", "-V", "install strace (apt-get install strace)") {
        return;
    }
    let (listener, port) = listener_v4();
    let peer = echo_once(listener);
    let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("strace-tcp_echo_client-{}.txt", std::process::id()));
    let out = run(
        common::leak_check_off_under_ptrace(&mut Command::new("strace"))
            .arg("-f")
            .arg("-o")
            .arg(&log)
            .args(["-e", "trace=%network,close"])
            .arg(example("tcp_echo_client"))
            .args(["127.0.0.1", &port.to_string()])
            .env_remove("SOCKAPI_TRACE"),
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    assert!(
        out.status.success(),
        "strace or the client failed: {:?}\nstderr:\n{}\nstrace log:\n{text}",
        out.status,
        out.stderr
    );
    assert_eq!(out.stdout, "Received Hello Server\n");
    assert_eq!(
        peer.join().expect("echo thread").expect("echo peer"),
        b"Hello Server"
    );

    let calls = strace_calls(&text);
    let socket_at = calls
        .iter()
        .position(|c| c.starts_with("socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = "))
        .unwrap_or_else(|| {
            panic!("no plain socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) (a flag added?):\n{text}")
        });
    let fd = ret_of(&calls[socket_at]);
    // A line is on the socket when the descriptor is its first argument.
    let on_fd: Vec<&String> = calls[socket_at..]
        .iter()
        .enumerate()
        .filter(|(i, call)| {
            let args = call.split_once('(').map_or("", |(_, args)| args);
            *i == 0 || args.starts_with(&format!("{fd},")) || args.starts_with(&format!("{fd})"))
        })
        .map(|(_, call)| call)
        .collect();
    println!("strace, the calls on the client's socket (fd {fd}):");
    for call in &on_fd {
        println!("    {call}");
    }
    let names: Vec<&str> = on_fd
        .iter()
        .map(|c| c.split('(').next().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        ["socket", "connect", "sendto", "recvfrom", "close"],
        "strace log:\n{text}"
    );
    assert_eq!(
        *on_fd[0],
        format!("socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = {fd}")
    );
    assert!(
        !on_fd[0].contains("SOCK_CLOEXEC") && !on_fd[0].contains("SOCK_NONBLOCK"),
        "a flag the code did not pass: {}",
        on_fd[0]
    );
    assert_eq!(
        *on_fd[1],
        format!(
            "connect({fd}, {{sa_family=AF_INET, sin_port=htons({port}), \
             sin_addr=inet_addr(\"127.0.0.1\")}}, 16) = 0"
        )
    );
    assert_eq!(
        *on_fd[2],
        format!("sendto({fd}, \"Hello Server\", 12, 0, NULL, 0) = 12")
    );
    assert_eq!(
        *on_fd[3],
        format!("recvfrom({fd}, \"Hello Server\", 1024, 0, NULL, NULL) = 12")
    );
    assert_eq!(*on_fd[4], format!("close({fd}) = 0"));
}

#[test]
fn udp_client_under_strace_makes_the_c_syscalls() {
    if !common::tool_runs("strace", "-V", "install strace (apt-get install strace)") {
        return;
    }
    let server = udp_server("127.0.0.1");
    let port = server.addr.port();
    let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("strace-udp_client-{}.txt", std::process::id()));
    let out = run(
        common::leak_check_off_under_ptrace(&mut Command::new("strace"))
            .arg("-f")
            .arg("-o")
            .arg(&log)
            .args(["-e", "trace=%network,close"])
            .arg(example("udp_client"))
            .args(["127.0.0.1", &port.to_string()])
            .env_remove("SOCKAPI_TRACE"),
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    assert!(
        out.status.success(),
        "strace or the client failed: {:?}\nstderr:\n{}\nstrace log:\n{text}",
        out.status,
        out.stderr
    );
    assert_eq!(out.stdout, "Received Hello Server\n");
    assert_eq!(server.stop(), "", "the server reported errors");

    let calls = strace_calls(&text);
    let socket_at = calls
        .iter()
        .position(|c| c.starts_with("socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = "))
        .unwrap_or_else(|| {
            panic!("no plain socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) (a flag added?):\n{text}")
        });
    let fd = ret_of(&calls[socket_at]);
    let on_fd: Vec<&String> = calls[socket_at..]
        .iter()
        .enumerate()
        .filter(|(i, call)| {
            let args = call.split_once('(').map_or("", |(_, args)| args);
            *i == 0 || args.starts_with(&format!("{fd},")) || args.starts_with(&format!("{fd})"))
        })
        .map(|(_, call)| call)
        .collect();
    println!("strace, the calls on the client's socket (fd {fd}):");
    for call in &on_fd {
        println!("    {call}");
    }
    let names: Vec<&str> = on_fd
        .iter()
        .map(|c| c.split('(').next().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        ["socket", "setsockopt", "sendto", "recvfrom", "close"],
        "strace log:\n{text}"
    );
    let server_addr =
        format!("{{sa_family=AF_INET, sin_port=htons({port}), sin_addr=inet_addr(\"127.0.0.1\")}}");
    assert_eq!(
        *on_fd[2],
        format!("sendto({fd}, \"Hello Server\", 12, 0, {server_addr}, 16) = 12")
    );
    // The whole sockaddr_storage goes in, the kernel's 16 comes out, as in C.
    assert_eq!(
        *on_fd[3],
        format!("recvfrom({fd}, \"Hello Server\", 65536, 0, {server_addr}, [128 => 16]) = 12")
    );
    assert_eq!(*on_fd[4], format!("close({fd}) = 0"));
}

// ---------------------------------------------------------------------------------
// showip

#[test]
fn showip_lists_the_addresses_of_localhost_and_literals() {
    let out = run(example_cmd("showip").arg("localhost"));
    assert_success(&out, "showip localhost");
    assert!(
        out.stdout.starts_with("IP addresses for localhost:\n\n"),
        "{}",
        out.stdout
    );
    // Every address /etc/hosts gives localhost, labelled by family.
    assert!(out.stdout.contains("  IPv4: 127.0.0.1\n"), "{}", out.stdout);
    for line in out.stdout.lines().skip(2) {
        assert!(
            line.starts_with("  IPv4: ") || line.starts_with("  IPv6: "),
            "{line:?}"
        );
    }
    let out = run(example_cmd("showip").arg("::1"));
    assert_success(&out, "showip ::1");
    assert_eq!(out.stdout, "IP addresses for ::1:\n\n  IPv6: ::1\n");
    let out = run(example_cmd("showip").arg("127.0.0.1"));
    assert_eq!(
        out.stdout,
        "IP addresses for 127.0.0.1:\n\n  IPv4: 127.0.0.1\n"
    );
}

#[test]
fn showip_usage_and_unresolvable_names() {
    let out = run(&mut example_cmd("showip"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stderr, "usage: showip <host>\n");
    let out = run(example_cmd("showip").args(["a", "b"]));
    assert_eq!(out.status.code(), Some(2));
    let Some(out) = in_fresh_netns("showip", &["sockapi-test.invalid"]) else {
        return;
    };
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!("getaddrinfo: {}\n", gai_strerror(EAI_AGAIN))
    );
    assert_eq!(out.stdout, "");
}

// ---------------------------------------------------------------------------------
// http_get

/// `python3 -m http.server` on 127.0.0.1, an ephemeral port, serving `dir`: the child
/// and the port from its first line.
fn python_http_server(dir: &std::path::Path) -> (ChildGuard, u16, JoinHandle<String>) {
    let mut python = ChildGuard(
        Command::new("python3")
            .args(["-u", "-m", "http.server", "--bind", "127.0.0.1", "0"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn python3 -m http.server"),
    );
    let stdout = lines_of(python.0.stdout.take().expect("stdout"));
    let stderr = collect(python.0.stderr.take().expect("stderr"));
    // "Serving HTTP on 127.0.0.1 port 43210 (http://127.0.0.1:43210/) ..."
    let banner = next_line(&stdout, RUN_LIMIT, "python3 -m http.server");
    let port = banner
        .split_whitespace()
        .skip_while(|w| *w != "port")
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {banner:?}"));
    (python, port, stderr)
}

#[test]
fn http_get_fetches_from_python_http_server() {
    let dir = common::TempDir::new("examples", "http_get");
    std::fs::write(dir.path("hello.txt"), "hello from python\n").expect("write");
    let (mut python, port, py_stderr) = python_http_server(&dir.path(""));
    let out = run(example_cmd("http_get").args(["localhost", &port.to_string(), "/hello.txt"]));
    assert_success(&out, "http_get");
    assert!(
        out.stdout.starts_with("HTTP/1.0 200 OK\r\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with("\r\n\r\nhello from python\n"),
        "{}",
        out.stdout
    );
    assert_eq!(out.stderr, "");
    // A path that is not there: the server's 404, printed as it came.
    let out = run(example_cmd("http_get").args(["127.0.0.1", &port.to_string(), "/missing"]));
    assert_success(&out, "http_get");
    assert!(out.stdout.starts_with("HTTP/1.0 404"), "{}", out.stdout);
    let _ = python.0.kill();
    let _ = python.0.wait();
    let log = py_stderr.join().expect("reader");
    // The server saw the request line and the Host header's effect (one line each).
    assert!(log.contains("\"GET /hello.txt HTTP/1.0\" 200"), "{log}");
}

#[test]
fn http_get_refused_usage_and_the_default_port() {
    // Bound, not listening: refused, and the message names the address.
    let refusing = tcp_socket(V4);
    bind(&refusing, &V4).expect("bind");
    let port = port_of(&getsockname(&refusing).expect("getsockname"));
    let out = run(example_cmd("http_get").args(["127.0.0.1", &port.to_string()]));
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        out.stderr,
        format!("http_get: 127.0.0.1:{port}: connect: ECONNREFUSED (Connection refused)\n")
    );
    drop(refusing);
    for args in [&[][..], &["a", "1", "/", "extra"][..]] {
        let out = run(example_cmd("http_get").args(args));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(out.stderr, "usage: http_get <host> [port] [path]\n");
    }
    let out = run(example_cmd("http_get").args(["127.0.0.1", "99999"]));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        out.stderr,
        "http_get: bad port \"99999\": a number from 0 to 65535\n"
    );
    // No port: the http service's, from getservbyname (80), seen in the trace.
    if !std::path::Path::new("/etc/services").exists() && std::env::var_os("CI").is_none() {
        eprintln!("skipped: /etc/services is missing; install `netbase`");
        return;
    }
    let out = run(example_cmd("http_get")
        .arg("127.0.0.1")
        .env("SOCKAPI_TRACE", "1"));
    assert_no_panic(&out);
    if !cfg!(feature = "trace") {
        return;
    }
    let mut lines = out.stderr.lines();
    let first = lines.next().unwrap_or_default();
    assert!(
        first.starts_with("getservbyname(\"http\", \"tcp\") = {s_name=\"http\", "),
        "{}",
        out.stderr
    );
    assert!(first.contains("s_port=htons(80)"), "{first}");
    let second = lines.next().unwrap_or_default();
    assert!(
        second.starts_with("getaddrinfo(\"127.0.0.1\", \"80\", "),
        "{}",
        out.stderr
    );
}

/// One state line of `tcp_states`: who, the connection, the state, where it was read.
struct StateLine {
    who: String,
    conn: String,
    state: String,
    source: String,
}

fn state_lines(stdout: &str) -> Vec<StateLine> {
    stdout
        .lines()
        .filter(|l| {
            (l.starts_with("   client ") || l.starts_with("   server ")) && l.ends_with(')')
        })
        .map(|l| {
            let (rest, source) = l.trim().rsplit_once(" (").expect("a source in parentheses");
            let mut words: Vec<&str> = rest.split_whitespace().collect();
            let state = words.pop().expect("a state").to_owned();
            StateLine {
                who: words[0].to_owned(),
                conn: words[1..].join(" "),
                state,
                source: source.trim_end_matches(')').to_owned(),
            }
        })
        .collect()
}

/// The connection line `127.0.0.1:A -> 127.0.0.1:B` as /proc/net/tcp writes the
/// pair on this little- or big-endian machine: `0100007F:XXXX 0100007F:YYYY`.
fn proc_net_tcp_pair(conn: &str) -> String {
    let hex = |end: &str| {
        let addr: std::net::SocketAddrV4 = end.parse().expect("an IPv4 address and port");
        let word = u32::from_ne_bytes(addr.ip().octets());
        format!("{word:08X}:{:04X}", addr.port())
    };
    let (local, peer) = conn.split_once(" -> ").expect("local -> peer");
    format!("{} {}", hex(local), hex(peer))
}

#[test]
fn tcp_states_walks_the_diagram_from_listen_to_time_wait() {
    let out = run(&mut example_cmd("tcp_states"));
    assert_success(&out, "tcp_states");
    let lines = state_lines(&out.stdout);
    let seen: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|l| (l.who.as_str(), l.state.as_str(), l.source.as_str()))
        .collect();
    // The walk, in order: each end's states as tcp_info read them, and the client's
    // TIME_WAIT from the kernel's table (sock_diag here; /proc where it is missing).
    let mut expected = vec![
        ("server", "LISTEN", "tcp_info"),
        ("client", "ESTABLISHED", "tcp_info"),
        ("server", "ESTABLISHED", "tcp_info"),
    ];
    if seen.get(3).map(|s| s.1) == Some("FIN_WAIT1") {
        expected.push(("client", "FIN_WAIT1", "tcp_info, right after shutdown"));
    }
    expected.extend([
        ("client", "FIN_WAIT2", "tcp_info"),
        ("server", "CLOSE_WAIT", "tcp_info"),
        ("server", "LAST_ACK", "tcp_info"),
        ("client", "FIN_WAIT2", "tcp_info"),
        ("server", "CLOSE", "tcp_info"),
        (
            "client",
            "CLOSE",
            "tcp_info: the connection has left the socket",
        ),
        ("client", "TIME_WAIT", "kernel table, sock_diag"),
    ]);
    assert_eq!(seen, expected, "stdout:\n{}", out.stdout);
    // Every client line is the same connection, and every server line its mirror.
    let client = &lines[1].conn;
    let (local, peer) = client.split_once(" -> ").expect("local -> peer");
    let mirror = format!("{peer} -> {local}");
    for l in &lines[1..] {
        let want = if l.who == "client" { client } else { &mirror };
        assert_eq!(&l.conn, want, "stdout:\n{}", out.stdout);
    }
    assert_eq!(lines[0].conn, peer, "the listener's address");
    // The example's TIME_WAIT, checked apart from the crate: the kernel keeps it for
    // 60 s after the process ended, and /proc/net/tcp lists it with state 06.
    let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
    let pair = proc_net_tcp_pair(client);
    let entry = table
        .lines()
        .find(|l| {
            l.split_whitespace()
                .skip(1)
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
                == pair
        })
        .unwrap_or_else(|| panic!("{pair} ({client}) not in /proc/net/tcp:\n{table}"));
    assert_eq!(entry.split_whitespace().nth(3), Some("06"), "{entry}");
    assert_eq!(out.stderr, "");
}

#[test]
fn tcp_states_traced_shows_each_tcp_info_and_the_table_lookup() {
    let out = run(example_cmd("tcp_states").env("SOCKAPI_TRACE", "1"));
    assert_success(&out, "tcp_states with the trace");
    if !trace_compiled_in(&out) {
        return;
    }
    let lines: Vec<&str> = out.stderr.lines().collect();
    for state in [
        "TCP_LISTEN",
        "TCP_ESTABLISHED",
        "TCP_FIN_WAIT2",
        "TCP_CLOSE_WAIT",
        "TCP_LAST_ACK",
        "TCP_CLOSE",
    ] {
        let call = format!("SOL_TCP, TCP_INFO, {{tcpi_state={state}, ");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("getsockopt(") && l.contains(&call) && l.ends_with(" = 0")),
            "no getsockopt(TCP_INFO) line with {state}:\n{}",
            out.stderr
        );
    }
    let lookup = lines
        .iter()
        .find(|l| l.starts_with("tcp_state_in(SockDiag, {AF_INET, 127.0.0.1:"))
        .unwrap_or_else(|| panic!("no tcp_state_in line:\n{}", out.stderr));
    assert!(lookup.ends_with(" = TIME_WAIT (sock_diag)"), "{lookup}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("shutdown(") && l.contains("SHUT_WR) = 0")),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------
// udp_server --batch N (recvmmsg and sendmmsg, Linux)

/// `udp_server --batch N HOST 0`, with `SOCKAPI_TRACE=1` when `traced`.
#[cfg(target_os = "linux")]
fn udp_batch_server(n: &str, host: &str, traced: bool) -> Server {
    let mut cmd = example_cmd("udp_server");
    cmd.args(["--batch", n]);
    if traced {
        cmd.env("SOCKAPI_TRACE", "1");
    }
    Server::spawn(cmd, "udp_server", host)
}

/// The batch server gives each datagram back byte for byte, to its sender, at the
/// smallest, a common and the largest batch size: Python's datagrams of 0 to 65,507
/// bytes (after one whose sender left), and our client over IPv4 and IPv6.
#[cfg(target_os = "linux")]
#[test]
fn udp_server_batch_echoes_python_and_our_client() {
    for n in ["1", "32", "1024"] {
        let server = udp_batch_server(n, "127.0.0.1", false);
        let port = server.addr.port().to_string();
        let python = run_python(PY_UDP_CLIENT, &[&port]);
        assert_success(&python, "the python client");
        assert_eq!(
            python.stdout, "12 True\n0 True\n1024 True\n65507 True\n",
            "--batch {n}"
        );
        let ours = run_udp_client(&["127.0.0.1", &port, "hi batch", "5"]);
        assert_success(&ours, "udp_client");
        assert_eq!(ours.stdout, "Received hi batch\n", "--batch {n}");
        assert_eq!(server.stop(), "", "--batch {n}: the server reported errors");
    }
    let server = udp_batch_server("32", "::1", false);
    let ours = run_udp_client(&["::1", &server.addr.port().to_string()]);
    assert_success(&ours, "udp_client");
    assert_eq!(ours.stdout, "Received Hello Server\n");
    assert_eq!(server.stop(), "", "the server reported errors");
}

/// Python as argv[2] clients of the server at 127.0.0.1:argv[1], argv[3] datagrams
/// each, all sent before any is read (each client's datagrams differ from every other
/// one's, in contents and length); prints `sent`, then for each client the number of
/// echoes it read and whether they were exactly its own datagrams, from the server's
/// address.
const PY_UDP_MANY: &str = "import socket, sys\n\
    server = ('127.0.0.1', int(sys.argv[1]))\n\
    clients, each = int(sys.argv[2]), int(sys.argv[3])\n\
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(clients)]\n\
    sent = [[b'client %d datagram %d ' % (c, i) + b'.' * (c * 7 + i) for i in range(each)]\n\
    \x20       for c in range(clients)]\n\
    for i in range(each):\n\
    \x20   for c, s in enumerate(socks):\n\
    \x20       s.sendto(sent[c][i], server)\n\
    print('sent', flush=True)\n\
    for c, s in enumerate(socks):\n\
    \x20   s.settimeout(20)\n\
    \x20   got = [s.recvfrom(65536) for _ in range(each)]\n\
    \x20   ok = sorted(d for d, _ in got) == sorted(sent[c]) and all(a == server for _, a in got)\n\
    \x20   print(c, len(got), ok, flush=True)\n";

/// The return values of the trace lines of `call` (`recvmmsg`, `sendmmsg`).
#[cfg(target_os = "linux")]
fn returns_of(trace: &str, call: &str) -> Vec<i32> {
    let prefix = format!("{call}(");
    trace
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .map(ret_of)
        .collect()
}

/// Eight clients' 96 datagrams, queued at once while the server is stopped
/// (`SIGSTOP`): batches of up to 32 mix the senders, and each datagram still goes back
/// to its own sender, contents intact. The trace shows one `sendmmsg` per `recvmmsg`,
/// of as many datagrams, and batches of more than one.
#[cfg(target_os = "linux")]
#[test]
fn udp_server_batch_serves_many_datagrams_from_several_clients_at_once() {
    const CLIENTS: usize = 8;
    const EACH: usize = 12;
    let server = udp_batch_server("32", "127.0.0.1", true);
    let pid = server.child.0.id().to_string();
    let signal = |sig: &str| {
        let status = Command::new("kill")
            .args([sig, &pid])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill {sig} {pid}: {status:?}");
    };
    signal("-STOP");
    let mut python = ChildGuard(
        Command::new("python3")
            .args(["-c", PY_UDP_MANY])
            .args([
                server.addr.port().to_string(),
                CLIENTS.to_string(),
                EACH.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn python3"),
    );
    let stdout = lines_of(python.0.stdout.take().expect("stdout"));
    let py_stderr = collect(python.0.stderr.take().expect("stderr"));
    let first = next_line(&stdout, RUN_LIMIT, "the python clients");
    signal("-CONT");
    assert_eq!(first, "sent");
    let answers: Vec<String> = (0..CLIENTS)
        .map(|_| next_line(&stdout, RUN_LIMIT, "the python clients"))
        .collect();
    let status = python.wait_bounded(RUN_LIMIT, "the python clients");
    let py_stderr = py_stderr.join().expect("reader");
    assert!(status.success(), "python clients: {status:?}\n{py_stderr}");
    let expected: Vec<String> = (0..CLIENTS).map(|c| format!("{c} {EACH} True")).collect();
    assert_eq!(answers, expected, "python stderr:\n{py_stderr}");

    let trace = server.stop();
    if !cfg!(feature = "trace") {
        assert_eq!(trace, "", "the trace is compiled out; {STALE}");
        return;
    }
    assert!(
        !trace.lines().any(|l| l.starts_with("udp_server:")),
        "the server reported errors:\n{trace}"
    );
    let received = returns_of(&trace, "recvmmsg");
    let sent = returns_of(&trace, "sendmmsg");
    println!("batches received: {received:?}");
    assert_eq!(
        received.iter().sum::<i32>(),
        (CLIENTS * EACH) as i32,
        "{STALE}?\n{trace}"
    );
    assert_eq!(sent, received, "one sendmmsg per batch, of the whole batch");
    assert!(
        received.iter().all(|&k| (1..=32).contains(&k)),
        "{received:?}"
    );
    assert!(
        received.iter().any(|&k| k > 1),
        "every batch held one datagram: {received:?}"
    );
}

/// `--batch` takes a number from 1 to 1024, once; anything else is a usage error,
/// before any socket is made.
#[test]
fn udp_server_bad_batch_exits_2_with_usage() {
    let cases: [&[&str]; 10] = [
        &["--batch", "0"],
        &["--batch", "1025"],
        &["--batch", "-1"],
        &["--batch", "many"],
        &["--batch", ""],
        &["--batch", "3.5"],
        &["127.0.0.1", "0", "--batch"],
        &["--batch", "4", "--batch", "4"],
        &["--batch", "4", "127.0.0.1", "0", "extra"],
        &["127.0.0.1", "--batch", "99999999999999999999999"],
    ];
    for args in cases {
        let out = run(example_cmd("udp_server").args(args));
        assert_no_panic(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: stderr:\n{}",
            out.stderr
        );
        assert_eq!(
            out.stderr,
            "usage: udp_server [host] [port] [--batch N]  \
             (N: datagrams per recvmmsg and sendmmsg, 1 to 1024; Linux)\n",
            "{args:?}"
        );
        assert_eq!(out.stdout, "", "{args:?}");
    }
}
