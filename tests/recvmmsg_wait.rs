//! How `recvmmsg` waits, as its docs say: a signal that interrupts it after one
//! datagram makes it return the count, and the kernel keeps its internal
//! `ERESTARTSYS` (512) for the socket, which the next call (or `SO_ERROR`) reports;
//! and its timeout does not end a wait for the first datagram.
//!
//! Its own binary (`harness = false`): it installs a process-wide signal handler and
//! sends the signal to one thread with `pthread_kill`. A receiving thread is known to
//! be waiting when `/proc` shows it blocked in `recvmmsg`; no sleep stands in for that.

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::thread::JoinHandleExt;
    use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use sockapi::*;

    static HANDLED: AtomicBool = AtomicBool::new(false);

    extern "C" fn on_signal(_: libc::c_int) {
        HANDLED.store(true, Ordering::SeqCst);
    }

    /// SIGUSR1 with a handler and without `SA_RESTART`.
    fn install_handler() {
        // SAFETY: a zeroed `sigaction` is valid (no flags, empty mask); the handler is
        // async-signal-safe (one atomic store).
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as *const () as usize;
            libc::sigemptyset(&mut act.sa_mask);
            assert_eq!(
                libc::sigaction(libc::SIGUSR1, &act, std::ptr::null_mut()),
                0
            );
        }
    }

    /// Whether thread `tid` of this process is blocked in `recvmmsg`: the first field of
    /// `/proc/self/task/<tid>/syscall` is the number of the call a blocked thread is in
    /// ("running" while it runs).
    fn blocked_in_recvmmsg(tid: i32) -> bool {
        let path = format!("/proc/self/task/{tid}/syscall");
        let Ok(text) = std::fs::read_to_string(path) else {
            return false;
        };
        text.split_whitespace().next() == Some(&libc::SYS_recvmmsg.to_string())
    }

    /// On the calling thread: publishes its tid in `tid`, then a blocking `recvmmsg` of
    /// two entries on `b` (no `MSG_WAITFORONE`) with `timeout`. Returns what it
    /// returned, the first entry's length and the time left written back.
    fn recv_two(
        tid: &AtomicI32,
        b: &Socket,
        timeout: Option<timespec>,
    ) -> (Result<usize>, usize, Option<timespec>) {
        // SAFETY: `gettid` has no preconditions.
        tid.store(unsafe { libc::gettid() }, Ordering::SeqCst);
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
        let tid = Arc::new(AtomicI32::new(0));
        let thread_tid = Arc::clone(&tid);
        let receiver = std::thread::spawn(move || {
            let (ret, first, _) = recv_two(&thread_tid, &b, None);
            (b, ret, first)
        });
        wait_blocked(&tid, Instant::now(), Duration::ZERO, || {
            receiver.is_finished()
        });
        // SAFETY: the thread is alive (blocked in recvmmsg until this signal ends it).
        let rc = unsafe { libc::pthread_kill(receiver.as_pthread_t(), libc::SIGUSR1) };
        assert_eq!(rc, 0, "pthread_kill");
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
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut polls = 0u32;
        loop {
            let t = tid.load(Ordering::SeqCst);
            if t != 0 && blocked_in_recvmmsg(t) && start.elapsed() >= at_least {
                return;
            }
            assert!(
                Instant::now() < deadline && !done(),
                "the receiving thread never blocked in recvmmsg"
            );
            polls += 1;
            assert!(polls < 2_000_000, "bounded wait");
            std::thread::yield_now();
        }
    }

    fn timeout_does_not_end_the_wait_for_the_first_datagram() {
        let (a, b) = pair();
        let tid = Arc::new(AtomicI32::new(0));
        let thread_tid = Arc::clone(&tid);
        let start = Instant::now();
        let receiver = std::thread::spawn(move || {
            let ts = timespec {
                tv_sec: 0,
                tv_nsec: 1_000_000,
            };
            let (ret, first, left) = recv_two(&thread_tid, &b, Some(ts));
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
        install_handler();
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
        for (name, test) in tests {
            HANDLED.store(false, Ordering::SeqCst);
            test();
            println!("ok     {name}");
        }
        println!("recvmmsg_wait: {} passed, 0 failed", tests.len());
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
