//! Out of descriptors: with the soft `RLIMIT_NOFILE` lowered to the lowest free
//! descriptor number, `socket`, `socketpair`, `accept` and `accept4` give `EMFILE`,
//! and `recvmsg` of a message carrying descriptors (`SCM_RIGHTS`) returns its bytes
//! with `MSG_CTRUNC` and no descriptor (room for one: one, and `MSG_CTRUNC`).
//! Nothing leaks or is lost: the connection `accept` could not take is still queued
//! and is accepted once the limit is back; the descriptors the kernel could not
//! install are released (the last reference to a passed socket goes, and its peer
//! sees end of file); and the process's descriptor count is back where it was.
//!
//! `fd_passing` covers `MSG_CTRUNC` from a control buffer too small; `select_server`,
//! `poll_server` and `epoll_server` cover servers refusing clients at `EMFILE`.
//!
//! Its own binary (`harness = false`): the limit is the whole process's, and so is
//! the descriptor count.

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{IoSlice, IoSliceMut};
    use std::os::fd::{AsFd, AsRawFd, OwnedFd};

    use sockapi::*;

    fn open_fds() -> usize {
        std::fs::read_dir("/proc/self/fd")
            .expect("read /proc/self/fd")
            .count()
    }

    /// The number the next new descriptor gets: every number below it is taken.
    fn lowest_free_fd() -> libc::rlim_t {
        let probe = std::fs::File::open("/dev/null").expect("open /dev/null");
        probe.as_raw_fd() as libc::rlim_t
    }

    fn nofile() -> libc::rlimit {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `lim` is a writable rlimit.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
        lim
    }

    fn set_soft_nofile(soft: libc::rlim_t) {
        let mut lim = nofile();
        lim.rlim_cur = soft;
        // SAFETY: a valid rlimit, the soft limit within the hard one (it only goes down
        // from, or back to, what it was).
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    }

    /// Sends one byte with `fd` passed `count` times (`SCM_RIGHTS`).
    fn send_rights(via: &Socket, fd: &Socket, count: usize) {
        let mut buf = CmsgBuffer::<{ CMSG_SPACE(3 * 4) }>::new();
        let mut b = CmsgBuilder::new(&mut buf);
        let fds = vec![fd.as_fd(); count];
        b.rights(&fds).expect("rights");
        let control = b.finish();
        let iov = [IoSlice::new(b"r")];
        assert_eq!(sendmsg(via, &MsgHdr::new(None, &iov, control), 0), Ok(1));
    }

    /// Receives one message with room for three descriptors: its flags and the
    /// descriptors installed.
    fn recv_rights(via: &Socket) -> (MsgFlags, Vec<OwnedFd>) {
        let mut data = [0u8; 4];
        let mut control = [0u8; CMSG_SPACE(3 * 4)];
        let mut iov = [IoSliceMut::new(&mut data)];
        let mut msg = MsgHdrMut::new(&mut iov, &mut control);
        assert_eq!(recvmsg(via, &mut msg, MSG_CMSG_CLOEXEC), Ok(1), "the byte");
        let mut fds = Vec::new();
        for c in msg.cmsgs() {
            if let ControlMessage::Rights(rights) = c {
                fds.extend(rights);
            }
        }
        (msg.flags(), fds)
    }

    pub fn main() {
        let (l, addr) = crate::common::listener(crate::common::V4);
        let queued = crate::common::tcp_socket(crate::common::V4);
        connect(&queued, &addr).expect("a connection left in the backlog");
        let (tx, rx) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socketpair");
        // `passed` travels in two messages, three times each; `watch` sees end of file once
        // the last reference to it is gone.
        let (passed, watch) =
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
        setsockopt(&watch, SOL_SOCKET, SO_RCVTIMEO, &crate::common::TIMEOUT).expect("SO_RCVTIMEO");
        send_rights(&tx, &passed, 3);
        send_rights(&tx, &passed, 3);
        drop(passed);

        let before = open_fds();
        let old = nofile();
        let limit = lowest_free_fd();
        set_soft_nofile(limit);

        assert_eq!(
            socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).map(|_| ()),
            Err(Errno::EMFILE),
            "socket"
        );
        assert_eq!(
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).map(|_| ()),
            Err(Errno::EMFILE),
            "socketpair"
        );
        assert_eq!(accept(&l).map(|_| ()), Err(Errno::EMFILE), "accept");
        assert_eq!(
            accept4(&l, SOCK_CLOEXEC).map(|_| ()),
            Err(Errno::EMFILE),
            "accept4"
        );
        let (flags, fds) = recv_rights(&rx);
        assert!(
            flags.contains(MSG_CTRUNC),
            "no room: MSG_CTRUNC ({flags:?})"
        );
        assert_eq!(fds.len(), 0, "no descriptor installed");

        // Room for one.
        set_soft_nofile(limit + 1);
        let (flags, fds) = recv_rights(&rx);
        assert!(
            flags.contains(MSG_CTRUNC),
            "room for one: MSG_CTRUNC ({flags:?})"
        );
        assert_eq!(fds.len(), 1, "one descriptor installed");
        assert_eq!(
            socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).map(|_| ()),
            Err(Errno::EMFILE),
            "full again"
        );

        set_soft_nofile(old.rlim_cur);
        // The connection accept could not take waited in the backlog.
        let (conn, peer) = accept(&l).expect("accept once the limit is back");
        assert_eq!(Ok(peer), getsockname(&queued), "the one that waited");
        assert_eq!(open_fds(), before + 2, "the accepted and the received one");
        drop(conn);
        drop(fds);
        assert_eq!(open_fds(), before, "descriptors after");
        // The five references the kernel did not install, and the one dropped, are gone.
        let mut byte = [0u8; 1];
        assert_eq!(
            recv(&watch, &mut byte, 0),
            Ok(0),
            "the passed socket is closed"
        );
        println!(
            "ok     RLIMIT_NOFILE {limit}: socket, socketpair, accept, accept4 EMFILE; recvmsg \
             SCM_RIGHTS MSG_CTRUNC with 0 of 3 descriptors, then 1 of 3 with room for one; the \
             queued connection accepted after; descriptors back to {before}"
        );
        println!("emfile: 1 passed, 0 failed");
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("emfile: MSG_CTRUNC at EMFILE is checked as Linux does it; nothing to run");
}
