//! `sendmsg` and `recvmsg`, and the two control buffers around them: the one the
//! builder fills with the kinds this crate vets ([`Control`]), and the one the kernel
//! fills, which owns the descriptors in it ([`MsgHdrMut`]), and the `struct msghdr`s
//! that [`MsgHdr`] and [`MsgHdrMut`] are.
//!
//! The walk over control messages is safe code over byte slices: every header is
//! copied out of a bounds-checked slice (`read_unaligned`), every offset is checked,
//! and the walk stops at a `cmsg_len` smaller than the header or past the bytes.

use core::marker::PhantomData;
use core::mem::{self, align_of, offset_of, size_of, MaybeUninit};
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};
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

// Invariant: `rest` is the control bytes of a `MsgHdrMut` (or its receive entry)
// from `at` on, where `at` is 0 or `done` (see `MsgHdrMut`'s invariant: an offset the
// walk from 0 reaches), and every `SCM_RIGHTS`/`SCM_PIDFD` message in `rest` holds
// descriptors that the `MsgHdrMut` owns. Only `new` and `close_untaken` make one.
pub(crate) struct ReceivedIter<'b> {
    rest: &'b mut [u8],
    /// Where `rest` starts in the control bytes (0, or the `done` it started from).
    at: usize,
    /// The control bytes' [`Recv::done`].
    done: &'b AtomicUsize,
}

impl<'b> ReceivedIter<'b> {
    /// A walk over control bytes the kernel wrote, from their start.
    ///
    /// # Safety
    ///
    /// `rest` is the control bytes the kernel wrote in the last successful call
    /// through a `MsgHdrMut` (or an entry of one), as its invariant says: the walk
    /// hands out as `OwnedFd`s the descriptors of its `SCM_RIGHTS` messages. `done`
    /// is that `MsgHdrMut`'s count of the leading bytes that hold no descriptor.
    #[inline]
    pub(super) unsafe fn new(rest: &'b mut [u8], done: &'b AtomicUsize) -> ReceivedIter<'b> {
        ReceivedIter { rest, at: 0, done }
    }
}

/// Extends the count of leading control bytes that hold no descriptor left (`done`)
/// past the message at `start..end`, once nothing before it holds one either. A
/// message passed over before the count reached it leaves the count where it is,
/// and the drop walks from there: counting too little costs a walk, never a
/// descriptor.
#[inline(always)]
fn passed(done: &AtomicUsize, start: usize, end: usize) {
    if done.load(Relaxed) == start {
        done.store(end, Relaxed);
    }
}

impl<'b> Iterator for ReceivedIter<'b> {
    type Item = RawCmsg<'b>;

    #[inline]
    fn next(&mut self) -> Option<RawCmsg<'b>> {
        let rest = mem::take(&mut self.rest);
        let span = span(rest)?;
        let (this, tail) = rest.split_at_mut(span.next);
        self.rest = tail;
        let start = self.at;
        self.at = start + span.next;
        let data = this.get_mut(DATA..span.end).unwrap_or_default();
        let rights = |data| ScmRights {
            data,
            start,
            end: start + span.next,
            done: self.done,
        };
        if span.level == sys::SOL_SOCKET && span.ty == sys::SCM_RIGHTS {
            return Some(RawCmsg::Rights(rights(data)));
        }
        #[cfg(have_linux_sockopts)]
        if span.level == sys::SOL_SOCKET && span.ty == SCM_PIDFD {
            return Some(RawCmsg::Pidfd(rights(data)));
        }
        passed(self.done, start, self.at);
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
    /// Where this message lies in the control bytes, for [`passed`] once every
    /// descriptor is taken.
    start: usize,
    end: usize,
    done: &'b AtomicUsize,
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

    #[inline]
    fn next(&mut self) -> Option<OwnedFd> {
        while self.data.len() >= FD_SIZE {
            let (slot, rest) = mem::take(&mut self.data).split_at_mut(FD_SIZE);
            self.data = rest;
            if self.data.len() < FD_SIZE {
                // The last slot: once it is taken (below), none of the message's
                // descriptors is left for the drop to close.
                passed(self.done, self.start, self.end);
            }
            let mut raw = [0u8; FD_SIZE];
            raw.copy_from_slice(slot);
            slot.copy_from_slice(&(-1 as c_int).to_ne_bytes());
            let fd = c_int::from_ne_bytes(raw);
            if fd >= 0 {
                // SAFETY: a `ScmRights` exists only over the data of an `SCM_RIGHTS`
                // (or `SCM_PIDFD`) message among the control bytes the kernel wrote
                // in the last successful call through a `MsgHdrMut` (or a receive
                // entry holding its state), found by a walk from 0 or from `done`,
                // which is where a walk from 0 goes (`ReceivedIter`'s and
                // `MsgHdrMut`'s invariants): `fd` is a descriptor
                // the kernel installed for this process in that call. No one owns it
                // yet: a slot is overwritten with -1 (just above) before its
                // descriptor is handed out, so it is handed out once.
                return Some(unsafe { OwnedFd::from_raw_fd(fd) });
            }
        }
        None
    }
}

/// The largest value of a `struct msghdr` length field's type, for [`clamped`].
pub(crate) trait LenField: TryFrom<usize> + Copy {
    const MAX: Self;
}
impl LenField for usize {
    const MAX: usize = usize::MAX;
}
impl LenField for c_int {
    const MAX: c_int = c_int::MAX;
}
impl LenField for u32 {
    const MAX: u32 = u32::MAX;
}

/// `n` in a length field whose type may be narrower than `usize` (musl's and the
/// BSDs' `int msg_iovlen`, `socklen_t msg_controllen`): cut to its largest value,
/// which only makes the kernel use less, and never wraps to a negative count that a
/// read-back (`iov()`) would turn into a slice length. On glibc, where the fields are
/// `size_t`, it is no code.
#[inline(always)]
pub(crate) fn clamped<T: LenField>(n: usize) -> T {
    T::try_from(n).unwrap_or(T::MAX)
}

/// A length field read back as `usize` (`size_t` on glibc; `int` or `socklen_t`
/// elsewhere, never negative here: set by [`clamped`] or by the kernel's count).
#[inline(always)]
fn field_len<T: TryInto<usize>>(n: T) -> usize {
    n.try_into().unwrap_or(0)
}

/// A `struct msghdr` with every field zero or null.
#[inline(always)]
fn zeroed_msghdr() -> sys::msghdr {
    // glibc's fields are all public: filled in one go, no zeroing first.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        sys::msghdr {
            msg_name: core::ptr::null_mut(),
            msg_namelen: 0,
            msg_iov: core::ptr::null_mut(),
            msg_iovlen: 0,
            msg_control: core::ptr::null_mut(),
            msg_controllen: 0,
            msg_flags: 0,
        }
    }
    // Elsewhere a `msghdr` may have private padding fields.
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        // SAFETY: all-zero bytes are a valid `msghdr` (integers and null pointers).
        unsafe { mem::zeroed() }
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

/// The message [`sendmsg`](crate::sendmsg) sends: C's `struct msghdr`, exactly, made
/// of borrowed parts, so that the call passes it as it is.
///
/// ```c
/// struct msghdr msg = { .msg_name = &addr, .msg_namelen = sizeof addr,
///                       .msg_iov = iov, .msg_iovlen = 2,
///                       .msg_control = buf, .msg_controllen = len };
/// ```
// Invariant: `msg_name`/`msg_namelen` are null/0 or the bytes of a `&'a Storage`
// (`msg_namelen` its `len()`, all initialised); `msg_iov`/`msg_iovlen` a
// `&'a [IoSlice<'a>]` (the length possibly cut by `clamped`); `msg_control`/
// `msg_controllen` null/0 or the bytes of a `Control<'a>`; `msg_flags` 0. Nothing
// changes them after `from_parts`: the fields are private, and the kernel writes
// none of a message it sends.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct MsgHdr<'a> {
    pub(super) hdr: sys::msghdr,
    _parts: PhantomData<(&'a Storage, &'a [IoSlice<'a>], Control<'a>)>,
}

impl<'a> MsgHdr<'a> {
    /// The message of these parts (see the invariant).
    #[inline]
    pub(crate) fn from_parts(
        name: Option<&'a Storage>,
        iov: &'a [IoSlice<'a>],
        control: Control<'a>,
    ) -> MsgHdr<'a> {
        let mut hdr = zeroed_msghdr();
        if let Some(name) = name {
            hdr.msg_name = name.as_ptr().cast_mut().cast();
            hdr.msg_namelen = name.len();
        }
        hdr.msg_iov = iov.as_ptr().cast_mut().cast();
        hdr.msg_iovlen = clamped(iov.len());
        hdr.msg_control = non_null_or_null(control.bytes.as_ptr().cast_mut(), control.bytes.len());
        hdr.msg_controllen = clamped(control.bytes.len());
        MsgHdr {
            hdr,
            _parts: PhantomData,
        }
    }

    /// The C struct, for `sendmmsg`'s entries.
    #[cfg(have_mmsg)]
    #[inline(always)]
    pub(crate) fn as_raw(&self) -> &sys::msghdr {
        &self.hdr
    }

    /// The message a `sendmmsg` entry holds.
    ///
    /// # Safety
    ///
    /// `hdr` is a copy of a `MsgHdr<'a>`'s `msghdr` (an `MMsgHdr<'a>`'s), so that
    /// `MsgHdr`'s invariant holds for it.
    #[cfg(have_mmsg)]
    #[inline(always)]
    pub(crate) unsafe fn from_raw_ref<'s>(hdr: &'s sys::msghdr) -> &'s MsgHdr<'a> {
        // SAFETY: `MsgHdr` is `repr(transparent)` over `msghdr` (its other field is a
        // zero-sized `PhantomData`), and the caller vouches that its invariant holds.
        unsafe { &*core::ptr::from_ref(hdr).cast::<MsgHdr<'a>>() }
    }

    /// The address bytes (`msg_name`, `msg_namelen` of them), empty for none.
    pub(crate) fn name_bytes(&self) -> &'a [u8] {
        let h = &self.hdr;
        if h.msg_name.is_null() {
            return &[];
        }
        // SAFETY: the invariant: a non-null `msg_name` is a `&'a Storage`'s bytes, of
        // which `msg_namelen` (its `len()`) are initialised.
        unsafe { core::slice::from_raw_parts(h.msg_name.cast::<u8>(), h.msg_namelen as usize) }
    }

    /// The buffers (`msg_iov`).
    pub(crate) fn iov(&self) -> &'a [IoSlice<'a>] {
        let h = &self.hdr;
        // SAFETY: the invariant: `msg_iov` and `msg_iovlen` are a borrowed
        // `&'a [IoSlice<'a>]`'s pointer and (possibly cut) length, never negative.
        unsafe {
            core::slice::from_raw_parts(h.msg_iov.cast::<IoSlice<'a>>(), field_len(h.msg_iovlen))
        }
    }

    /// `msg_controllen`.
    pub(crate) fn controllen(&self) -> usize {
        field_len(self.hdr.msg_controllen)
    }
}

// SAFETY: a `MsgHdr<'a>` is, but for its layout, the borrows its `PhantomData` names
// (a `&Storage`, a `&[IoSlice]`, a `Control`), all `Send` and `Sync`: its raw
// pointers are those borrows, and nothing reaches them but reads.
unsafe impl Send for MsgHdr<'_> {}
// SAFETY: as above.
unsafe impl Sync for MsgHdr<'_> {}

/// The message [`recvmsg`](crate::recvmsg) fills: C's `struct msghdr` over the
/// caller's buffers and control buffer, the `sockaddr_storage` its `msg_name` points
/// to, and the control buffer's size.
///
/// After a successful `recvmsg`, [`name`](MsgHdrMut::name), [`flags`](MsgHdrMut::flags)
/// and [`cmsgs`](MsgHdrMut::cmsgs) tell what came, read from the fields the kernel
/// wrote (`msg_namelen`, `msg_flags`, `msg_controllen`), as C reads them. Every
/// descriptor the kernel passed (`SCM_RIGHTS`) is owned by this value until taken as
/// an [`OwnedFd`] from the [`ScmRights`] iterator: those not taken are closed when it
/// is dropped or used for the next `recvmsg`, so none leaks, even from a message
/// never looked at or cut short (`MSG_CTRUNC`: the kernel installs only the
/// descriptors that fit).
///
/// The control buffer may have any alignment: the messages are copied out of it.
/// Only the bytes the kernel reports writing are read; whatever the buffer held
/// before is ignored.
// Invariant, outside the raw calls that pass `hdr` to the kernel:
// - `msg_iov`/`msg_iovlen`: the `&'a mut [IoSliceMut<'b>]` given to `from_parts`
//   (`'b` outliving `'a`; the length possibly cut by `clamped`), read back only
//   through `&` as `[IoSliceMut<'a>]`, which the covariance of `IoSliceMut` allows
//   only because nothing ever writes an `IoSliceMut` into `msg_iov` (no `&mut`
//   access to the array may be added); `msg_control`: the start of the
//   `&'c mut [u8]` given, of `cap` bytes, or null when `cap` is 0. Never changed
//   (the kernel writes none of them).
// - `msg_name`: scratch, pointed at `name` just before each call (the value may move
//   between calls); read only by the kernel.
// - `msg_namelen`: the address length the kernel reported in the last successful
//   call through this value (0 before one, after a failed one); the first
//   `min(msg_namelen, STORAGE_LEN)` bytes of `name` are initialised (the kernel
//   writes `min(len in, len out)` bytes and reports `len out`).
// - `msg_controllen`: the control bytes the kernel reported writing in the last
//   successful call through this value, or 0 (before one, after a failed one, and
//   and equal to a receive entry's count while one borrows this value; `recvmmsg`
//   keeps the two equal). The first `min(msg_controllen, cap)`
//   bytes of the control buffer are what the kernel wrote. Their padding the kernel
//   does not write, so it may hold anything; the walk reads only headers at the
//   kernel's own aligned offsets and data within `cmsg_len`. In that data every
//   non-negative `int` of a `SOL_SOCKET`/`SCM_RIGHTS` (or `SCM_PIDFD`) message is a
//   descriptor the kernel installed in this process in that call and that nothing
//   else owns; taking one writes -1 over it first.
// - `msg_flags`: the last successful call's, or 0.
// - `c.done`: at most `min(msg_controllen, cap)`, 0 when the count is 0, and an
//   offset that the walk from 0 (`CMSG_NXTHDR`'s chain, as `span` follows it) reaches
//   in the current control bytes: a message's start, or the walk's end. The messages
//   before it hold no descriptor (each slot -1, or no `SCM_RIGHTS`/`SCM_PIDFD`
//   message). Soundness leans on its being such an offset: a walk started inside a
//   message would read data bytes as a header and could close an `int` nobody was
//   given. It is one because only `passed` moves it, to the end of a message that a
//   walk from 0 (or from `done`) reached, and the headers never change while it is not
//   0 (taking a slot rewrites only the slot). It goes back to 0 whenever the count does
//   (`close_untaken`), before every call that lets the kernel write the bytes again.
//   Which such offset it is decides only what the drop walks: one that counts too
//   little costs a walk, never a descriptor; none counts too much (a message's end
//   is recorded only once every descriptor before it is taken). Receive entries
//   (`MMsgHdrMut`) read and extend their `MsgHdrMut`'s `done`: both count the same
//   bytes.
//
// What this leans on: `recvmsg` reports in `msg_controllen` how many bytes it wrote
// (POSIX and Linux), and `SOL_SOCKET`/`SCM_RIGHTS` messages come only from the
// kernel's descriptor passing. A call that fails after the kernel installed
// descriptors (an `EFAULT` or `ENOMEM` in its last steps, which valid buffers do not
// meet) reports none, so they leak, as they would in C.
pub struct MsgHdrMut<'a, 'c> {
    pub(super) c: Recv<'c>,
    pub(super) name: MaybeUninit<sys::sockaddr_storage>,
    _iov: PhantomData<&'a mut [IoSliceMut<'a>]>,
}

/// The `msghdr` of a [`MsgHdrMut`] and its control buffer's size: the part that owns
/// the descriptors received, apart so that only the control buffer's borrow must
/// outlive it (the data buffers can be read once `recvmsg` returns, as in C, while
/// the `MsgHdrMut` still lives).
pub(crate) struct Recv<'c> {
    pub(super) hdr: sys::msghdr,
    pub(super) cap: usize,
    /// How many of the control bytes, from their start, hold no descriptor left to
    /// close: whole messages, each passed over by the walk with nothing to own or
    /// all its descriptors taken. The drop walks only the rest. At most the count
    /// the kernel reported, and 0 when that is 0. (An atomic, so that the
    /// [`ScmRights`] of one walk, which may go to other threads, can each extend
    /// it; only ever read or written with plain loads and stores.)
    pub(super) done: AtomicUsize,
    _control: PhantomData<&'c mut [u8]>,
}

/// Where `name` lies in a `MsgHdrMut`: `recvmmsg`'s entries find their `MsgHdrMut`
/// from their `msg_name` by it. (Lifetimes do not change a layout.)
#[cfg(have_mmsg)]
pub(crate) const NAME_OFFSET: usize = offset_of!(MsgHdrMut<'static, 'static>, name);

impl<'a, 'c> MsgHdrMut<'a, 'c> {
    /// Empty: no address, no control data, flags 0 (see the invariant).
    ///
    /// The buffers may live longer than the borrow of their array (`'b`), as in
    /// `Read::read_vectored`'s `&mut [IoSliceMut<'_>]`: a `&mut` of the array cannot
    /// be shortened to `&'a mut [IoSliceMut<'a>]` (a `&mut` is invariant in what it
    /// points to), and no `IoSliceMut` is ever written into the array here.
    #[inline]
    pub(crate) fn from_parts<'b: 'a>(iov: &'a mut [IoSliceMut<'b>], control: &'c mut [u8]) -> Self {
        let mut hdr = zeroed_msghdr();
        hdr.msg_iov = iov.as_mut_ptr().cast();
        hdr.msg_iovlen = clamped(iov.len());
        hdr.msg_control = non_null_or_null(control.as_mut_ptr(), control.len());
        MsgHdrMut {
            c: Recv {
                hdr,
                cap: control.len(),
                done: AtomicUsize::new(0),
                _control: PhantomData,
            },
            name: MaybeUninit::uninit(),
            _iov: PhantomData,
        }
    }

    /// The peer's address as the last call reported it, if any.
    #[inline]
    pub(crate) fn name_storage(&self) -> Option<Storage> {
        // SAFETY: the invariant: `msg_namelen` covers initialised bytes of `name`.
        unsafe { name_of(&self.name, self.c.hdr.msg_namelen) }
    }

    /// `msg_flags` of the last call.
    #[inline]
    pub(crate) fn raw_flags(&self) -> c_int {
        self.c.hdr.msg_flags
    }

    /// The buffers (`msg_iov`).
    pub(crate) fn iov(&self) -> &[IoSliceMut<'a>] {
        // SAFETY: the invariant: the pointer and (possibly cut) length of the
        // `&'a mut [IoSliceMut<'b>]` this value borrows (`'b` outliving `'a`), read
        // through `&self` as the shorter-lived `IoSliceMut<'a>`.
        unsafe { iov_of(&self.c.hdr) }
    }

    /// The control bytes the kernel wrote in the last call.
    #[inline]
    pub(crate) fn control_bytes(&self) -> &[u8] {
        // SAFETY: the invariant: `msg_control` is the control buffer this value
        // borrows mutably, of `cap` bytes, read through `&self`.
        unsafe { control_of(&self.c.hdr, self.c.cap) }
    }

    /// The control messages, `SCM_RIGHTS` with the descriptors it owns.
    #[inline]
    pub(crate) fn control_iter(&mut self) -> ReceivedIter<'_> {
        // SAFETY: as in `control_bytes`, written through `&mut self`: by the invariant,
        // the control bytes the kernel wrote in the last call, whose descriptors this
        // value owns.
        unsafe { ReceivedIter::new(control_of_mut(&mut self.c.hdr, self.c.cap), &self.c.done) }
    }
}

/// The address `namelen` reports in `name`, `None` for 0.
///
/// # Safety
///
/// The first `min(namelen, STORAGE_LEN)` bytes of `name` are initialised (the
/// `MsgHdrMut` invariant): they become a `Storage` of that length.
#[inline]
pub(super) unsafe fn name_of(
    name: &MaybeUninit<sys::sockaddr_storage>,
    namelen: sys::socklen_t,
) -> Option<Storage> {
    match namelen {
        0 => None,
        len => Some(Storage {
            bytes: *name,
            len: len.min(STORAGE_LEN),
        }),
    }
}

/// `hdr`'s buffers.
///
/// # Safety
///
/// `hdr` is a `MsgHdrMut`'s (or a receive entry's copy of one), whose invariant holds:
/// its `msg_iov`/`msg_iovlen` are a live `&mut [IoSliceMut]`, not used elsewhere for
/// the borrow of `hdr`.
pub(super) unsafe fn iov_of<'x, 'a>(hdr: &'x sys::msghdr) -> &'x [IoSliceMut<'a>] {
    let len = field_len(hdr.msg_iovlen);
    // SAFETY: the caller's contract (an empty slice's pointer is non-null too).
    unsafe { core::slice::from_raw_parts(hdr.msg_iov.cast::<IoSliceMut<'a>>(), len) }
}

/// The control bytes `hdr` reports, within the buffer of `cap` bytes.
///
/// # Safety
///
/// `hdr` and `cap` are a `MsgHdrMut`'s (or a receive entry's copy of its `msghdr`, and
/// the `MsgHdrMut`'s `cap`), whose invariant holds: `msg_control` is null with `cap`
/// 0, or the start of a `cap`-byte buffer borrowed mutably by that `MsgHdrMut` and
/// used by no one else for the borrow of `hdr`.
#[inline]
pub(super) unsafe fn control_of(hdr: &sys::msghdr, cap: usize) -> &[u8] {
    let len = field_len(hdr.msg_controllen).min(cap);
    if len == 0 {
        return &[];
    }
    // SAFETY: the caller's contract; `len` is at most `cap` and not 0, so the pointer
    // is not null.
    unsafe { core::slice::from_raw_parts(hdr.msg_control.cast::<u8>(), len) }
}

/// As [`control_of`], writable.
///
/// # Safety
///
/// As [`control_of`].
#[inline]
pub(super) unsafe fn control_of_mut(hdr: &mut sys::msghdr, cap: usize) -> &mut [u8] {
    let len = field_len(hdr.msg_controllen).min(cap);
    if len == 0 {
        return &mut [];
    }
    // SAFETY: as in `control_of`, through `&mut`.
    unsafe { core::slice::from_raw_parts_mut(hdr.msg_control.cast::<u8>(), len) }
}

/// Closes every descriptor not taken from `hdr`'s control bytes (those past the
/// first `done`, which hold none), and forgets them (`msg_controllen` and `done` 0).
///
/// # Safety
///
/// As [`control_of`] (`hdr` is the `MsgHdrMut`'s, or its receive entry's, which
/// counts the same bytes); `done` is that `MsgHdrMut`'s, so by its invariant 0 or an
/// offset the walk from 0 reaches in those bytes, with no descriptor before it.
#[cold]
#[inline(never)]
pub(super) unsafe fn close_untaken(hdr: &mut sys::msghdr, cap: usize, done: &mut AtomicUsize) {
    // SAFETY: the caller's contract.
    let all = unsafe { control_of_mut(hdr, cap) };
    let at = *done.get_mut();
    let rest = all.get_mut(at..).unwrap_or_default();
    for cmsg in (ReceivedIter {
        rest,
        at,
        done: &*done,
    }) {
        match cmsg {
            RawCmsg::Rights(fds) => fds.for_each(drop),
            #[cfg(have_linux_sockopts)]
            RawCmsg::Pidfd(fds) => fds.for_each(drop),
            RawCmsg::Other { .. } => {}
        }
    }
    hdr.msg_controllen = 0;
    *done.get_mut() = 0;
}

impl Drop for Recv<'_> {
    #[inline]
    fn drop(&mut self) {
        // Most messages carry no control data: one test of the count the kernel
        // wrote (0 for a call without a control buffer; `close_untaken` cuts it to
        // `cap` anyway). When the walk took every descriptor, `close_untaken` finds
        // nothing past `done` (tested there, out of line, so that the usual path
        // keeps its one test).
        if self.hdr.msg_controllen != 0 {
            self.drop_control();
        }
    }
}

impl Recv<'_> {
    /// The drop's walk, when the kernel wrote control bytes: none when the walk
    /// took every descriptor (`done` reached the count), the usual case for a
    /// program that reads its `SCM_RIGHTS`. Out of line, so that the drop of a
    /// message without control data stays one test; not cold, so that the test
    /// of `done` costs a call, not a cold function's register saves.
    #[inline(never)]
    fn drop_control(&mut self) {
        // The count as the kernel reported it, not cut to the buffer (3 instructions
        // more): a count past `cap`, which no kernel reports (a shim might), never
        // matches `done`, so such a drop makes `close_untaken`'s walk, which finds
        // nothing past `done`. Slower, never wrong.
        if field_len(self.hdr.msg_controllen) > *self.done.get_mut() {
            // SAFETY: `self` is a `MsgHdrMut`'s, whose invariant holds (`recvmmsg`
            // keeps the count equal to its entry's after every call).
            unsafe { close_untaken(&mut self.hdr, self.cap, &mut self.done) };
        }
    }
}

// SAFETY: a `MsgHdrMut<'a, 'c>` is, but for its layout, the borrows its `PhantomData`
// names (`&mut [IoSliceMut]`, `&mut [u8]`, both `Send` and `Sync`), an address
// storage (bytes), the descriptors it owns (`OwnedFd`s, `Send` and `Sync`) and the
// walk's `done` (an `AtomicUsize`, `Send` and `Sync`): its raw pointers are those
// borrows, and through `&self` they are only read.
unsafe impl Send for MsgHdrMut<'_, '_> {}
// SAFETY: as above.
unsafe impl Sync for MsgHdrMut<'_, '_> {}

/// `sendmsg(fd, &msg, flags)`.
#[inline]
pub(crate) fn sendmsg(fd: BorrowedFd<'_>, msg: &MsgHdr<'_>, flags: c_int) -> Result<usize> {
    // SAFETY: the kernel reads `msg.hdr` and, through it, only memory it may read
    // (`MsgHdr`'s invariant): the name's initialised bytes; `iov`, whose `IoSlice`s std
    // guarantees to be ABI-compatible with `struct iovec` on Unix, each naming a
    // borrowed readable `&[u8]`; the control bytes, which `Control` vouches name no
    // other memory and only descriptors the sender may pass. It writes nothing.
    cvt_len(unsafe { sys::sendmsg(fd.as_raw_fd(), &msg.hdr, flags) })
}

/// `recvmsg(fd, &msg, flags)`: the byte count; the address, control bytes and flags
/// the kernel reported stay in `msg` (see its invariant). Descriptors untaken from
/// the last call through `msg` are closed first.
#[inline]
pub(crate) fn recvmsg(
    fd: BorrowedFd<'_>,
    msg: &mut MsgHdrMut<'_, '_>,
    flags: c_int,
) -> Result<usize> {
    if msg.c.cap != 0 {
        if msg.c.hdr.msg_controllen != 0 {
            // SAFETY: the invariant of `msg`.
            unsafe { close_untaken(&mut msg.c.hdr, msg.c.cap, &mut msg.c.done) };
        }
        msg.c.hdr.msg_controllen = clamped(msg.c.cap);
    }
    msg.c.hdr.msg_name = msg.name.as_mut_ptr().cast();
    msg.c.hdr.msg_namelen = STORAGE_LEN;
    // SAFETY: the kernel writes only through `msg.c.hdr`: at most `msg_namelen` (the
    // storage's size) bytes of the name, into `msg.name`; into each buffer of
    // `msg_iov` (std guarantees `IoSliceMut` is ABI-compatible with `struct iovec`),
    // each a borrowed writable `&mut [u8]`, at most its length; at most
    // `msg_controllen` (at most `cap`) bytes into the control buffer `msg` borrows
    // mutably; and `msg.c.hdr`'s own fields. Any bytes are valid for all of them.
    let ret = cvt_len(unsafe { sys::recvmsg(fd.as_raw_fd(), &mut msg.c.hdr, flags) });
    if ret.is_err() {
        // The kernel reports nothing on failure: back to the invariant's "none".
        msg.c.hdr.msg_namelen = 0;
        msg.c.hdr.msg_controllen = 0;
        msg.c.hdr.msg_flags = 0;
    }
    ret
}

/// `sendmsg` of only the first `n` bytes of `msg`'s buffers: an injected short write
/// (feature `fault`), the real call with a shorter `msg_iov`.
#[cfg(feature = "fault")]
pub(crate) fn sendmsg_prefix(
    fd: BorrowedFd<'_>,
    msg: &MsgHdr<'_>,
    flags: c_int,
    n: usize,
) -> Result<usize> {
    let mut left = n;
    let mut cut: Vec<IoSlice<'_>> = Vec::new();
    for buf in msg.iov() {
        if left == 0 {
            break;
        }
        let take = buf.len().min(left);
        cut.push(IoSlice::new(&buf[..take]));
        left -= take;
    }
    let mut hdr = msg.hdr;
    hdr.msg_iov = cut.as_ptr().cast_mut().cast();
    hdr.msg_iovlen = clamped(cut.len());
    // SAFETY: as in `sendmsg`: `hdr` is `msg`'s header with `msg_iov` replaced by
    // `cut`, which lives across the call and whose `IoSlice`s (ABI-compatible with
    // `struct iovec`) name prefixes of the buffers `msg` borrows; the kernel only
    // reads through it.
    cvt_len(unsafe { sys::sendmsg(fd.as_raw_fd(), &hdr, flags) })
}

/// `recvmsg` asking for at most `n` bytes in all: an injected short read or
/// truncation (feature `fault`), the real call with a shorter `msg_iov`. `msg` keeps
/// its own buffers afterwards.
#[cfg(feature = "fault")]
pub(crate) fn recvmsg_prefix(
    fd: BorrowedFd<'_>,
    msg: &mut MsgHdrMut<'_, '_>,
    flags: c_int,
    n: usize,
) -> Result<usize> {
    let (iov, iovlen) = (msg.c.hdr.msg_iov, msg.c.hdr.msg_iovlen);
    // SAFETY: the invariant of `msg`: `msg_iov` and `msg_iovlen` are the pointer and
    // the (possibly `clamped`) length, at most the array's, of the `IoSliceMut` array
    // it borrows mutably, ABI-compatible with `struct iovec`; it is read here, not
    // written, and the copies keep the pointers' write provenance (from the caller's
    // `&mut [u8]`s).
    let whole: &[sys::iovec] = unsafe { core::slice::from_raw_parts(iov, field_len(iovlen)) };
    let mut left = n;
    let mut cut: Vec<sys::iovec> = Vec::new();
    for entry in whole {
        if left == 0 {
            break;
        }
        let take = entry.iov_len.min(left);
        cut.push(sys::iovec {
            iov_base: entry.iov_base,
            iov_len: take,
        });
        left -= take;
    }
    // For the call, and only for it, `msg_iov` is `cut` (the one departure from the
    // invariant's "never changed"): each entry of `cut` names the first bytes of a
    // buffer that `msg` borrows mutably (its `&'a mut [IoSliceMut]`), at most its
    // length, so `recvmsg`'s SAFETY holds; `cut` outlives the call, and the guard
    // puts the array back when it returns or, should anything in it ever unwind, as
    // it unwinds, so no later call can reach `cut` once it is freed.
    struct Restore<'m, 'a, 'c> {
        msg: &'m mut MsgHdrMut<'a, 'c>,
        iov: *mut sys::iovec,
        iovlen: usize,
    }
    impl Drop for Restore<'_, '_, '_> {
        fn drop(&mut self) {
            self.msg.c.hdr.msg_iov = self.iov;
            self.msg.c.hdr.msg_iovlen = clamped(self.iovlen);
        }
    }
    let guard = Restore {
        iovlen: field_len(iovlen),
        msg,
        iov,
    };
    guard.msg.c.hdr.msg_iov = cut.as_mut_ptr();
    guard.msg.c.hdr.msg_iovlen = clamped(cut.len());
    recvmsg(fd, guard.msg, flags)
}

/// What an injected failure of `recvmsg` (feature `fault`) leaves, as the real failed
/// call does: the descriptors untaken from the last call closed, and no address,
/// control bytes or flags.
#[cfg(feature = "fault")]
pub(crate) fn recvmsg_forget(msg: &mut MsgHdrMut<'_, '_>) {
    if msg.c.cap != 0 && msg.c.hdr.msg_controllen != 0 {
        // SAFETY: the invariant of `msg`.
        unsafe { close_untaken(&mut msg.c.hdr, msg.c.cap, &mut msg.c.done) };
    }
    msg.c.hdr.msg_namelen = 0;
    msg.c.hdr.msg_controllen = 0;
    msg.c.hdr.msg_flags = 0;
}
