//! `sendmmsg` and `recvmmsg` (Linux): arrays of `struct mmsghdr`, each entry one
//! message, made of the same parts as `sendmsg`'s and `recvmsg`'s.
//!
//! A send entry is a copy of a [`MsgHdr`]'s `msghdr` and a `msg_len`. A receive entry
//! is a copy of a [`MsgHdrMut`]'s `msghdr`, whose `msg_name` points at that
//! `MsgHdrMut`'s address storage, borrowed for as long as the entry lives: the entry
//! holds what the kernel reported (lengths, flags) as a C array of `mmsghdr`s does,
//! while the `MsgHdrMut` keeps owning the descriptors received, its control count
//! kept equal to the entry's by `recvmmsg`. So `recvmmsg` passes the array as it is,
//! resetting per entry what C code resets (`msg_namelen`, and `msg_controllen` where
//! there is a control buffer). (This file leans on the fields of `MsgHdr` and `MsgHdrMut`, in
//! `raw/msg.rs`.)

use core::marker::PhantomData;
use core::mem::{self, align_of, size_of};
use core::ptr;
use std::io::IoSliceMut;
use std::os::fd::{AsRawFd, BorrowedFd};

use super::addr::{Storage, STORAGE_LEN};
use super::cvt;
use super::msg::{
    clamped, close_untaken, control_of, control_of_mut, iov_of, name_of, MsgHdr, MsgHdrMut,
    ReceivedIter, NAME_OFFSET,
};
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
// Invariant: `hdr.msg_hdr` is a `MsgHdr<'a>`'s `msghdr`, unchanged (the kernel writes
// only `msg_len` of a send entry).
#[repr(transparent)]
pub struct MMsgHdr<'a> {
    hdr: sys::mmsghdr,
    _parts: PhantomData<MsgHdr<'a>>,
}

const _: () = assert!(size_of::<MMsgHdr<'static>>() == size_of::<sys::mmsghdr>());
const _: () = assert!(align_of::<MMsgHdr<'static>>() == align_of::<sys::mmsghdr>());

impl<'a> MMsgHdr<'a> {
    /// The entry for `msg` (`msg_len` 0).
    #[inline]
    pub fn new(msg: MsgHdr<'a>) -> MMsgHdr<'a> {
        let mut hdr = zeroed_mmsghdr();
        hdr.msg_hdr = *msg.as_raw();
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

    /// The message (`msg_hdr`).
    #[inline]
    pub fn msg(&self) -> &MsgHdr<'a> {
        // SAFETY: the invariant: `msg_hdr` is a copy of a `MsgHdr<'a>`'s, unchanged.
        unsafe { MsgHdr::from_raw_ref(&self.hdr.msg_hdr) }
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
    // `sendmsg` would (see `raw::sendmsg`; the entry's `msghdr` is a `MsgHdr`'s): the
    // name's initialised bytes, the borrowed `IoSlice`s (ABI-compatible with `struct
    // iovec`) and their bytes, and control bytes that `Control` vouches for. Each is
    // borrowed for the entry's 'a.
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
/// slice of them is the C array), over a [`MsgHdrMut`]'s buffers, control buffer and
/// address storage, which it borrows for as long as it lives.
///
/// After a call that returned `n`, each of the first `n` entries holds a message: its
/// byte count in [`len`](MMsgHdrMut::len), its address in
/// [`name`](MMsgHdrMut::name), its flags in [`flags`](MMsgHdrMut::flags), and its
/// control messages in [`cmsgs`](MMsgHdrMut::cmsgs). The other entries are empty (no
/// address, no control messages, flags 0, `len()` 0), whatever their buffers hold.
///
/// The descriptors received stay owned by the `MsgHdrMut` (the entry reads the same
/// control bytes): untaken ones close when the next `recvmmsg` reuses the entry, or
/// when the `MsgHdrMut` is dropped or used for a `recvmsg`, as after `recvmsg`. The
/// entry has no destructor, so the data buffers can be read as soon as `recvmmsg`
/// returns, while the entries still live, as in C. The address and flags are the
/// entry's alone: once lent to an entry, the `MsgHdrMut` shows no address and flags 0
/// until its own next `recvmsg`.
///
/// Unlike [`MMsgHdr`], it borrows its `MsgHdrMut` rather than taking it: the
/// `MsgHdrMut` holds the address storage the kernel writes into, which C's
/// `struct mmsghdr` has no room for.
// Invariant: `hdr.msg_hdr.msg_name` is the pointer to the `name` of the `MsgHdrMut`
// that `new` was given, derived from the whole `&'m mut MsgHdrMut<'a, 'c>` (so the
// `MsgHdrMut` is `msg_name - NAME_OFFSET`, valid, and used by no one else while this
// entry lives: `_msg` holds the borrow); the kernel never writes it. Outside
// `recvmmsg`, the other fields of `hdr.msg_hdr` keep the `MsgHdrMut` invariant (see
// `raw/msg.rs`) for that `MsgHdrMut`'s `name` and `cap`, and `msg_controllen` is
// equal to the `MsgHdrMut`'s own: both count the same control bytes, whose
// descriptors the `MsgHdrMut` owns (taking one through either writes -1 over it, in
// the one buffer), and the entry's walks read and extend the `MsgHdrMut`'s `done`. `hdr.msg_len` is the byte count of this entry's message in the
// last `recvmmsg` (0 if none came into it).
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
    /// The entry for `msg`, borrowed for as long as the entry lives. It starts as a
    /// copy of `msg`'s state (address, flags, control messages of its last call), and
    /// `msg` keeps only its control messages (its address and flags read as none,
    /// since the entry's calls write the address storage they share).
    #[inline]
    pub fn new(msg: &'m mut MsgHdrMut<'a, 'c>) -> MMsgHdrMut<'m, 'a, 'c> {
        let this = ptr::from_mut(msg);
        let mut hdr = zeroed_mmsghdr();
        // SAFETY: `this` is the live `&'m mut MsgHdrMut` just given, and is used only
        // through raw places here (no reference narrows its provenance, so the
        // pointer to `name` can be turned back into `this`).
        unsafe {
            hdr.msg_hdr = (*this).c.hdr;
            hdr.msg_hdr.msg_name = ptr::addr_of_mut!((*this).name).cast();
            // The entry's calls write the storage: the `MsgHdrMut`'s own length and
            // flags would describe bytes that are no longer its message's.
            (*this).c.hdr.msg_namelen = 0;
            (*this).c.hdr.msg_flags = 0;
        }
        MMsgHdrMut {
            hdr,
            _msg: PhantomData,
        }
    }

    /// The borrowed `MsgHdrMut` (the invariant's pointer).
    #[inline(always)]
    fn this(&self) -> *mut MsgHdrMut<'a, 'c> {
        self.hdr
            .msg_hdr
            .msg_name
            .cast::<u8>()
            .wrapping_sub(NAME_OFFSET)
            .cast()
    }

    /// The `MsgHdrMut`'s control buffer size.
    #[inline]
    fn cap(&self) -> usize {
        // SAFETY: the invariant: `this()` is the `MsgHdrMut` this entry borrows, used
        // by no one else; `cap` is a plain read.
        unsafe { (*self.this()).c.cap }
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

    /// The address storage and length, for `name()` (`src/mmsg.rs`).
    #[inline]
    pub(crate) fn name_storage(&self) -> Option<Storage> {
        let h = &self.hdr.msg_hdr;
        // SAFETY: the invariant: `msg_name` points at the borrowed `MsgHdrMut`'s
        // `name` (a `MaybeUninit<sockaddr_storage>`, read here through `&self`), of
        // which `msg_namelen` covers initialised bytes.
        unsafe { name_of(&*h.msg_name.cast(), h.msg_namelen) }
    }

    /// `msg_flags`.
    #[inline]
    pub(crate) fn raw_flags(&self) -> c_int {
        self.hdr.msg_hdr.msg_flags
    }

    /// The buffers (`msg_iov`).
    pub(crate) fn iov(&self) -> &[IoSliceMut<'a>] {
        // SAFETY: the invariant: the `MsgHdrMut`'s `msg_iov`, borrowed by this entry.
        unsafe { iov_of(&self.hdr.msg_hdr) }
    }

    /// The control bytes the kernel wrote in the last call.
    #[inline]
    pub(crate) fn control_bytes(&self) -> &[u8] {
        // SAFETY: the invariant, with the `MsgHdrMut`'s `cap`.
        unsafe { control_of(&self.hdr.msg_hdr, self.cap()) }
    }

    /// The control messages, `SCM_RIGHTS` with the descriptors this entry owns.
    #[inline]
    pub(crate) fn control_iter(&mut self) -> ReceivedIter<'_> {
        let cap = self.cap();
        // SAFETY: as in `control_bytes`, through `&mut self`: the control bytes the kernel
        // wrote in the last call, whose descriptors the `MsgHdrMut` owns.
        // `this()` is the `MsgHdrMut`, used by no one else while the entry lives: its
        // `done` counts the same control bytes (its own count equal to the entry's).
        unsafe {
            let done = &(*self.this()).c.done;
            ReceivedIter::new(control_of_mut(&mut self.hdr.msg_hdr, cap), done)
        }
    }
}

/// `recvmmsg(fd, msgs, vlen, flags, timeout)`: the number of messages received. Each
/// of the first `n` entries holds what the kernel reported for its message (and owns
/// its descriptors); the others are empty, as are all on failure. Descriptors
/// untaken from an earlier call are closed first.
#[inline]
pub(crate) fn recvmmsg(
    fd: BorrowedFd<'_>,
    msgs: &mut [MMsgHdrMut<'_, '_, '_>],
    flags: c_int,
    timeout: Option<&mut sys::timespec>,
) -> Result<usize> {
    // What C code resets before each call: the name room and, where there is a
    // control buffer (a non-null `msg_control`), its size, after closing the
    // descriptors left in it. The name room first, in a loop of stores alone (C's),
    // and whether any entry has a control buffer as one OR of the pointers: an array
    // without (the usual one) pays a store and an OR an entry, and skips the rest.
    let mut controls = 0usize;
    for m in msgs.iter_mut() {
        m.hdr.msg_hdr.msg_namelen = STORAGE_LEN;
        controls |= m.hdr.msg_hdr.msg_control as usize;
    }
    let any_control = controls != 0;
    if any_control {
        for m in msgs.iter_mut() {
            if !m.hdr.msg_hdr.msg_control.is_null() {
                let this = m.this();
                // SAFETY: the invariant: `this` is the entry's `MsgHdrMut`, used by no
                // one else; its `cap` and `msg_controllen` are plain fields.
                let cap = unsafe { (*this).c.cap };
                let h = &mut m.hdr.msg_hdr;
                if h.msg_controllen != 0 {
                    // SAFETY: the invariant: the entry's `msghdr` and its `MsgHdrMut`'s
                    // `cap` and `done` (which counts the entry's bytes: the two counts
                    // are equal); the `MsgHdrMut`'s count goes to 0 with the entry's.
                    unsafe {
                        close_untaken(h, cap, &mut (*this).c.done);
                        (*this).c.hdr.msg_controllen = 0;
                    }
                }
                h.msg_controllen = clamped(cap);
            }
        }
    }
    let timeout = match timeout {
        Some(t) => ptr::from_mut(t),
        None => ptr::null_mut(),
    };
    // SAFETY: `MMsgHdrMut` is `repr(transparent)` over `mmsghdr`, so `msgs` is a C
    // array of `vlen` (at most `msgs.len()`) entries, borrowed mutably; the kernel
    // writes each one's `msg_len`, `msg_namelen`, `msg_controllen` and `msg_flags`,
    // integers. Through entry `i` it writes only as `recvmsg` would (see
    // `raw::recvmsg`), into memory the entry's `MsgHdrMut` owns or borrows mutably:
    // at most `msg_namelen` (the storage's size) bytes into its name storage; into
    // each of its buffers (`IoSliceMut`, ABI-compatible with `struct iovec`), at most
    // its length; at most `msg_controllen` (at most `cap`) bytes into its control
    // buffer. Any bytes are valid for all of them. `timeout` is null or a
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
    // The `MsgHdrMut`s own the control bytes the kernel reported (the invariant).
    // (Without a control buffer, the kernel reports 0, which the counts already are:
    // one test for the whole array.)
    if any_control {
        for m in got {
            if !m.hdr.msg_hdr.msg_control.is_null() {
                // SAFETY: the invariant: `this()` is the entry's `MsgHdrMut`.
                unsafe { (*m.this()).c.hdr.msg_controllen = m.hdr.msg_hdr.msg_controllen };
            }
        }
    }
    // The entries no message came into: the kernel wrote none of their fields, so
    // they go back to "none" (the invariant). Their `MsgHdrMut`s' counts are 0 since
    // the loop before the call.
    for m in rest {
        m.hdr.msg_len = 0;
        let h = &mut m.hdr.msg_hdr;
        h.msg_namelen = 0;
        h.msg_controllen = 0;
        h.msg_flags = 0;
    }
    ret.map(|_| n)
}

/// What `recvmmsg` leaves in entries no message came into (feature `fault`: the
/// entries past an injected short count, or all of them after an injected failure):
/// the descriptors untaken from their last call closed, and each entry empty (no
/// address, no control bytes, flags 0, `len()` 0), as the real call leaves them.
#[cfg(feature = "fault")]
pub(crate) fn recvmmsg_forget(msgs: &mut [MMsgHdrMut<'_, '_, '_>]) {
    for m in msgs {
        if !m.hdr.msg_hdr.msg_control.is_null() && m.hdr.msg_hdr.msg_controllen != 0 {
            let this = m.this();
            // SAFETY: the invariant: `this` is the entry's `MsgHdrMut`, used by no one
            // else; its `cap` and `done` count the entry's control bytes (the two
            // counts are equal), and its own count goes to 0 with the entry's.
            unsafe {
                let cap = (*this).c.cap;
                close_untaken(&mut m.hdr.msg_hdr, cap, &mut (*this).c.done);
                (*this).c.hdr.msg_controllen = 0;
            }
        }
        m.hdr.msg_len = 0;
        let h = &mut m.hdr.msg_hdr;
        h.msg_namelen = 0;
        h.msg_controllen = 0;
        h.msg_flags = 0;
    }
}

// SAFETY: an `MMsgHdr<'a>` is, but for its layout, a `MsgHdr<'a>`, which is `Send`
// and `Sync`.
unsafe impl Send for MMsgHdr<'_> {}
// SAFETY: as above.
unsafe impl Sync for MMsgHdr<'_> {}
// SAFETY: an `MMsgHdrMut` is, but for its layout, the `&'m mut MsgHdrMut` its
// `PhantomData` names (the pointer in `msg_name`, and pointers into what that
// `MsgHdrMut` borrows); a `&mut T` is `Send`
// when `T` is.
unsafe impl<'a, 'c> Send for MMsgHdrMut<'_, 'a, 'c> where MsgHdrMut<'a, 'c>: Send {}
// SAFETY: as above: through `&self` only reads are made, and a `&mut T` is `Sync`
// when `T` is.
unsafe impl<'a, 'c> Sync for MMsgHdrMut<'_, 'a, 'c> where MsgHdrMut<'a, 'c>: Sync {}

impl core::fmt::Debug for MMsgHdr<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MMsgHdr")
            .field("msg_hdr", self.msg())
            .field("msg_len", &self.len())
            .finish()
    }
}
