//! `sendmsg` and `recvmsg`: scatter/gather buffers, an optional address and
//! ancillary (control) data, with descriptors passed by `SCM_RIGHTS` arriving owned.

use core::fmt;
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsFd, RawFd};

use crate::addr::SockAddr;
use crate::io::MsgFlags;
use crate::raw::{self, Control, MsgHdr, MsgHdrMut, RawCmsg, ScmRights};
use crate::socket::fd_of;
use crate::sys::{self, c_int};
use crate::trace::{self, traced, Data, Ret};
use crate::Result;

impl<'a> MsgHdr<'a> {
    /// The destination (`None` on a connected socket), the buffers sent one after
    /// the other, and the control messages ([`Control::NONE`], or what a
    /// [`CmsgBuilder`](crate::CmsgBuilder) built): C's `struct msghdr` filled in
    /// (`msg_flags` 0), which [`sendmsg`] passes as it is.
    #[inline]
    pub fn new(name: Option<&'a SockAddr>, iov: &'a [IoSlice<'a>], control: Control<'a>) -> Self {
        MsgHdr::from_parts(name.map(SockAddr::storage), iov, control)
    }

    /// As [`new`](MsgHdr::new), with control bytes the caller wrote.
    ///
    /// # Safety
    ///
    /// As [`Control::from_raw`]: the kernel follows user addresses inside some
    /// control messages (RDS's `RDS_CMSG_RDMA_MAP` writes through `cookie_addr`), and
    /// raw `SCM_RIGHTS` bytes name descriptors the caller may not own. The caller
    /// vouches that `control` makes the kernel touch no memory outside it and names
    /// only descriptors it may pass.
    #[allow(unsafe_code)]
    pub unsafe fn with_raw_control(
        name: Option<&'a SockAddr>,
        iov: &'a [IoSlice<'a>],
        control: &'a [u8],
    ) -> Self {
        // SAFETY: the caller upholds `Control::from_raw`'s contract (above).
        let control = unsafe { Control::from_raw(control) };
        MsgHdr::new(name, iov, control)
    }

    /// The destination (`msg_name`), if any.
    pub fn name(&self) -> Option<SockAddr> {
        match self.name_bytes() {
            [] => None,
            bytes => SockAddr::from_bytes(bytes).ok(),
        }
    }
}

impl fmt::Debug for MsgHdr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgHdr")
            .field("msg_name", &self.name())
            .field("msg_iovlen", &self.iov().len())
            .field("msg_controllen", &self.controllen())
            .finish()
    }
}

impl<'a, 'c> MsgHdrMut<'a, 'c> {
    /// Buffers to fill one after the other, and a control buffer (`&mut []` for none;
    /// a `[u8; CMSG_SPACE(n)]` on the stack works): C's `struct msghdr` over them, with
    /// room for the sender's address.
    #[inline]
    pub fn new(iov: &'a mut [IoSliceMut<'a>], control: &'c mut [u8]) -> Self {
        MsgHdrMut::from_parts(iov, control)
    }

    /// The peer's address (`msg_name`), if the last `recvmsg` returned one (a
    /// connected stream socket returns none). `None` too once lent to an
    /// [`MMsgHdrMut`](crate::MMsgHdrMut), whose calls write the storage: read the
    /// entry's [`name`](crate::MMsgHdrMut::name) instead.
    #[inline]
    pub fn name(&self) -> Option<SockAddr> {
        self.name_storage().map(SockAddr::from_storage)
    }

    /// `msg_flags` of the last `recvmsg`: `MSG_TRUNC` (the datagram was longer than
    /// the buffers), `MSG_CTRUNC` (control data was cut: size the control buffer with
    /// [`CMSG_SPACE`](crate::CMSG_SPACE)), `MSG_EOR`, `MSG_OOB`. 0 once lent to an
    /// [`MMsgHdrMut`](crate::MMsgHdrMut) (read the entry's).
    #[inline]
    pub fn flags(&self) -> MsgFlags {
        MsgFlags::from_raw(self.raw_flags())
    }

    /// `msg_controllen` of the last `recvmsg` (or `recvmmsg` through an entry of this
    /// value): how many control bytes the kernel wrote.
    #[inline]
    pub fn controllen(&self) -> usize {
        self.control_bytes().len()
    }

    /// The control messages of the last `recvmsg`, as C walks them with
    /// `CMSG_FIRSTHDR`/`CMSG_NXTHDR`.
    #[inline]
    pub fn cmsgs(&mut self) -> Cmsgs<'_> {
        Cmsgs {
            inner: self.control_iter(),
        }
    }
}

impl fmt::Debug for MsgHdrMut<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgHdrMut")
            .field("msg_name", &self.name())
            .field("msg_iovlen", &self.iov().len())
            .field("msg_controllen", &self.controllen())
            .field("msg_flags", &self.flags())
            .finish()
    }
}

/// One received control message.
#[derive(Debug)]
#[non_exhaustive]
pub enum ControlMessage<'b> {
    /// `SOL_SOCKET`/`SCM_RIGHTS`: descriptors, each taken as an `OwnedFd`.
    Rights(ScmRights<'b>),
    /// `SOL_SOCKET`/`SCM_PIDFD` (Linux 6.5, with `SO_PASSPIDFD` on): a pidfd of the
    /// sender, owned like `Rights`' descriptors.
    #[cfg(have_linux_sockopts)]
    Pidfd(ScmRights<'b>),
    /// `SOL_SOCKET`/`SCM_CREDENTIALS` (Linux, with `SO_PASSCRED` on): the sender's
    /// pid, uid and gid.
    #[cfg(have_linux_sockopts)]
    Credentials(sys::ucred),
    /// `IPPROTO_IP`/`IP_PKTINFO` (with the `IP_PKTINFO` option on): the datagram's
    /// destination address (`ipi_addr`) and interface (`ipi_ifindex`).
    #[cfg(have_linux_sockopts)]
    IpPktinfo(sys::in_pktinfo),
    /// `IPPROTO_IPV6`/`IPV6_PKTINFO` (with `IPV6_RECVPKTINFO` on).
    #[cfg(have_linux_sockopts)]
    Ipv6Pktinfo(sys::in6_pktinfo),
    /// `IPPROTO_IP`/`IP_TTL` (with `IP_RECVTTL` on): the datagram's TTL.
    IpTtl(c_int),
    /// `IPPROTO_IP`/`IP_TOS` (with `IP_RECVTOS` on): the datagram's TOS byte.
    IpTos(u8),
    /// `IPPROTO_IPV6`/`IPV6_HOPLIMIT` (with `IPV6_RECVHOPLIMIT` on).
    #[cfg(have_linux_sockopts)]
    Ipv6HopLimit(c_int),
    /// `IPPROTO_IP`/`IP_RECVERR` or `IPPROTO_IPV6`/`IPV6_RECVERR` (Linux, read with
    /// `MSG_ERRQUEUE` after the `IP_RECVERR`/`IPV6_RECVERR` option is on): the queued
    /// error (`ee_errno`, `ee_origin` such as `SO_EE_ORIGIN_ICMP`, `ee_type`,
    /// `ee_code`) and the address of the node that reported it (`SO_EE_OFFENDER`),
    /// if the kernel gave one.
    #[cfg(have_linux_sockopts)]
    RecvErr {
        /// The error.
        err: sys::sock_extended_err,
        /// The offender's address: `None` when its family is `AF_UNSPEC` or it is
        /// missing.
        offender: Option<SockAddr>,
    },
    /// Any other message, or a known one whose data is too short for its type: the
    /// level, the type and the data bytes as the kernel wrote them.
    Unknown {
        /// `cmsg_level`.
        level: c_int,
        /// `cmsg_type`.
        ty: c_int,
        /// The data after the header, `cmsg_len - CMSG_LEN(0)` bytes.
        data: &'b [u8],
    },
}

/// A message that is not `SCM_RIGHTS`, decoded by its level and type.
fn decode(level: c_int, ty: c_int, data: &[u8]) -> ControlMessage<'_> {
    let known = match (level, ty) {
        #[cfg(have_linux_sockopts)]
        (sys::SOL_SOCKET, sys::SCM_CREDENTIALS) => {
            raw::read_pod(data).map(ControlMessage::Credentials)
        }
        #[cfg(have_linux_sockopts)]
        (sys::IPPROTO_IP, sys::IP_PKTINFO) => raw::read_pod(data).map(ControlMessage::IpPktinfo),
        #[cfg(have_linux_sockopts)]
        (sys::IPPROTO_IPV6, sys::IPV6_PKTINFO) => {
            raw::read_pod(data).map(ControlMessage::Ipv6Pktinfo)
        }
        (sys::IPPROTO_IP, sys::IP_TTL) => raw::read_pod(data).map(ControlMessage::IpTtl),
        (sys::IPPROTO_IP, sys::IP_TOS) => data.first().copied().map(ControlMessage::IpTos),
        #[cfg(have_linux_sockopts)]
        (sys::IPPROTO_IPV6, sys::IPV6_HOPLIMIT) => {
            raw::read_pod(data).map(ControlMessage::Ipv6HopLimit)
        }
        #[cfg(have_linux_sockopts)]
        (sys::IPPROTO_IP, sys::IP_RECVERR) | (sys::IPPROTO_IPV6, sys::IPV6_RECVERR) => {
            raw::read_pod::<sys::sock_extended_err>(data).map(|err| {
                let rest = data
                    .get(core::mem::size_of::<sys::sock_extended_err>()..)
                    .unwrap_or_default();
                let offender = SockAddr::from_bytes(rest)
                    .ok()
                    .filter(|a| a.family() != crate::AF_UNSPEC);
                ControlMessage::RecvErr { err, offender }
            })
        }
        _ => None,
    };
    known.unwrap_or(ControlMessage::Unknown { level, ty, data })
}

/// The control messages of a [`MsgHdrMut`], from [`MsgHdrMut::cmsgs`].
pub struct Cmsgs<'b> {
    inner: raw::ReceivedIter<'b>,
}

impl<'b> Cmsgs<'b> {
    #[cfg(have_mmsg)]
    #[inline]
    pub(crate) fn new(inner: raw::ReceivedIter<'b>) -> Cmsgs<'b> {
        Cmsgs { inner }
    }
}

impl<'b> Iterator for Cmsgs<'b> {
    type Item = ControlMessage<'b>;

    fn next(&mut self) -> Option<ControlMessage<'b>> {
        Some(match self.inner.next()? {
            RawCmsg::Rights(fds) => ControlMessage::Rights(fds),
            #[cfg(have_linux_sockopts)]
            RawCmsg::Pidfd(fds) => ControlMessage::Pidfd(fds),
            RawCmsg::Other { level, ty, data } => decode(level, ty, data),
        })
    }
}

/// The control messages in any bytes, as [`MsgHdrMut::cmsgs`] parses them, except
/// that `SCM_RIGHTS` (and `SCM_PIDFD`) comes as [`ControlMessage::Unknown`]: bytes from anywhere but
/// the kernel name no descriptor this process owns. For tests and fuzzers.
#[doc(hidden)]
pub fn parse_control_bytes(bytes: &[u8]) -> impl Iterator<Item = ControlMessage<'_>> {
    raw::Walk::new(bytes).map(|(level, ty, data)| {
        if level == sys::SOL_SOCKET && ty == sys::SCM_RIGHTS {
            ControlMessage::Unknown { level, ty, data }
        } else {
            decode(level, ty, data)
        }
    })
}

/// `sendmsg(sockfd, msg, flags)`—Sends a message from several buffers, with an
/// optional address and control messages.
///
/// ```c
/// ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);
/// ```
///
/// The buffers of `msg` go out as one message (one datagram on a datagram socket).
/// Returns the bytes sent. The address and its length reach the kernel as they are:
/// a wrong family or length is the kernel's error (`EAFNOSUPPORT`, `EINVAL`), as in C.
///
/// The trace shows the message as strace does:
/// `sendmsg(3, {msg_name=NULL, msg_iov=[{"hello", 5}], msg_iovlen=1, msg_controllen=24, msg_flags=0}, 0) = 5`.
///
/// # Errors
///
/// As [`send`](crate::send), and `EMSGSIZE` (more than `IOV_MAX`, 1024, buffers, or a
/// datagram too large), `EINVAL` (bad control data, such as more than 253 descriptors
/// in one `SCM_RIGHTS`), `EBADF` (a descriptor passed is closed), `EPERM` (credentials
/// the sender may not claim).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sendmsg.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/sendmsg.2.html)
#[inline]
pub fn sendmsg(fd: &impl AsFd, msg: &MsgHdr<'_>, flags: impl Into<MsgFlags>) -> Result<usize> {
    let flags = flags.into();
    #[cfg(feature = "fault")]
    if crate::fault::armed() {
        if let Some(ret) = sendmsg_faulted(fd.as_fd(), msg, flags) {
            return ret;
        }
    }
    let ret = raw::sendmsg(fd.as_fd(), msg, flags.as_raw());
    traced(ret, |&n| n, |ret| trace_sendmsg(fd_of(fd), msg, flags, ret))
}

/// How many buffers a trace line lists before `...`.
const IOV_SHOWN: usize = 4;

/// `[{"data", len}, ...]`, the data cut to `shown` bytes in all (the bytes received,
/// for `recvmsg`), as strace lists an `iovec` array.
pub(crate) struct TraceIov<'s, I>(pub(crate) &'s [I], pub(crate) Option<usize>);

impl<I: core::ops::Deref<Target = [u8]>> fmt::Display for TraceIov<'_, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut left = self.1;
        f.write_str("[")?;
        for (i, buf) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if i == IOV_SHOWN {
                f.write_str("...")?;
                break;
            }
            let data: &[u8] = buf;
            let shown = match left {
                Some(n) => {
                    let k = n.min(data.len());
                    left = Some(n - k);
                    &data[..k]
                }
                None => data,
            };
            write!(f, "{{{}, {}}}", Data(shown), data.len())?;
        }
        f.write_str("]")
    }
}

/// `NULL`, or the address as the trace prints one.
pub(crate) struct TraceName(pub(crate) Option<SockAddr>);

impl fmt::Display for TraceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(addr) => write!(f, "{addr:?}"),
            None => f.write_str("NULL"),
        }
    }
}

#[cold]
#[inline(never)]
fn trace_sendmsg(fd: RawFd, msg: &MsgHdr<'_>, flags: MsgFlags, ret: Result<usize>) {
    trace::emit(format_args!(
        "sendmsg({fd}, {{msg_name={}, msg_iov={}, msg_iovlen={}, msg_controllen={}, msg_flags=0}}, {flags:?}) = {}",
        TraceName(msg.name()),
        TraceIov(msg.iov(), None),
        msg.iov().len(),
        msg.controllen(),
        Ret(ret)
    ));
}

/// `recvmsg(sockfd, msg, flags)`—Receives a message into several buffers, with the
/// sender's address and control messages.
///
/// ```c
/// ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);
/// ```
///
/// Fills the buffers of `msg` one after the other and returns the bytes written
/// (with `MSG_TRUNC` in `flags` on Linux, a datagram's real length). Then
/// [`msg.name()`](MsgHdrMut::name), [`msg.flags()`](MsgHdrMut::flags) (`MSG_TRUNC`,
/// `MSG_CTRUNC`) and [`msg.cmsgs()`](MsgHdrMut::cmsgs) tell the rest. Descriptors
/// passed with `SCM_RIGHTS` arrive owned by `msg` (see [`MsgHdrMut`]); descriptors
/// still untaken from an earlier call through the same `msg` are closed first.
///
/// Passing a descriptor over a socketpair, all on the stack:
///
/// ```
/// use sockapi::*;
/// use std::io::{IoSlice, IoSliceMut};
/// use std::os::fd::AsFd;
/// # fn main() -> sockapi::Result<()> {
/// let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
/// let (passed, other_end) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
///
/// let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new(); // char buf[CMSG_SPACE(sizeof(int))];
/// let mut builder = CmsgBuilder::new(&mut buf);
/// builder.rights(&[passed.as_fd()])?;
/// let control = builder.finish();
/// sendmsg(&a, &MsgHdr::new(None, &[IoSlice::new(b"fd")], control), 0)?;
///
/// let mut data = [0u8; 16];
/// let mut control = [0u8; CMSG_SPACE(4)];
/// let mut iov = [IoSliceMut::new(&mut data)];
/// let mut msg = MsgHdrMut::new(&mut iov, &mut control);
/// assert_eq!(recvmsg(&b, &mut msg, 0)?, 2);
/// assert!(!msg.flags().contains(MSG_CTRUNC));
/// for cmsg in msg.cmsgs() {
///     if let ControlMessage::Rights(fds) = cmsg {
///         for fd in fds {
///             // `fd` is an `OwnedFd`: it closes when dropped.
///             send(&fd, b"hi", 0)?;
///         }
///     }
/// }
/// let mut got = [0u8; 2];
/// assert_eq!(recv(&other_end, &mut got, 0)?, 2);
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// As [`recv`](crate::recv), and `EMSGSIZE` (more than `IOV_MAX` buffers).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/recvmsg.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/recvmsg.2.html)
// With the `fault` feature, forced inline: its out-of-line check alone made LLVM stop
// inlining it, which cost some 25 instructions a call with no plan running.
#[cfg_attr(not(feature = "fault"), inline)]
#[cfg_attr(feature = "fault", inline(always))]
pub fn recvmsg(
    fd: &impl AsFd,
    msg: &mut MsgHdrMut<'_, '_>,
    flags: impl Into<MsgFlags>,
) -> Result<usize> {
    let flags = flags.into();
    #[cfg(feature = "fault")]
    if crate::fault::armed() {
        if let Some(ret) = recvmsg_faulted(fd.as_fd(), msg, flags) {
            return ret;
        }
    }
    let ret = raw::recvmsg(fd.as_fd(), msg, flags.as_raw());
    traced(ret, |&n| n, |ret| trace_recvmsg(fd_of(fd), msg, flags, ret))
}

#[cold]
#[inline(never)]
fn trace_recvmsg(fd: RawFd, msg: &MsgHdrMut<'_, '_>, flags: MsgFlags, ret: Result<usize>) {
    match ret {
        Ok(n) => trace::emit(format_args!(
            "recvmsg({fd}, {{msg_name={}, msg_iov={}, msg_iovlen={}, msg_controllen={}, msg_flags={:?}}}, {flags:?}) = {n}",
            TraceName(msg.name()),
            TraceIov(msg.iov(), Some(n)),
            msg.iov().len(),
            msg.controllen(),
            msg.flags(),
        )),
        Err(e) => trace::emit(format_args!(
            "recvmsg({fd}, {{msg_iovlen={}, ...}}, {flags:?}) = -1 {e}",
            msg.iov().len(),
        )),
    }
}

/// `sendmsg` under a running plan: the injected result, or `None` for the real call.
#[cfg(feature = "fault")]
#[cold]
#[inline(never)]
fn sendmsg_faulted(
    fd: std::os::fd::BorrowedFd<'_>,
    msg: &MsgHdr<'_>,
    flags: MsgFlags,
) -> Option<Result<usize>> {
    let fault = crate::fault::check(crate::fault::Call::sendmsg, Some(fd))?;
    let ret = crate::fault::io_limit(fault, usize::MAX)
        .and_then(|n| raw::sendmsg_prefix(fd.as_fd(), msg, flags.as_raw(), n));
    Some(traced(
        ret,
        |&n| n,
        |ret| trace_sendmsg(fd_of(&fd), msg, flags, ret),
    ))
}

/// `recvmsg` under a running plan: the injected result, or `None` for the real call.
#[cfg(feature = "fault")]
#[cold]
#[inline(never)]
fn recvmsg_faulted(
    fd: std::os::fd::BorrowedFd<'_>,
    msg: &mut MsgHdrMut<'_, '_>,
    flags: MsgFlags,
) -> Option<Result<usize>> {
    let fault = crate::fault::check(crate::fault::Call::recvmsg, Some(fd))?;
    let ret = match crate::fault::io_limit(fault, usize::MAX) {
        Ok(n) => raw::recvmsg_prefix(fd.as_fd(), msg, flags.as_raw(), n),
        // No call, but what a failed one leaves: the last call's descriptors closed.
        Err(e) => {
            raw::recvmsg_forget(msg);
            Err(e)
        }
    };
    Some(traced(
        ret,
        |&n| n,
        |ret| trace_recvmsg(fd_of(&fd), msg, flags, ret),
    ))
}
