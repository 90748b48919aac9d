//! The scaffolding of the `EINTR` tests (`select_eintr`, `poll_eintr`, `epoll_eintr`,
//! `recvmmsg_wait`), each its own binary (`harness = false`) since the handler is
//! process-wide: a SIGUSR1 handler that sets [`HANDLED`], a thread that publishes its
//! tid, `/proc/self/task/<tid>/syscall` to see that it is blocked in a given call (no
//! sleep stands in for that), a bounded wait until it is, and `pthread_kill` to send
//! the signal to that one thread (a process-wide signal could land on another).

use std::os::unix::thread::JoinHandleExt;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Set by the SIGUSR1 handler; [`run`] clears it before each test.
pub static HANDLED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    HANDLED.store(true, Ordering::SeqCst);
}

/// SIGUSR1 with a handler that sets [`HANDLED`], and `sa_flags` set to `flags` (0:
/// without `SA_RESTART`).
pub fn install_handler(flags: libc::c_int) {
    // SAFETY: a zeroed `sigaction` is valid (no flags, empty mask); the handler is
    // async-signal-safe (one atomic store).
    unsafe {
        let mut act: libc::sigaction = std::mem::zeroed();
        act.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as *const () as usize;
        act.sa_flags = flags;
        libc::sigemptyset(&mut act.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGUSR1, &act, std::ptr::null_mut()),
            0
        );
    }
}

/// Whether thread `tid` of this process is blocked in one of the syscalls numbered
/// `calls`: the first field of `/proc/self/task/<tid>/syscall` is the number of the
/// call a blocked thread is in ("running" while it runs).
pub fn blocked_in(tid: i32, calls: &[libc::c_long]) -> bool {
    let path = format!("/proc/self/task/{tid}/syscall");
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let first = text.split_whitespace().next().unwrap_or_default();
    calls.iter().any(|n| first == n.to_string())
}

/// Whether SIGUSR1 is pending for thread `tid` (`SigPnd` in its status).
pub fn usr1_pending(tid: i32) -> bool {
    let Ok(text) = std::fs::read_to_string(format!("/proc/self/task/{tid}/status")) else {
        return false;
    };
    text.lines()
        .find_map(|l| l.strip_prefix("SigPnd:"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (libc::SIGUSR1 - 1)) != 0)
}

/// Waits until `cond(tid)` holds for the tid in `tid` (0 until published), bounded:
/// by 20 s, by `max_polls` checks, and by `done()` (the thread ended first). `what`
/// names the state in the failure.
pub fn wait_for(
    tid: &AtomicI32,
    what: &str,
    max_polls: u32,
    done: impl Fn() -> bool,
    cond: impl Fn(i32) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut polls = 0u32;
    loop {
        let t = tid.load(Ordering::SeqCst);
        if t != 0 && cond(t) {
            return;
        }
        assert!(Instant::now() < deadline && !done(), "never: {what}");
        polls += 1;
        assert!(polls < max_polls, "bounded wait: {what}");
        std::thread::yield_now();
    }
}

/// Runs `f` on a new thread that first publishes its tid in the returned atomic.
pub fn spawn_with_tid<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> (JoinHandle<T>, Arc<AtomicI32>) {
    let tid = Arc::new(AtomicI32::new(0));
    let thread_tid = Arc::clone(&tid);
    let thread = std::thread::spawn(move || {
        // SAFETY: `gettid` has no preconditions.
        thread_tid.store(unsafe { libc::gettid() }, Ordering::SeqCst);
        f()
    });
    (thread, tid)
}

/// Sends SIGUSR1 to `thread` alone, with `pthread_kill`.
pub fn kill<T>(thread: &JoinHandle<T>) {
    // SAFETY: `thread` is not joined yet (the handle is borrowed), so its `pthread_t`
    // is still valid; the callers send while it waits in a call.
    let rc = unsafe { libc::pthread_kill(thread.as_pthread_t(), libc::SIGUSR1) };
    assert_eq!(rc, 0, "pthread_kill");
}

/// An empty signal set (the crate's `sigemptyset`).
pub fn empty_set() -> sockapi::sigset_t {
    let mut set: sockapi::sigset_t = sockapi::zeroed();
    sockapi::sigemptyset(&mut set).unwrap();
    set
}

/// A set holding SIGUSR1 alone (the crate's `sigemptyset` and `sigaddset`).
pub fn usr1_set() -> sockapi::sigset_t {
    let mut set = empty_set();
    sockapi::sigaddset(&mut set, libc::SIGUSR1).unwrap();
    set
}

/// Blocks SIGUSR1 in the calling thread (`pthread_sigmask(SIG_BLOCK, …)`).
pub fn block_usr1() {
    let blocked = usr1_set();
    // SAFETY: a valid set; changes this thread's mask only, the old mask not asked for.
    let rc = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &blocked, std::ptr::null_mut()) };
    assert_eq!(rc, 0, "pthread_sigmask");
}

/// Runs each test in turn with [`HANDLED`] cleared first, printing `ok     NAME`
/// after each and a summary line for `binary` at the end.
pub fn run(binary: &str, tests: &[(&str, fn())]) {
    for (name, test) in tests {
        HANDLED.store(false, Ordering::SeqCst);
        test();
        println!("ok     {name}");
    }
    println!("{binary}: {} passed, 0 failed", tests.len());
}
