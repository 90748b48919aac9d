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
mod common;

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::atomic::Ordering;
    use std::sync::mpsc::channel;
    use std::time::{Duration, Instant};

    use sockapi::*;

    use crate::common::signals::{
        block_usr1, blocked_in, empty_set, install_handler, kill, run, spawn_with_tid, wait_for,
        HANDLED,
    };

    /// The syscall numbers a thread in `poll` or `ppoll` may be blocked in (glibc's
    /// `poll` is the `poll` syscall where the kernel has one, else `ppoll`).
    fn poll_syscalls() -> Vec<libc::c_long> {
        let mut numbers = vec![libc::SYS_ppoll];
        #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
        numbers.push(libc::SYS_poll);
        numbers
    }

    /// Runs `wait` (a poll on a socket that never becomes ready, with a 20 s limit) in
    /// a thread; once it is blocked, interrupts it with SIGUSR1: what it returned.
    fn interrupted(wait: fn(&Socket) -> Result<usize>) -> Result<usize> {
        let (_a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
        let (waiter, tid) = spawn_with_tid(move || wait(&b));
        let calls = poll_syscalls();
        wait_for(
            &tid,
            "the waiting thread blocks in poll",
            20_000_000,
            || waiter.is_finished(),
            |t| blocked_in(t, &calls),
        );
        kill(&waiter);
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
            block_usr1();
            ready_tx.send(()).unwrap();
            go_rx.recv().unwrap();
            assert!(!HANDLED.load(Ordering::SeqCst), "blocked: not yet handled");
            let mut fds = [pollfd::new(&b, POLLIN)];
            let ts = timespec {
                tv_sec: 20,
                tv_nsec: 0,
            };
            let start = Instant::now();
            let ret = ppoll(&mut fds, Some(&ts), Some(&empty_set()));
            (ret, start.elapsed())
        });
        ready_rx.recv().unwrap();
        // The thread is alive: it waits for `go`.
        kill(&waiter);
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
        install_handler(0);
        let tests: [(&str, fn()); 3] = [
            ("poll reports EINTR", poll_reports_eintr),
            ("ppoll reports EINTR", ppoll_reports_eintr),
            (
                "ppoll's mask lets a pending signal in",
                ppoll_mask_lets_a_pending_signal_in,
            ),
        ];
        run("poll_eintr", &tests);
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
