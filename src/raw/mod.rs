//! The only module with `unsafe`: one function per C call, named as the call, each
//! `unsafe` block beside the one call it wraps with a `// SAFETY:` line.
//!
//! It takes and returns C types — integers, byte slices, an address [`Storage`] and
//! its length, [`OwnedFd`] — so it needs nothing from the façade above it, with one
//! exception named in `socket.rs` (`Drop for Socket`) and one in `poll.rs` (the
//! façade's `pollfd`, whose layout it checks against C's at compile time). `msg.rs` defines `MsgHdr` and
//! `MsgHdrMut` (C's `struct msghdr`, which the kernel reads and writes in place), and
//! `mmsg.rs` the `mmsghdr` entries made of them; their constructors and readers that
//! need no `unsafe` are in the façade files of the same names; `cstr.rs` copies a
//! Rust string into a C string on the stack, the one function here that is no C call
//! (its `unsafe` is the C string it hands out). Nothing here allocates,
//! retries, traces or adds a syscall: each function is exactly its C call plus
//! reading `errno` when it fails. One file per façade file, under the same names.
#![allow(unsafe_code)]

use std::os::fd::{FromRawFd, OwnedFd};

use crate::sys::{self, c_int};
use crate::{Errno, Result};

mod addr;
mod addrinfo;
mod cstr;
#[cfg(any(feature = "trace", feature = "fault"))]
mod env;
#[cfg(have_epoll)]
mod epoll;
mod errno;
mod fcntl;
mod inet;
mod io;
mod ioctl;
#[cfg(have_mmsg)]
mod mmsg;
#[cfg(have_linux_cmsg)]
mod msg;
#[cfg(have_reentrant_netdb)]
mod netdb;
mod netif;
mod poll;
mod select;
mod socket;
mod sockopt;
#[cfg(have_tcp_info)]
mod tcp;

pub(crate) use self::addr::{Filled, Storage};
pub(crate) use self::addrinfo::{gai_strerror, getaddrinfo, getnameinfo, hints, GaiFailure};
pub use self::addrinfo::{AddrInfo, AddrInfoIter, AddrInfoList};
pub(crate) use self::cstr::copy_c_str;
#[cfg(any(feature = "trace", feature = "fault"))]
pub(crate) use self::env::getenv_with;
#[cfg(have_epoll)]
pub use self::epoll::epoll_event;
#[cfg(have_epoll)]
pub(crate) use self::epoll::{epoll_create1, epoll_ctl, epoll_pwait, epoll_wait, maxevents};
pub(crate) use self::errno::strerror;
pub(crate) use self::fcntl::{fcntl_get, fcntl_set};
pub(crate) use self::inet::{inet_aton, inet_ntop, inet_pton, InetBinary};
pub(crate) use self::io::{recv, recvfrom, send, sendto};
#[cfg(have_linux_sockopts)]
pub(crate) use self::ioctl::SIOCOUTQ;
pub(crate) use self::ioctl::{ioctl_get_int, ioctl_set_int, IntIn, IntOut, FIONBIO, FIONREAD};
#[cfg(all(have_mmsg, feature = "fault"))]
pub(crate) use self::mmsg::recvmmsg_forget;
#[cfg(have_mmsg)]
pub(crate) use self::mmsg::{recvmmsg, sendmmsg};
#[cfg(have_mmsg)]
pub use self::mmsg::{MMsgHdr, MMsgHdrMut};
#[cfg(have_linux_cmsg)]
pub(crate) use self::msg::{read_pod, recvmsg, sendmsg, RawCmsg, ReceivedIter, Walk};
#[cfg(all(have_linux_cmsg, feature = "fault"))]
pub(crate) use self::msg::{recvmsg_forget, recvmsg_prefix, sendmsg_prefix};
#[cfg(have_linux_cmsg)]
pub use self::msg::{CmsgBuffer, CmsgBuilder, Control, MsgHdr, MsgHdrMut, ScmRights};
#[cfg(have_reentrant_netdb)]
pub(crate) use self::netdb::{
    gethostbyaddr_r, gethostbyname_r, getprotobyname_r, getprotobynumber_r, getservbyname_r,
    getservbyport_r, hstrerror, HostFailure,
};
pub(crate) use self::netif::{if_indextoname, if_nametoindex, IF_NAMESIZE};
#[cfg(have_ppoll)]
pub(crate) use self::poll::ppoll;
pub(crate) use self::poll::{poll, sockatmark};
pub(crate) use self::select::{
    fd_words, fd_words_mut, pselect, select, sigaddset, sigdelset, sigemptyset, sigfillset,
    sigismember, Word, FD_SETSIZE, FD_WORDS, NFDBITS,
};
#[cfg(have_accept4)]
pub(crate) use self::socket::accept4;
pub(crate) use self::socket::{
    accept, bind, close, close_on_drop, connect, getpeername, getsockname, listen, shutdown,
    socket, socketpair,
};
pub(crate) use self::sockopt::{
    getsockopt, getsockopt_bytes, getsockopt_name, setsockopt, setsockopt_bytes, setsockopt_name,
    zeroed, Pod,
};
#[cfg(have_tcp_info)]
pub(crate) use self::tcp::tcp_info;

/// The last C call failed: its `errno`, read before anything else can change it.
#[inline]
fn last_errno() -> Errno {
    Errno::from_raw(::errno::errno().0)
}

/// The one conversion helper: C's `-1` becomes the `errno` that came with it.
#[inline]
pub(crate) fn cvt(ret: c_int) -> Result<c_int> {
    if ret == -1 {
        Err(last_errno())
    } else {
        Ok(ret)
    }
}

/// `cvt` for the calls that return `ssize_t`.
#[inline]
fn cvt_len(ret: sys::ssize_t) -> Result<usize> {
    if ret < 0 {
        Err(last_errno())
    } else {
        Ok(ret as usize)
    }
}

/// Takes ownership of a descriptor the kernel just returned.
#[inline]
fn owned(fd: c_int) -> OwnedFd {
    // SAFETY: `fd` was just returned by a successful call that creates a descriptor
    // (so it is open and not -1); nothing else owns it.
    unsafe { OwnedFd::from_raw_fd(fd) }
}
