//! `<sys/epoll.h>` (Linux): `epoll_create1`, `epoll_ctl`, `epoll_wait`, and
//! [`epoll_event`], C's `struct epoll_event` exactly, so that a slice of them is the
//! C array the kernel fills.

use core::mem::size_of;
use core::ptr;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd, RawFd};

use super::{cvt, owned};
use crate::sys::{self, c_int};
use crate::Result;

/// One entry of the interest list or of the ready list: C's `struct epoll_event`,
/// the event bits and the 64 bits of `data` the program chose.
///
/// ```c
/// struct epoll_event ev = { .events = EPOLLIN, .data.u64 = fd };
/// ```
///
/// Its layout is C's exactly (`repr(transparent)` over the C library's struct: on
/// x86-64, and 32-bit x86 with glibc, it is *packed*, 12 bytes with `data` at offset
/// 4, as the kernel declares it; 16 bytes elsewhere), so `&mut [epoll_event]` is the C array that
/// [`epoll_wait`](crate::epoll_wait) hands the kernel. Because it may be packed, its
/// fields cannot be borrowed: build one with [`epoll_event::new`] and read it with
/// [`events`](epoll_event::events) and [`data`](epoll_event::data), which copy.
///
/// C's `data` is a union of `void *ptr`, `int fd`, `uint32_t u32` and `uint64_t u64`;
/// here it is the `u64`, which holds any of them. How a program maps it back to its
/// sockets is the program's choice, as in C: the descriptor number (`fd as u64`, the
/// `.data.fd = fd` of most C servers), or an index or key into its own table of
/// connections (a slab of `Socket`s) — never a pointer, which safe code could not
/// follow anyway.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct epoll_event {
    pub(crate) ev: sys::epoll_event,
}

const _: () = assert!(size_of::<epoll_event>() == size_of::<sys::epoll_event>());
const _: () =
    assert!(core::mem::align_of::<epoll_event>() == core::mem::align_of::<sys::epoll_event>());

/// The most entries the kernel accepts in one `epoll_wait`: Linux's `EP_MAX_EVENTS`,
/// `INT_MAX / sizeof(struct epoll_event)`; a larger `maxevents` is `EINVAL`.
pub(crate) const EP_MAX_EVENTS: usize = c_int::MAX as usize / size_of::<sys::epoll_event>();

/// `maxevents` for a slice of `len` entries: the length, cut to [`EP_MAX_EVENTS`] so
/// that a huge slice makes the kernel fill fewer entries instead of failing; never
/// more than `len`, so the kernel never writes past the slice.
#[inline(always)]
pub(crate) fn maxevents(len: usize) -> c_int {
    // `EP_MAX_EVENTS` fits in a c_int, so the cast is exact.
    len.min(EP_MAX_EVENTS) as c_int
}

#[inline]
pub(crate) fn epoll_create1(flags: c_int) -> Result<OwnedFd> {
    // SAFETY: integers only.
    let fd = cvt(unsafe { sys::epoll_create1(flags) })?;
    Ok(owned(fd))
}

#[inline]
pub(crate) fn epoll_ctl(
    epfd: BorrowedFd<'_>,
    op: c_int,
    fd: RawFd,
    event: Option<&epoll_event>,
) -> Result<()> {
    let event = match event {
        // C's prototype takes `struct epoll_event *` without `const` for history's
        // sake; the kernel only reads it (`copy_from_user` in `do_epoll_ctl`).
        Some(e) => ptr::from_ref(&e.ev).cast_mut(),
        None => ptr::null_mut(),
    };
    // SAFETY: `event` is null or points to one initialised `epoll_event`, borrowed for
    // the call, which the kernel reads and never writes; `epfd` and `fd` are integers
    // to it (a closed or wrong number is EBADF/EINVAL, not memory).
    cvt(unsafe { sys::epoll_ctl(epfd.as_raw_fd(), op, fd, event) }).map(drop)
}

/// `epoll_wait(epfd, events, maxevents(events.len()), timeout)`: how many entries
/// the kernel filled, all at the start of `events`.
#[inline]
pub(crate) fn epoll_wait(
    epfd: BorrowedFd<'_>,
    events: &mut [epoll_event],
    timeout: c_int,
) -> Result<usize> {
    // SAFETY: `epoll_event` is `repr(transparent)` over the C struct, so `events` is a
    // C array of `events.len()` of them, borrowed mutably for the call; the kernel
    // writes at most `maxevents` entries, which is at most `events.len()`, and every
    // bit pattern is a valid `epoll_event` (two integers). An empty slice passes 0,
    // which the kernel refuses (EINVAL) before touching the pointer.
    let n = cvt(unsafe {
        sys::epoll_wait(
            epfd.as_raw_fd(),
            events.as_mut_ptr().cast(),
            maxevents(events.len()),
            timeout,
        )
    })?;
    Ok(n as usize)
}

/// `epoll_pwait(epfd, events, maxevents(events.len()), timeout, sigmask)`: as
/// [`epoll_wait`], with the thread's signal mask replaced by `sigmask` (if given)
/// for the wait, atomically.
#[inline]
pub(crate) fn epoll_pwait(
    epfd: BorrowedFd<'_>,
    events: &mut [epoll_event],
    timeout: c_int,
    sigmask: Option<&sys::sigset_t>,
) -> Result<usize> {
    let sigmask = match sigmask {
        Some(set) => ptr::from_ref(set),
        None => ptr::null(),
    };
    // SAFETY: as in `epoll_wait` for `events`; `sigmask` is null or points to a
    // whole `sigset_t`, borrowed for the call, which the C library and the kernel only
    // read (the kernel reads its own `_NSIG / 8` bytes of it, fewer than the C
    // library's type holds).
    let n = cvt(unsafe {
        sys::epoll_pwait(
            epfd.as_raw_fd(),
            events.as_mut_ptr().cast(),
            maxevents(events.len()),
            timeout,
            sigmask,
        )
    })?;
    Ok(n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxevents_never_exceeds_the_slice_or_the_kernel_cap() {
        assert_eq!(maxevents(0), 0);
        assert_eq!(maxevents(64), 64);
        assert_eq!(maxevents(EP_MAX_EVENTS), EP_MAX_EVENTS as c_int);
        assert_eq!(maxevents(EP_MAX_EVENTS + 1), EP_MAX_EVENTS as c_int);
        assert_eq!(maxevents(c_int::MAX as usize + 1), EP_MAX_EVENTS as c_int);
        assert_eq!(maxevents(usize::MAX), EP_MAX_EVENTS as c_int);
    }
}
