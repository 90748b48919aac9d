//! `sendall` and `std::io::Read`/`Write` for `Socket`, on real sockets.
//!
//! - Partial sends really happen and `sendall` sends the rest: a sender thread is
//!   interrupted by SIGUSR1 (a handler without `SA_RESTART`) while blocked in `send`
//!   with more data than both socket buffers hold; every byte arrives in order, and
//!   the loop is seen calling `send` again after each signal. The scenario runs in a
//!   child process with `SOCKAPI_TRACE=1`, whose trace lines the parent counts and
//!   checks: each `send` is of the bytes the previous one left.
//! - `EAGAIN` (non-blocking, `MSG_DONTWAIT`, `SO_SNDTIMEO`) with the count sent, which
//!   is exactly what the peer receives; `EPIPE`; an empty buffer; the error's text and
//!   conversions.
//! - `Read`/`Write`: `std::io::copy`, `BufReader`, `write_all`, `read_to_end`, the
//!   vectored calls (and more than `IOV_MAX` buffers), `EINTR` as `Interrupted` retried
//!   by `read_exact`, and the trace lines they print.
//!
//! Its own binary (`harness = false`): the SIGUSR1 handler is process-wide. A thread is
//! known to be blocked when `/proc/self/task/<tid>/syscall` shows it inside the call;
//! no sleep stands in for that.

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{BufRead, BufReader, IoSlice, IoSliceMut, Read, Write};
    use std::os::fd::AsRawFd;
    use std::process::{Command, Stdio};
    use std::sync::atomic::AtomicI32;
    use std::sync::atomic::Ordering::SeqCst;
    use std::time::{Duration, Instant};

    use sockapi::*;

    use crate::common::signals::{
        blocked_in, install_handler, kill, run, spawn_with_tid, wait_for, HANDLED,
    };
    use crate::common::{set_timeouts, tcp_pair, unique_name, V4};

    /// Set to a scenario's name in the child process that runs it.
    const CHILD_VAR: &str = "SOCKAPI_SENDALL_CHILD";
    /// Tags the child's stdout lines that the parent reads.
    const OBSERVED_TAG: &str = "<<sent-again>> ";
    const EXPECT_TAG: &str = "<<trace-expect>> ";
    const DONE_TAG: &str = "<<scenario-done>>";

    /// The bytes of the partial-send scenario: more than both socket buffers can hold
    /// (checked against the system's limits), so the sender must block.
    const TOTAL: usize = 64 << 20;
    /// How many times the blocked sender is interrupted.
    const SIGNALS: usize = 3;
    /// Polls of a bounded wait (each a `yield_now`), besides its 20 s deadline.
    const MAX_POLLS: u32 = 20_000_000;

    /// Byte `i` of the test data: each 4-byte word holds its own index, so a lost,
    /// repeated or reordered piece shows.
    fn pattern(i: usize) -> u8 {
        ((i / 4) as u32).to_le_bytes()[i % 4]
    }

    fn patterned(len: usize) -> Vec<u8> {
        (0..len).map(pattern).collect()
    }

    /// Receives until end-of-file, checking each byte against [`pattern`]; the count.
    fn drain_to_eof(fd: &Socket) -> usize {
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0;
        loop {
            let n = match recv(fd, &mut buf, 0) {
                Ok(0) => return total,
                Ok(n) => n,
                Err(e) => panic!("recv after {total} bytes: {e}"),
            };
            for (k, &b) in buf[..n].iter().enumerate() {
                assert_eq!(b, pattern(total + k), "byte {} out of order", total + k);
            }
            total += n;
        }
    }

    fn stream_pair() -> (Socket, Socket) {
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair")
    }

    /// The largest value of a `min default max` sysctl such as `tcp_wmem`.
    fn sysctl_max(path: &str) -> usize {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        text.split_whitespace()
            .last()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{path}: {text:?}"))
    }

    /// Whether thread `tid` is blocked in `send` (glibc makes it the `sendto` syscall).
    fn in_send(tid: i32) -> bool {
        blocked_in(tid, &[libc::SYS_sendto])
    }

    /// Whether thread `tid` is blocked in `recv` (glibc makes it `recvfrom`).
    fn in_recv(tid: i32) -> bool {
        blocked_in(tid, &[libc::SYS_recvfrom])
    }

    /// SIGUSR1 to `thread`, then waits until its handler has run: the call it was
    /// blocked in is then over, and a thread blocked again is in a new call.
    fn interrupt<T>(tid: &AtomicI32, thread: &std::thread::JoinHandle<T>, what: &str) {
        HANDLED.store(false, SeqCst);
        kill(thread);
        wait_for(tid, what, MAX_POLLS, || false, |_| HANDLED.load(SeqCst));
    }

    // ---- the child processes ----

    /// What a child run printed.
    struct ChildRun {
        stdout: String,
        stderr: String,
    }

    impl ChildRun {
        fn tagged(&self, tag: &str) -> Vec<&str> {
            self.stdout
                .lines()
                .filter_map(|l| l.strip_prefix(tag))
                .collect()
        }

        /// The trace lines of the calls named (`name(` at the start of the line).
        fn lines_of(&self, calls: &[&str]) -> Vec<&str> {
            self.stderr
                .lines()
                .filter(|l| {
                    calls
                        .iter()
                        .any(|c| l.strip_prefix(c).is_some_and(|r| r.starts_with('(')))
                })
                .collect()
        }
    }

    /// Runs scenario `name` in a child (this binary, `CHILD_VAR=name`) with
    /// `SOCKAPI_TRACE=1`, its output to files (the trace can be long), and waits for it,
    /// at most two minutes.
    fn run_child(name: &str) -> ChildRun {
        let dir = std::env::temp_dir();
        let out_path = dir.join(unique_name("sendall", &format!("{name}.out")));
        let err_path = dir.join(unique_name("sendall", &format!("{name}.err")));
        let out = std::fs::File::create(&out_path).expect("stdout file");
        let err = std::fs::File::create(&err_path).expect("stderr file");
        let mut child = Command::new(std::env::current_exe().expect("current_exe"))
            .env(CHILD_VAR, name)
            .env("SOCKAPI_TRACE", "1")
            .env_remove("SOCKAPI_TRACE_STRSIZE")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("run this test binary as a child");
        let deadline = Instant::now() + Duration::from_secs(120);
        let status = loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("child {name} still running after 120 s: killed");
            }
            // Waiting for a process to exit, not standing in for a state: bounded.
            std::thread::sleep(Duration::from_millis(10));
        };
        let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
        let stderr =
            String::from_utf8_lossy(&std::fs::read(&err_path).unwrap_or_default()).into_owned();
        let _ = std::fs::remove_file(&out_path);
        let _ = std::fs::remove_file(&err_path);
        let tail: String = {
            let lines: Vec<&str> = stderr.lines().collect();
            lines[lines.len().saturating_sub(40)..].join("\n")
        };
        assert!(
            status.success(),
            "child {name} failed: {status}\n--- stdout ---\n{stdout}\n--- stderr (end) ---\n{tail}"
        );
        assert!(
            stdout.lines().any(|l| l == DONE_TAG),
            "child {name} did not finish its scenario:\n{stdout}"
        );
        ChildRun { stdout, stderr }
    }

    /// The child's side of [`partial_sends_really_happen`].
    fn partial_send_scenario() {
        let wmem = sysctl_max("/proc/sys/net/ipv4/tcp_wmem");
        let rmem = sysctl_max("/proc/sys/net/ipv4/tcp_rmem");
        assert!(
            TOTAL > wmem + rmem,
            "{TOTAL} bytes fit the socket buffers ({wmem} + {rmem}): the sender would not block"
        );
        install_handler(0);
        // SOCK_CLOEXEC, port 0 read back with getsockname; SO_SNDTIMEO and SO_RCVTIMEO
        // of 10 s bound every blocking call, should the test go wrong.
        let (sender_fd, reader) = tcp_pair(V4);
        let data = patterned(TOTAL);
        // The socket drops with the thread, and the reader then sees end-of-file.
        let (sender, tid) = spawn_with_tid(move || sendall(&sender_fd, &data, 0));
        wait_for(
            &tid,
            "the sender blocks in send",
            MAX_POLLS,
            || sender.is_finished(),
            in_send,
        );
        let mut again = 0;
        for _ in 0..SIGNALS {
            // The handler runs as the call returns to user space: once it has run,
            // that `send` is over, and a thread blocked in `send` again is in a new one.
            interrupt(&tid, &sender, "the sender's handler runs");
            wait_for(
                &tid,
                "sendall calls send again after the signal, and blocks",
                MAX_POLLS,
                || sender.is_finished(),
                in_send,
            );
            again += 1;
        }
        let received = drain_to_eof(&reader);
        let ret = sender.join().expect("sender thread");
        assert_eq!(ret, Ok(()), "sendall");
        assert_eq!(received, TOTAL, "bytes received");
        println!("{OBSERVED_TAG}{again}");
        println!("{DONE_TAG}");
    }

    /// The child's side of [`rw_trace_lines`]: each call, and the line it must print.
    fn rw_trace_scenario() {
        let (a, b) = stream_pair();
        let (fa, fb) = (a.as_raw_fd(), b.as_raw_fd());
        let expect = |line: String| println!("{EXPECT_TAG}{line}");

        assert_eq!((&a).write(b"hi").expect("write"), 2);
        expect(format!("send({fa}, \"hi\", 2, 0) = 2"));
        let mut buf = [0u8; 16];
        assert_eq!((&b).read(&mut buf).expect("read"), 2);
        expect(format!("recv({fb}, \"hi\", 16, 0) = 2"));
        (&a).flush().expect("flush"); // no call, no line

        sendall(&a, b"hello", 0).expect("sendall");
        expect(format!("send({fa}, \"hello\", 5, 0) = 5"));
        let mut five = [0u8; 5];
        (&b).read_exact(&mut five).expect("read_exact");
        expect(format!("recv({fb}, \"hello\", 5, 0) = 5"));

        let out = [
            IoSlice::new(b"ab"),
            IoSlice::new(b"c"),
            IoSlice::new(b"def"),
        ];
        assert_eq!((&a).write_vectored(&out).expect("write_vectored"), 6);
        expect(format!(
            "sendmsg({fa}, {{msg_name=NULL, msg_iov=[{{\"ab\", 2}}, {{\"c\", 1}}, {{\"def\", 3}}], \
             msg_iovlen=3, msg_controllen=0, msg_flags=0}}, 0) = 6"
        ));
        let (mut x, mut y, mut z) = ([0u8; 2], [0u8; 2], [0u8; 4]);
        let mut iov = [
            IoSliceMut::new(&mut x),
            IoSliceMut::new(&mut y),
            IoSliceMut::new(&mut z),
        ];
        assert_eq!((&b).read_vectored(&mut iov).expect("read_vectored"), 6);
        expect(format!(
            "recvmsg({fb}, {{msg_name=NULL, msg_iov=[{{\"ab\", 2}}, {{\"cd\", 2}}, {{\"ef\", 4}}], \
             msg_iovlen=3, msg_controllen=0, msg_flags=0}}, 0) = 6"
        ));
        println!("{DONE_TAG}");
    }

    // ---- the tests ----

    /// One `send` line of the trace: `send(fd, "…", len, flags) = ret`.
    #[cfg(feature = "trace")]
    struct SendLine {
        len: usize,
        ret: std::result::Result<usize, String>,
    }

    #[cfg(feature = "trace")]
    fn parse_send(line: &str) -> SendLine {
        let (call, ret) = line
            .rsplit_once(" = ")
            .unwrap_or_else(|| panic!("no result: {line}"));
        let args = call.strip_suffix(", 0)").expect("flags 0");
        let (_, len) = args.rsplit_once(", ").expect("a length");
        let len = len.parse().unwrap_or_else(|_| panic!("length in {line}"));
        let ret = match ret.strip_prefix("-1 ") {
            Some(err) => Err(err.to_owned()),
            None => Ok(ret.parse().unwrap_or_else(|_| panic!("count in {line}"))),
        };
        SendLine { len, ret }
    }

    fn partial_sends_really_happen() {
        let run = run_child("partial");
        let again: usize = run.tagged(OBSERVED_TAG)[0].parse().expect("a count");
        assert!(again >= SIGNALS, "sendall called send again {again} times");

        #[cfg(feature = "trace")]
        {
            let sends: Vec<SendLine> = run
                .lines_of(&["send"])
                .into_iter()
                .map(parse_send)
                .collect();
            // With one send per sendall, this is 1; the /proc count above says >= 4.
            assert!(
                sends.len() > again,
                "{} send lines, yet sendall was seen in send {} times",
                sends.len(),
                again + 1
            );
            assert_eq!(sends[0].len, TOTAL, "the first send is of the whole buffer");
            // Each send is of what the one before left; only EINTR is retried.
            for pair in sends.windows(2) {
                let left = match &pair[0].ret {
                    Ok(n) => pair[0].len - n,
                    Err(e) if e.starts_with("EINTR ") => pair[0].len,
                    Err(e) => panic!("sendall went on after {e}"),
                };
                assert_eq!(pair[1].len, left, "the next send is of the rest");
            }
            let last = sends.last().expect("a send");
            assert_eq!(last.ret, Ok(last.len), "the last send takes the rest");
            let short = sends
                .iter()
                .filter(|s| matches!(s.ret, Ok(n) if n < s.len))
                .count();
            let eintr = sends.iter().filter(|s| s.ret.is_err()).count();
            assert!(short >= 1, "no send returned short");
            println!(
                "       {} send calls for {TOTAL} bytes: {short} short, {eintr} EINTR, 1 \
                 taking the rest; seen blocked in send again {again} times",
                sends.len()
            );
        }
        #[cfg(not(feature = "trace"))]
        {
            assert!(
                run.lines_of(&["send"]).is_empty(),
                "the trace is compiled out"
            );
            println!(
                "       trace compiled out: sendall seen blocked in send again {again} \
                 times after a signal, so at least {} send calls",
                again + 1
            );
        }
    }

    fn rw_trace_lines() {
        let run = run_child("rw_trace");
        let lines = run.lines_of(&["send", "recv", "sendmsg", "recvmsg"]);
        if cfg!(feature = "trace") {
            assert_eq!(lines, run.tagged(EXPECT_TAG), "\n{}", run.stderr);
        } else {
            assert!(
                lines.is_empty(),
                "the trace is compiled out:\n{}",
                run.stderr
            );
        }
    }

    /// A non-blocking socket stops at `EAGAIN` with the count sent, and the peer gets
    /// exactly those bytes; so does `MSG_DONTWAIT` on a blocking one.
    fn eagain_reports_what_was_sent() {
        let data = patterned(TOTAL);
        for flags in [0, MSG_DONTWAIT.as_raw()] {
            let (client, server) = tcp_pair(V4);
            if flags == 0 {
                let fl = fcntl(&client, F_GETFL).expect("F_GETFL");
                fcntl(&client, F_SETFL(fl | O_NONBLOCK)).expect("F_SETFL");
            }
            let e = sendall(&client, &data, flags).expect_err("more than the buffers hold");
            assert_eq!(e.errno(), Errno::EAGAIN, "{e}");
            assert_eq!(e.errno(), Errno::EWOULDBLOCK);
            assert!(0 < e.sent() && e.sent() < TOTAL, "{e}");
            assert_eq!(e.total(), TOTAL);
            shutdown(&client, SHUT_WR).expect("shutdown");
            assert_eq!(drain_to_eof(&server), e.sent(), "what the peer received");
        }
    }

    /// A blocking socket with `SO_SNDTIMEO`: the timeout ends a `send` short, the next
    /// one meets `EAGAIN` at once… after its own timeout; the count is what went out.
    fn sndtimeo_reports_eagain_with_the_count() {
        let (a, b) = stream_pair();
        let timeout = timeval {
            tv_sec: 0,
            tv_usec: 100_000,
        };
        setsockopt(&a, SOL_SOCKET, SO_SNDTIMEO, &timeout).expect("SO_SNDTIMEO");
        set_timeouts(&b);
        let len = 16 << 20;
        let start = Instant::now();
        let e = sendall(&a, &patterned(len), 0).expect_err("more than the buffers hold");
        assert!(
            start.elapsed() >= Duration::from_millis(100),
            "the timeout ran"
        );
        assert_eq!(e.errno(), Errno::EAGAIN, "{e}");
        assert!(0 < e.sent() && e.sent() < len, "{e}");
        drop(a);
        assert_eq!(drain_to_eof(&b), e.sent(), "what the peer received");
    }

    fn epipe_after_the_peer_closed() {
        let (a, b) = stream_pair();
        drop(b);
        let e = sendall(&a, b"hello", MSG_NOSIGNAL).expect_err("no peer");
        assert_eq!((e.errno(), e.sent(), e.total()), (Errno::EPIPE, 0, 5));
        assert_eq!(e.to_string(), "EPIPE (Broken pipe) after 0 of 5 bytes");
    }

    /// No call for an empty buffer: on a socket whose peer has gone, where a `send` of
    /// 0 bytes fails with `EPIPE`, and on a datagram socket, where it would send an
    /// empty datagram.
    fn empty_buffer_makes_no_call() {
        let (a, b) = stream_pair();
        drop(b);
        assert_eq!(
            send(&a, b"", MSG_NOSIGNAL),
            Err(Errno::EPIPE),
            "send of 0 bytes"
        );
        assert_eq!(sendall(&a, b"", MSG_NOSIGNAL), Ok(()));

        let (a, b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socketpair");
        assert_eq!(sendall(&a, b"", 0), Ok(()));
        let mut buf = [0u8; 4];
        assert_eq!(
            recv(&b, &mut buf, MSG_DONTWAIT),
            Err(Errno::EAGAIN),
            "nothing sent"
        );
        assert_eq!(send(&a, b"", 0), Ok(0));
        assert_eq!(recv(&b, &mut buf, MSG_DONTWAIT), Ok(0), "an empty datagram");
        // A datagram goes out whole, in one call.
        assert_eq!(sendall(&a, b"dgram", 0), Ok(()));
        assert_eq!(recv(&b, &mut buf, MSG_DONTWAIT | MSG_TRUNC), Ok(5));
    }

    fn main_with_errno_result(e: SendAllError) -> sockapi::Result<()> {
        Err(e)?;
        Ok(())
    }

    fn main_with_io_result(e: SendAllError) -> std::io::Result<()> {
        Err(e)?;
        Ok(())
    }

    fn error_text_and_conversions() {
        let (a, _b) = stream_pair();
        let len = 4 << 20;
        let e = sendall(&a, &patterned(len), MSG_DONTWAIT).expect_err("EAGAIN");
        let text = format!(
            "EAGAIN (Resource temporarily unavailable) after {} of {len} bytes",
            e.sent()
        );
        assert_eq!(e.to_string(), text);
        assert_eq!(format!("{e:?}"), text, "Debug is Display");
        let source = std::error::Error::source(&e).expect("a source");
        assert_eq!(source.downcast_ref::<Errno>(), Some(&Errno::EAGAIN));

        assert_eq!(Errno::from(e), Errno::EAGAIN);
        assert_eq!(main_with_errno_result(e), Err(Errno::EAGAIN));

        let io = std::io::Error::from(e);
        assert_eq!(io.kind(), std::io::ErrorKind::WouldBlock);
        assert_eq!(io.to_string(), text);
        let inner = io.get_ref().and_then(|i| i.downcast_ref::<SendAllError>());
        assert_eq!(inner, Some(&e), "the count survives");
        let io = main_with_io_result(e).expect_err("an error");
        assert_eq!(io.kind(), std::io::ErrorKind::WouldBlock);

        // The errno conversion Read and Write use.
        use std::io::ErrorKind::*;
        for (errno, kind) in [
            (Errno::EINTR, Interrupted),
            (Errno::EAGAIN, WouldBlock),
            (Errno::EPIPE, BrokenPipe),
            (Errno::ECONNRESET, ConnectionReset),
        ] {
            let io = std::io::Error::from(errno);
            assert_eq!((io.kind(), io.raw_os_error()), (kind, Some(errno.raw())));
        }
    }

    fn read_and_write_errors() {
        let (a, b) =
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).expect("socketpair");
        let mut buf = [0u8; 4];
        let e = (&b).read(&mut buf).expect_err("nothing queued");
        assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock);
        assert_eq!(e.raw_os_error(), Some(Errno::EAGAIN.raw()));
        drop(b);
        // Flags 0, as C's send: Rust ignores SIGPIPE, so this is EPIPE alone.
        let e = (&a).write(b"x").expect_err("no peer");
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe);
        assert_eq!(e.raw_os_error(), Some(Errno::EPIPE.raw()));
    }

    /// A signal that interrupts `recv`: `read` returns `Interrupted`; `read_exact`
    /// retries it, as std's own sockets do, and finishes once data comes.
    fn eintr_is_interrupted_and_read_exact_retries() {
        let (a, b) = stream_pair();
        set_timeouts(&b);
        let (reader, tid) = spawn_with_tid(move || {
            let mut buf = [0u8; 4];
            let first = (&b)
                .read(&mut buf)
                .map_err(|e| (e.kind(), e.raw_os_error()));
            let second = (&b).read_exact(&mut buf).map(|()| buf);
            (first, second.map_err(|e| e.to_string()))
        });
        // `read`, interrupted.
        wait_for(
            &tid,
            "read blocks in recv",
            MAX_POLLS,
            || reader.is_finished(),
            in_recv,
        );
        interrupt(&tid, &reader, "the handler runs");
        // `read_exact`, interrupted, blocked in a new recv after.
        wait_for(
            &tid,
            "read_exact blocks in recv",
            MAX_POLLS,
            || reader.is_finished(),
            in_recv,
        );
        interrupt(&tid, &reader, "the handler runs");
        wait_for(
            &tid,
            "read_exact retries recv",
            MAX_POLLS,
            || reader.is_finished(),
            in_recv,
        );
        sendall(&a, b"ping", 0).expect("sendall");
        let (first, second) = reader.join().expect("reader");
        assert_eq!(
            first,
            Err((std::io::ErrorKind::Interrupted, Some(Errno::EINTR.raw())))
        );
        assert_eq!(second, Ok(*b"ping"));
    }

    fn io_copy_from_a_socket_into_a_vec() {
        let (a, b) = stream_pair();
        let len = 3 << 20;
        let writer = std::thread::spawn(move || sendall(&a, &patterned(len), 0));
        let mut got = Vec::new();
        let n = std::io::copy(&mut &b, &mut got).expect("copy");
        assert_eq!(writer.join().expect("writer"), Ok(()));
        assert_eq!(n, len as u64);
        assert!(got == patterned(len), "the bytes, in order");
    }

    fn io_copy_from_a_slice_into_a_socket() {
        let (mut a, b) = stream_pair();
        let len = 3 << 20;
        let reader = std::thread::spawn(move || drain_to_eof(&b));
        let data = patterned(len);
        let n = std::io::copy(&mut &data[..], &mut a).expect("copy");
        assert_eq!(n, len as u64);
        drop(a);
        assert_eq!(reader.join().expect("reader"), len);
    }

    fn bufreader_read_line_and_lines() {
        let (a, b) = stream_pair();
        sendall(&a, b"one\ntwo\r\nthree", 0).expect("sendall");
        shutdown(&a, SHUT_WR).expect("shutdown");
        let mut reader = BufReader::new(&b);
        let mut line = String::new();
        assert_eq!(reader.read_line(&mut line).expect("read_line"), 4);
        assert_eq!(line, "one\n");
        let rest: Vec<String> = reader.lines().collect::<Result<_, _>>().expect("lines");
        assert_eq!(rest, ["two", "three"]);
    }

    fn write_all_then_read_to_end_until_shutdown() {
        let (client, server) = tcp_pair(V4);
        let len = 5 << 20;
        let writer = std::thread::spawn(move || {
            (&client).write_all(&patterned(len)).expect("write_all");
            shutdown(&client, SHUT_WR).expect("shutdown");
            client // open until the reader is done: the end-of-file is the shutdown's
        });
        let mut got = Vec::new();
        assert_eq!((&server).read_to_end(&mut got).expect("read_to_end"), len);
        assert!(got == patterned(len), "the bytes, in order");
        drop(writer.join().expect("writer"));
    }

    fn vectored_round_trip() {
        let (mut a, mut b) = stream_pair();
        let out = [
            IoSlice::new(b"Hello, "),
            IoSlice::new(b""),
            IoSlice::new(b"world"),
        ];
        assert_eq!(a.write_vectored(&out).expect("write_vectored"), 12);
        let (mut x, mut y, mut z) = ([0u8; 3], [0u8; 4], [0u8; 8]);
        let mut iov = [
            IoSliceMut::new(&mut x),
            IoSliceMut::new(&mut y),
            IoSliceMut::new(&mut z),
        ];
        assert_eq!(b.read_vectored(&mut iov).expect("read_vectored"), 12);
        assert_eq!((&x, &y, &z[..5]), (b"Hel", b"lo, ", &b"world"[..]));
    }

    /// More buffers than `sendmsg`/`recvmsg` take: the first 1024 are passed, where all
    /// of them would be `EMSGSIZE`.
    fn vectored_past_iov_max_passes_the_first_1024() {
        let (a, b) = stream_pair();
        let bytes: Vec<u8> = (0..1500).map(pattern).collect();
        let out: Vec<IoSlice<'_>> = bytes.chunks(1).map(IoSlice::new).collect();
        let msg = MsgHdr::new(None, &out, Control::NONE);
        assert_eq!(
            sendmsg(&a, &msg, 0),
            Err(Errno::EMSGSIZE),
            "sendmsg of 1500"
        );
        assert_eq!((&a).write_vectored(&out).expect("write_vectored"), 1024);
        assert_eq!((&a).write_vectored(&out[1024..]).expect("the rest"), 476);

        let mut got = vec![0u8; 1500];
        let mut iov: Vec<IoSliceMut<'_>> = got.chunks_mut(1).map(IoSliceMut::new).collect();
        assert_eq!((&b).read_vectored(&mut iov).expect("read_vectored"), 1024);
        assert_eq!((&b).read_vectored(&mut iov[1024..]).expect("the rest"), 476);
        drop(iov);
        assert_eq!(got, bytes);
    }

    pub fn main() {
        match std::env::var(CHILD_VAR).as_deref() {
            Ok("partial") => return partial_send_scenario(),
            Ok("rw_trace") => return rw_trace_scenario(),
            Ok(other) => panic!("no scenario {other:?}"),
            Err(_) => {}
        }
        install_handler(0);
        let tests: [(&str, fn()); 15] = [
            ("partial sends really happen", partial_sends_really_happen),
            ("EAGAIN reports what was sent", eagain_reports_what_was_sent),
            (
                "SO_SNDTIMEO reports EAGAIN with the count",
                sndtimeo_reports_eagain_with_the_count,
            ),
            ("EPIPE after the peer closed", epipe_after_the_peer_closed),
            ("an empty buffer makes no call", empty_buffer_makes_no_call),
            ("error text and conversions", error_text_and_conversions),
            ("Read and Write errors", read_and_write_errors),
            (
                "EINTR is Interrupted, and read_exact retries",
                eintr_is_interrupted_and_read_exact_retries,
            ),
            (
                "io::copy from a socket into a Vec",
                io_copy_from_a_socket_into_a_vec,
            ),
            (
                "io::copy from a slice into a socket",
                io_copy_from_a_slice_into_a_socket,
            ),
            (
                "BufReader read_line and lines",
                bufreader_read_line_and_lines,
            ),
            (
                "write_all, then read_to_end until shutdown",
                write_all_then_read_to_end_until_shutdown,
            ),
            ("vectored round trip", vectored_round_trip),
            (
                "vectored past IOV_MAX passes the first 1024",
                vectored_past_iov_max_passes_the_first_1024,
            ),
            ("the trace of Read and Write", rw_trace_lines),
        ];
        run("sendall", &tests);
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("sendall: the checks read /proc; nothing to run");
}
