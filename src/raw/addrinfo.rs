//! `<netdb.h>`'s address lookups: `getaddrinfo` and the list it returns (owned, freed
//! with `freeaddrinfo`), `getnameinfo`, `gai_strerror`.
//!
//! The list is the C library's own linked list: [`AddrInfoList`] holds its head and
//! frees it on drop; [`AddrInfo`] is one `struct addrinfo` of it, seen in place. What
//! this leans on: a successful `getaddrinfo` returns a well-formed list, which stays
//! valid and unchanged until `freeaddrinfo` (POSIX): each `ai_next` is null or the
//! next entry, each `ai_addr` points to `ai_addrlen` readable bytes, each non-null
//! `ai_canonname` to a NUL-terminated string.

use core::ffi::CStr;
use core::marker::PhantomData;
use core::ptr::NonNull;

use super::addr::{Storage, STORAGE_LEN};
use super::last_errno;
use crate::sys::{self, c_int};
use crate::Errno;

/// A failed lookup: the `EAI_*` code, and `errno` as it was right after the call
/// (meaningful for `EAI_SYSTEM` only).
pub(crate) type GaiFailure = (c_int, Errno);

/// The list a successful [`getaddrinfo`](crate::getaddrinfo) returned, freed with `freeaddrinfo` when
/// dropped.
///
/// `for ai in &list` walks its entries ([`AddrInfo`]) in the C library's order, which
/// is the order C code tries them in.
// Invariant: `head` is a list a successful `getaddrinfo` returned, not yet freed, and
// freed only by `Drop` (nothing else can reach the pointer).
pub struct AddrInfoList {
    head: NonNull<sys::addrinfo>,
}

impl AddrInfoList {
    /// The first entry (a successful lookup returns at least one).
    #[inline]
    pub fn first(&self) -> &AddrInfo {
        // SAFETY: the invariant: `head` is a live entry of the list, valid for as long
        // as `self` (freed only on drop); `AddrInfo` is `repr(transparent)` over
        // `addrinfo`.
        unsafe { self.head.cast::<AddrInfo>().as_ref() }
    }

    /// The entries, in order.
    #[inline]
    pub fn iter(&self) -> AddrInfoIter<'_> {
        AddrInfoIter {
            next: Some(self.first()),
            _list: PhantomData,
        }
    }
}

impl Drop for AddrInfoList {
    fn drop(&mut self) {
        // SAFETY: the invariant: `head` came from a successful `getaddrinfo` and is
        // freed once, here; no `&AddrInfo` outlives `self`.
        unsafe { sys::freeaddrinfo(self.head.as_ptr()) }
    }
}

// SAFETY: the list is plain memory that the C library allocated and nothing else
// refers to; reading it from another thread, or freeing it there, is what C programs
// do (`freeaddrinfo` is thread-safe).
unsafe impl Send for AddrInfoList {}
// SAFETY: through `&AddrInfoList` the list is only read.
unsafe impl Sync for AddrInfoList {}

/// An iterator over an [`AddrInfoList`].
pub struct AddrInfoIter<'a> {
    next: Option<&'a AddrInfo>,
    _list: PhantomData<&'a AddrInfoList>,
}

impl<'a> Iterator for AddrInfoIter<'a> {
    type Item = &'a AddrInfo;

    #[inline]
    fn next(&mut self) -> Option<&'a AddrInfo> {
        let this = self.next?;
        self.next = this.next();
        Some(this)
    }
}

impl<'a> IntoIterator for &'a AddrInfoList {
    type Item = &'a AddrInfo;
    type IntoIter = AddrInfoIter<'a>;

    fn into_iter(self) -> AddrInfoIter<'a> {
        self.iter()
    }
}

/// One entry of an [`AddrInfoList`]: C's `struct addrinfo`, read in place.
// Invariant: only ever seen as `&AddrInfo` into a live list (see `AddrInfoList`).
#[repr(transparent)]
pub struct AddrInfo {
    raw: sys::addrinfo,
}

// SAFETY: as for `AddrInfoList`: plain memory, only read.
unsafe impl Send for AddrInfo {}
// SAFETY: as above.
unsafe impl Sync for AddrInfo {}

impl AddrInfo {
    /// The C struct.
    #[inline]
    pub(crate) fn raw(&self) -> &sys::addrinfo {
        &self.raw
    }

    /// This entry and those after it.
    #[inline]
    pub(crate) fn and_after(&self) -> AddrInfoIter<'_> {
        AddrInfoIter {
            next: Some(self),
            _list: PhantomData,
        }
    }

    /// The next entry of the list.
    #[inline]
    fn next(&self) -> Option<&AddrInfo> {
        let next = NonNull::new(self.raw.ai_next)?;
        // SAFETY: the invariant: `self` is in a live list, whose `ai_next` is null or
        // the next entry of that list, valid as long as the list (and so as `self`).
        Some(unsafe { next.cast::<AddrInfo>().as_ref() })
    }

    /// `ai_addr`, `ai_addrlen` bytes of it, as an address storage; `None` if null, or
    /// longer than a `sockaddr_storage` (which no C library returns).
    pub(crate) fn addr_storage(&self) -> Option<Storage> {
        let len = usize::try_from(self.raw.ai_addrlen).ok()?;
        if self.raw.ai_addr.is_null() || len > STORAGE_LEN as usize {
            return None;
        }
        // SAFETY: the invariant: a non-null `ai_addr` of an entry in a live list points
        // to `ai_addrlen` readable bytes, for as long as `&self`.
        let bytes = unsafe { core::slice::from_raw_parts(self.raw.ai_addr.cast::<u8>(), len) };
        Storage::from_bytes(bytes)
    }

    /// `ai_canonname`, if not null.
    pub(crate) fn canonname(&self) -> Option<&CStr> {
        if self.raw.ai_canonname.is_null() {
            return None;
        }
        // SAFETY: the invariant: a non-null `ai_canonname` of an entry in a live list is
        // a NUL-terminated string that lives as long as the list, so as `&self`.
        Some(unsafe { CStr::from_ptr(self.raw.ai_canonname) })
    }
}

/// Hints for `getaddrinfo`: these four fields, every other zero or null, as POSIX
/// requires.
#[inline]
pub(crate) fn hints(
    flags: c_int,
    family: c_int,
    socktype: c_int,
    protocol: c_int,
) -> sys::addrinfo {
    // SAFETY: `addrinfo` is integers and raw pointers: all-zero bytes are a valid
    // value, with null pointers.
    let mut hints: sys::addrinfo = unsafe { core::mem::zeroed() };
    hints.ai_flags = flags;
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_protocol = protocol;
    hints
}

/// `getaddrinfo(node, service, hints, &res)`: the list, or the `EAI_*` code and the
/// `errno` right after the call.
#[inline]
pub(crate) fn getaddrinfo(
    node: Option<&CStr>,
    service: Option<&CStr>,
    hints: Option<&sys::addrinfo>,
) -> Result<AddrInfoList, GaiFailure> {
    let mut res: *mut sys::addrinfo = core::ptr::null_mut();
    let node = node.map_or(core::ptr::null(), CStr::as_ptr);
    let service = service.map_or(core::ptr::null(), CStr::as_ptr);
    let hints = hints.map_or(core::ptr::null(), core::ptr::from_ref);
    // SAFETY: `node` and `service` are null or NUL-terminated strings borrowed for the
    // call; `hints` is null or a borrowed `addrinfo` (which the C library only reads;
    // from `hints()`, its pointers are null); `res` is writable and receives the list.
    let code = unsafe { sys::getaddrinfo(node, service, hints, &mut res) };
    if code != 0 {
        return Err((code, last_errno()));
    }
    match NonNull::new(res) {
        Some(head) => Ok(AddrInfoList { head }),
        // Success with no list: none known does this; reported as "no name".
        None => Err((sys::EAI_NONAME, Errno::from_raw(0))),
    }
}

/// `gai_strerror(code)`: the C library's text for an `EAI_*` code.
pub(crate) fn gai_strerror(code: c_int) -> &'static CStr {
    // SAFETY: `gai_strerror` takes any int.
    let text = unsafe { sys::gai_strerror(code) };
    if text.is_null() {
        return c"Unknown error";
    }
    // SAFETY: glibc and musl return a pointer to a string constant (translated through
    // the message catalogue, which stays mapped), never freed or reused: a static
    // NUL-terminated string.
    unsafe { CStr::from_ptr(text) }
}

/// The address `getnameinfo` reads, with a NUL after it: glibc takes any `AF_UNIX`
/// address of two bytes or more and runs `strlen` over `sun_path` whatever the
/// length says, and musl reads the family before it checks the length. Copied here
/// with zeros after its `len()` bytes (and a last NUL past the storage), neither
/// reads an uninitialised byte, nor past the copy.
#[repr(C, align(8))]
struct PaddedAddr([u8; STORAGE_LEN as usize + 8]);

/// `getnameinfo(addr, len, host, hostlen, serv, servlen, flags)`: NUL-terminated
/// names written into `host` and `serv`.
#[inline]
pub(crate) fn getnameinfo(
    addr: &Storage,
    host: &mut [u8],
    serv: &mut [u8],
    flags: c_int,
) -> Result<(), GaiFailure> {
    let bytes = addr.as_bytes();
    let mut padded = PaddedAddr([0; STORAGE_LEN as usize + 8]);
    padded.0[..bytes.len()].copy_from_slice(bytes);
    let hostlen = sys::socklen_t::try_from(host.len()).unwrap_or(sys::socklen_t::MAX);
    let servlen = sys::socklen_t::try_from(serv.len()).unwrap_or(sys::socklen_t::MAX);
    // SAFETY: the C library reads the address from `padded`: its first `len()` bytes
    // are the address, every byte after them up to the end is zero, so a family read
    // before the length is checked, or a `strlen` over an `AF_UNIX` path that ignores
    // the length (glibc), meets initialised bytes and a NUL within `padded`; it writes
    // at most `hostlen` bytes into `host` and `servlen` into `serv` (no more than their
    // lengths), NUL-terminated on success.
    let code = unsafe {
        sys::getnameinfo(
            padded.0.as_ptr().cast(),
            addr.len(),
            host.as_mut_ptr().cast(),
            hostlen,
            serv.as_mut_ptr().cast(),
            servlen,
            flags,
        )
    };
    if code != 0 {
        return Err((code, last_errno()));
    }
    Ok(())
}
