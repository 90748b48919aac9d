//! `sendmmsg` and `recvmmsg` (Linux): many datagrams in one call, over arrays of C's
//! `struct mmsghdr` made of the same [`MsgHdr`]s and [`MsgHdrMut`]s that `sendmsg`
//! and `recvmsg` take, without allocating.

use core::fmt;
use std::os::fd::{AsFd, RawFd};

use crate::addr::SockAddr;
use crate::io::MsgFlags;
use crate::msg::{Cmsgs, TraceIov, TraceName};
use crate::raw::{self, MMsgHdr, MMsgHdrMut};
use crate::socket::fd_of;
use crate::sys;
use crate::trace::{self, traced, Ret};
use crate::Result;

/// `struct timespec`: seconds and nanoseconds, [`recvmmsg`]'s timeout. `tv_nsec`
/// must be below 1,000,000,000, or the kernel answers `EINVAL`.
#[allow(non_camel_case_types)]
pub type timespec = sys::timespec;

/// `sendmmsg(sockfd, msgvec, vlen, flags)`—Sends several messages in one call
/// (Linux).
///
/// ```c
/// int sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags);
/// ```
///
/// Sends `msgs` in order, each as [`sendmsg`](crate::sendmsg) would, and returns how
/// many were sent, `n`; each of the first `n` then has its byte count in
/// [`len`](MMsgHdr::len). An error after at least one message is not reported: the
/// call returns the count, and a second call starting at the message that failed
/// reports it. An empty `msgs` sends nothing and returns 0. The kernel takes at most
/// 1024 (`UIO_MAXIOV`) messages per call: with more it sends the first 1024.
///
/// 64 datagrams in one call, all on the stack:
///
/// ```
/// use sockapi::*;
/// use std::io::{IoSlice, IoSliceMut};
/// # fn main() -> sockapi::Result<()> {
/// let (a, b) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)?;
/// let data: [[u8; 1]; 64] = core::array::from_fn(|i| [i as u8]);
/// let iovs: [[IoSlice; 1]; 64] = core::array::from_fn(|i| [IoSlice::new(&data[i])]);
/// let mut out: [MMsgHdr; 64] =
///     core::array::from_fn(|i| MMsgHdr::new(MsgHdr::new(None, &iovs[i], Control::NONE)));
/// assert_eq!(sendmmsg(&a, &mut out, 0)?, 64);
///
/// let mut bufs = [[0u8; 8]; 64];
/// let mut iovs: [[IoSliceMut; 1]; 64] = {
///     let mut it = bufs.iter_mut();
///     core::array::from_fn(|_| [IoSliceMut::new(it.next().unwrap())])
/// };
/// let mut msgs: [MsgHdrMut; 64] = {
///     let mut it = iovs.iter_mut();
///     core::array::from_fn(|_| MsgHdrMut::new(it.next().unwrap(), &mut []))
/// };
/// let mut entries: [MMsgHdrMut; 64] = {
///     let mut it = msgs.iter_mut();
///     core::array::from_fn(|_| MMsgHdrMut::new(it.next().unwrap()))
/// };
/// assert_eq!(recvmmsg(&b, &mut entries, MSG_DONTWAIT, None)?, 64);
/// assert!(entries.iter().all(|e| e.len() == 1));
/// # Ok(()) }
/// ```
///
/// The trace shows the first two messages, as strace does:
/// `sendmmsg(3, [{msg_hdr={msg_name=NULL, msg_iov=[{"a", 1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=1}, {...}, ...], 64, 0) = 64`.
///
/// # Errors
///
/// As [`sendmsg`](crate::sendmsg), for the first message.
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man2/sendmmsg.2.html)
#[inline]
pub fn sendmmsg(
    fd: &impl AsFd,
    msgs: &mut [MMsgHdr<'_>],
    flags: impl Into<MsgFlags>,
) -> Result<usize> {
    let flags = flags.into();
    #[cfg(feature = "fault")]
    if crate::fault::armed() {
        if let Some(ret) = sendmmsg_faulted(fd.as_fd(), msgs, flags) {
            return ret;
        }
    }
    let ret = raw::sendmmsg(fd.as_fd(), msgs, flags.as_raw());
    traced(
        ret,
        |&n| n,
        |ret| trace_sendmmsg(fd_of(fd), msgs, flags, ret),
    )
}

/// `recvmmsg(sockfd, msgvec, vlen, flags, timeout)`—Receives several messages in one
/// call (Linux).
///
/// ```c
/// int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags,
///              struct timespec *timeout);
/// ```
///
/// Receives into `msgs` in order, each as [`recvmsg`](crate::recvmsg) would, and
/// returns how many messages came, `n` (see [`MMsgHdrMut`] for what the entries then
/// hold). It blocks, on a blocking socket without `MSG_DONTWAIT`, until `msgs` is
/// full; with [`MSG_WAITFORONE`](crate::MSG_WAITFORONE) only until the first message,
/// then takes what is queued. An empty `msgs` returns 0 at once. The kernel takes at
/// most 1024 (`UIO_MAXIOV`) entries per call.
///
/// **The timeout is not what it seems.** Linux checks `timeout` only after each
/// datagram arrives, so with fewer than `msgs.len()` datagrams queued the call blocks
/// past it, for ever if no more come. For a bounded wait use `MSG_WAITFORONE`, or a
/// non-blocking socket (or `MSG_DONTWAIT`) after `poll`. Linux writes the time left
/// into `timeout` (C's pointer is not `const`), which is why it is `&mut`.
///
/// **Errors after the first message are deferred.** If something fails after at
/// least one message came, the call returns the count and the kernel keeps the error
/// for the socket: the next call on it (or `getsockopt(SO_ERROR)`) reports it. A
/// signal that interrupts the wait for a later message leaves the kernel's internal
/// `ERESTARTSYS` there, which no userspace header names: it surfaces as
/// `Errno::from_raw(512)`, displayed `E? 512 (Unknown error 512)`. Treat it as `EINTR`.
///
/// # Errors
///
/// As [`recvmsg`](crate::recvmsg) for the first message (`EAGAIN` with nothing
/// queued on a non-blocking socket or with `MSG_DONTWAIT`), and `EINVAL` (a bad
/// `timeout`), and a deferred error (above).
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man2/recvmmsg.2.html)
// Always inlined: its loops over the entries then know a fixed array's length (they
// unroll, and fold into the call's set-up), where an out-of-line copy, which two
// call sites in one program get, walks any length (some 9 instructions an entry).
#[inline(always)]
pub fn recvmmsg(
    fd: &impl AsFd,
    msgs: &mut [MMsgHdrMut<'_, '_, '_>],
    flags: impl Into<MsgFlags>,
    timeout: Option<&mut timespec>,
) -> Result<usize> {
    let flags = flags.into();
    let mut timeout = timeout;
    #[cfg(feature = "fault")]
    if crate::fault::armed() {
        if let Some(ret) = recvmmsg_faulted(fd.as_fd(), msgs, timeout.as_deref_mut(), flags) {
            return ret;
        }
    }
    let ret = raw::recvmmsg(fd.as_fd(), msgs, flags.as_raw(), timeout.as_deref_mut());
    traced(
        ret,
        |&n| n,
        |ret| trace_recvmmsg(fd_of(fd), msgs, flags, timeout.as_deref(), ret),
    )
}

impl<'m, 'a, 'c> MMsgHdrMut<'m, 'a, 'c> {
    /// The sender's address (`msg_hdr.msg_name`) of this entry's message, if the last
    /// [`recvmmsg`] returned one for it.
    #[inline]
    pub fn name(&self) -> Option<SockAddr> {
        self.name_storage().map(SockAddr::from_storage)
    }

    /// `msg_hdr.msg_flags` of this entry's message (`MSG_TRUNC`, `MSG_CTRUNC`, ...),
    /// as [`MsgHdrMut::flags`](crate::MsgHdrMut::flags).
    #[inline]
    pub fn flags(&self) -> MsgFlags {
        MsgFlags::from_raw(self.raw_flags())
    }

    /// `msg_hdr.msg_controllen`: the control bytes the kernel wrote for this entry.
    #[inline]
    pub fn controllen(&self) -> usize {
        self.control_bytes().len()
    }

    /// The control messages of this entry's message, as
    /// [`MsgHdrMut::cmsgs`](crate::MsgHdrMut::cmsgs).
    #[inline]
    pub fn cmsgs(&mut self) -> Cmsgs<'_> {
        Cmsgs::new(self.control_iter())
    }
}

impl fmt::Debug for MMsgHdrMut<'_, '_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MMsgHdrMut")
            .field("msg_name", &self.name())
            .field("msg_iovlen", &self.iov().len())
            .field("msg_controllen", &self.controllen())
            .field("msg_flags", &self.flags())
            .field("msg_len", &self.len())
            .finish()
    }
}

/// How many messages a trace line shows before `...`.
const MSGS_SHOWN: usize = 2;
/// The first [`MSGS_SHOWN`] messages sent, then `...`.
struct TraceSent<'s, 'a>(&'s [MMsgHdr<'a>]);

impl fmt::Display for TraceSent<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if i == MSGS_SHOWN {
                f.write_str("...")?;
                break;
            }
            let msg = m.msg();
            write!(
                f,
                "{{msg_hdr={{msg_name={}, msg_iov={}, msg_iovlen={}, msg_controllen={}, msg_flags=0}}, msg_len={}}}",
                TraceName(msg.name()),
                TraceIov(msg.iov(), None),
                msg.iov().len(),
                msg.controllen(),
                m.len(),
            )?;
        }
        f.write_str("]")
    }
}

#[cold]
#[inline(never)]
fn trace_sendmmsg(fd: RawFd, msgs: &[MMsgHdr<'_>], flags: MsgFlags, ret: Result<usize>) {
    trace::emit(format_args!(
        "sendmmsg({fd}, {}, {}, {flags:?}) = {}",
        TraceSent(msgs),
        msgs.len(),
        Ret(ret)
    ));
}

/// `NULL`, or `{tv_sec=1, tv_nsec=0}`.
struct TraceTimeout<'t>(Option<&'t timespec>);

impl fmt::Display for TraceTimeout<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(t) => write!(f, "{{tv_sec={}, tv_nsec={}}}", t.tv_sec, t.tv_nsec),
            None => f.write_str("NULL"),
        }
    }
}

#[cold]
#[inline(never)]
fn trace_recvmmsg(
    fd: RawFd,
    msgs: &[MMsgHdrMut<'_, '_, '_>],
    flags: MsgFlags,
    timeout: Option<&timespec>,
    ret: Result<usize>,
) {
    let vlen = msgs.len();
    match ret {
        Ok(n) => trace::emit(format_args!(
            "recvmmsg({fd}, {}, {vlen}, {flags:?}, {}) = {n}",
            TraceReceived(&msgs[..n]),
            TraceTimeout(timeout),
        )),
        Err(e) => trace::emit(format_args!(
            "recvmmsg({fd}, [...], {vlen}, {flags:?}, {}) = -1 {e}",
            TraceTimeout(timeout),
        )),
    }
}

/// The first [`MSGS_SHOWN`] messages received, then `...`.
struct TraceReceived<'s, 'm, 'a, 'c>(&'s [MMsgHdrMut<'m, 'a, 'c>]);

impl fmt::Display for TraceReceived<'_, '_, '_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if i == MSGS_SHOWN {
                f.write_str("...")?;
                break;
            }
            let len = m.len();
            let (name, msg_flags, controllen) = (m.name(), m.flags(), m.controllen());
            let iov = m.iov();
            write!(
                f,
                "{{msg_hdr={{msg_name={}, msg_iov={}, msg_iovlen={}, msg_controllen={controllen}, msg_flags={msg_flags:?}}}, msg_len={len}}}",
                TraceName(name),
                TraceIov(iov, Some(len)),
                iov.len(),
            )?;
        }
        f.write_str("]")
    }
}

/// `sendmmsg` under a running plan: the injected result, or `None` for the real call.
#[cfg(feature = "fault")]
#[cold]
#[inline(never)]
fn sendmmsg_faulted(
    fd: std::os::fd::BorrowedFd<'_>,
    msgs: &mut [MMsgHdr<'_>],
    flags: MsgFlags,
) -> Option<Result<usize>> {
    let fault = crate::fault::check(crate::fault::Call::sendmmsg, Some(fd))?;
    let ret = crate::fault::io_limit(fault, msgs.len())
        .and_then(|n| raw::sendmmsg(fd.as_fd(), &mut msgs[..n], flags.as_raw()));
    Some(traced(
        ret,
        |&n| n,
        |ret| trace_sendmmsg(fd_of(&fd), msgs, flags, ret),
    ))
}

/// `recvmmsg` under a running plan: the injected result, or `None` for the real call.
#[cfg(feature = "fault")]
#[cold]
#[inline(never)]
fn recvmmsg_faulted(
    fd: std::os::fd::BorrowedFd<'_>,
    msgs: &mut [MMsgHdrMut<'_, '_, '_>],
    mut timeout: Option<&mut timespec>,
    flags: MsgFlags,
) -> Option<Result<usize>> {
    let fault = crate::fault::check(crate::fault::Call::recvmmsg, Some(fd))?;
    // The entries past a short count, or all after an injected failure, are left as
    // the real call leaves entries no message came into: their last call's
    // descriptors closed, empty.
    let ret = match crate::fault::io_limit(fault, msgs.len()) {
        Ok(n) => {
            let (head, rest) = msgs.split_at_mut(n);
            let ret = raw::recvmmsg(fd.as_fd(), head, flags.as_raw(), timeout.as_deref_mut());
            raw::recvmmsg_forget(rest);
            ret
        }
        Err(e) => {
            raw::recvmmsg_forget(msgs);
            Err(e)
        }
    };
    Some(traced(
        ret,
        |&n| n,
        |ret| trace_recvmmsg(fd_of(&fd), msgs, flags, timeout.as_deref(), ret),
    ))
}
