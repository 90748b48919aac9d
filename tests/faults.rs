//! The faults a network and a peer produce, each reaching the caller as the C `errno`,
//! exactly, on real loopback TCP sockets:
//!
//! - a reset mid-stream (`SO_LINGER` 0 on the peer, then `close`): `recv` returns the
//!   bytes already queued, then `ECONNRESET`, then 0; `send` then gives `EPIPE`
//!   (`sockopt`'s `so_linger_zero_makes_close_reset_the_connection` covers the reset
//!   with nothing queued);
//! - a write to a closed peer: the first `send` succeeds (the peer's RST is not back
//!   yet), the next gives `EPIPE`, with `MSG_NOSIGNAL` (no SIGPIPE raised) and with
//!   flags 0 under Rust's ignored SIGPIPE (raised, and ignored); in a child process
//!   with SIGPIPE restored to its default, flags 0 kills the child by SIGPIPE, as
//!   the C program dies, and `MSG_NOSIGNAL` lets it live with `EPIPE`;
//! - the peer process killed (SIGKILL) mid-transfer: with nothing unread in its socket
//!   the kernel closes it with a FIN, and the survivor reads every byte the peer's
//!   kernel took and then end of file (0); with bytes it never read, the kernel resets
//!   it, and the survivor reads what was queued, then `ECONNRESET`, then 0; no
//!   descriptor leaks either way;
//! - the listen backlog overflowing: clients beyond it wait in `SYN_SENT` (or think
//!   they are connected while their handshake's last ACK is dropped) as the kernel
//!   decides, and every client whose connect succeeded and that sent its tag is
//!   accepted and read: the server loses none.
//!
//! `EINTR` is in `socket_eintr` (and `select_eintr`, `poll_eintr`, `epoll_eintr`,
//! `sendall`); running out of descriptors in `emfile`.
//!
//! Its own binary (`harness = false`): it blocks SIGPIPE in its one thread to see it
//! raised, starts itself again as the peer and the SIGPIPE child, and counts the whole
//! process's descriptors.

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::process::ExitStatusExt as _;
    use std::process::{Child, Command, ExitStatus, Stdio};
    use std::time::{Duration, Instant};

    use sockapi::*;

    use crate::common::{listener, set_timeouts, tcp_pair, tcp_socket, V4};

    /// Set to a child's part when this binary runs itself as a child.
    const CHILD_VAR: &str = "SOCKAPI_FAULTS_CHILD";
    /// The address a peer child connects to.
    const ADDR_VAR: &str = "SOCKAPI_FAULTS_ADDR";
    /// How long any state may take to come.
    const LIMIT: Duration = Duration::from_secs(20);

    fn open_fds() -> usize {
        std::fs::read_dir("/proc/self/fd")
            .expect("read /proc/self/fd")
            .count()
    }

    /// Byte `i` of a peer's stream: each 4-byte word holds its own index.
    fn pattern(i: usize) -> u8 {
        ((i / 4) as u32).to_le_bytes()[i % 4]
    }

    /// Waits until `fd`'s connection is in `state` (`tcp_info`), bounded in time and
    /// count; the polls order nothing.
    fn wait_state(fd: &Socket, state: TcpState, what: &str) {
        let deadline = Instant::now() + LIMIT;
        for _ in 0..50_000_000u32 {
            let now = tcp_info(fd).expect("tcp_info").state();
            if now == state {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: still {now:?}, not {state:?}"
            );
            std::thread::yield_now();
        }
        panic!("{what}: bounded wait for {state:?}");
    }

    /// Waits until `n` bytes wait to be read on `fd` (`FIONREAD`), bounded.
    fn wait_queued(fd: &Socket, n: usize, what: &str) {
        let deadline = Instant::now() + LIMIT;
        for _ in 0..50_000_000u32 {
            let now = ioctl(fd, FIONREAD).expect("FIONREAD");
            if usize::try_from(now) == Ok(n) {
                return;
            }
            assert!(Instant::now() < deadline, "{what}: {now} bytes, not {n}");
            std::thread::yield_now();
        }
        panic!("{what}: bounded wait for {n} bytes");
    }

    /// Waits until `fd` has nothing in its send queue (`SIOCOUTQ`: every byte sent
    /// and acknowledged, so in the peer's receive queue), bounded.
    fn wait_all_acked(fd: &Socket, what: &str) {
        let deadline = Instant::now() + LIMIT;
        for _ in 0..50_000_000u32 {
            if ioctl(fd, SIOCOUTQ).expect("SIOCOUTQ") == 0 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: bytes still unacknowledged"
            );
            std::thread::yield_now();
        }
        panic!("{what}: bounded wait for the send queue to empty");
    }

    // ---- a reset mid-stream ----

    fn reset_mid_stream() {
        let before = open_fds();
        let (peer, fd) = tcp_pair(V4);
        let queued: Vec<u8> = (0..10_000).map(pattern).collect();
        sendall(&peer, &queued, MSG_NOSIGNAL).expect("sendall");
        wait_queued(&fd, queued.len(), "the bytes are queued");
        setsockopt(
            &peer,
            SOL_SOCKET,
            SO_LINGER,
            &linger {
                l_onoff: 1,
                l_linger: 0,
            },
        )
        .expect("SO_LINGER");
        close(peer).expect("close");
        wait_state(&fd, TCP_CLOSE, "the reset arrives");

        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        let mut calls = 0;
        while got.len() < queued.len() && calls < 100 {
            let n = recv(&fd, &mut buf, 0).expect("recv of the queued bytes");
            assert_ne!(n, 0, "end of file after {} bytes", got.len());
            got.extend_from_slice(&buf[..n]);
            calls += 1;
        }
        assert!(got == queued, "the queued bytes, in order");
        assert_eq!(recv(&fd, &mut buf, 0), Err(Errno::ECONNRESET), "then");
        assert_eq!(recv(&fd, &mut buf, 0), Ok(0), "then end of file");
        assert_eq!(recv(&fd, &mut buf, 0), Ok(0), "for good");
        assert_eq!(send(&fd, b"late", MSG_NOSIGNAL), Err(Errno::EPIPE));
        drop(fd);
        assert_eq!(open_fds(), before, "descriptors");
        println!(
            "       reset: {} queued bytes in {calls} recv calls, then ECONNRESET, then 0; \
             send: EPIPE",
            queued.len()
        );
    }

    // ---- a write to a closed peer ----

    fn sigpipe_disposition() -> libc::sighandler_t {
        // SAFETY: a null new action only reads the current one into `old`.
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            assert_eq!(
                libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut old),
                0
            );
            old.sa_sigaction
        }
    }

    fn set_sigpipe_mask(how: libc::c_int) {
        // SAFETY: a valid set, built by the libc calls; this thread's mask only.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGPIPE);
            assert_eq!(libc::pthread_sigmask(how, &set, std::ptr::null_mut()), 0);
        }
    }

    /// Whether SIGPIPE is pending (`sigpending`: this thread's and the process's).
    fn sigpipe_pending() -> bool {
        // SAFETY: `set` is written by sigpending before it is read.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            assert_eq!(libc::sigpending(&mut set), 0);
            libc::sigismember(&set, libc::SIGPIPE) == 1
        }
    }

    /// Takes a pending SIGPIPE (`sigtimedwait` with a zero timeout): whether one was.
    fn take_sigpipe() -> bool {
        // SAFETY: valid set and timeout; the signal's info is not asked for.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGPIPE);
            let zero = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            libc::sigtimedwait(&set, std::ptr::null_mut(), &zero) == libc::SIGPIPE
        }
    }

    /// A client whose peer has closed (its FIN in), the first `send` (taken: the
    /// RST is not back), and the wait for that RST: the socket for the second send.
    fn closed_peer() -> Socket {
        let (fd, peer) = tcp_pair(V4);
        close(peer).expect("close");
        wait_state(&fd, TCP_CLOSE_WAIT, "the peer's FIN arrives");
        assert_eq!(send(&fd, b"first", MSG_NOSIGNAL), Ok(5), "the first send");
        wait_state(&fd, TCP_CLOSE, "the peer's RST arrives");
        fd
    }

    fn write_to_a_closed_peer() {
        // The Rust runtime ignores SIGPIPE before main.
        assert_eq!(sigpipe_disposition(), libc::SIG_IGN, "SIGPIPE under Rust");
        // Blocked, a raised SIGPIPE stays pending where it can be seen (a blocked
        // signal is never discarded as ignored). This binary runs one thread here.
        set_sigpipe_mask(libc::SIG_BLOCK);
        assert!(!take_sigpipe(), "nothing pending to begin with");

        let fd = closed_peer();
        assert_eq!(send(&fd, b"second", MSG_NOSIGNAL), Err(Errno::EPIPE));
        assert!(!sigpipe_pending(), "MSG_NOSIGNAL raises no SIGPIPE");
        assert_eq!(
            send(&fd, b"third", MSG_NOSIGNAL),
            Err(Errno::EPIPE),
            "again"
        );
        drop(fd);

        let fd = closed_peer();
        assert_eq!(send(&fd, b"second", 0), Err(Errno::EPIPE));
        assert!(sigpipe_pending(), "flags 0: the kernel raises SIGPIPE");
        assert!(take_sigpipe());
        drop(fd);

        set_sigpipe_mask(libc::SIG_UNBLOCK);
        // Unblocked and ignored: EPIPE alone, and the process lives on.
        let fd = closed_peer();
        assert_eq!(send(&fd, b"second", 0), Err(Errno::EPIPE));
        assert!(!sigpipe_pending());
        println!(
            "       closed peer: first send 5, next EPIPE; MSG_NOSIGNAL raises no SIGPIPE, \
             flags 0 raises it (SIG_IGN under Rust: EPIPE alone)"
        );
    }

    /// The child's part: SIGPIPE to its default, a closed peer, then the second send
    /// with `flags`; what it prints shows how far it got.
    fn sigpipe_child(flags: MsgFlags) {
        // SAFETY: restores the default action, as a C program starts with.
        assert_ne!(
            unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) },
            libc::SIG_ERR
        );
        let fd = closed_peer();
        println!("first send = 5");
        use std::io::Write as _;
        std::io::stdout().flush().expect("flush");
        let ret = send(&fd, b"second", flags);
        println!("survived: {ret:?}");
    }

    /// Waits for `child` to exit, at most `limit`; kills it past that.
    fn wait_child(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what}: still running after {limit:?}: killed");
            }
            // Waiting for a process to exit, not standing in for a state: bounded.
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// This binary as a child, its part `part`, stdout piped and stdin closed.
    fn myself(part: &str) -> Command {
        let mut cmd = Command::new(std::env::current_exe().expect("current_exe"));
        cmd.env(CHILD_VAR, part)
            .env_remove("SOCKAPI_TRACE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        cmd
    }

    fn run_child(part: &str) -> (ExitStatus, String) {
        let mut child = myself(part).spawn().expect("spawn this binary");
        let status = wait_child(&mut child, Duration::from_secs(60), part);
        let mut out = String::new();
        use std::io::Read as _;
        child
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut out)
            .expect("child's stdout");
        (status, out)
    }

    fn sigpipe_default_kills_the_child() {
        let (status, out) = run_child("sigpipe-default");
        assert_eq!(
            status.signal(),
            Some(libc::SIGPIPE),
            "the child: {status}, printed {out:?}"
        );
        assert_eq!(out, "first send = 5\n", "it died in the second send");

        let (status, out) = run_child("sigpipe-nosignal");
        assert!(status.success(), "the child: {status}, printed {out:?}");
        assert_eq!(out, "first send = 5\nsurvived: Err(EPIPE (Broken pipe))\n");
        println!(
            "       SIGPIPE at its default: flags 0 kills the child (signal {}, SIGPIPE), \
             MSG_NOSIGNAL gives it EPIPE",
            libc::SIGPIPE
        );
    }

    // ---- the peer killed mid-transfer ----

    /// The peer child: connects to `ADDR_VAR`, prints `connected`, and sends
    /// [`CHUNK`] bytes of [`pattern`], again and again, until it is killed (at most 1 GiB or 60 s); with `unread`,
    /// it first waits until bytes are queued for it, which it never reads.
    fn peer_child(unread: bool) {
        let addr: std::net::SocketAddr = std::env::var(ADDR_VAR)
            .expect("the address")
            .parse()
            .expect("an address");
        let fd = tcp_socket(V4);
        set_timeouts(&fd);
        connect(&fd, &addr).expect("connect");
        if unread {
            wait_queued(&fd, UNREAD, "the bytes it will never read");
        }
        println!("connected");
        use std::io::Write as _;
        std::io::stdout().flush().expect("flush");
        let chunk: Vec<u8> = (0..CHUNK).map(pattern).collect();
        let deadline = Instant::now() + Duration::from_secs(60);
        for _ in 0..(1 << 14) {
            sendall(&fd, &chunk, MSG_NOSIGNAL).expect("sendall");
            assert!(Instant::now() < deadline, "not killed within 60 s");
        }
    }

    /// What the peer sends, over and over.
    const CHUNK: usize = 1 << 16;
    /// The bytes the survivor queues for the `unread` peer.
    const UNREAD: usize = 1000;
    /// How much the survivor reads before it kills the peer.
    const BEFORE_KILL: usize = 1 << 20;

    /// What the survivor saw after the kill: the bytes, then how the stream ended.
    fn peer_killed(unread: bool) -> (usize, Result<usize>, Result<usize>) {
        let (l, addr) = listener(V4);
        let mut child = myself(if unread { "peer-unread" } else { "peer" })
            .env(ADDR_VAR, addr.to_string())
            .spawn()
            .expect("spawn the peer");
        let (fd, _) = accept(&l).expect("accept the peer");
        set_timeouts(&fd);
        if unread {
            sendall(&fd, &[7u8; UNREAD], MSG_NOSIGNAL).expect("sendall");
            wait_all_acked(&fd, "the peer's kernel has the bytes");
        }
        let lines = crate::common::servers::lines_of(child.stdout.take().expect("stdout"));
        assert_eq!(
            crate::common::servers::next_line(&lines, LIMIT, "the peer"),
            "connected"
        );
        let mut buf = vec![0u8; 1 << 16];
        let mut got = 0usize;
        let check = |bytes: &[u8], got: &mut usize| {
            for (k, &b) in bytes.iter().enumerate() {
                // The peer sends one 64 KiB chunk of the pattern again and again.
                assert_eq!(b, pattern((*got + k) % CHUNK), "byte {}", *got + k);
            }
            *got += bytes.len();
        };
        while got < BEFORE_KILL {
            let n = recv(&fd, &mut buf, 0).expect("recv before the kill");
            assert_ne!(n, 0, "end of file before the kill");
            check(&buf[..n], &mut got);
        }
        child.kill().expect("SIGKILL the peer");
        let status = wait_child(&mut child, LIMIT, "the killed peer");
        assert_eq!(status.signal(), Some(libc::SIGKILL), "{status}");
        let end = loop {
            match recv(&fd, &mut buf, 0) {
                Ok(0) => break Ok(0),
                Ok(n) => check(&buf[..n], &mut got),
                Err(e) => break Err(e),
            }
        };
        let after = recv(&fd, &mut buf, 0);
        (got, end, after)
    }

    fn the_peer_killed_mid_transfer() {
        let before = open_fds();
        let (got, end, after) = peer_killed(false);
        assert_eq!(end, Ok(0), "nothing unread in the peer: a FIN, end of file");
        assert_eq!(after, Ok(0));
        // Any count: the kill can land inside a `send`, of which the kernel had
        // taken part; every byte that came was checked against the pattern above.
        assert_eq!(open_fds(), before, "descriptors after the FIN case");
        println!(
            "       peer killed, nothing unread in it: {got} bytes in order, then end of \
             file (0)"
        );

        let (got2, end, after) = peer_killed(true);
        assert_eq!(
            end,
            Err(Errno::ECONNRESET),
            "bytes unread in the peer: the kernel resets"
        );
        assert_eq!(after, Ok(0), "after the reset");
        assert_eq!(open_fds(), before, "descriptors after the RST case");
        println!(
            "       peer killed with {UNREAD} bytes unread in it: {got2} bytes in order, \
             then ECONNRESET, then 0; descriptors back to {before}"
        );
    }

    // ---- the listen backlog overflowing ----

    const BACKLOG: i32 = 2;
    const CLIENTS: usize = 10;

    /// `ListenOverflows` and `ListenDrops` of `TcpExt` in `/proc/net/netstat`.
    fn listen_overflows() -> (u64, u64) {
        let text = std::fs::read_to_string("/proc/net/netstat").expect("/proc/net/netstat");
        let mut ext = text.lines().filter(|l| l.starts_with("TcpExt: "));
        let (names, values) = (ext.next().expect("names"), ext.next().expect("values"));
        let field = |name: &str| {
            names
                .split_whitespace()
                .zip(values.split_whitespace())
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} in /proc/net/netstat"))
        };
        (field("ListenOverflows"), field("ListenDrops"))
    }

    fn the_backlog_overflowing() {
        let before_fds = open_fds();
        let l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).expect("socket");
        bind(&l, &V4).expect("bind");
        listen(&l, BACKLOG).expect("listen");
        let addr = getsockname(&l).expect("getsockname");
        let (overflows_before, _) = listen_overflows();
        let start = Instant::now();

        // Every client connects before the server accepts any.
        let mut clients: Vec<(Socket, Option<Result<()>>)> = Vec::new();
        let mut at_once = 0;
        for _ in 0..CLIENTS {
            let fd =
                socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0).expect("socket");
            match connect(&fd, &addr) {
                Ok(()) => at_once += 1,
                Err(Errno::EINPROGRESS) => {}
                Err(e) => panic!("connect: {e}"),
            }
            clients.push((fd, None));
        }
        // Which clients have finished connecting before the server takes any.
        let mut probe: Vec<pollfd> = clients
            .iter()
            .map(|(fd, _)| pollfd::new(fd, POLLOUT))
            .collect();
        let ready_before = poll(&mut probe, 0).expect("poll");
        drop(probe);

        let mut accepted: Vec<(Socket, Option<u32>)> = Vec::new();
        let (mut tagged, mut failed) = (0usize, 0usize);
        let deadline = Instant::now() + Duration::from_secs(90);
        for _ in 0..100_000 {
            let read_all = accepted.iter().all(|(_, t)| t.is_some());
            if tagged + failed == CLIENTS && accepted.len() == tagged && read_all {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "after 90 s: {tagged} tagged, {failed} failed, {} accepted",
                accepted.len()
            );
            // The listener, the clients still connecting, the accepted ones unread.
            let mut fds = vec![pollfd::new(&l, POLLIN)];
            let waiting: Vec<usize> = (0..CLIENTS).filter(|&i| clients[i].1.is_none()).collect();
            fds.extend(waiting.iter().map(|&i| pollfd::new(&clients[i].0, POLLOUT)));
            let unread: Vec<usize> = (0..accepted.len())
                .filter(|&i| accepted[i].1.is_none())
                .collect();
            fds.extend(unread.iter().map(|&i| pollfd::new(&accepted[i].0, POLLIN)));
            if poll(&mut fds, 1000).expect("poll") == 0 {
                continue;
            }
            let ready: Vec<bool> = fds.iter().map(|p| !p.revents.is_empty()).collect();
            drop(fds);
            for (k, &i) in waiting.iter().enumerate() {
                if !ready[1 + k] {
                    continue;
                }
                let fd = &clients[i].0;
                let result = match getsockopt(fd, SOL_SOCKET, SO_ERROR).expect("SO_ERROR") {
                    0 => {
                        let tag = (i as u32).to_le_bytes();
                        assert_eq!(send(fd, &tag, MSG_NOSIGNAL), Ok(4), "client {i}'s tag");
                        tagged += 1;
                        Ok(())
                    }
                    e => {
                        failed += 1;
                        Err(Errno::from_raw(e))
                    }
                };
                clients[i].1 = Some(result);
            }
            for (k, &i) in unread.iter().enumerate() {
                if !ready[1 + waiting.len() + k] {
                    continue;
                }
                let mut tag = [0u8; 4];
                let n = recv(&accepted[i].0, &mut tag, MSG_WAITALL).expect("recv a tag");
                assert_eq!(n, 4, "a whole tag");
                accepted[i].1 = Some(u32::from_le_bytes(tag));
            }
            if ready[0] {
                loop {
                    match accept(&l) {
                        Ok((fd, _)) => {
                            set_timeouts(&fd);
                            accepted.push((fd, None));
                        }
                        Err(Errno::EAGAIN) => break,
                        Err(e) => panic!("accept: {e}"),
                    }
                }
            }
        }
        let took = start.elapsed();
        let (overflows_after, _) = listen_overflows();
        let mut tags: Vec<u32> = accepted.iter().filter_map(|(_, t)| *t).collect();
        tags.sort_unstable();
        let want: Vec<u32> = (0..CLIENTS as u32)
            .filter(|&i| matches!(clients[i as usize].1, Some(Ok(()))))
            .collect();
        assert_eq!(tags, want, "every tagged client accepted and read, once");
        assert!(
            overflows_after > overflows_before,
            "the backlog never overflowed (ListenOverflows)"
        );
        let fails: Vec<String> = clients
            .iter()
            .filter_map(|(_, r)| match r {
                Some(Err(e)) => Some(e.name().to_owned()),
                _ => None,
            })
            .collect();
        println!(
            "       backlog {BACKLOG}, {CLIENTS} clients: {at_once} connected at once, \
             {ready_before} done before the first accept, the rest waited; {tagged} tagged \
             and all {} accepted and read in {:.2} s; {failed} failed {fails:?}; \
             ListenOverflows +{}",
            accepted.len(),
            took.as_secs_f64(),
            overflows_after - overflows_before
        );
        drop(accepted);
        drop(clients);
        drop(l);
        assert_eq!(open_fds(), before_fds, "descriptors");
    }

    pub fn main() {
        match std::env::var(CHILD_VAR).as_deref() {
            Ok("sigpipe-default") => return sigpipe_child(MsgFlags::from_raw(0)),
            Ok("sigpipe-nosignal") => return sigpipe_child(MSG_NOSIGNAL),
            Ok("peer") => return peer_child(false),
            Ok("peer-unread") => return peer_child(true),
            Ok(other) => panic!("no child part {other:?}"),
            Err(_) => {}
        }
        let tests: [(&str, fn()); 5] = [
            (
                "a reset mid-stream: the queued bytes, ECONNRESET, 0; send EPIPE",
                reset_mid_stream,
            ),
            (
                "a write to a closed peer: the first send succeeds, the next EPIPE",
                write_to_a_closed_peer,
            ),
            (
                "SIGPIPE at its default kills the child, as in C",
                sigpipe_default_kills_the_child,
            ),
            (
                "the peer killed mid-transfer: EOF or ECONNRESET, no leak",
                the_peer_killed_mid_transfer,
            ),
            (
                "the backlog overflowing: no accepted connection lost",
                the_backlog_overflowing,
            ),
        ];
        for (name, test) in tests {
            test();
            println!("ok     {name}");
        }
        println!("faults: {} passed, 0 failed", tests.len());
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("faults: SIGPIPE, tcp_info and /proc are checked as Linux has them; nothing to run");
}
