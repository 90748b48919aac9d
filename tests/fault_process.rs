//! Process-wide fault plans (feature `fault`), in their own binary (`harness = false`)
//! since a process-wide plan reaches every thread: it reaches threads it did not
//! start, a thread's own plan takes precedence there, one runs at a time, its guard
//! ends it everywhere, and `close` and a dropped `Socket` under an injected failure
//! still close the descriptor.

use std::os::fd::AsRawFd;
use std::path::Path;
use std::thread;

use sockapi::fault::{Plan, Rule};
use sockapi::*;

fn pair() -> (Socket, Socket) {
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair")
}

fn is_open(fd: i32) -> bool {
    Path::new(&format!("/proc/self/fd/{fd}")).exists()
}

fn reaches_other_threads() {
    let (a, _b) = pair();
    let guard = Plan::new()
        .rule(Rule::on("getsockname").fail(Errno::EIO))
        .process_wide()
        .start()
        .expect("plan");
    assert!(
        Plan::new()
            .rule(Rule::on("send").eintr())
            .process_wide()
            .start()
            .is_err(),
        "one process-wide plan at a time"
    );
    assert_eq!(getsockname(&a).err(), Some(Errno::EIO));
    let seen = thread::scope(|s| {
        let other = s.spawn(|| getsockname(&a).err());
        // A thread with its own plan follows that plan only.
        let own = s.spawn(|| {
            let _mine = Plan::new()
                .rule(Rule::on("getpeername").fail(Errno::ENOBUFS))
                .start()
                .expect("own plan");
            (getsockname(&a).err(), getpeername(&a).err())
        });
        (other.join().expect("thread"), own.join().expect("thread"))
    });
    assert_eq!(seen, (Some(Errno::EIO), (None, Some(Errno::ENOBUFS))));
    assert_eq!(guard.injected(), 2);
    drop(guard);
    let after = thread::scope(|s| s.spawn(|| getsockname(&a).is_ok()).join().expect("thread"));
    assert!(after, "the guard ended the plan for every thread");
    assert!(getsockname(&a).is_ok());
    println!("reaches_other_threads ... ok");
}

fn close_and_drop_still_close() {
    let _guard = Plan::new()
        .rule(Rule::on("close").fail(Errno::EIO).times(2))
        .process_wide()
        .start()
        .expect("plan");
    let (a, b) = pair();
    let (na, nb) = (a.as_raw_fd(), b.as_raw_fd());
    assert!(is_open(na) && is_open(nb));
    assert_eq!(close(a), Err(Errno::EIO));
    assert!(
        !is_open(na),
        "close closed the descriptor before reporting EIO"
    );
    drop(b);
    assert!(!is_open(nb), "drop closed the descriptor");
    // Another thread's drop meets the plan too, and its descriptor closes as well.
    let (c, d) = pair();
    let nc = c.as_raw_fd();
    thread::scope(|s| s.spawn(move || drop(c)).join().expect("thread"));
    assert!(!is_open(nc));
    assert_eq!(close(d), Ok(()), "the rule is spent");
    println!("close_and_drop_still_close ... ok");
}

fn main() {
    reaches_other_threads();
    close_and_drop_still_close();
    println!("fault_process: 2 passed");
}
