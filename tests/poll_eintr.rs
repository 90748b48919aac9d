//! `EINTR` surfaces from a blocking `poll` and `ppoll` when a signal's handler runs
//! (no silent retry): SIGUSR1 with a handler installed without `SA_RESTART`, sent with
//! `pthread_kill` to the one thread that waits (a process-wide signal could land on
//! another thread). And `ppoll`'s mask: a signal blocked outside the wait, pending
//! before it, interrupts the wait that unblocks it, at once.
//!
//! Its own binary (`harness = false`): the handler is process-wide. A waiting thread is
//! known to be blocked when `/proc/self/task/<tid>/syscall` shows it inside the call;
//! no sleep stands in for that.

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::thread::JoinHandleExt;
    use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
    use std::sync::mpsc::channel;
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

    /// The syscall numbers a thread in `poll` or `ppoll` may be blocked in (glibc's
    /// `poll` is the `poll` syscall where the kernel has one, else `ppoll`).
    fn poll_syscalls() -> Vec<String> {
        let mut numbers = vec![libc::SYS_ppoll.to_string()];
        #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
        numbers.push(libc::SYS_poll.to_string());
        numbers
    }

    /// Whether thread `tid` of this process is blocked in one of `calls`: the first
    /// field of `/proc/self/task/<tid>/syscall` is the number of the call a blocked
    /// thread is in ("running" while it runs).
    fn blocked_in(tid: i32, calls: &[String]) -> bool {
        let path = format!("/proc/self/task/{tid}/syscall");
        let Ok(text) = std::fs::read_to_string(path) else {
            return false;
        };
        text.split_whitespace()
            .next()
            .is_some_and(|n| calls.iter().any(|c| c == n))
    }

    /// Waits (bounded) until thread `tid` is blocked in poll or ppoll.
    fn wait_blocked(tid: &AtomicI32, done: impl Fn() -> bool) {
        let calls = poll_syscalls();
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut polls = 0u32;
        loop {
            let t = tid.load(Ordering::SeqCst);
            if t != 0 && blocked_in(t, &calls) {
                return;
            }
            assert!(
                Instant::now() < deadline && !done(),
                "the waiting thread never blocked in poll"
            );
            polls += 1;
            assert!(polls < 20_000_000, "bounded wait");
            std::thread::yield_now();
        }
    }

    /// Runs `wait` (a poll on a socket that never becomes ready, with a 20 s limit) in
    /// a thread; once it is blocked, interrupts it with SIGUSR1: what it returned.
    fn interrupted(wait: fn(&Socket) -> Result<usize>) -> Result<usize> {
        let (_a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
        let tid = Arc::new(AtomicI32::new(0));
        let thread_tid = Arc::clone(&tid);
        let waiter = std::thread::spawn(move || {
            // SAFETY: `gettid` has no preconditions.
            thread_tid.store(unsafe { libc::gettid() }, Ordering::SeqCst);
            wait(&b)
        });
        wait_blocked(&tid, || waiter.is_finished());
        // SAFETY: the thread is alive (blocked in poll until this signal ends it).
        let rc = unsafe { libc::pthread_kill(waiter.as_pthread_t(), libc::SIGUSR1) };
        assert_eq!(rc, 0, "pthread_kill");
        waiter.join().expect("waiting thread")
    }

    fn poll_reports_eintr() {
        let ret = interrupted(|b| {
            let mut fds = [pollfd::new(b, POLLIN)];
            poll(&mut fds, 20_000)
        });
        assert_eq!(ret, Err(Errno::EINTR));
        assert!(HANDLED.load(Ordering::SeqCst), "the handler ran");
    }

    fn ppoll_reports_eintr() {
        let ret = interrupted(|b| {
            let mut fds = [pollfd::new(b, POLLIN)];
            let ts = timespec {
                tv_sec: 20,
                tv_nsec: 0,
            };
            ppoll(&mut fds, Some(&ts), None)
        });
        assert_eq!(ret, Err(Errno::EINTR));
        assert!(HANDLED.load(Ordering::SeqCst), "the handler ran");
    }

    /// SIGUSR1 blocked in the thread and already pending when `ppoll` starts with a
    /// mask that unblocks it: the wait is interrupted at once, not after its timeout.
    fn ppoll_mask_lets_a_pending_signal_in() {
        let (_a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
        let (ready_tx, ready_rx) = channel();
        let (go_tx, go_rx) = channel::<()>();
        let waiter = std::thread::spawn(move || {
            let mut blocked: sigset_t = zeroed();
            sigemptyset(&mut blocked).unwrap();
            sigaddset(&mut blocked, libc::SIGUSR1).unwrap();
            // SAFETY: valid sets; changes this thread's mask only.
            let rc =
                unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &blocked, std::ptr::null_mut()) };
            assert_eq!(rc, 0);
            ready_tx.send(()).unwrap();
            go_rx.recv().unwrap();
            assert!(!HANDLED.load(Ordering::SeqCst), "blocked: not yet handled");
            let mut fds = [pollfd::new(&b, POLLIN)];
            let ts = timespec {
                tv_sec: 20,
                tv_nsec: 0,
            };
            let start = Instant::now();
            let ret = ppoll(
                &mut fds,
                Some(&ts),
                Some(&{
                    let mut empty: sigset_t = zeroed();
                    sigemptyset(&mut empty).unwrap();
                    empty
                }),
            );
            (ret, start.elapsed())
        });
        ready_rx.recv().unwrap();
        // SAFETY: the thread is alive (it waits for `go`).
        let rc = unsafe { libc::pthread_kill(waiter.as_pthread_t(), libc::SIGUSR1) };
        assert_eq!(rc, 0, "pthread_kill");
        go_tx.send(()).unwrap();
        let (ret, took) = waiter.join().expect("waiting thread");
        assert_eq!(ret, Err(Errno::EINTR));
        assert!(
            took < Duration::from_secs(10),
            "interrupted only after {took:?}"
        );
        assert!(HANDLED.load(Ordering::SeqCst), "the handler ran");
    }

    pub fn main() {
        install_handler();
        let tests: [(&str, fn()); 3] = [
            ("poll reports EINTR", poll_reports_eintr),
            ("ppoll reports EINTR", ppoll_reports_eintr),
            (
                "ppoll's mask lets a pending signal in",
                ppoll_mask_lets_a_pending_signal_in,
            ),
        ];
        for (name, test) in tests {
            HANDLED.store(false, Ordering::SeqCst);
            test();
            println!("ok     {name}");
        }
        println!("poll_eintr: {} passed, 0 failed", tests.len());
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("poll_eintr: the checks read /proc; nothing to run");
}
