//! `EINTR` from `epoll_wait`: a signal whose handler lacks `SA_RESTART`, sent to the
//! thread blocked in the wait, ends it with `Err(EINTR)` (never retried behind the
//! program's back). Linux never restarts `epoll_wait`, even with `SA_RESTART`; that
//! is checked too. And `epoll_pwait`'s mask: a signal it blocks does not end the
//! wait, and is delivered once the call returns.
//!
//! Its own binary (`harness = false`): it installs a process-wide signal handler and
//! sends the signal to one thread with `pthread_kill` (a process-wide signal could
//! land on another thread). The waiting thread is known to be blocked when
//! `/proc/self/task/<tid>/syscall` shows it in `epoll_wait`; no sleep stands in for
//! that.

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    use sockapi::*;

    use crate::common::signals::{
        blocked_in, install_handler, kill, run, spawn_with_tid, wait_for, HANDLED,
    };

    static RAN_BY_RETURN: AtomicBool = AtomicBool::new(false);

    /// Whether thread `tid` of this process is blocked in `epoll_wait`. glibc's
    /// `epoll_wait` is the `epoll_wait` syscall where the architecture has one, else
    /// `epoll_pwait`.
    fn blocked_in_epoll_wait(tid: i32) -> bool {
        #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
        let calls = [libc::SYS_epoll_wait, libc::SYS_epoll_pwait];
        #[cfg(not(any(target_arch = "x86_64", target_arch = "x86")))]
        let calls = [libc::SYS_epoll_pwait];
        blocked_in(tid, &calls)
    }

    /// Blocks a thread in `epoll_wait` (nothing registered is ready, timeout
    /// `timeout`), then signals it with SIGUSR1 once `/proc` shows it waiting.
    /// Returns what `epoll_wait` returned and how long the thread waited.
    fn interrupted_wait(timeout: i32) -> (Result<usize>, Duration) {
        interrupted(timeout, None)
    }

    /// [`interrupted_wait`], with `epoll_pwait` and `mask` if `Some`; then
    /// `RAN_BY_RETURN` says whether the handler had run when the call returned.
    fn interrupted(timeout: i32, mask: Option<libc::sigset_t>) -> (Result<usize>, Duration) {
        let (waiter, tid) = spawn_with_tid(move || {
            let (_a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("pair");
            let ep = epoll_create1(EPOLL_CLOEXEC).expect("epoll_create1");
            let ev = epoll_event::new(EPOLLIN, 1);
            epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&ev)).expect("EPOLL_CTL_ADD");
            let mut events = [epoll_event::default(); 4];
            let start = Instant::now();
            let ret = match &mask {
                None => epoll_wait(&ep, &mut events, timeout),
                Some(mask) => {
                    let ret = epoll_pwait(&ep, &mut events, timeout, Some(mask));
                    // The blocked signal is delivered as the mask is restored, before
                    // the call returns to here.
                    RAN_BY_RETURN.store(HANDLED.load(Ordering::SeqCst), Ordering::SeqCst);
                    ret
                }
            };
            (ret, start.elapsed())
        });
        wait_for(
            &tid,
            "the waiting thread blocks in epoll_wait",
            2_000_000,
            || waiter.is_finished(),
            blocked_in_epoll_wait,
        );
        kill(&waiter);
        waiter.join().expect("waiting thread")
    }

    fn eintr_without_sa_restart() {
        install_handler(0);
        // Without end (-1): only the signal can end it.
        let (ret, _) = interrupted_wait(-1);
        assert_eq!(ret, Err(Errno::EINTR));
        assert!(HANDLED.load(Ordering::SeqCst), "the handler ran");
    }

    fn eintr_with_a_timeout_too() {
        install_handler(0);
        let (ret, took) = interrupted_wait(60_000);
        assert_eq!(ret, Err(Errno::EINTR));
        assert!(
            took < Duration::from_secs(30),
            "ended by the signal: {took:?}"
        );
    }

    fn eintr_even_with_sa_restart() {
        // epoll(7): epoll_wait is never restarted after a handler, SA_RESTART or not.
        install_handler(libc::SA_RESTART);
        let (ret, _) = interrupted_wait(-1);
        assert_eq!(ret, Err(Errno::EINTR));
    }

    /// A set holding SIGUSR1 alone.
    fn usr1_only() -> libc::sigset_t {
        // SAFETY: `set` is initialised by sigemptyset before sigaddset reads it.
        unsafe {
            let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
            assert_eq!(libc::sigemptyset(set.as_mut_ptr()), 0);
            assert_eq!(libc::sigaddset(set.as_mut_ptr(), libc::SIGUSR1), 0);
            set.assume_init()
        }
    }

    fn pwait_mask_keeps_the_signal_out_of_the_wait() {
        install_handler(0);
        RAN_BY_RETURN.store(false, Ordering::SeqCst);
        // Blocked during the wait: it does not end it, the timeout does; the handler
        // runs as the call restores the mask.
        let (ret, took) = interrupted(1_000, Some(usr1_only()));
        assert_eq!(ret, Ok(0), "the timeout ended the wait, not the signal");
        assert!(took >= Duration::from_millis(900), "{took:?}");
        assert!(RAN_BY_RETURN.load(Ordering::SeqCst), "delivered on return");
    }

    fn pwait_with_an_empty_mask_is_interrupted() {
        install_handler(0);
        // SAFETY: sigemptyset initialises `set`.
        let empty = unsafe {
            let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
            assert_eq!(libc::sigemptyset(set.as_mut_ptr()), 0);
            set.assume_init()
        };
        let (ret, _) = interrupted(-1, Some(empty));
        assert_eq!(ret, Err(Errno::EINTR));
    }

    pub fn main() {
        let tests: [(&str, fn()); 5] = [
            (
                "EINTR without SA_RESTART, no timeout",
                eintr_without_sa_restart,
            ),
            ("EINTR with a long timeout", eintr_with_a_timeout_too),
            ("EINTR even with SA_RESTART", eintr_even_with_sa_restart),
            (
                "epoll_pwait's mask keeps the signal out of the wait",
                pwait_mask_keeps_the_signal_out_of_the_wait,
            ),
            (
                "epoll_pwait with an empty mask: EINTR",
                pwait_with_an_empty_mask_is_interrupted,
            ),
        ];
        run("epoll_eintr", &tests);
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("epoll_eintr: epoll is Linux's; nothing to run");
}
