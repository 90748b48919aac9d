//! A signal interrupts a blocking `select` or `pselect`: `EINTR` comes back (no retry
//! inside); and `pselect`'s mask holds a blocked signal off for the whole wait.
//!
//! Its own binary (`harness = false`): it installs a process-wide SIGUSR1 handler
//! without `SA_RESTART` and sends the signal to the waiting thread with
//! `pthread_kill` (a process-wide signal could land on another thread). The thread is
//! known to be waiting when `/proc/self/task/<tid>/syscall` shows it blocked in the
//! call; no sleep stands in for that.

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::atomic::{AtomicI32, Ordering};
    use std::sync::Arc;
    use std::thread::JoinHandle;
    use std::time::{Duration, Instant};

    use sockapi::*;

    use crate::common::signals::{
        block_usr1, blocked_in, empty_set, install_handler, kill, run, spawn_with_tid,
        usr1_pending, usr1_set, wait_for, HANDLED,
    };

    /// The syscalls a C library's `select` and `pselect` may be made of here (glibc
    /// on x86_64 makes `select` of `pselect6`).
    fn waiting_syscalls() -> Vec<libc::c_long> {
        let mut calls = vec![libc::SYS_pselect6];
        #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
        calls.push(libc::SYS_select);
        calls
    }

    /// Whether thread `tid` is blocked in a select-family call.
    fn blocked_in_select(tid: i32) -> bool {
        blocked_in(tid, &waiting_syscalls())
    }

    /// Runs `wait` on a thread that records its tid first; returns the handle once the
    /// thread is blocked in a select-family call.
    fn blocked<T: Send + 'static>(
        wait: impl FnOnce() -> T + Send + 'static,
    ) -> (JoinHandle<T>, Arc<AtomicI32>) {
        let (waiter, tid) = spawn_with_tid(wait);
        wait_for(
            &tid,
            "the thread blocks in select",
            5_000_000,
            || waiter.is_finished(),
            blocked_in_select,
        );
        (waiter, tid)
    }

    fn pair() -> (Socket, Socket) {
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair")
    }

    fn select_surfaces_eintr() {
        let (_a, b) = pair();
        let (waiter, _) = blocked(move || {
            let mut r = FdSet::new();
            r.insert(&b).unwrap();
            // Bounded, should the signal never come: 30 s.
            let mut tv = timeval {
                tv_sec: 30,
                tv_usec: 0,
            };
            let start = Instant::now();
            let ret = select(r.nfds(), Some(&mut r), None, None, Some(&mut tv));
            (ret, start.elapsed())
        });
        kill(&waiter);
        let (ret, took) = waiter.join().expect("waiter");
        assert_eq!(ret, Err(Errno::EINTR));
        assert!(took < Duration::from_secs(30));
        assert!(HANDLED.load(Ordering::SeqCst), "the handler ran");
    }

    /// The classic race closed: SIGUSR1 blocked in the thread, let in only for the
    /// wait by `pselect`'s mask.
    fn pselect_lets_the_signal_in_for_the_wait() {
        let (_a, b) = pair();
        let (waiter, _) = blocked(move || {
            block_usr1();
            let during = empty_set();
            let mut r = FdSet::new();
            r.insert(&b).unwrap();
            let ts = timespec {
                tv_sec: 30,
                tv_nsec: 0,
            };
            pselect(r.nfds(), Some(&mut r), None, None, Some(&ts), Some(&during))
        });
        kill(&waiter);
        assert_eq!(waiter.join().expect("waiter"), Err(Errno::EINTR));
        assert!(HANDLED.load(Ordering::SeqCst), "the handler ran");
    }

    /// A mask that blocks SIGUSR1: the signal stays pending while the thread waits,
    /// data ends the wait (1, not `EINTR`), and the handler runs only after, when the
    /// thread's own mask is back.
    fn pselect_mask_holds_the_signal_off() {
        let (a, b) = pair();
        let (waiter, tid) = blocked(move || {
            let mask = usr1_set();
            let mut r = FdSet::new();
            r.insert(&b).unwrap();
            let ts = timespec {
                tv_sec: 30,
                tv_nsec: 0,
            };
            pselect(r.nfds(), Some(&mut r), None, None, Some(&ts), Some(&mask))
        });
        kill(&waiter);
        wait_for(
            &tid,
            "SIGUSR1 pending while blocked",
            5_000_000,
            || waiter.is_finished(),
            usr1_pending,
        );
        assert!(
            blocked_in_select(tid.load(Ordering::SeqCst)),
            "still waiting"
        );
        assert!(
            !HANDLED.load(Ordering::SeqCst),
            "the handler ran during the wait"
        );
        assert_eq!(send(&a, b"x", 0), Ok(1));
        assert_eq!(waiter.join().expect("waiter"), Ok(1));
        assert!(
            HANDLED.load(Ordering::SeqCst),
            "delivered once the mask was restored"
        );
    }

    pub fn main() {
        install_handler(0);
        let tests: [(&str, fn()); 3] = [
            ("a signal interrupts select: EINTR", select_surfaces_eintr),
            (
                "pselect's mask lets a blocked signal in for the wait: EINTR",
                pselect_lets_the_signal_in_for_the_wait,
            ),
            (
                "pselect's mask holds a signal off for the wait",
                pselect_mask_holds_the_signal_off,
            ),
        ];
        run("select_eintr", &tests);
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("select_eintr: the /proc checks are Linux's; nothing to run");
}
