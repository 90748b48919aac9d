//! A signal interrupts a blocking `accept`, `connect`, `recv` and `send`: each returns
//! `Err(EINTR)` to the caller, and none is retried inside (a retry would have kept the
//! thread blocked, and the call would not have come back).
//!
//! - `accept` on a listener nobody connects to;
//! - `connect` to a listener whose queue is full (`listen` backlog 0, one connection
//!   already queued): the kernel drops the SYN, so the connect waits in `SYN_SENT`;
//!   after `EINTR` the connection goes on in the background, as POSIX says: a second
//!   `connect` is `EALREADY`, and once the queue has room it completes (`SO_ERROR` 0);
//! - `recv` on a connection with nothing to read;
//! - `send` of a byte on a connection whose buffers are full (the peer reads nothing):
//!   `EINTR` with nothing sent, and the peer gets every byte sent before, in order.
//!
//! - `sendall` of one byte behind a full buffer, interrupted three times: it retries
//!   each `EINTR` (seen blocked in `send` anew after each handler ran; one byte cannot
//!   go short, so each return was `EINTR`), and every byte arrives once, in order.
//!
//! The others are covered where they live: `select`/`pselect` in `select_eintr`,
//! `poll`/`ppoll` in `poll_eintr`, `epoll_wait` in `epoll_eintr`, `recvmmsg` in
//! `recvmmsg_wait`; `sendall` resuming after the short counts a signal makes, over
//! 64 MiB, in `sendall` ("partial sends really happen").
//!
//! Its own binary (`harness = false`): the SIGUSR1 handler (without `SA_RESTART`) is
//! process-wide; the signal goes to the blocked thread alone, with `pthread_kill`,
//! once `/proc/self/task/<tid>/syscall` shows it blocked in the call; no sleep stands
//! in for that.

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::atomic::Ordering;
    use std::thread::JoinHandle;
    use std::time::{Duration, Instant};

    use sockapi::*;

    use crate::common::signals::{
        blocked_in, install_handler, kill, run, spawn_with_tid, wait_for, HANDLED,
    };
    use crate::common::{listener, set_timeouts, tcp_pair, tcp_socket, V4};

    /// Polls of a bounded wait (each a `yield_now`), besides its 20 s deadline.
    const MAX_POLLS: u32 = 20_000_000;

    /// Runs `call` on a thread; once the thread is blocked in one of the syscalls
    /// `calls`, sends it SIGUSR1: what the call returned and how long it took.
    fn interrupted<T: Send + 'static>(
        what: &str,
        calls: &[libc::c_long],
        call: impl FnOnce() -> T + Send + 'static,
    ) -> (T, Duration) {
        let (thread, tid): (JoinHandle<(T, Duration)>, _) = spawn_with_tid(move || {
            let start = Instant::now();
            let ret = call();
            (ret, start.elapsed())
        });
        wait_for(
            &tid,
            what,
            MAX_POLLS,
            || thread.is_finished(),
            |t| blocked_in(t, calls),
        );
        kill(&thread);
        let ret = thread.join().expect("the interrupted thread");
        assert!(HANDLED.load(Ordering::SeqCst), "the handler ran");
        ret
    }

    /// Each blocking call below is bounded by `SO_RCVTIMEO`/`SO_SNDTIMEO` of 10 s
    /// (`set_timeouts`), should the signal never come; an interrupted one takes far less.
    fn assert_prompt(took: Duration) {
        assert!(took < Duration::from_secs(9), "returned after {took:?}");
    }

    fn accept_is_interrupted() {
        let (l, _) = listener(V4);
        let (ret, took) = interrupted(
            "the thread blocks in accept",
            &[libc::SYS_accept, libc::SYS_accept4],
            move || accept(&l).map(|_| ()),
        );
        assert_eq!(ret, Err(Errno::EINTR));
        assert_prompt(took);
        println!("       accept: EINTR after {took:?}");
    }

    fn connect_is_interrupted() {
        let l = tcp_socket(V4);
        bind(&l, &V4).expect("bind");
        // Backlog 0: the queue holds one connection, and it is full once that one is in.
        listen(&l, 0).expect("listen");
        let addr = getsockname(&l).expect("getsockname");
        let first = tcp_socket(V4);
        set_timeouts(&first);
        connect(&first, &addr).expect("the connection that fills the queue");
        let fd = std::sync::Arc::new(tcp_socket(V4));
        set_timeouts(&*fd);
        let blocked = std::sync::Arc::clone(&fd);
        let (ret, took) = interrupted(
            "the thread blocks in connect (SYN_SENT)",
            &[libc::SYS_connect],
            move || connect(&*blocked, &addr),
        );
        assert_eq!(ret, Err(Errno::EINTR));
        assert_prompt(took);
        // Not retried, not abandoned: the handshake goes on in the background.
        assert_eq!(tcp_info(&*fd).expect("tcp_info").state(), TCP_SYN_SENT);
        assert_eq!(connect(&*fd, &addr), Err(Errno::EALREADY));
        // Room in the queue: the next SYN (retransmitted after 1 s, then 3 s) gets in.
        let (_first_conn, _) = accept(&l).expect("accept the first");
        let mut fds = [pollfd::new(&*fd, POLLOUT)];
        assert_eq!(poll(&mut fds, 20_000), Ok(1), "the connect completes");
        assert_eq!(getsockopt(&*fd, SOL_SOCKET, SO_ERROR), Ok(0));
        assert_eq!(tcp_info(&*fd).expect("tcp_info").state(), TCP_ESTABLISHED);
        let (second, _) = accept(&l).expect("accept the interrupted one");
        assert_eq!(getpeername(&second), getsockname(&*fd));
        println!(
            "       connect: EINTR after {took:?} in SYN_SENT, then EALREADY, then \
             established in the background"
        );
    }

    fn recv_is_interrupted() {
        let (a, b) = tcp_pair(V4);
        let (ret, took) = interrupted(
            "the thread blocks in recv",
            &[libc::SYS_recvfrom],
            move || {
                let mut buf = [0u8; 16];
                let first = recv(&b, &mut buf, 0);
                (first, b)
            },
        );
        let (first, b) = ret;
        assert_eq!(first, Err(Errno::EINTR));
        assert_prompt(took);
        // Nothing was consumed: the next recv gets what comes next.
        assert_eq!(send(&a, b"after", MSG_NOSIGNAL), Ok(5));
        let mut buf = [0u8; 16];
        assert_eq!(recv(&b, &mut buf, 0), Ok(5));
        assert_eq!(&buf[..5], b"after");
        println!("       recv: EINTR after {took:?}");
    }

    /// Fills `fd`'s path to its peer (which reads nothing) with `MSG_DONTWAIT` sends
    /// until `EAGAIN`, continuing a stream whose byte `i` is `i as u8` from byte
    /// `from`; the count sent.
    fn fill(fd: &Socket, from: usize) -> usize {
        let bytes: Vec<u8> = (0..(1 << 16) + 256).map(|i| i as u8).collect();
        let mut sent = 0;
        for _ in 0..100_000 {
            let off = (from + sent) % 256;
            match send(
                fd,
                &bytes[off..off + (1 << 16)],
                MSG_DONTWAIT | MSG_NOSIGNAL,
            ) {
                Ok(n) => sent += n,
                Err(Errno::EAGAIN) => return sent,
                Err(e) => panic!("send: {e}"),
            }
        }
        panic!("the buffers never filled");
    }

    fn send_is_interrupted() {
        let (a, b) = tcp_pair(V4);
        // Fixed sizes (no autotuning), so that full stays full while nothing is read.
        setsockopt(&a, SOL_SOCKET, SO_SNDBUF, &(64 << 10)).expect("SO_SNDBUF");
        setsockopt(&b, SOL_SOCKET, SO_RCVBUF, &(64 << 10)).expect("SO_RCVBUF");
        let (ret, took) = interrupted(
            "the thread blocks in send",
            &[libc::SYS_sendto],
            move || {
                // Full, then one byte more, blocking; should room come back first
                // (acknowledgements in flight), full again, at most 100 times.
                let mut sent = 0;
                let mut rounds = 0;
                let last = loop {
                    sent += fill(&a, sent);
                    let byte = [sent as u8];
                    match send(&a, &byte, MSG_NOSIGNAL) {
                        Ok(n) => sent += n,
                        other => break other,
                    }
                    rounds += 1;
                    assert!(rounds < 100, "the buffer never stayed full");
                };
                (last, sent, a)
            },
        );
        let (last, sent, a) = ret;
        assert_eq!(last, Err(Errno::EINTR), "with nothing sent");
        assert_prompt(took);
        drop(a);
        // Every byte sent before, in order, and not the interrupted one.
        let mut buf = vec![0u8; 1 << 16];
        let mut got = 0usize;
        loop {
            match recv(&b, &mut buf, 0) {
                Ok(0) => break,
                Ok(n) => {
                    for (k, &x) in buf[..n].iter().enumerate() {
                        assert_eq!(x, (got + k) as u8, "byte {}", got + k);
                    }
                    got += n;
                }
                Err(e) => panic!("recv after {got}: {e}"),
            }
        }
        assert_eq!(got, sent, "what the peer received");
        println!("       send: EINTR after {took:?} with {sent} bytes queued before, all received");
    }

    /// How many times the blocked `sendall` is interrupted.
    const SIGNALS: usize = 3;

    /// `sendall` of one byte behind a full buffer: each signal makes its `send` return
    /// `EINTR` (one byte cannot go short), and `sendall` calls `send` again, seen
    /// blocked in it anew after the handler ran; once the peer reads, every byte
    /// arrives, in order, once. A stream socketpair: its buffer frees only when the peer
    /// reads (no acknowledgements in flight to make room meanwhile).
    fn sendall_retries_eintr() {
        let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
        set_timeouts(&b);
        let sent = fill(&a, 0);
        let (thread, tid) = spawn_with_tid(move || {
            let ret = sendall(&a, &[sent as u8], 0);
            (ret, a)
        });
        let in_send = |t| blocked_in(t, &[libc::SYS_sendto]);
        wait_for(
            &tid,
            "sendall blocks in send",
            MAX_POLLS,
            || thread.is_finished(),
            in_send,
        );
        for _ in 0..SIGNALS {
            HANDLED.store(false, Ordering::SeqCst);
            kill(&thread);
            wait_for(
                &tid,
                "the handler runs",
                MAX_POLLS,
                || thread.is_finished(),
                |_| HANDLED.load(Ordering::SeqCst),
            );
            wait_for(
                &tid,
                "sendall calls send again after EINTR, and blocks",
                MAX_POLLS,
                || thread.is_finished(),
                in_send,
            );
        }
        assert!(
            !thread.is_finished(),
            "sendall returned while the buffer was full"
        );
        // Read all: room for the byte, and sendall returns.
        let mut buf = vec![0u8; 1 << 16];
        let mut got = 0usize;
        while got < sent + 1 {
            match recv(&b, &mut buf, 0) {
                Ok(0) => panic!("end of file after {got} bytes"),
                Ok(n) => {
                    for (k, &x) in buf[..n].iter().enumerate() {
                        assert_eq!(x, (got + k) as u8, "byte {}", got + k);
                    }
                    got += n;
                }
                Err(e) => panic!("recv after {got}: {e}"),
            }
        }
        let (ret, a) = thread.join().expect("sendall thread");
        assert_eq!(ret, Ok(()), "sendall");
        drop(a);
        assert_eq!(recv(&b, &mut buf, 0), Ok(0), "nothing more");
        assert_eq!(got, sent + 1, "every byte, once");
        println!(
            "       sendall: interrupted {SIGNALS} times behind {sent} queued bytes, each \
             EINTR retried; {got} bytes received in order"
        );
    }

    pub fn main() {
        install_handler(0);
        let tests: [(&str, fn()); 5] = [
            ("accept: EINTR, not retried", accept_is_interrupted),
            ("connect: EINTR, not retried", connect_is_interrupted),
            ("recv: EINTR, not retried", recv_is_interrupted),
            ("send: EINTR, not retried", send_is_interrupted),
            (
                "sendall retries EINTR, loses no byte",
                sendall_retries_eintr,
            ),
        ];
        run("socket_eintr", &tests);
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("socket_eintr: the /proc checks are Linux's; nothing to run");
}
