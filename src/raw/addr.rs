//! The C storage under `SockAddr`: a `sockaddr_storage` and its `socklen_t`, of which
//! only the bytes the length covers are ever initialised or read.

use core::mem::{self, MaybeUninit};

use super::sockopt::Pod;
use crate::sys::{self, socklen_t};

/// `sizeof(struct sockaddr_storage)`: 128 on every target this crate knows.
pub(crate) const STORAGE_LEN: socklen_t = mem::size_of::<sys::sockaddr_storage>() as socklen_t;

/// A `struct sockaddr_storage` and its length, as C keeps them side by side.
///
/// Invariant, kept by every function in this module and by the raw calls that let the
/// kernel fill it (which set `len` only to what the kernel wrote, cut to the storage):
/// `len <= STORAGE_LEN`, and the first `len` bytes of `bytes` are initialised. The
/// bytes beyond `len` may be uninitialised and are never read, so the kernel's
/// `accept`, `getsockname`, `getpeername` and `recvfrom` fill an unzeroed storage, as
/// in C.
///
/// The one place the invariant is broken is inside those raw calls, between the
/// kernel's write and the cut of the length it reported; there the storage is seen
/// only through [`Filled`], which cuts the length itself.
///
/// What this leans on: a call that fills an address writes `min(len in, len out)`
/// bytes and reports `len out`, as POSIX says and Linux does (the kernel never reports
/// more than 128 for a socket it knows). A C library or an `LD_PRELOAD` shim that
/// reported a length it did not write would break C programs the same way.
#[derive(Clone, Copy)]
pub(crate) struct Storage {
    pub(super) bytes: MaybeUninit<sys::sockaddr_storage>,
    pub(super) len: socklen_t,
}

/// The specific address structs a `sockaddr_storage` can hold.
///
/// # Safety
///
/// `T` must be `Pod`, have no padding bytes (so that every byte of a `T` is
/// initialised, whoever made it: [`Storage::from_struct`] copies them all into bytes
/// that [`Storage::as_bytes`] later shows), and fit in `sockaddr_storage` in size
/// (checked at compile time in [`Storage::read`] and [`Storage::from_struct`]; the
/// padding, by `NO_PADDING` below).
pub(crate) unsafe trait SockaddrKind: Pod {}
// SAFETY: a `repr(C)` aggregate of integers, 16 bytes.
unsafe impl SockaddrKind for sys::sockaddr_in {}
// SAFETY: a `repr(C)` aggregate of integers, 28 bytes.
unsafe impl SockaddrKind for sys::sockaddr_in6 {}
// SAFETY: a `repr(C)` aggregate of integers and `c_char`s, 110 bytes on Linux.
unsafe impl SockaddrKind for sys::sockaddr_un {}

/// The address structs have no padding: each field starts where the one before it
/// ends, and the last ends the struct. (`sockaddr_un` is a family and a `char` array,
/// 110 bytes on Linux, at the family's alignment of 2; the `sys` layout test checks
/// its fields against the C headers.)
const NO_PADDING: () = {
    use core::mem::{offset_of, size_of};
    let family = size_of::<sys::sa_family_t>() + if cfg!(have_sin_len) { 1 } else { 0 };
    assert!(offset_of!(sys::sockaddr_in, sin_port) == family);
    assert!(offset_of!(sys::sockaddr_in, sin_addr) == family + 2);
    assert!(offset_of!(sys::sockaddr_in, sin_zero) == family + 6);
    assert!(size_of::<sys::sockaddr_in>() == family + 14);
    assert!(offset_of!(sys::sockaddr_in6, sin6_port) == family);
    assert!(offset_of!(sys::sockaddr_in6, sin6_flowinfo) == family + 2);
    assert!(offset_of!(sys::sockaddr_in6, sin6_addr) == family + 6);
    assert!(offset_of!(sys::sockaddr_in6, sin6_scope_id) == family + 22);
    assert!(size_of::<sys::sockaddr_in6>() == family + 26);
    assert!(offset_of!(sys::sockaddr_un, sun_path) == family);
    // `sun_path` is 108 bytes on Linux and 104 on the BSDs and Apple's systems.
    let sun_path = if cfg!(have_sin_len) { 104 } else { 108 };
    assert!(size_of::<sys::sockaddr_un>() == family + sun_path);
};

const fn fits<T>() -> bool {
    mem::size_of::<T>() <= STORAGE_LEN as usize
}

impl Storage {
    /// No address: length 0, every byte uninitialised.
    #[inline]
    const fn empty() -> Storage {
        Storage {
            bytes: MaybeUninit::uninit(),
            len: 0,
        }
    }

    /// The address made of `bytes` (family first), or `None` if they do not fit.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Storage> {
        if bytes.len() > STORAGE_LEN as usize {
            return None;
        }
        let mut storage = Storage::empty();
        // SAFETY: `bytes.len()` bytes fit in the storage (checked above), the source
        // is a distinct borrowed slice, so the two do not overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                storage.bytes.as_mut_ptr().cast::<u8>(),
                bytes.len(),
            );
        }
        storage.len = bytes.len() as socklen_t;
        Some(storage)
    }

    /// The address struct `value`, of which the first `len` bytes count (at most
    /// `size_of::<T>()`).
    #[inline]
    pub(crate) fn from_struct<T: SockaddrKind>(value: &T, len: usize) -> Storage {
        const { assert!(fits::<T>()) };
        let () = NO_PADDING;
        let len = len.min(mem::size_of::<T>());
        let mut storage = Storage::empty();
        // SAFETY: `T` fits in the storage (asserted at compile time); `len` is at most
        // its size, and a `Pod` value has every byte initialised, so the first `len`
        // bytes of the storage become initialised.
        unsafe {
            core::ptr::copy_nonoverlapping(
                (value as *const T).cast::<u8>(),
                storage.bytes.as_mut_ptr().cast::<u8>(),
                len,
            );
        }
        storage.len = len as socklen_t;
        storage
    }

    /// The bytes the length covers: what the kernel reads or wrote.
    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        // SAFETY: by the invariant, the first `len <= STORAGE_LEN` bytes are
        // initialised and within the storage; `u8` has no alignment needs.
        unsafe { core::slice::from_raw_parts(self.bytes.as_ptr().cast::<u8>(), self.len as usize) }
    }

    /// The length (`socklen_t addrlen`).
    #[inline]
    pub(crate) fn len(&self) -> socklen_t {
        self.len
    }

    /// `(const struct sockaddr *)&storage`, for the calls that read an address.
    #[inline]
    pub(crate) fn as_ptr(&self) -> *const sys::sockaddr {
        self.bytes.as_ptr().cast()
    }

    /// The storage seen as `T`: the bytes the length covers, then zeros up to
    /// `size_of::<T>()` (so a short form, such as the 24-byte `sockaddr_in6` of RFC
    /// 2133, reads with its missing fields zero). The caller checks the family and
    /// the length it needs.
    pub(crate) fn read<T: SockaddrKind>(&self) -> T {
        const { assert!(fits::<T>()) };
        let mut value: T = super::sockopt::zeroed();
        let n = (self.len as usize).min(mem::size_of::<T>());
        // SAFETY: the first `n <= len` bytes of the storage are initialised; `value`
        // is writable for `size_of::<T>() >= n` bytes and any bytes make a valid `T`
        // (`Pod`); the two do not overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(
                self.bytes.as_ptr().cast::<u8>(),
                (&mut value as *mut T).cast::<u8>(),
                n,
            );
        }
        value
    }
}

/// A storage the kernel has just written, with the length it reported, which may
/// exceed the storage: what the trace sees of it before the call returns.
#[derive(Clone, Copy)]
pub(crate) struct Filled<'a>(pub(super) &'a Storage);

impl Filled<'_> {
    /// The address, its length cut to the storage (the kernel wrote only what fits).
    pub(crate) fn get(self) -> Storage {
        Storage {
            bytes: self.0.bytes,
            len: self.0.len.min(STORAGE_LEN),
        }
    }

    /// The length as the kernel reported it, uncut: the address's full length, which
    /// for a truncated address exceeds the bytes written (0 after a failed call). For
    /// the trace's `[LEN]`; never for reading bytes.
    pub(crate) fn reported_len(self) -> socklen_t {
        self.0.len
    }
}
