//! `sendmsg` and `recvmsg`, and the two control buffers around them: the one the
//! builder fills with the kinds this crate vets ([`Control`]), and the one the kernel
//! fills, which owns the descriptors in it ([`Received`]).
//!
//! The walk over control messages is safe code over byte slices: every header is
//! copied out of a bounds-checked slice (`read_unaligned`), every offset is checked,
//! and the walk stops at a `cmsg_len` smaller than the header or past the bytes.

use core::mem::{self, align_of, offset_of, size_of, MaybeUninit};
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::addr::{Storage, STORAGE_LEN};
use super::cvt_len;
use super::sockopt::{zeroed, Pod};
use crate::sys::{self, c_int, CMSG_ALIGN, CMSG_LEN, CMSG_SPACE};
use crate::{Errno, Result};

// SAFETY: `repr(C)` aggregates of integers (musl's explicit padding field included).
unsafe impl Pod for sys::cmsghdr {}
// SAFETY: as above.
#[cfg(have_linux_sockopts)]
unsafe impl Pod for sys::in_pktinfo {}
// SAFETY: as above.
#[cfg(have_linux_sockopts)]
unsafe impl Pod for sys::in6_pktinfo {}
// SAFETY: as above.
#[cfg(have_linux_sockopts)]
unsafe impl Pod for sys::sock_extended_err {}

/// `sizeof(struct cmsghdr)`: a header must fit this for the walk to read it.
const HDR_SIZE: usize = size_of::<sys::cmsghdr>();
/// `CMSG_LEN(0)`: where a message's data starts.
const DATA: usize = CMSG_LEN(0);
const FD_SIZE: usize = size_of::<c_int>();

/// `SCM_PIDFD` (Linux 6.5, `<linux/socket.h>`, the same on every architecture): with
/// `SO_PASSPIDFD` on, the kernel installs a pidfd of the sender and passes its number
/// in this message, so it is owned like `SCM_RIGHTS`'s descriptors. (`libc` does
/// not declare it yet.)
#[cfg(have_linux_sockopts)]
pub(crate) const SCM_PIDFD: c_int = 4;

/// A copy of the `T` at the start of `bytes`, if they are long enough; any alignment.
pub(crate) fn read_pod<T: Pod>(bytes: &[u8]) -> Option<T> {
    let bytes = bytes.get(..size_of::<T>())?;
    // SAFETY: `bytes` is readable for `size_of::<T>()` bytes (the `get` above), the
    // read is unaligned, and any bytes make a valid `T` (`Pod`).
    Some(unsafe { bytes.as_ptr().cast::<T>().read_unaligned() })
}

/// One control message found in a buffer: its level, type, where its data ends (its
/// `cmsg_len`, at least [`DATA`] and within the buffer) and where the next begins.
struct Span {
    level: c_int,
    ty: c_int,
    end: usize,
    next: usize,
}

/// The control message at the start of `buf`, or `None` where C's `CMSG_NXTHDR`
/// would stop or the header lies: too few bytes for a header, a `cmsg_len` below the
/// header's size or beyond `buf`.
fn span(buf: &[u8]) -> Option<Span> {
    let hdr: sys::cmsghdr = read_pod(buf)?;
    // `size_t` on glibc, `socklen_t` on musl: either fits `usize` on Linux.
    #[allow(clippy::useless_conversion)]
    let len = usize::try_from(hdr.cmsg_len).ok()?;
    if len < HDR_SIZE.max(DATA) || len > buf.len() {
        return None;
    }
    Some(Span {
        level: hdr.cmsg_level,
        ty: hdr.cmsg_type,
        end: len,
        next: CMSG_ALIGN(len).min(buf.len()),
    })
}

/// Every control message of a byte slice as `(level, type, data)`, for the parser
/// that never makes descriptors of them (tests and fuzzers feed it any bytes).
pub(crate) struct Walk<'b> {
    rest: &'b [u8],
}

impl<'b> Walk<'b> {
    pub(crate) fn new(bytes: &'b [u8]) -> Walk<'b> {
        Walk { rest: bytes }
    }
}

impl<'b> Iterator for Walk<'b> {
    type Item = (c_int, c_int, &'b [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let Some(span) = span(self.rest) else {
            self.rest = &[];
            return None;
        };
        let (this, tail) = self.rest.split_at(span.next);
        self.rest = tail;
        Some((span.level, span.ty, this.get(DATA..span.end).unwrap_or(&[])))
    }
}

/// Control bytes that are safe to give the kernel: built by [`CmsgBuilder`] from the
/// kinds it knows (no pointer, no count the kernel follows; `SCM_RIGHTS` only from
/// descriptors borrowed for as long as these bytes live), or vouched for by the
/// caller of [`Control::from_raw`]. `Control::NONE` sends none.
#[derive(Clone, Copy, Debug, Default)]
pub struct Control<'a> {
    bytes: &'a [u8],
}

impl<'a> Control<'a> {
    /// No control data: `msg_control = NULL, msg_controllen = 0`.
    pub const NONE: Control<'static> = Control { bytes: &[] };

    /// Caller-written control bytes, as C's `msg_control`.
    ///
    /// # Safety
    ///
    /// The kernel follows user addresses inside some control messages (RDS's
    /// `RDS_CMSG_RDMA_MAP` writes through its `cookie_addr`), and `SCM_RIGHTS` bytes
    /// name descriptors by number: the caller vouches that no message in `bytes` makes
    /// the kernel read or write memory outside them, and that every descriptor named
    /// is one the caller may pass (open, and not owned by code that relies on it not
    /// being shared).
    pub const unsafe fn from_raw(bytes: &'a [u8]) -> Control<'a> {
        Control { bytes }
    }

    /// The bytes (`msg_control`), `len()` of them (`msg_controllen`).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// `msg_controllen`.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there is no control data.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// A control buffer aligned for `struct cmsghdr` (8 bytes, as much as any target
/// needs), so that [`CmsgBuilder`] uses all of it: size it with
/// [`CMSG_SPACE`](crate::CMSG_SPACE), `CmsgBuffer::<{ CMSG_SPACE(4) }>::new()`.
#[repr(C, align(8))]
#[derive(Clone, Copy)]
pub struct CmsgBuffer<const N: usize>(pub [u8; N]);

const _: () = assert!(align_of::<CmsgBuffer<1>>() >= align_of::<sys::cmsghdr>());

impl<const N: usize> CmsgBuffer<N> {
    /// A zeroed buffer.
    pub const fn new() -> Self {
        CmsgBuffer([0; N])
    }
}

impl<const N: usize> Default for CmsgBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> core::ops::Deref for CmsgBuffer<N> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl<const N: usize> core::ops::DerefMut for CmsgBuffer<N> {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

/// Writes control messages of the kinds this crate knows into a caller's buffer, as C
/// code fills one with `CMSG_FIRSTHDR`/`CMSG_NXTHDR`, and hands back the [`Control`]
/// that [`MsgHdr::new`](crate::MsgHdr::new) sends.
///
/// `struct cmsghdr` must be aligned (to `size_t`): the builder starts at the first
/// aligned byte of the buffer, skipping up to 7 bytes of a misaligned one; a
/// [`CmsgBuffer`] is aligned, so nothing is skipped. Each message takes
/// `CMSG_SPACE(data)` bytes. A message that does not fit is `Err(Errno::ENOBUFS)`, and
/// leaves what was built before it as it was.
#[derive(Debug)]
pub struct CmsgBuilder<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> CmsgBuilder<'a> {
    /// A builder over `buf`, starting at its first byte aligned for `cmsghdr`.
    pub fn new(buf: &'a mut [u8]) -> CmsgBuilder<'a> {
        let skip = buf.as_ptr().align_offset(align_of::<sys::cmsghdr>());
        let skip = skip.min(buf.len());
        CmsgBuilder {
            buf: &mut buf[skip..],
            len: 0,
        }
    }

    /// One message: header, `data_len` bytes that `fill` writes (zeroed first), padding.
    fn push(
        &mut self,
        level: c_int,
        ty: c_int,
        data_len: usize,
        fill: impl FnOnce(&mut [u8]),
    ) -> Result<&mut Self> {
        let end = self
            .len
            .checked_add(CMSG_SPACE(data_len))
            .filter(|&end| end <= self.buf.len())
            .ok_or(Errno::ENOBUFS)?;
        let msg = &mut self.buf[self.len..end];
        msg.fill(0);
        let mut hdr: sys::cmsghdr = zeroed();
        hdr.cmsg_len = CMSG_LEN(data_len) as _;
        let at = offset_of!(sys::cmsghdr, cmsg_len);
        let len_bytes = hdr.cmsg_len.to_ne_bytes();
        msg[at..at + len_bytes.len()].copy_from_slice(&len_bytes);
        let at = offset_of!(sys::cmsghdr, cmsg_level);
        msg[at..at + 4].copy_from_slice(&level.to_ne_bytes());
        let at = offset_of!(sys::cmsghdr, cmsg_type);
        msg[at..at + 4].copy_from_slice(&ty.to_ne_bytes());
        fill(&mut msg[DATA..DATA + data_len]);
        self.len = end;
        Ok(self)
    }

    /// `SCM_RIGHTS`: pass these descriptors (the kernel accepts at most 253,
    /// `SCM_MAX_FD`, per message; more is its `EINVAL`).
    pub fn rights(&mut self, fds: &[BorrowedFd<'a>]) -> Result<&mut Self> {
        let data_len = fds.len().checked_mul(FD_SIZE).ok_or(Errno::ENOBUFS)?;
        self.push(sys::SOL_SOCKET, sys::SCM_RIGHTS, data_len, |data| {
            for (slot, fd) in data.chunks_exact_mut(FD_SIZE).zip(fds) {
                slot.copy_from_slice(&fd.as_raw_fd().to_ne_bytes());
            }
        })
    }

    /// `SCM_CREDENTIALS` (Linux): the `ucred` to claim; the kernel checks it (`EPERM`
    /// for a pid, uid or gid the sender may not claim).
    #[cfg(have_linux_sockopts)]
    pub fn credentials(&mut self, cred: sys::ucred) -> Result<&mut Self> {
        self.push(
            sys::SOL_SOCKET,
            sys::SCM_CREDENTIALS,
            size_of::<sys::ucred>(),
            |data| {
                put(data, offset_of!(sys::ucred, pid), &cred.pid.to_ne_bytes());
                put(data, offset_of!(sys::ucred, uid), &cred.uid.to_ne_bytes());
                put(data, offset_of!(sys::ucred, gid), &cred.gid.to_ne_bytes());
            },
        )
    }

    /// `IP_PKTINFO` (Linux): the source address (`ipi_spec_dst`) and interface
    /// (`ipi_ifindex`) of an outgoing IPv4 datagram.
    #[cfg(have_linux_sockopts)]
    pub fn ip_pktinfo(&mut self, info: sys::in_pktinfo) -> Result<&mut Self> {
        self.push(
            sys::IPPROTO_IP,
            sys::IP_PKTINFO,
            size_of::<sys::in_pktinfo>(),
            |data| {
                put(
                    data,
                    offset_of!(sys::in_pktinfo, ipi_ifindex),
                    &info.ipi_ifindex.to_ne_bytes(),
                );
                put(
                    data,
                    offset_of!(sys::in_pktinfo, ipi_spec_dst),
                    &info.ipi_spec_dst.s_addr.to_ne_bytes(),
                );
                put(
                    data,
                    offset_of!(sys::in_pktinfo, ipi_addr),
                    &info.ipi_addr.s_addr.to_ne_bytes(),
                );
            },
        )
    }

    /// `IPV6_PKTINFO` (Linux): the source address and interface of an outgoing IPv6
    /// datagram.
    #[cfg(have_linux_sockopts)]
    pub fn ipv6_pktinfo(&mut self, info: sys::in6_pktinfo) -> Result<&mut Self> {
        self.push(
            sys::IPPROTO_IPV6,
            sys::IPV6_PKTINFO,
            size_of::<sys::in6_pktinfo>(),
            |data| {
                put(
                    data,
                    offset_of!(sys::in6_pktinfo, ipi6_addr),
                    &info.ipi6_addr.s6_addr,
                );
                put(
                    data,
                    offset_of!(sys::in6_pktinfo, ipi6_ifindex),
                    &info.ipi6_ifindex.to_ne_bytes(),
                );
            },
        )
    }

    /// `IP_TTL`: the TTL of this one datagram (an `int`, 1 to 255).
    pub fn ip_ttl(&mut self, ttl: c_int) -> Result<&mut Self> {
        self.push(sys::IPPROTO_IP, sys::IP_TTL, FD_SIZE, |data| {
            data.copy_from_slice(&ttl.to_ne_bytes())
        })
    }

    /// `IP_TOS`: the TOS byte of this one datagram (sent as an `int`, as Linux takes it).
    pub fn ip_tos(&mut self, tos: c_int) -> Result<&mut Self> {
        self.push(sys::IPPROTO_IP, sys::IP_TOS, FD_SIZE, |data| {
            data.copy_from_slice(&tos.to_ne_bytes())
        })
    }

    /// The bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The messages built, for [`MsgHdr::new`](crate::MsgHdr::new); its `len()` is
    /// the `msg_controllen`.
    pub fn finish(self) -> Control<'a> {
        let CmsgBuilder { buf, len } = self;
        let buf: &'a [u8] = buf;
        Control { bytes: &buf[..len] }
    }
}

#[cfg(have_linux_sockopts)]
fn put(data: &mut [u8], at: usize, bytes: &[u8]) {
    data[at..at + bytes.len()].copy_from_slice(bytes);
}

/// A control buffer for `recvmsg`, which owns the descriptors the kernel put in it.
///
/// Invariant: `len <= buf.len()`, and `buf[..len]` is the control data the kernel
/// reported in the last successful `recvmsg` through it (`len` is 0 before the first
/// call and after a failed one). Its padding bytes (between a message's data and the
/// next `CMSG_ALIGN`ed header) the kernel does not write, so they may hold anything;
/// the walk never reads them, only headers at the kernel's own aligned offsets and
/// data within `cmsg_len`. In that data, every non-negative `int` of an `SCM_RIGHTS`
/// message is a descriptor the kernel installed in this process for that call and
/// that nothing else owns. Taking one writes `-1` over it first; dropping
/// the buffer, or the next `recvmsg` through it, closes every one not taken.
///
/// What this leans on: `recvmsg` reports in `msg_controllen` how many bytes it wrote
/// (POSIX and Linux), and `SOL_SOCKET`/`SCM_RIGHTS` messages come only from the
/// kernel's descriptor passing. Caller bytes left in `buf` by earlier use are never
/// read: only the kernel's `len` counts.
pub(crate) struct Received<'c> {
    buf: &'c mut [u8],
    len: usize,
}

impl<'c> Received<'c> {
    #[inline]
    pub(crate) fn new(buf: &'c mut [u8]) -> Received<'c> {
        Received { buf, len: 0 }
    }

    /// The bytes the kernel wrote (`msg_controllen`).
    #[inline]
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The control messages, `SCM_RIGHTS` with the descriptors it owns.
    pub(crate) fn iter(&mut self) -> ReceivedIter<'_> {
        ReceivedIter {
            rest: &mut self.buf[..self.len],
        }
    }

    /// For `recvmmsg` (`raw/mmsg.rs`): closes the descriptors not taken, then the
    /// buffer for the kernel to fill; `len` is 0 until [`set_reported`](Self::set_reported).
    #[cfg(have_mmsg)]
    #[inline]
    pub(super) fn for_kernel(&mut self) -> (*mut sys::c_void, usize) {
        if self.len != 0 {
            self.reset();
        }
        // An empty buffer's pointer is dangling but non-null, where `recvmsg` passes
        // NULL; the kernel treats both alike (length 0). Left so: the branch costs 5
        // instructions per entry (bench/icount `mmsg`).
        (self.buf.as_mut_ptr().cast(), self.buf.len())
    }

    /// For `recvmmsg`: the kernel reports writing `reported` bytes.
    ///
    /// # Safety
    ///
    /// The call just made gave the kernel the buffer [`for_kernel`](Self::for_kernel)
    /// returned, it succeeded, and `reported` is the `msg_controllen` it wrote back for
    /// this buffer: the bytes are the kernel's, as the invariant requires.
    #[cfg(have_mmsg)]
    #[inline]
    pub(super) unsafe fn set_reported(&mut self, reported: usize) {
        self.len = reported.min(self.buf.len());
    }

    /// Closes every descriptor not taken, and forgets the bytes.
    #[cold]
    #[inline(never)]
    fn reset(&mut self) {
        for cmsg in self.iter() {
            match cmsg {
                RawCmsg::Rights(fds) => fds.for_each(drop),
                #[cfg(have_linux_sockopts)]
                RawCmsg::Pidfd(fds) => fds.for_each(drop),
                RawCmsg::Other { .. } => {}
            }
        }
        self.len = 0;
    }
}

impl Drop for Received<'_> {
    #[inline]
    fn drop(&mut self) {
        // Most messages carry no control data: one compare then.
        if self.len != 0 {
            self.reset();
        }
    }
}

/// What [`ReceivedIter`] yields.
pub(crate) enum RawCmsg<'b> {
    Rights(ScmRights<'b>),
    #[cfg(have_linux_sockopts)]
    Pidfd(ScmRights<'b>),
    Other {
        level: c_int,
        ty: c_int,
        data: &'b [u8],
    },
}

pub(crate) struct ReceivedIter<'b> {
    rest: &'b mut [u8],
}

impl<'b> Iterator for ReceivedIter<'b> {
    type Item = RawCmsg<'b>;

    fn next(&mut self) -> Option<RawCmsg<'b>> {
        let rest = mem::take(&mut self.rest);
        let span = span(rest)?;
        let (this, tail) = rest.split_at_mut(span.next);
        self.rest = tail;
        let data = this.get_mut(DATA..span.end).unwrap_or_default();
        if span.level == sys::SOL_SOCKET && span.ty == sys::SCM_RIGHTS {
            return Some(RawCmsg::Rights(ScmRights { data }));
        }
        #[cfg(have_linux_sockopts)]
        if span.level == sys::SOL_SOCKET && span.ty == SCM_PIDFD {
            return Some(RawCmsg::Pidfd(ScmRights { data }));
        }
        Some(RawCmsg::Other {
            level: span.level,
            ty: span.ty,
            data,
        })
    }
}

/// The descriptors of a received `SCM_RIGHTS` message, each an [`OwnedFd`] as it is
/// taken. Those not taken close when the [`MsgHdrMut`](crate::MsgHdrMut) they came
/// in is dropped or used for the next `recvmsg`.
pub struct ScmRights<'b> {
    data: &'b mut [u8],
}

impl ScmRights<'_> {
    /// How many descriptors are left to take (an upper bound: taken slots count too
    /// until passed over).
    pub fn remaining(&self) -> usize {
        self.data.len() / FD_SIZE
    }
}

impl core::fmt::Debug for ScmRights<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut list = f.debug_list();
        for slot in self.data.chunks_exact(FD_SIZE) {
            let mut raw = [0u8; FD_SIZE];
            raw.copy_from_slice(slot);
            list.entry(&c_int::from_ne_bytes(raw));
        }
        list.finish()
    }
}

impl Iterator for ScmRights<'_> {
    type Item = OwnedFd;

    fn next(&mut self) -> Option<OwnedFd> {
        while self.data.len() >= FD_SIZE {
            let (slot, rest) = mem::take(&mut self.data).split_at_mut(FD_SIZE);
            self.data = rest;
            let mut raw = [0u8; FD_SIZE];
            raw.copy_from_slice(slot);
            slot.copy_from_slice(&(-1 as c_int).to_ne_bytes());
            let fd = c_int::from_ne_bytes(raw);
            if fd >= 0 {
                // SAFETY: a `ScmRights` exists only over the data of an `SCM_RIGHTS`
                // (or `SCM_PIDFD`) message among the bytes the kernel wrote in the last successful
                // `recvmsg` into a `Received` (its invariant): `fd` is a descriptor
                // the kernel installed for this process in that call. No one owns it
                // yet: a slot is overwritten with -1 (just above) before its
                // descriptor is handed out, so it is handed out once.
                return Some(unsafe { OwnedFd::from_raw_fd(fd) });
            }
        }
        None
    }
}

/// An empty address storage for `recvmsg` to fill.
///
/// Built field by field: as one aggregate (`Storage { bytes: uninit, len: 0 }`) the
/// compiler folds it into an all-zero constant and writes out all 128 bytes.
#[inline]
pub(crate) fn empty_storage() -> Storage {
    let mut storage = MaybeUninit::<Storage>::uninit();
    // SAFETY: `len` is written through a raw pointer to the field, without a
    // reference to the uninitialised whole; `bytes` is a `MaybeUninit`, valid
    // uninitialised, and the padding needs nothing. So the storage is a valid
    // `Storage` with `len` 0, which keeps its invariant (no byte initialised).
    unsafe {
        core::ptr::addr_of_mut!((*storage.as_mut_ptr()).len).write(0);
        storage.assume_init()
    }
}

/// A control buffer's pointer as C passes it: `NULL` when there is no control data
/// (an empty slice's pointer is a dangling non-null one, which an `LD_PRELOAD` shim
/// would see where C shows `NULL`).
#[inline(always)]
fn non_null_or_null(ptr: *mut u8, len: usize) -> *mut sys::c_void {
    if len == 0 {
        core::ptr::null_mut()
    } else {
        ptr.cast()
    }
}

/// A `struct msghdr` of these fields, `msg_flags` 0. A length cut by `as _` to a
/// narrower field (musl's `int msg_iovlen`, `socklen_t msg_controllen`) only makes
/// the kernel use less.
#[inline(always)]
fn msghdr(
    name: *mut sys::c_void,
    namelen: sys::socklen_t,
    iov: *mut sys::iovec,
    iovlen: usize,
    control: *mut sys::c_void,
    controllen: usize,
) -> sys::msghdr {
    // glibc's fields are all public: filled in one go, no zeroing first.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        sys::msghdr {
            msg_name: name,
            msg_namelen: namelen,
            msg_iov: iov,
            msg_iovlen: iovlen as _,
            msg_control: control,
            msg_controllen: controllen as _,
            msg_flags: 0,
        }
    }
    // Elsewhere a `msghdr` may have private padding fields: zeroed, then filled.
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        // SAFETY: all-zero bytes are a valid `msghdr` (integers and null pointers).
        let mut msg: sys::msghdr = unsafe { mem::zeroed() };
        msg.msg_name = name;
        msg.msg_namelen = namelen;
        msg.msg_iov = iov;
        msg.msg_iovlen = iovlen as _;
        msg.msg_control = control;
        msg.msg_controllen = controllen as _;
        msg
    }
}

/// `sendmsg(fd, &msg, flags)` with `msg` made of the parts.
#[inline]
pub(crate) fn sendmsg(
    fd: BorrowedFd<'_>,
    name: Option<&Storage>,
    iov: &[IoSlice<'_>],
    control: Control<'_>,
    flags: c_int,
) -> Result<usize> {
    let (name, namelen) = match name {
        Some(name) => (name.as_ptr().cast_mut().cast(), name.len()),
        None => (core::ptr::null_mut(), 0),
    };
    // An empty control slice passes its dangling pointer with length 0, which the
    // kernel never follows.
    let msg = msghdr(
        name,
        namelen,
        iov.as_ptr().cast_mut().cast(),
        iov.len(),
        non_null_or_null(control.bytes.as_ptr().cast_mut(), control.bytes.len()),
        control.bytes.len(),
    );
    // SAFETY: the kernel reads `msg` and, through it, only memory it may read: the
    // name's first `len()` bytes (initialised, by `Storage`'s invariant); `iov`, whose
    // `IoSlice`s std guarantees to be ABI-compatible with `struct iovec` on Unix, each
    // naming a borrowed readable `&[u8]`; the control bytes, which `Control` vouches
    // name no other memory and only descriptors the sender may pass. (A length cut by
    // `as _` on a narrower field only makes the kernel read less.) It writes nothing.
    cvt_len(unsafe { sys::sendmsg(fd.as_raw_fd(), &msg, flags) })
}

/// `recvmsg(fd, &msg, flags)`: the byte count; the peer address into `name`, the
/// control messages into `control` (whose earlier descriptors are closed first), the
/// returned `msg_flags` into `out_flags`. On failure `name` and `control` are empty
/// and `out_flags` is 0.
#[inline]
pub(crate) fn recvmsg(
    fd: BorrowedFd<'_>,
    iov: &mut [IoSliceMut<'_>],
    name: &mut Storage,
    control: &mut Received<'_>,
    out_flags: &mut c_int,
    flags: c_int,
) -> Result<usize> {
    // Before the kernel overwrites the buffer: the descriptors of the last call that
    // were not taken are closed, and `len` is 0 should this call fail.
    if control.len != 0 {
        control.reset();
    }
    let mut msg = msghdr(
        name.bytes.as_mut_ptr().cast(),
        STORAGE_LEN,
        iov.as_mut_ptr().cast(),
        iov.len(),
        non_null_or_null(control.buf.as_mut_ptr(), control.buf.len()),
        control.buf.len(),
    );
    // SAFETY: the kernel writes only through `msg`: at most `msg_namelen` (the
    // storage's size) bytes of the name, into the storage; into each buffer of `iov`
    // (std guarantees `IoSliceMut` is ABI-compatible with `struct iovec` on Unix),
    // each a borrowed writable `&mut [u8]`, at most its length; at most
    // `msg_controllen` bytes of control data into `control.buf`, which it owns
    // mutably; and `msg`'s own fields. Any bytes are valid for all of them.
    let n = match cvt_len(unsafe { sys::recvmsg(fd.as_raw_fd(), &mut msg, flags) }) {
        Ok(n) => n,
        Err(e) => {
            name.len = 0;
            *out_flags = 0;
            return Err(e);
        }
    };
    // The kernel wrote `min(len in, len out)` bytes of the address and reported
    // `len out`: cut to the storage to keep `Storage`'s invariant.
    name.len = msg.msg_namelen.min(STORAGE_LEN);
    // The control bytes the kernel wrote, and only those: `Received`'s invariant.
    // (`size_t` on glibc, `socklen_t` on musl.)
    #[allow(clippy::unnecessary_cast)]
    let reported = msg.msg_controllen as usize;
    control.len = reported.min(control.buf.len());
    *out_flags = msg.msg_flags;
    Ok(n)
}
