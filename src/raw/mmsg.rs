//! `sendmmsg` and `recvmmsg` (Linux): arrays of `struct mmsghdr`, each entry one
//! message, made of the same parts as `sendmsg`'s and `recvmsg`'s.
//!
//! A send entry is a filled `mmsghdr` borrowing its parts. A receive entry is an
//! `mmsghdr` that borrows a [`MsgHdrMut`] mutably and keeps the pointer to it in
//! `msg_name` between calls (an array of them must be exactly C's array, so there is
//! no room for another field); `recvmmsg` fills every other field from the
//! `MsgHdrMut` just before the call and writes what the kernel reported back into it
//! just after, so the descriptors received are owned by the `MsgHdrMut`s exactly as
//! `recvmsg`'s are. (This file leans on one façade type, `MsgHdrMut`, and its
//! `pub(crate)` `parts`.)

use core::marker::PhantomData;
use core::mem::{self, align_of, size_of};
use core::ptr;
use std::io::IoSlice;
use std::os::fd::{AsRawFd, BorrowedFd};

use super::addr::{Storage, STORAGE_LEN};
use super::cvt;
use super::msg::Control;
use crate::addr::SockAddr;
use crate::msg::{MsgHdr, MsgHdrMut};
use crate::sys::{self, c_int, c_uint};
use crate::Result;

/// An all-zero `mmsghdr`.
#[inline(always)]
fn zeroed_mmsghdr() -> sys::mmsghdr {
    // SAFETY: `mmsghdr` is integers and raw pointers (and, on musl, integer padding
    // fields): all-zero bytes are a valid value, with null pointers.
    unsafe { mem::zeroed() }
}

/// `vlen`: the entries given, as C's `unsigned int` (more than `UINT_MAX` entries are
/// cut, which only makes the kernel use fewer; it caps `vlen` at 1024 anyway).
#[inline(always)]
fn vlen(len: usize) -> c_uint {
    len.min(c_uint::MAX as usize) as c_uint
}

/// One message of [`sendmmsg`](crate::sendmmsg): C's `struct mmsghdr`, exactly (a
/// slice of them is the C array), made of a [`MsgHdr`].
///
/// ```c
/// struct mmsghdr msgs[2] = { { .msg_hdr = { .msg_iov = &iov0, .msg_iovlen = 1 } },
///                            { .msg_hdr = { .msg_iov = &iov1, .msg_iovlen = 1 } } };
/// ```
#[repr(transparent)]
pub struct MMsgHdr<'a> {
    hdr: sys::mmsghdr,
    _parts: PhantomData<(&'a Storage, &'a [IoSlice<'a>], Control<'a>)>,
}

const _: () = assert!(size_of::<MMsgHdr<'static>>() == size_of::<sys::mmsghdr>());
const _: () = assert!(align_of::<MMsgHdr<'static>>() == align_of::<sys::mmsghdr>());

impl<'a> MMsgHdr<'a> {
    /// The entry for `msg` (`msg_len` 0).
    #[inline]
    pub fn new(msg: MsgHdr<'a>) -> MMsgHdr<'a> {
        let (name, iov, control) = msg.parts();
        let name = name.map(SockAddr::storage);
        // A length cut by `as _` to a narrower field (musl's `int msg_iovlen`) only
        // makes the kernel use less.
        let mut hdr = zeroed_mmsghdr();
        if let Some(name) = name {
            hdr.msg_hdr.msg_name = name.as_ptr().cast_mut().cast();
            hdr.msg_hdr.msg_namelen = name.len();
        }
        hdr.msg_hdr.msg_iov = iov.as_ptr().cast_mut().cast();
        // Clamped first: musl's `msg_iovlen` is a signed `int`, and `iov()` reads it
        // back into a slice length, where a wrapped negative value would lie.
        hdr.msg_hdr.msg_iovlen = iov.len().min(sys::c_int::MAX as usize) as _;
        let control = control.as_bytes();
        hdr.msg_hdr.msg_control = control.as_ptr().cast_mut().cast();
        hdr.msg_hdr.msg_controllen = control.len() as _;
        MMsgHdr {
            hdr,
            _parts: PhantomData,
        }
    }

    /// `msg_len`: the bytes the kernel sent of this message in the last
    /// [`sendmmsg`](crate::sendmmsg) that sent it (0 before). Only the first `n`
    /// entries, `n` what the last call returned, are of that call.
    #[inline]
    pub fn len(&self) -> usize {
        self.hdr.msg_len as usize
    }

    /// Whether [`len`](MMsgHdr::len) is 0.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The address bytes (`msg_name`, `msg_namelen` of them), empty for none.
    pub(crate) fn name_bytes(&self) -> &'a [u8] {
        let h = &self.hdr.msg_hdr;
        if h.msg_name.is_null() {
            return &[];
        }
        // SAFETY: a non-null `msg_name` was set by `new` from a `&'a Storage` (the
        // fields are private and the kernel writes only `msg_len` of a send entry),
        // with `msg_namelen` its `len()`: that many initialised bytes, borrowed for 'a.
        unsafe { core::slice::from_raw_parts(h.msg_name.cast::<u8>(), h.msg_namelen as usize) }
    }

    /// The buffers (`msg_iov`).
    // `size_t` on glibc, `int` on musl.
    #[allow(clippy::unnecessary_cast)]
    pub(crate) fn iov(&self) -> &'a [IoSlice<'a>] {
        let h = &self.hdr.msg_hdr;
        // SAFETY: `new` set `msg_iov` and `msg_iovlen` from a `&'a [IoSlice<'a>]`
        // (possibly cut by `as _` to fewer), and nothing changes them after: the
        // fields are private and the kernel writes only `msg_len`.
        unsafe {
            core::slice::from_raw_parts(h.msg_iov.cast::<IoSlice<'a>>(), h.msg_iovlen as usize)
        }
    }

    /// `msg_controllen`.
    pub(crate) fn controllen(&self) -> usize {
        #[allow(clippy::unnecessary_cast)]
        let len = self.hdr.msg_hdr.msg_controllen as usize;
        len
    }
}

/// `sendmmsg(fd, msgs, vlen, flags)`: the number of messages sent; each one's
/// `msg_len` set by the kernel.
#[inline]
pub(crate) fn sendmmsg(
    fd: BorrowedFd<'_>,
    msgs: &mut [MMsgHdr<'_>],
    flags: c_int,
) -> Result<usize> {
    // SAFETY: `MMsgHdr` is `repr(transparent)` over `mmsghdr`, so `msgs` is a C
    // array of `vlen` (at most `msgs.len()`) of them, borrowed mutably: the kernel
    // writes only each entry's `msg_len`. Through each entry it reads only what
    // `sendmsg` would (see `raw::sendmsg`): the name's initialised bytes, the
    // borrowed `IoSlice`s (ABI-compatible with `struct iovec`) and their bytes, and
    // control bytes that `Control` vouches for. Each is borrowed for the entry's 'a.
    let n = cvt(unsafe {
        sys::sendmmsg(
            fd.as_raw_fd(),
            msgs.as_mut_ptr().cast(),
            vlen(msgs.len()),
            flags as _,
        )
    })?;
    Ok(n as usize)
}

/// One message of [`recvmmsg`](crate::recvmmsg): C's `struct mmsghdr`, exactly (a
/// slice of them is the C array), borrowing a [`MsgHdrMut`] for the call to fill.
///
/// After a call that returned `n`, the first `n` entries hold a message each: its
/// byte count in [`len`](MMsgHdrMut::len), and its address, flags and control
/// messages in the [`MsgHdrMut`] ([`msg`](MMsgHdrMut::msg),
/// [`msg_mut`](MMsgHdrMut::msg_mut)), which owns the descriptors received in it
/// exactly as after [`recvmsg`](crate::recvmsg): untaken ones close when it is
/// dropped or used for the next call. The other entries are empty (no address, no
/// control messages, flags 0, `len()` 0), whatever their buffers hold.
///
/// Unlike [`MMsgHdr`], it borrows its `MsgHdrMut` rather than taking it: the
/// `MsgHdrMut` holds the address storage the kernel writes into, which C's
/// `struct mmsghdr` has no room for.
// Invariant: outside `recvmmsg`, `hdr.msg_hdr.msg_name` is the pointer `new` made
// from the `&'m mut MsgHdrMut<'a, 'c>` it was given (so it is valid, and no one else
// uses that `MsgHdrMut` while this entry lives: `_msg` holds the borrow), and
// `hdr.msg_len` is the byte count of this entry's message in the last `recvmmsg`
// (0 if none came into it). Every other field is scratch that `recvmmsg` fills.
#[repr(transparent)]
pub struct MMsgHdrMut<'m, 'a, 'c> {
    hdr: sys::mmsghdr,
    _msg: PhantomData<&'m mut MsgHdrMut<'a, 'c>>,
}

const _: () =
    assert!(size_of::<MMsgHdrMut<'static, 'static, 'static>>() == size_of::<sys::mmsghdr>());
const _: () =
    assert!(align_of::<MMsgHdrMut<'static, 'static, 'static>>() == align_of::<sys::mmsghdr>());

impl<'m, 'a, 'c> MMsgHdrMut<'m, 'a, 'c> {
    /// The entry for `msg`, borrowed for as long as the entry lives.
    #[inline]
    pub fn new(msg: &'m mut MsgHdrMut<'a, 'c>) -> MMsgHdrMut<'m, 'a, 'c> {
        let mut hdr = zeroed_mmsghdr();
        hdr.msg_hdr.msg_name = ptr::from_mut(msg).cast();
        MMsgHdrMut {
            hdr,
            _msg: PhantomData,
        }
    }

    /// The borrowed `MsgHdrMut` (the invariant's pointer).
    #[inline(always)]
    fn this(&self) -> *mut MsgHdrMut<'a, 'c> {
        self.hdr.msg_hdr.msg_name.cast()
    }

    /// `msg_len`: the bytes of this entry's message in the last
    /// [`recvmmsg`](crate::recvmmsg) (with `MSG_TRUNC` in the call's flags, a
    /// datagram's real length); 0 if none came into it.
    #[inline]
    pub fn len(&self) -> usize {
        self.hdr.msg_len as usize
    }

    /// Whether [`len`](MMsgHdrMut::len) is 0.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The message: [`name`](MsgHdrMut::name), [`flags`](MsgHdrMut::flags),
    /// [`controllen`](MsgHdrMut::controllen).
    #[inline]
    pub fn msg(&self) -> &MsgHdrMut<'a, 'c> {
        // SAFETY: the invariant: `this()` is the `&'m mut MsgHdrMut` this entry
        // borrows, used by no one else while it lives; shared for `&self`.
        unsafe { &*self.this() }
    }

    /// The message, for [`cmsgs`](MsgHdrMut::cmsgs) (taking descriptors).
    #[inline]
    pub fn msg_mut(&mut self) -> &mut MsgHdrMut<'a, 'c> {
        // SAFETY: as in `msg`, and unique for `&mut self`.
        unsafe { &mut *self.this() }
    }
}

/// `recvmmsg(fd, msgs, vlen, flags, timeout)`: the number of messages received. Into
/// each of the first `n` entries' `MsgHdrMut` go its address, control bytes (which it
/// then owns) and flags, and into the entry its `msg_len`; the others' `MsgHdrMut`s
/// are empty (no address, no control data, flags 0) and their `msg_len` 0, as are all
/// on failure. Descriptors untaken from an earlier call are closed first.
#[inline]
pub(crate) fn recvmmsg(
    fd: BorrowedFd<'_>,
    msgs: &mut [MMsgHdrMut<'_, '_, '_>],
    flags: c_int,
    timeout: Option<&mut sys::timespec>,
) -> Result<usize> {
    // The offset of the name bytes in a `MsgHdrMut`: the same for every entry.
    let mut off = 0usize;
    for m in msgs.iter_mut() {
        let this = m.this();
        // SAFETY: the invariant: `this` is the entry's `MsgHdrMut`, borrowed by it
        // alone; the reference ends within this iteration.
        let (iov, name, control, _) = unsafe { (*this).parts() };
        let (control_ptr, control_len) = control.for_kernel();
        // Addresses only: the pointer made from `off` below is derived from `this`.
        off = ptr::addr_of_mut!(name.bytes) as usize - this as usize;
        let h = &mut m.hdr.msg_hdr;
        h.msg_iov = iov.as_mut_ptr().cast();
        h.msg_iovlen = iov.len() as _;
        h.msg_control = control_ptr;
        h.msg_controllen = control_len as _;
        h.msg_namelen = STORAGE_LEN;
        // Derived from `this`, so that `this` can be had back from it after the call.
        h.msg_name = this.cast::<u8>().wrapping_add(off).cast();
    }
    let timeout = match timeout {
        Some(t) => ptr::from_mut(t),
        None => ptr::null_mut(),
    };
    // SAFETY: `MMsgHdrMut` is `repr(transparent)` over `mmsghdr`, so `msgs` is a C
    // array of `vlen` (at most `msgs.len()`) entries, borrowed mutably; the kernel
    // writes each one's `msg_len`, `msg_namelen`, `msg_controllen` and `msg_flags`,
    // integers. Through entry `i` it writes only as `recvmsg` would (see
    // `raw::recvmsg`), into memory the entry's `MsgHdrMut` owns or borrows mutably,
    // just filled in above: at most `msg_namelen` (the storage's size) bytes into its
    // name storage; into each of its buffers (`IoSliceMut`, ABI-compatible with
    // `struct iovec`), at most its length; at most `msg_controllen` bytes into its
    // control buffer. Any bytes are valid for all of them. `timeout` is null or a
    // `&mut timespec`, which the kernel reads and writes.
    let ret = cvt(unsafe {
        sys::recvmmsg(
            fd.as_raw_fd(),
            msgs.as_mut_ptr().cast(),
            vlen(msgs.len()),
            flags as _,
            timeout,
        )
    });
    let n = match ret {
        Ok(n) => (n as usize).min(msgs.len()),
        Err(_) => 0,
    };
    let (got, rest) = msgs.split_at_mut(n);
    for m in got {
        // The kernel never writes `msg_name`: it is the pointer set above.
        let this = m
            .hdr
            .msg_hdr
            .msg_name
            .cast::<u8>()
            .wrapping_sub(off)
            .cast::<MsgHdrMut<'_, '_>>();
        m.hdr.msg_hdr.msg_name = this.cast();
        // SAFETY: `this` is again the entry's `MsgHdrMut` (the invariant; it was
        // derived from it, and the kernel is done with the pointers into it).
        let (_, name, control, out_flags) = unsafe { (*this).parts() };
        let h = &m.hdr.msg_hdr;
        // As `recvmsg`: cut to the storage to keep `Storage`'s invariant.
        name.len = h.msg_namelen.min(STORAGE_LEN);
        #[allow(clippy::unnecessary_cast)]
        let reported = h.msg_controllen as usize;
        // SAFETY: the call succeeded and reported this message, whose control buffer
        // is the one `for_kernel` gave above; `reported` is the kernel's
        // `msg_controllen` for it.
        unsafe { control.set_reported(reported) };
        *out_flags = h.msg_flags;
    }
    for m in rest {
        let this = m
            .hdr
            .msg_hdr
            .msg_name
            .cast::<u8>()
            .wrapping_sub(off)
            .cast::<MsgHdrMut<'_, '_>>();
        m.hdr.msg_hdr.msg_name = this.cast();
        m.hdr.msg_len = 0;
        // SAFETY: as above; no message came into this entry (its control bytes were
        // forgotten, `len` 0, by `for_kernel`).
        let (_, name, _, out_flags) = unsafe { (*this).parts() };
        name.len = 0;
        *out_flags = 0;
    }
    ret.map(|_| n)
}

// SAFETY: an `MMsgHdr<'a>` is, but for its layout, the borrows its `PhantomData`
// names (a `&Storage`, a `&[IoSlice]`, a `Control`), all `Send` and `Sync`: its raw
// pointers are those borrows, and nothing reaches them through `&self` but reads.
unsafe impl Send for MMsgHdr<'_> {}
// SAFETY: as above.
unsafe impl Sync for MMsgHdr<'_> {}
// SAFETY: an `MMsgHdrMut` is, but for its layout, the `&'m mut MsgHdrMut` its
// `PhantomData` names (the pointer in `msg_name`, and pointers into what that
// `MsgHdrMut` borrows); a `&mut T` is `Send` when `T` is.
unsafe impl<'a, 'c> Send for MMsgHdrMut<'_, 'a, 'c> where MsgHdrMut<'a, 'c>: Send {}
// SAFETY: as above: through `&self` only `msg()`, a `&MsgHdrMut`, is reached, and a
// `&mut T` is `Sync` when `T` is.
unsafe impl<'a, 'c> Sync for MMsgHdrMut<'_, 'a, 'c> where MsgHdrMut<'a, 'c>: Sync {}

impl core::fmt::Debug for MMsgHdr<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MMsgHdr")
            .field("msg_iovlen", &self.iov().len())
            .field("msg_controllen", &self.controllen())
            .field("msg_len", &self.len())
            .finish()
    }
}

impl core::fmt::Debug for MMsgHdrMut<'_, '_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MMsgHdrMut")
            .field("msg_hdr", self.msg())
            .field("msg_len", &self.len())
            .finish()
    }
}
