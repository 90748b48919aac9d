//! `<poll.h>`: `poll` and `ppoll` over the façade's [`pollfd`] array, which has C's
//! `struct pollfd` layout (checked at compile time below); `sockatmark`; and the
//! `<signal.h>` set calls that build `ppoll`'s mask.

use core::mem::{align_of, offset_of, size_of};
use std::os::fd::{AsRawFd, BorrowedFd};

use super::cvt;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
use super::last_errno;
use crate::poll::pollfd;
use crate::sys::{self, c_int, nfds_t, sigset_t};
use crate::Result;

// The façade's `pollfd` is C's `struct pollfd` to the byte: the same size and
// alignment, and each field at C's offset with C's size (the layout test checks
// `sys::pollfd` against the C headers). So a `&mut [pollfd]` is the array `poll` takes.
const _: () = {
    assert!(size_of::<pollfd>() == size_of::<sys::pollfd>());
    assert!(align_of::<pollfd>() == align_of::<sys::pollfd>());
    assert!(offset_of!(pollfd, fd) == offset_of!(sys::pollfd, fd));
    assert!(offset_of!(pollfd, events) == offset_of!(sys::pollfd, events));
    assert!(offset_of!(pollfd, revents) == offset_of!(sys::pollfd, revents));
    assert!(size_of::<crate::PollFlags>() == size_of::<sys::c_short>());
};

/// The slice's length as `nfds_t`. A length `nfds_t` cannot hold (none on Linux,
/// where `nfds_t` is `unsigned long`) becomes `nfds_t::MAX`: shorter than the slice,
/// so the kernel reads nothing past it, and above any descriptor limit, so the kernel
/// answers `EINVAL` as it does for any count it does not take.
#[inline(always)]
fn nfds(fds: &[pollfd]) -> nfds_t {
    nfds_t::try_from(fds.len()).unwrap_or(nfds_t::MAX)
}

/// `poll(fds, nfds, timeout)`: the number of entries with a non-zero `revents`.
#[inline]
pub(crate) fn poll(fds: &mut [pollfd], timeout: c_int) -> Result<usize> {
    // SAFETY: `fds` is valid for reads and writes of `nfds(fds) <= fds.len()` entries
    // of C's `struct pollfd` layout (asserted above); the kernel reads `fd` and
    // `events` and writes only `revents`, a `c_short` that `PollFlags` holds whatever
    // its bits. Descriptor numbers are only looked up, never used for I/O: a negative
    // one is skipped, a closed one reads `POLLNVAL`.
    let ret = unsafe { sys::poll(fds.as_mut_ptr().cast::<sys::pollfd>(), nfds(fds), timeout) };
    cvt(ret).map(|n| n as usize)
}

/// `ppoll(fds, nfds, timeout, sigmask)`, `NULL` for a `None`.
#[cfg(have_ppoll)]
#[inline]
pub(crate) fn ppoll(
    fds: &mut [pollfd],
    timeout: Option<&sys::timespec>,
    sigmask: Option<&sigset_t>,
) -> Result<usize> {
    let timeout = timeout.map_or(core::ptr::null(), |t| t as *const sys::timespec);
    let sigmask = sigmask.map_or(core::ptr::null(), |s| s as *const sigset_t);
    // SAFETY: `fds` as for `poll` above; `timeout` and `sigmask` are NULL or point to a
    // live `timespec` and `sigset_t` that are only read: the kernel writes the time
    // left back through its timeout pointer, but glibc, musl and bionic (the C
    // libraries of `have_ppoll`'s targets) each pass it a copy of their own, so the
    // caller's `&timespec` is never written.
    let ret = unsafe {
        sys::ppoll(
            fds.as_mut_ptr().cast::<sys::pollfd>(),
            nfds(fds),
            timeout,
            sigmask,
        )
    };
    cvt(ret).map(|n| n as usize)
}

/// `sockatmark(fd)`: whether the next byte to read is at the out-of-band mark. On
/// Linux, as the C library does it, `ioctl(fd, SIOCATMARK, &answer)`, but with the
/// answer zeroed first: glibc and musl leave theirs uninitialised, and a driver that
/// returns 0 without writing it (`/dev/btrfs-control`) would hand back stack garbage.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[inline]
pub(crate) fn sockatmark(fd: BorrowedFd<'_>) -> Result<bool> {
    let mut answer: c_int = 0;
    // SAFETY: `answer` is a live, writable `int`, the argument glibc itself passes
    // for this request. On sockets, `SIOCATMARK` reaches the protocol's ioctl, which
    // writes one `int` (`put_user`: TCP, SCTP; the rest refuse it). Other files do not
    // define 0x8905: it is an old-style number whose `_IOC` size field is 0, so a
    // driver that decodes sizes from the number copies nothing, and the tty and VFS
    // layers do not match it (the same reading the `FIONREAD` requests rest on, see
    // `raw/ioctl.rs`).
    cvt(unsafe { sys::ioctl(fd.as_raw_fd(), sys::SIOCATMARK, &mut answer as *mut c_int) })?;
    Ok(answer != 0)
}

/// `sockatmark(fd)`: whether the next byte to read is at the out-of-band mark.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
#[inline]
pub(crate) fn sockatmark(fd: BorrowedFd<'_>) -> Result<bool> {
    // SAFETY: an integer argument; the C library passes its own `int` to the kernel.
    match unsafe { sys::sockatmark(fd.as_raw_fd()) } {
        -1 => Err(last_errno()),
        n => Ok(n != 0),
    }
}
