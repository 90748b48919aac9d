//! `<sys/select.h>` and `<signal.h>`: `select`, `pselect`, the word view of `fd_set`
//! that the façade's safe bit operations work on, and the `sigset_t` calls.

use core::mem::{align_of, size_of};
use core::ptr;

use super::{cvt, Pod};
use crate::sys::{self, c_int};
use crate::{Errno, Result};

/// One word of an `fd_set`: glibc's, musl's and FreeBSD's `__fd_mask` (C's `long`),
/// Apple's `__int32_t`. (NetBSD, OpenBSD and illumos use `uint32_t`: there the
/// alignment assertion below fails to compile rather than mis-index.) The C macros put fd's bit at `fd % NFDBITS` of word `fd / NFDBITS`,
/// which is the same byte on every endianness only when counted in these words (the
/// layout test checks it against the C macro).
#[cfg(not(target_vendor = "apple"))]
pub(crate) type Word = sys::c_ulong;
/// See above.
#[cfg(target_vendor = "apple")]
pub(crate) type Word = u32;

/// `FD_SETSIZE`: the fds an `fd_set` has room for, `0..FD_SETSIZE`. (`libc`
/// declares it `usize` on Linux, `c_int` or `usize` elsewhere.)
#[allow(clippy::unnecessary_cast)]
pub(crate) const FD_SETSIZE: usize = sys::FD_SETSIZE as usize;
/// Bits per word (C's `NFDBITS`).
pub(crate) const NFDBITS: usize = Word::BITS as usize;
/// Words per set.
pub(crate) const FD_WORDS: usize = FD_SETSIZE / NFDBITS;

// What makes the word view below sound: an `fd_set` is exactly `FD_WORDS` words (no
// padding, nothing else), aligned at least as a word.
const _: () = assert!(size_of::<sys::fd_set>() == FD_WORDS * size_of::<Word>());
const _: () = assert!(align_of::<sys::fd_set>() >= align_of::<Word>());
const _: () = assert!(FD_SETSIZE % NFDBITS == 0 && FD_SETSIZE <= c_int::MAX as usize);

// SAFETY: `fd_set` is a `repr(C)` array of integers (the asserts above: no padding);
// all-zero bytes are the empty set, any bytes the kernel writes are a set.
unsafe impl Pod for sys::fd_set {}
// SAFETY: `sigset_t` is a `repr(C)` array of integers; all-zero bytes are a valid
// value (the empty set on glibc and musl), as is any bit pattern.
unsafe impl Pod for sys::sigset_t {}

/// The set's words, to read.
#[inline(always)]
pub(crate) fn fd_words(set: &sys::fd_set) -> &[Word; FD_WORDS] {
    // SAFETY: `fd_set` has the size of `[Word; FD_WORDS]` and at least its alignment
    // (the asserts above), and is made of initialised integers, so every bit pattern
    // of those bytes is a valid array; the borrow is `set`'s, shared.
    unsafe { &*ptr::from_ref(set).cast::<[Word; FD_WORDS]>() }
}

/// The set's words, to write.
#[inline(always)]
pub(crate) fn fd_words_mut(set: &mut sys::fd_set) -> &mut [Word; FD_WORDS] {
    // SAFETY: as in `fd_words`; any words written back are a valid `fd_set` (plain
    // integers), and the borrow is `set`'s, exclusive.
    unsafe { &mut *ptr::from_mut(set).cast::<[Word; FD_WORDS]>() }
}

#[inline(always)]
fn ptr_or_null<T>(value: Option<&mut T>) -> *mut T {
    match value {
        Some(v) => ptr::from_mut(v),
        None => ptr::null_mut(),
    }
}

#[inline(always)]
fn const_or_null<T>(value: Option<&T>) -> *const T {
    match value {
        Some(v) => ptr::from_ref(v),
        None => ptr::null(),
    }
}

/// Whether `nfds` keeps the kernel inside an `fd_set`: `0..=FD_SETSIZE`.
#[inline(always)]
fn nfds_fits(nfds: c_int) -> bool {
    (nfds as u32) <= FD_SETSIZE as u32
}

/// `select(nfds, readfds, writefds, exceptfds, timeout)`; `nfds` outside
/// `0..=FD_SETSIZE` is `EINVAL` without a call.
#[inline]
pub(crate) fn select(
    nfds: c_int,
    readfds: Option<&mut sys::fd_set>,
    writefds: Option<&mut sys::fd_set>,
    exceptfds: Option<&mut sys::fd_set>,
    timeout: Option<&mut sys::timeval>,
) -> Result<usize> {
    if !nfds_fits(nfds) {
        return Err(Errno::EINVAL);
    }
    // SAFETY: `nfds` is in `0..=FD_SETSIZE` (checked above), so the C library and the
    // kernel read and write at most the first `ceil(nfds / NFDBITS)` words of each
    // non-null set, which are inside it (an `fd_set` is `FD_SETSIZE` bits; Linux
    // rounds `nfds` up to whole `long`s, which `FD_SETSIZE` is a multiple of, and
    // never goes past it). Each set is null or a distinct `&mut fd_set`, and any bits
    // written are a valid set. `timeout` is null or a `&mut timeval`, which Linux reads
    // and writes (the time left) and other systems only read.
    let ret = unsafe {
        sys::select(
            nfds,
            ptr_or_null(readfds),
            ptr_or_null(writefds),
            ptr_or_null(exceptfds),
            ptr_or_null(timeout),
        )
    };
    cvt(ret).map(|n| n as usize)
}

/// `pselect(nfds, readfds, writefds, exceptfds, timeout, sigmask)`; `nfds` outside
/// `0..=FD_SETSIZE` is `EINVAL` without a call.
#[inline]
pub(crate) fn pselect(
    nfds: c_int,
    readfds: Option<&mut sys::fd_set>,
    writefds: Option<&mut sys::fd_set>,
    exceptfds: Option<&mut sys::fd_set>,
    timeout: Option<&sys::timespec>,
    sigmask: Option<&sys::sigset_t>,
) -> Result<usize> {
    if !nfds_fits(nfds) {
        return Err(Errno::EINVAL);
    }
    // SAFETY: the sets as in `select`. `timeout` is null or a `&timespec` that the C
    // library only reads (glibc hands the kernel a copy, as the prototype's `const`
    // promises); `sigmask` is null or a `&sigset_t`, read only, of the size the C
    // library passes on.
    let ret = unsafe {
        sys::pselect(
            nfds,
            ptr_or_null(readfds),
            ptr_or_null(writefds),
            ptr_or_null(exceptfds),
            const_or_null(timeout),
            const_or_null(sigmask),
        )
    };
    cvt(ret).map(|n| n as usize)
}

/// `sigemptyset(set)`.
#[inline]
pub(crate) fn sigemptyset(set: &mut sys::sigset_t) -> Result<()> {
    // SAFETY: `set` is a writable `sigset_t`, which the call fills.
    cvt(unsafe { sys::sigemptyset(set) }).map(drop)
}

/// `sigfillset(set)`.
#[inline]
pub(crate) fn sigfillset(set: &mut sys::sigset_t) -> Result<()> {
    // SAFETY: as in `sigemptyset`.
    cvt(unsafe { sys::sigfillset(set) }).map(drop)
}

/// `sigaddset(set, signo)`: `EINVAL` for a number outside the set.
#[inline]
pub(crate) fn sigaddset(set: &mut sys::sigset_t, signo: c_int) -> Result<()> {
    // SAFETY: `set` is a writable `sigset_t`; the C library checks `signo` against
    // the set's size before it touches a bit.
    cvt(unsafe { sys::sigaddset(set, signo) }).map(drop)
}

/// `sigdelset(set, signo)`: `EINVAL` for a number outside the set.
#[inline]
pub(crate) fn sigdelset(set: &mut sys::sigset_t, signo: c_int) -> Result<()> {
    // SAFETY: as in `sigaddset`.
    cvt(unsafe { sys::sigdelset(set, signo) }).map(drop)
}

/// `sigismember(set, signo)`: `EINVAL` for a number outside the set.
#[inline]
pub(crate) fn sigismember(set: &sys::sigset_t, signo: c_int) -> Result<bool> {
    // SAFETY: `set` is a readable `sigset_t`; the C library checks `signo` against
    // the set's size before it reads a bit.
    cvt(unsafe { sys::sigismember(set, signo) }).map(|r| r != 0)
}
