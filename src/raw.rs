//! The only module with `unsafe`: one function per C call, named as the call, each
//! `unsafe` block beside the one call it wraps with a `// SAFETY:` line.
//!
//! The public functions in the other modules convert the typed arguments to C integers,
//! call in here, and print the trace line. Nothing here allocates, retries or adds a
//! syscall: each function is exactly its C call plus reading `errno` when it fails.
#![allow(unsafe_code)]

use core::mem::{self, ManuallyDrop};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

use crate::addr::SockAddr;
use crate::socket::{SockType, Socket};
use crate::sys::{self, c_int, socklen_t};
use crate::trace::trace_line;
use crate::{Errno, Result};

/// Plain C data: all-zero bytes are a valid value, and so are whatever bytes the
/// kernel writes into it (no references, no enums, no padding that is read).
///
/// # Safety
///
/// Implement only for `#[repr(C)]` or `#[repr(transparent)]` integer aggregates. The
/// trait sits in a private module, so no type outside this crate can implement it.
pub unsafe trait Pod: Copy + 'static {}

// SAFETY: each is an integer or a `repr(C)`/`repr(transparent)` aggregate of integers.
unsafe impl Pod for c_int {}
// SAFETY: as above.
unsafe impl Pod for sys::linger {}
// SAFETY: as above.
unsafe impl Pod for sys::timeval {}
// SAFETY: `SockType` is `repr(transparent)` over `c_int`.
unsafe impl Pod for SockType {}
// SAFETY: as above.
unsafe impl Pod for sys::sockaddr_storage {}
// SAFETY: as above.
unsafe impl Pod for sys::sockaddr_in {}
// SAFETY: as above.
unsafe impl Pod for sys::sockaddr_in6 {}
// SAFETY: as above.
unsafe impl Pod for sys::sockaddr_un {}

/// A value of plain C data with every byte zero, as C's `memset(&x, 0, sizeof x)`.
pub(crate) fn zeroed<T: Pod>() -> T {
    // SAFETY: `Pod` promises all-zero bytes are a valid `T`.
    unsafe { mem::zeroed() }
}

/// The specific address structs that a `sockaddr_storage` can hold.
///
/// # Safety
///
/// `T` must fit in `sockaddr_storage` in size and alignment (checked below at compile
/// time for each implementation).
pub unsafe trait SockaddrKind: Pod {}
// SAFETY: checked by `STORAGE_FITS`.
unsafe impl SockaddrKind for sys::sockaddr_in {}
// SAFETY: checked by `STORAGE_FITS`.
unsafe impl SockaddrKind for sys::sockaddr_in6 {}
// SAFETY: checked by `STORAGE_FITS`.
unsafe impl SockaddrKind for sys::sockaddr_un {}

const fn fits<T>() -> bool {
    mem::size_of::<T>() <= mem::size_of::<sys::sockaddr_storage>()
        && mem::align_of::<T>() <= mem::align_of::<sys::sockaddr_storage>()
}
const STORAGE_FITS: () = assert!(
    fits::<sys::sockaddr_in>() && fits::<sys::sockaddr_in6>() && fits::<sys::sockaddr_un>()
);

/// `storage` seen as the specific struct `T` (`(struct sockaddr_in *)&storage`).
pub(crate) fn storage_as<T: SockaddrKind>(storage: &sys::sockaddr_storage) -> &T {
    let () = STORAGE_FITS;
    // SAFETY: `T` fits in size and alignment (`SockaddrKind`), and both are `Pod`, so
    // every byte of the storage is a valid byte of `T`.
    unsafe { &*(storage as *const sys::sockaddr_storage).cast::<T>() }
}

/// `storage` seen as the specific struct `T`, writable.
pub(crate) fn storage_as_mut<T: SockaddrKind>(storage: &mut sys::sockaddr_storage) -> &mut T {
    let () = STORAGE_FITS;
    // SAFETY: as in `storage_as`; any `T` written back is valid storage bytes.
    unsafe { &mut *(storage as *mut sys::sockaddr_storage).cast::<T>() }
}

/// Every byte of the storage.
///
/// Every `sockaddr_storage` in this crate starts as `zeroed()` (all bytes initialised,
/// padding fields included) and is changed only through `storage_as_mut`,
/// `storage_bytes_mut` or the kernel writing bytes, none of which de-initialise a byte.
/// No public API takes a `sockaddr_storage` from the user.
pub(crate) fn storage_bytes(storage: &sys::sockaddr_storage) -> &[u8] {
    // SAFETY: all bytes are initialised (see above); `u8` has no alignment needs.
    unsafe {
        core::slice::from_raw_parts(
            (storage as *const sys::sockaddr_storage).cast::<u8>(),
            mem::size_of::<sys::sockaddr_storage>(),
        )
    }
}

/// Every byte of the storage, writable; any bytes are a valid storage.
pub(crate) fn storage_bytes_mut(storage: &mut sys::sockaddr_storage) -> &mut [u8] {
    // SAFETY: as in `storage_bytes`; writing bytes keeps them initialised.
    unsafe {
        core::slice::from_raw_parts_mut(
            (storage as *mut sys::sockaddr_storage).cast::<u8>(),
            mem::size_of::<sys::sockaddr_storage>(),
        )
    }
}

/// C `char`s as bytes: `c_char` is `i8` or `u8` by target, one byte either way.
pub(crate) fn c_chars_as_bytes(chars: &[sys::c_char]) -> &[u8] {
    // SAFETY: `c_char` and `u8` have the same size and alignment, and every bit
    // pattern is valid for both.
    unsafe { core::slice::from_raw_parts(chars.as_ptr().cast::<u8>(), chars.len()) }
}

/// The last C call failed: its `errno`, read before anything else can change it.
fn last_errno() -> Errno {
    Errno::from_raw(errno::errno().0)
}

/// The one conversion helper: C's `-1` becomes the `errno` that came with it.
fn cvt(ret: c_int) -> Result<c_int> {
    if ret == -1 {
        Err(last_errno())
    } else {
        Ok(ret)
    }
}

/// `cvt` for the calls that return `ssize_t`.
fn cvt_len(ret: sys::ssize_t) -> Result<usize> {
    if ret < 0 {
        Err(last_errno())
    } else {
        Ok(ret as usize)
    }
}

/// Takes ownership of a descriptor the kernel just returned.
fn owned(fd: c_int) -> Socket {
    // SAFETY: `fd` was just returned by a successful call that creates a descriptor;
    // nothing else owns it.
    Socket::from(unsafe { OwnedFd::from_raw_fd(fd) })
}

pub(crate) fn socket(domain: c_int, ty: c_int, protocol: c_int) -> Result<Socket> {
    // SAFETY: integers only.
    let fd = cvt(unsafe { sys::socket(domain, ty, protocol) })?;
    Ok(owned(fd))
}

pub(crate) fn socketpair(domain: c_int, ty: c_int, protocol: c_int) -> Result<(Socket, Socket)> {
    let mut sv: [c_int; 2] = [-1, -1];
    // SAFETY: `sv` is a writable array of two ints, as the call requires.
    cvt(unsafe { sys::socketpair(domain, ty, protocol, sv.as_mut_ptr()) })?;
    Ok((owned(sv[0]), owned(sv[1])))
}

pub(crate) fn bind(fd: BorrowedFd<'_>, addr: &SockAddr) -> Result<()> {
    // SAFETY: `as_ptr` points to `len()` initialised bytes of the address.
    cvt(unsafe { sys::bind(fd.as_raw_fd(), addr.as_ptr(), addr.len()) }).map(drop)
}

pub(crate) fn listen(fd: BorrowedFd<'_>, backlog: c_int) -> Result<()> {
    // SAFETY: integers only.
    cvt(unsafe { sys::listen(fd.as_raw_fd(), backlog) }).map(drop)
}

pub(crate) fn accept(fd: BorrowedFd<'_>) -> Result<(Socket, SockAddr)> {
    let mut storage: sys::sockaddr_storage = zeroed();
    let mut len = mem::size_of::<sys::sockaddr_storage>() as socklen_t;
    // SAFETY: `storage` is writable for `len` bytes and `len` is a writable socklen_t.
    let new = cvt(unsafe {
        sys::accept(
            fd.as_raw_fd(),
            (&mut storage as *mut sys::sockaddr_storage).cast(),
            &mut len,
        )
    })?;
    Ok((owned(new), SockAddr::from_kernel(storage, len)))
}

#[cfg(have_accept4)]
pub(crate) fn accept4(fd: BorrowedFd<'_>, flags: c_int) -> Result<(Socket, SockAddr)> {
    let mut storage: sys::sockaddr_storage = zeroed();
    let mut len = mem::size_of::<sys::sockaddr_storage>() as socklen_t;
    // SAFETY: as in `accept`.
    let new = cvt(unsafe {
        sys::accept4(
            fd.as_raw_fd(),
            (&mut storage as *mut sys::sockaddr_storage).cast(),
            &mut len,
            flags,
        )
    })?;
    Ok((owned(new), SockAddr::from_kernel(storage, len)))
}

pub(crate) fn connect(fd: BorrowedFd<'_>, addr: &SockAddr) -> Result<()> {
    // SAFETY: `as_ptr` points to `len()` initialised bytes of the address.
    cvt(unsafe { sys::connect(fd.as_raw_fd(), addr.as_ptr(), addr.len()) }).map(drop)
}

pub(crate) fn send(fd: BorrowedFd<'_>, buf: &[u8], flags: c_int) -> Result<usize> {
    // SAFETY: `buf` is readable for `buf.len()` bytes.
    cvt_len(unsafe { sys::send(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len(), flags) })
}

pub(crate) fn recv(fd: BorrowedFd<'_>, buf: &mut [u8], flags: c_int) -> Result<usize> {
    // SAFETY: `buf` is writable for `buf.len()` bytes.
    cvt_len(unsafe { sys::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), flags) })
}

pub(crate) fn shutdown(fd: BorrowedFd<'_>, how: c_int) -> Result<()> {
    // SAFETY: integers only.
    cvt(unsafe { sys::shutdown(fd.as_raw_fd(), how) }).map(drop)
}

/// `close(2)` on a descriptor the caller gives up; it is released even on error.
pub(crate) fn close(fd: OwnedFd) -> Result<()> {
    let raw = fd.into_raw_fd();
    // SAFETY: `raw` came from an `OwnedFd` that gave up ownership, so this is the one
    // close of it.
    cvt(unsafe { sys::close(raw) }).map(drop)
}

/// `getsockname` and `getpeername` share their shape.
type NameCall = unsafe extern "C" fn(c_int, *mut sys::sockaddr, *mut socklen_t) -> c_int;

fn name_call(call: NameCall, fd: BorrowedFd<'_>) -> Result<SockAddr> {
    let mut storage: sys::sockaddr_storage = zeroed();
    let mut len = mem::size_of::<sys::sockaddr_storage>() as socklen_t;
    // SAFETY: `storage` is writable for `len` bytes and `len` is a writable socklen_t.
    cvt(unsafe {
        call(
            fd.as_raw_fd(),
            (&mut storage as *mut sys::sockaddr_storage).cast(),
            &mut len,
        )
    })?;
    Ok(SockAddr::from_kernel(storage, len))
}

pub(crate) fn getsockname(fd: BorrowedFd<'_>) -> Result<SockAddr> {
    name_call(sys::getsockname, fd)
}

pub(crate) fn getpeername(fd: BorrowedFd<'_>) -> Result<SockAddr> {
    name_call(sys::getpeername, fd)
}

pub(crate) fn setsockopt<T: Pod>(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    value: &T,
) -> Result<()> {
    // SAFETY: `value` is readable for `size_of::<T>()` bytes.
    cvt(unsafe {
        sys::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            mem::size_of::<T>() as socklen_t,
        )
    })
    .map(drop)
}

/// Returns the value and the length the kernel reported.
pub(crate) fn getsockopt<T: Pod>(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
) -> Result<(T, socklen_t)> {
    let mut value: T = zeroed();
    let mut len = mem::size_of::<T>() as socklen_t;
    // SAFETY: `value` is writable for `len` bytes, and any bytes the kernel writes
    // make a valid `T` (`Pod`).
    cvt(unsafe {
        sys::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&mut value as *mut T).cast(),
            &mut len,
        )
    })?;
    Ok((value, len))
}

pub(crate) fn setsockopt_bytes(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    value: &[u8],
) -> Result<()> {
    let len = socklen_t::try_from(value.len()).map_err(|_| Errno::EINVAL)?;
    // SAFETY: `value` is readable for `len` bytes.
    cvt(unsafe { sys::setsockopt(fd.as_raw_fd(), level, name, value.as_ptr().cast(), len) })
        .map(drop)
}

pub(crate) fn getsockopt_bytes(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    value: &mut [u8],
) -> Result<usize> {
    let mut len = socklen_t::try_from(value.len()).unwrap_or(socklen_t::MAX);
    // SAFETY: `value` is writable for `len` bytes (never more than its length).
    cvt(unsafe {
        sys::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_mut_ptr().cast(),
            &mut len,
        )
    })?;
    // Some options report their full size even when the buffer was shorter.
    Ok((len as usize).min(value.len()))
}

/// `fcntl(fd, cmd)` for the commands that take no argument (`F_GETFL`, `F_GETFD`).
pub(crate) fn fcntl_get(fd: BorrowedFd<'_>, cmd: c_int) -> Result<c_int> {
    // SAFETY: the caller passes only commands that take no third argument.
    cvt(unsafe { sys::fcntl(fd.as_raw_fd(), cmd) })
}

/// `fcntl(fd, cmd, arg)` for the commands that take an `int` (`F_SETFL`, `F_SETFD`).
pub(crate) fn fcntl_set(fd: BorrowedFd<'_>, cmd: c_int, arg: c_int) -> Result<()> {
    // SAFETY: the caller passes only commands whose third argument is an `int`.
    cvt(unsafe { sys::fcntl(fd.as_raw_fd(), cmd, arg) }).map(drop)
}

/// The C library's message for `errnum`, written into `buf` (XSI `strerror_r`).
pub(crate) fn strerror(errnum: c_int, buf: &mut [u8]) -> &str {
    // SAFETY: `buf` is writable for `buf.len()` bytes; the XSI form writes a
    // NUL-terminated message within them.
    let rc = unsafe { sys::strerror_r(errnum, buf.as_mut_ptr().cast(), buf.len()) };
    let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
    match core::str::from_utf8(&buf[..end]) {
        Ok(text) if rc == 0 || end > 0 => text,
        _ => "Unknown error",
    }
}

/// Reads `SOCKAPI_TRACE` as the program loads: an `.init_array` entry runs before
/// `main` and before any other thread exists, so `getenv` cannot race with a thread
/// that changes the environment (`std::env::set_var` is safe to call in Rust 2021).
#[cfg(all(feature = "trace", have_init_array))]
#[used]
#[link_section = ".init_array"]
static READ_TRACE_VARIABLE_AT_LOAD: extern "C" fn() = {
    extern "C" fn read_at_load() {
        crate::trace::read_environment();
    }
    read_at_load
};

/// Calls `f` with the value of the environment variable `name`, read with the C
/// library's `getenv`, which neither copies nor allocates.
///
/// Where the target has `.init_array`, this runs only before `main` (see
/// `READ_TRACE_VARIABLE_AT_LOAD`). Elsewhere it runs at the first traced call; a thread
/// changing the environment at that moment would race with it, as in C.
#[cfg(feature = "trace")]
pub(crate) fn getenv_with<R>(name: &core::ffi::CStr, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
    // SAFETY: `name` is NUL-terminated.
    let value = unsafe { sys::getenv(name.as_ptr()) };
    if value.is_null() {
        return f(None);
    }
    // SAFETY: a non-null `getenv` result is a NUL-terminated string that stays valid
    // until the environment changes; it is read here, within this call, and not kept.
    f(Some(unsafe { core::ffi::CStr::from_ptr(value) }.to_bytes()))
}

impl Drop for Socket {
    /// Closes the descriptor, as `OwnedFd` does: an error from `close` is ignored.
    /// The trace shows the `close` line, since dropping is where C code calls it.
    fn drop(&mut self) {
        let fd = self.fd.as_raw_fd();
        // SAFETY: this `Socket` owns `fd`; the `ManuallyDrop` keeps the inner `OwnedFd`
        // from closing it a second time, and nothing uses it after `drop`.
        let ret = cvt(unsafe { sys::close(fd) }).map(drop);
        trace_line!("close({fd}) = {}", crate::trace::Ret(&ret));
    }
}

impl From<Socket> for OwnedFd {
    fn from(socket: Socket) -> OwnedFd {
        let mut socket = ManuallyDrop::new(socket);
        // SAFETY: `socket` is never dropped, so its descriptor moves out exactly once.
        unsafe { ManuallyDrop::take(&mut socket.fd) }
    }
}

impl FromRawFd for Socket {
    /// Takes ownership of `fd`, as [`OwnedFd::from_raw_fd`] does.
    ///
    /// # Safety
    ///
    /// `fd` must be an open descriptor that nothing else owns or will close.
    unsafe fn from_raw_fd(fd: RawFd) -> Socket {
        // SAFETY: the caller upholds `OwnedFd::from_raw_fd`'s contract.
        Socket::from(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}
