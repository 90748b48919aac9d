//! How `recvmmsg` waits, as its docs say: a signal that interrupts it after one
//! datagram makes it return the count, and the kernel keeps its internal
//! `ERESTARTSYS` (512) for the socket, which the next call (or `SO_ERROR`) reports;
//! and its timeout does not end a wait for the first datagram.
//!
//! Its own binary (`harness = false`): it installs a process-wide signal handler and
//! sends the signal to one thread with `pthread_kill`. A receiving thread is known to
//! be waiting when `/proc` shows it blocked in `recvmmsg`; no sleep stands in for that.

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::atomic::{AtomicI32, Ordering};
    use std::time::{Duration, Instant};

    use sockapi::*;

    use crate::common::signals::{
        blocked_in, install_handler, kill, run, spawn_with_tid, wait_for, HANDLED,
    };

    /// On the calling thread: a blocking `recvmmsg` of two entries on `b` (no
    /// `MSG_WAITFORONE`) with `timeout`. Returns what it returned, the first entry's
    /// length and the time left written back.
    fn recv_two(b: &Socket, timeout: Option<timespec>) -> (Result<usize>, usize, Option<timespec>) {
        let mut bufs = [[0u8; 4]; 2];
        let [b0, b1] = &mut bufs;
        let mut iov0 = [std::io::IoSliceMut::new(b0)];
        let mut iov1 = [std::io::IoSliceMut::new(b1)];
        let mut h0 = MsgHdrMut::new(&mut iov0, &mut []);
        let mut h1 = MsgHdrMut::new(&mut iov1, &mut []);
        let mut entries = [MMsgHdrMut::new(&mut h0), MMsgHdrMut::new(&mut h1)];
        let mut timeout = timeout;
        let ret = recvmmsg(b, &mut entries, 0, timeout.as_mut());
        (ret, entries[0].len(), timeout)
    }

    /// Receives into two entries on `b` in a thread, with one datagram queued; once the
    /// thread is blocked waiting for the second, interrupts it with SIGUSR1. Returns what
    /// `recvmmsg` returned, and the length of the first entry.
    fn interrupted_after_one(a: &Socket, b: Socket) -> (Socket, Result<usize>, usize) {
        assert_eq!(send(a, b"x", 0), Ok(1));
        let (receiver, tid) = spawn_with_tid(move || {
            let (ret, first, _) = recv_two(&b, None);
            (b, ret, first)
        });
        wait_blocked(&tid, Instant::now(), Duration::ZERO, || {
            receiver.is_finished()
        });
        kill(&receiver);
        receiver.join().expect("receiver thread")
    }

    fn pair() -> (Socket, Socket) {
        socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socketpair")
    }

    const ERESTARTSYS: Errno = Errno::from_raw(512);

    fn next_call_reports_the_pending_512() {
        let (a, b) = pair();
        let (b, ret, first) = interrupted_after_one(&a, b);
        assert_eq!(
            ret,
            Ok(1),
            "the count of datagrams received before the signal"
        );
        assert_eq!(first, 1, "the first entry holds the datagram");
        assert!(HANDLED.load(Ordering::SeqCst), "the handler ran");

        // The kernel kept ERESTARTSYS for the socket: the next call reports it, even with
        // a datagram queued, and it is then gone.
        assert_eq!(send(&a, b"y", 0), Ok(1));
        let mut buf = [0u8; 4];
        let mut iov = [std::io::IoSliceMut::new(&mut buf)];
        let mut h = MsgHdrMut::new(&mut iov, &mut []);
        let mut one = [MMsgHdrMut::new(&mut h)];
        let err = recvmmsg(&b, &mut one, MSG_DONTWAIT, None);
        assert_eq!(err, Err(ERESTARTSYS));
        let text = ERESTARTSYS.to_string();
        assert!(
            text.contains("512"),
            "Errno 512 displays its number: {text}"
        );
        assert_eq!(recvmmsg(&b, &mut one, MSG_DONTWAIT, None), Ok(1));
        assert_eq!(one[0].len(), 1);
    }

    fn so_error_reports_the_pending_512() {
        let (a, b) = pair();
        let (b, ret, _) = interrupted_after_one(&a, b);
        assert_eq!(ret, Ok(1));
        // SO_ERROR reads the pending error and clears it.
        assert_eq!(getsockopt(&b, SOL_SOCKET, SO_ERROR), Ok(ERESTARTSYS.raw()));
        assert_eq!(getsockopt(&b, SOL_SOCKET, SO_ERROR), Ok(0));
        let mut buf = [0u8; 4];
        assert_eq!(recv(&b, &mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
    }

    /// Waits (bounded) until thread `tid` is blocked in `recvmmsg` and at least `at_least`
    /// has passed since `start`.
    fn wait_blocked(tid: &AtomicI32, start: Instant, at_least: Duration, done: impl Fn() -> bool) {
        wait_for(
            tid,
            "the receiving thread blocks in recvmmsg",
            2_000_000,
            done,
            |t| blocked_in(t, &[libc::SYS_recvmmsg]) && start.elapsed() >= at_least,
        );
    }

    fn timeout_does_not_end_the_wait_for_the_first_datagram() {
        let (a, b) = pair();
        let start = Instant::now();
        let (receiver, tid) = spawn_with_tid(move || {
            let ts = timespec {
                tv_sec: 0,
                tv_nsec: 1_000_000,
            };
            let (ret, first, left) = recv_two(&b, Some(ts));
            let left = left.expect("the timeout");
            (ret, first, left.tv_sec, left.tv_nsec)
        });
        // Still blocked 50 times past its 1 ms timeout, with nothing queued.
        wait_blocked(&tid, start, Duration::from_millis(50), || {
            receiver.is_finished()
        });
        // One datagram: the kernel takes it, finds the time up, and returns 1 without
        // waiting for the second; it writes back the time left, none.
        assert_eq!(send(&a, b"x", 0), Ok(1));
        let (ret, first, sec, nsec) = receiver.join().expect("receiver thread");
        assert_eq!(ret, Ok(1));
        assert_eq!(first, 1);
        assert_eq!((sec, nsec), (0, 0));
    }

    pub fn main() {
        install_handler(0);
        let tests: [(&str, fn()); 3] = [
            (
                "next call reports the pending 512",
                next_call_reports_the_pending_512,
            ),
            (
                "SO_ERROR reports the pending 512",
                so_error_reports_the_pending_512,
            ),
            (
                "the timeout does not end the wait for the first datagram",
                timeout_does_not_end_the_wait_for_the_first_datagram,
            ),
        ];
        run("recvmmsg_wait", &tests);
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("recvmmsg_wait: recvmmsg is Linux's; nothing to run");
}
