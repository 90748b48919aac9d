//! Helpers of the descriptor-passing tests that count the whole process's
//! descriptors (`fd_passing`, `fd_walks`, each its own harness-less binary).

use std::io::IoSlice;
use std::os::fd::BorrowedFd;

use sockapi::*;

/// How many descriptors the process has open.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("read /proc/self/fd")
        .count()
}

/// Runs `round(0..rounds)` and fails, naming `what`, if the process's descriptor
/// count is not where it started.
pub fn no_leak(what: &str, rounds: usize, mut round: impl FnMut(usize)) {
    let before = open_fds();
    for i in 0..rounds {
        round(i);
    }
    let after = open_fds();
    assert_eq!(
        after,
        before,
        "{what}: {} descriptors leaked over {rounds} rounds",
        after as isize - before as isize
    );
}

/// An `AF_UNIX` socketpair of `ty`, `SOCK_CLOEXEC`.
pub fn pair(ty: SockType) -> (Socket, Socket) {
    socketpair(AF_UNIX, ty | SOCK_CLOEXEC, 0).expect("socketpair")
}

/// One byte (`f`) and an `SCM_RIGHTS` message passing `fds` (at most 253).
pub fn send_fds(fd: &Socket, fds: &[BorrowedFd<'_>]) {
    let mut buf = CmsgBuffer::<{ CMSG_SPACE(253 * 4) }>::new();
    let mut b = CmsgBuilder::new(&mut buf);
    b.rights(fds).expect("rights");
    let control = b.finish();
    let iov = [IoSlice::new(b"f")];
    assert_eq!(sendmsg(fd, &MsgHdr::new(None, &iov, control), 0), Ok(1));
}
