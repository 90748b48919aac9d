//! The service, protocol and host databases of `<netdb.h>`: `getservbyname`,
//! `getservbyport`, `getprotobyname`, `getprotobynumber`, and the legacy
//! `gethostbyname` and `gethostbyaddr`.
//!
//! Each call is the C library's reentrant `_r` form, so it is thread-safe; they are
//! offered where `build.rs` says the C library's forms are known and tested: glibc on
//! Linux (`have_reentrant_netdb`). musl lacks `getprotobyname_r` and
//! `getprotobynumber_r`, and its `getservbyname_r` points `s_proto` at a literal
//! outside the caller's buffer; other systems need a lock around the static forms.
//! Those are not offered yet. The answer is copied out of the C library's buffer
//! into a value of its own ([`ServEnt`], [`ProtoEnt`], [`HostEnt`]): nothing points
//! into a C library static that the next call would overwrite. The `_r` call writes
//! into a buffer of 1024 bytes on the stack; an entry that does not fit (`ERANGE`) is
//! looked up again with a larger buffer on the heap, up to 16 MiB, and `ERANGE` is
//! never returned. The copy keeps its strings inline (256 bytes; on the heap beyond).
//!
//! Reading the C library's answer trusts nothing in it: every pointer in the entry
//! (the strings and the NULL-terminated pointer arrays) must lie inside the buffer the
//! call was given, or inside the name passed to it, and every string must end with a
//! NUL there; otherwise the call fails with `EFAULT`, and an array of more than 65536
//! entries fails with `EOVERFLOW`. Neither happens with glibc.
//!
//! Names are [`NameArg`]s (the protocol a [`NameOrNull`], `None` for any): a `&CStr`
//! (`c"http"`) goes to C as it is; a `&str` or `&String` with a NUL byte inside is
//! `EINVAL` (for the host calls, [`NETDB_INTERNAL`] with `EINVAL`) before any call
//! (in C the name would silently end there), and is otherwise copied to the stack
//! with its NUL when shorter than 256 bytes, so the usual lookup does not allocate.
//! Both forms trace alike.

use core::ffi::CStr;
use core::fmt;
use core::ops::Deref;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::cstr::{
    bytes_of, c_name, c_opt_name, heap_c_string, name_buf, opt_bytes_of, with_name, with_opt_name,
    NameArg, NameOrNull, Unfit,
};
use crate::macros::inject;
use crate::raw::{self, HostFailure};
use crate::socket::{AddressFamily, AF_INET, AF_INET6};
use crate::sys::{self, c_char, c_int};
use crate::trace::{self, Data};
use crate::{Errno, Result};

/// The first buffer an `_r` call gets, on the stack (glibc's own non-reentrant
/// wrappers start at the same size).
const FIRST_BUFFER: usize = 1024;
/// The largest buffer a lookup retries with before it gives up with `ENOMEM`.
const MAX_BUFFER: usize = 1 << 24;
/// Names shorter than this become C strings on the stack.
const NAME_STACK: usize = crate::cstr::STACK_NAME;
/// Strings an entry keeps inline before it moves them to the heap.
const INLINE: usize = 256;
/// The most entries a pointer array of the answer may have.
const MAX_ENTRIES: usize = 1 << 16;
/// A pointer in the answer, read as bytes.
const PTR: usize = core::mem::size_of::<usize>();
const _: () = assert!(core::mem::size_of::<*mut c_char>() == PTR);

// ---------------------------------------------------------------------------------
// Names as the databases give them.

/// A name from a database entry (`s_name`, an alias, `h_name`, …): its bytes, without
/// the NUL. Names are almost always ASCII, but nothing in the files or DNS makes them
/// UTF-8, so it derefs to `&[u8]`, with [`to_str`](NetStr::to_str) for text;
/// `Display` shows it with bytes that are not printable ASCII escaped (`\xNN`), and
/// it compares equal to a `&str` of the same bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct NetStr<'a>(&'a [u8]);

impl<'a> NetStr<'a> {
    /// The name's bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// The name as text, if it is UTF-8.
    pub fn to_str(&self) -> Option<&'a str> {
        core::str::from_utf8(self.0).ok()
    }
}

impl Deref for NetStr<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0
    }
}

impl PartialEq<str> for NetStr<'_> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for NetStr<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl fmt::Display for NetStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in self.0 {
            match b {
                b'\\' => f.write_str("\\\\")?,
                0x20..=0x7e => f.write_str(char::from(b).encode_utf8(&mut [0; 4]))?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for NetStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// The aliases of an entry (`s_aliases`, `p_aliases`, `h_aliases`), in the C
/// library's order: C's NULL-terminated array as an iterator.
#[derive(Clone)]
pub struct Aliases<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Aliases<'a> {
    type Item = NetStr<'a>;
    fn next(&mut self) -> Option<NetStr<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        // Every name is stored with its NUL; a missing one would be our bug, and ends
        // the list rather than panicking.
        let end = self.rest.iter().position(|&b| b == 0)?;
        let name = &self.rest[..end];
        self.rest = &self.rest[end + 1..];
        Some(NetStr(name))
    }
}

impl fmt::Debug for Aliases<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// Bytes kept inline up to [`INLINE`], on the heap beyond.
// The inline variant is the point: boxing it would allocate on every lookup.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Store {
    Inline { buf: [u8; INLINE], len: usize },
    Heap(Vec<u8>),
}

impl Store {
    const fn new() -> Store {
        Store::Inline {
            buf: [0; INLINE],
            len: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        match self {
            Store::Inline { buf, len } => {
                let end = *len + bytes.len();
                if end <= INLINE {
                    buf[*len..end].copy_from_slice(bytes);
                    *len = end;
                } else {
                    let mut heap = Vec::with_capacity(end.max(2 * INLINE));
                    heap.extend_from_slice(&buf[..*len]);
                    heap.extend_from_slice(bytes);
                    *self = Store::Heap(heap);
                }
            }
            Store::Heap(heap) => heap.extend_from_slice(bytes),
        }
    }

    /// A name and its NUL (one copy where it fits inline, as it almost always does).
    fn push_name(&mut self, name: &[u8]) {
        if let Store::Inline { buf, len } = self {
            let end = *len + name.len();
            if end < INLINE {
                buf[*len..end].copy_from_slice(name);
                buf[end] = 0;
                *len = end + 1;
                return;
            }
        }
        self.push(name);
        self.push(&[0]);
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Store::Inline { buf, len } => &buf[..*len],
            Store::Heap(heap) => heap,
        }
    }

    fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// The name stored at `at`, without its NUL.
    fn name_at(&self, at: usize) -> NetStr<'_> {
        let bytes = self.as_bytes().get(at..).unwrap_or_default();
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        NetStr(&bytes[..end])
    }

    fn names_from(&self, at: usize) -> Aliases<'_> {
        Aliases {
            rest: self.as_bytes().get(at..).unwrap_or_default(),
        }
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Store {}

// ---------------------------------------------------------------------------------
// Reading the C library's answer, trusting none of its pointers.

/// The memory an answer's pointers may point into: the buffer the call filled, and
/// the names passed to it (NUL included), which a C library may point back at.
struct Answer<'a> {
    buf: &'a [u8],
    args: [&'a [u8]; 2],
}

impl<'a> Answer<'a> {
    /// The bytes from address `addr` to the end of the region that holds it.
    fn tail(&self, addr: usize) -> Result<&'a [u8]> {
        for region in core::iter::once(self.buf).chain(self.args) {
            if let Some(offset) = addr.checked_sub(region.as_ptr() as usize) {
                if offset < region.len() {
                    return Ok(&region[offset..]);
                }
            }
        }
        Err(Errno::EFAULT)
    }

    /// The C string at `addr`, without its NUL, which must lie in the same region.
    fn c_str(&self, addr: usize) -> Result<&'a [u8]> {
        let tail = self.tail(addr)?;
        let end = tail.iter().position(|&b| b == 0).ok_or(Errno::EFAULT)?;
        Ok(&tail[..end])
    }

    /// `len` bytes at `addr`, all in one region.
    fn bytes(&self, addr: usize, len: usize) -> Result<&'a [u8]> {
        self.tail(addr)?.get(..len).ok_or(Errno::EFAULT)
    }

    /// The NULL-terminated pointer array at `addr`, which must lie in the buffer
    /// (NULL itself reads as an empty array).
    fn array(&self, addr: usize) -> Result<PtrArray<'a>> {
        if addr == 0 {
            return Ok(PtrArray {
                rest: &[],
                seen: 0,
                done: true,
            });
        }
        let offset = addr
            .checked_sub(self.buf.as_ptr() as usize)
            .filter(|&offset| offset < self.buf.len())
            .ok_or(Errno::EFAULT)?;
        Ok(PtrArray {
            rest: &self.buf[offset..],
            seen: 0,
            done: false,
        })
    }
}

/// The non-NULL entries of a pointer array, as addresses, read as bytes out of the
/// buffer: an array whose NULL is not in the buffer is `EFAULT`, more than
/// [`MAX_ENTRIES`] entries `EOVERFLOW`.
struct PtrArray<'a> {
    rest: &'a [u8],
    seen: usize,
    done: bool,
}

impl Iterator for PtrArray<'_> {
    type Item = Result<usize>;
    fn next(&mut self) -> Option<Result<usize>> {
        if self.done {
            return None;
        }
        let Some((slot, rest)) = self.rest.split_first_chunk::<PTR>() else {
            self.done = true;
            return Some(Err(Errno::EFAULT));
        };
        let addr = usize::from_ne_bytes(*slot);
        if addr == 0 {
            self.done = true;
            return None;
        }
        self.seen += 1;
        if self.seen > MAX_ENTRIES {
            self.done = true;
            return Some(Err(Errno::EOVERFLOW));
        }
        self.rest = rest;
        Some(Ok(addr))
    }
}

/// Runs `call` with a buffer of `first_len` bytes (at most [`FIRST_BUFFER`]) on the
/// stack, then, while it answers `None` (`ERANGE`: too small), with larger ones on the
/// heap. Returns the answer, `None` if even [`MAX_BUFFER`] was too small, and how
/// many calls it took.
fn with_buffer<R>(
    first_len: usize,
    mut call: impl FnMut(&mut [u8]) -> Option<R>,
) -> (Option<R>, usize) {
    let mut stack = [0u8; FIRST_BUFFER];
    if let Some(answer) = call(&mut stack[..first_len.min(FIRST_BUFFER)]) {
        return (Some(answer), 1);
    }
    let mut attempts = 1;
    let mut len = FIRST_BUFFER * 4;
    while len <= MAX_BUFFER {
        attempts += 1;
        let mut heap = vec![0u8; len];
        if let Some(answer) = call(&mut heap) {
            return (Some(answer), attempts);
        }
        len *= 4;
    }
    (None, attempts)
}

/// `name` as a C string (see [`crate::cstr::with_name`]); `EINVAL` if it holds a
/// NUL.
#[inline]
fn with_c_name<S: NameArg + ?Sized, R>(name: &S, f: impl FnOnce(&CStr) -> R) -> Result<R> {
    with_name::<NAME_STACK, _, _>(name, |c| c.map(f).ok_or(Errno::EINVAL))
}

/// `proto` as a C string (NULL for `None`): see [`with_c_name`].
#[inline]
fn with_c_opt<R>(proto: &impl NameOrNull, f: impl FnOnce(Option<&CStr>) -> R) -> Result<R> {
    with_opt_name::<NAME_STACK, _>(proto, |c| c.map(f).ok_or(Errno::EINVAL))
}

fn c_bytes(c: Option<&CStr>) -> &[u8] {
    c.map_or(&[], CStr::to_bytes_with_nul)
}

// ---------------------------------------------------------------------------------
// Services.

/// A service entry, C's `struct servent`, copied out of the C library's answer.
///
/// `s_port()` is in network byte order exactly as C's `s_port`, so
/// `ntohs(se->s_port)` ports unchanged; [`port`](ServEnt::port) gives it in host
/// order. `Debug` shows the port as `htons(80)`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServEnt {
    /// `s_name\0s_proto\0alias\0alias\0…`
    strings: Store,
    proto_at: usize,
    aliases_at: usize,
    s_port: u16,
}

impl ServEnt {
    /// `s_name`: the official name of the service (`"http"`).
    pub fn s_name(&self) -> NetStr<'_> {
        self.strings.name_at(0)
    }

    /// `s_aliases`: its other names (`"www"`).
    pub fn s_aliases(&self) -> Aliases<'_> {
        self.strings.names_from(self.aliases_at)
    }

    /// `s_port`: the port in network byte order, as in C (`htons(80)`).
    pub fn s_port(&self) -> u16 {
        self.s_port
    }

    /// The port in host byte order (`80`): C's `ntohs(se->s_port)`.
    pub fn port(&self) -> u16 {
        u16::from_be(self.s_port)
    }

    /// `s_proto`: the protocol the entry is for (`"tcp"`).
    pub fn s_proto(&self) -> NetStr<'_> {
        self.strings.name_at(self.proto_at)
    }

    fn from_c(entry: &sys::servent, answer: &Answer<'_>) -> Result<ServEnt> {
        let mut strings = Store::new();
        strings.push_name(answer.c_str(entry.s_name as usize)?);
        let proto_at = strings.len();
        strings.push_name(answer.c_str(entry.s_proto as usize)?);
        let aliases_at = strings.len();
        for alias in answer.array(entry.s_aliases as usize)? {
            strings.push_name(answer.c_str(alias?)?);
        }
        Ok(ServEnt {
            strings,
            proto_at,
            aliases_at,
            // C's int holds the network-order u16 zero-extended: the low 16 bits.
            s_port: entry.s_port as u16,
        })
    }
}

impl fmt::Debug for ServEnt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServEnt")
            .field("s_name", &self.s_name())
            .field("s_aliases", &self.s_aliases())
            .field("s_port", &format_args!("htons({})", self.port()))
            .field("s_proto", &self.s_proto())
            .finish()
    }
}

/// `getservbyname(name, proto)`—The service named `name` (or with `name` as an
/// alias), for protocol `proto` (`"tcp"`, `"udp"`), or for any protocol with `None`.
///
/// ```c
/// #include <netdb.h>
/// struct servent *getservbyname(const char *name, const char *proto);
/// ```
///
/// ```no_run
/// # use sockapi::*;
/// # fn main() -> sockapi::Result<()> {
/// let se = getservbyname("http", "tcp")?.expect("http in /etc/services");
/// assert_eq!(se.port(), 80); // C: ntohs(se->s_port)
/// let any = getservbyname("domain", None)?; // C: getservbyname("domain", NULL)
/// # let _ = any; Ok(()) }
/// ```
///
/// C's `NULL` for "no such service" is `Ok(None)`. The call is the reentrant
/// `getservbyname_r`, copied out into a [`ServEnt`] of its own (see the module docs
/// for the buffer and the checks). `name` and `proto` may be `&CStr`s
/// (`getservbyname(c"http", c"tcp")`), passed as they are, or Rust strings, copied to
/// the stack (see the module docs).
///
/// # Errors
///
/// `EINVAL` (a NUL byte inside a Rust string `name` or `proto`, without a call); what
/// the C library reports (`ENOENT`: glibc could not open the database, such as a
/// missing `/etc/services`); `ENOMEM` (an entry larger than 16 MiB);
/// `EFAULT`/`EOVERFLOW` (an answer pointing outside its buffer; see the module docs).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getservbyname.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getservbyname_r.3.html)
pub fn getservbyname<S: NameArg + ?Sized>(
    name: &S,
    proto: impl NameOrNull,
) -> Result<Option<ServEnt>> {
    // The answer is some hundred bytes: the trace's check comes first, and the
    // traced path (cold) makes the same call, so that the answer is built where
    // it is returned, as with the trace compiled out.
    if trace::maybe_on() {
        let ret = inject!(getservbyname, None, servbyname(name, proto));
        trace_servbyname(bytes_of(name), opt_bytes_of(&proto), &ret);
        return ret;
    }
    inject!(getservbyname, None, servbyname(name, proto))
}

/// The call of [`getservbyname`], traced or not.
#[inline(always)]
fn servbyname<S: NameArg + ?Sized>(name: &S, proto: impl NameOrNull) -> Result<Option<ServEnt>> {
    getservbyname_sized(name, proto, FIRST_BUFFER).map(|(entry, _)| entry)
}

/// [`getservbyname`] with a first buffer of `first_len` bytes (at most 1024), without
/// a trace line; also returns how many `_r` calls it took. For the tests of the
/// `ERANGE` retry.
#[doc(hidden)]
#[inline(always)]
pub fn getservbyname_sized<S: NameArg + ?Sized>(
    name: &S,
    proto: impl NameOrNull,
    first_len: usize,
) -> Result<(Option<ServEnt>, usize)> {
    let mut proto_buf = name_buf::<NAME_STACK>();
    let mut name_buf = name_buf::<NAME_STACK>();
    match (
        c_name(name, &mut name_buf),
        c_opt_name(&proto, &mut proto_buf),
    ) {
        (Ok(name), Ok(proto)) => servbyname_r(name, proto, first_len),
        (Err(Unfit::Nul), _) | (_, Err(Unfit::Nul)) => Err(Errno::EINVAL),
        _ => servbyname_heap(bytes_of(name), opt_bytes_of(&proto), first_len),
    }
}

/// `getservbyname_r` into a buffer of `first_len` bytes, then larger ones, the entry
/// copied out; and how many calls it took.
fn servbyname_r(
    name: &CStr,
    proto: Option<&CStr>,
    first_len: usize,
) -> Result<(Option<ServEnt>, usize)> {
    let args = [name.to_bytes_with_nul(), c_bytes(proto)];
    let (answer, attempts) = with_buffer(first_len, |buf| {
        match raw::getservbyname_r(name, proto, buf) {
            Err(Errno::ERANGE) => None,
            Err(e) => Some(Err(e)),
            Ok(None) => Some(Ok(None)),
            Ok(Some(entry)) => Some(ServEnt::from_c(&entry, &Answer { buf, args }).map(Some)),
        }
    });
    answer
        .unwrap_or(Err(Errno::ENOMEM))
        .map(|entry| (entry, attempts))
}

/// [`servbyname_r`] for names of 256 bytes or more (which no service or protocol
/// has), made C strings on the heap. Neither holds a NUL (checked first).
#[cold]
#[inline(never)]
fn servbyname_heap(
    name: &[u8],
    proto: Option<&[u8]>,
    first_len: usize,
) -> Result<(Option<ServEnt>, usize)> {
    let name = heap_c_string(name).ok_or(Errno::EINVAL)?;
    match proto.map(heap_c_string) {
        None => servbyname_r(&name, None, first_len),
        Some(Some(proto)) => servbyname_r(&name, Some(&proto), first_len),
        Some(None) => Err(Errno::EINVAL),
    }
}

/// `getservbyport(port, proto)`—The service on `port`, **in network byte order** as
/// in C, for protocol `proto` or any protocol with `None`.
///
/// ```c
/// #include <netdb.h>
/// struct servent *getservbyport(int port, const char *proto);
/// ```
///
/// ```no_run
/// # use sockapi::*;
/// # fn main() -> sockapi::Result<()> {
/// // C: getservbyport(htons(80), "tcp")
/// let se = getservbyport(80u16.to_be(), "tcp")?.expect("port 80 in /etc/services");
/// assert_eq!(se.s_name(), "http");
/// # Ok(()) }
/// ```
///
/// C's `NULL` for "no such service" is `Ok(None)`. The call is the reentrant
/// `getservbyport_r`.
///
/// # Errors
///
/// As [`getservbyname`].
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getservbyport.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getservbyport_r.3.html)
pub fn getservbyport(port: u16, proto: impl NameOrNull) -> Result<Option<ServEnt>> {
    // The answer is some hundred bytes: the trace's check comes first, and the
    // traced path (cold) makes the same call, so that the answer is built where
    // it is returned, as with the trace compiled out.
    if trace::maybe_on() {
        let ret = inject!(getservbyport, None, servbyport(port, proto));
        trace_servbyport(port, opt_bytes_of(&proto), &ret);
        return ret;
    }
    inject!(getservbyport, None, servbyport(port, proto))
}

/// The call of [`getservbyport`], traced or not.
#[inline(always)]
fn servbyport(port: u16, proto: impl NameOrNull) -> Result<Option<ServEnt>> {
    with_c_opt(&proto, |proto| {
        let args = [c_bytes(proto), &[]];
        let (answer, _) = with_buffer(FIRST_BUFFER, |buf| {
            match raw::getservbyport_r(c_int::from(port), proto, buf) {
                Err(Errno::ERANGE) => None,
                Err(e) => Some(Err(e)),
                Ok(None) => Some(Ok(None)),
                Ok(Some(entry)) => Some(ServEnt::from_c(&entry, &Answer { buf, args }).map(Some)),
            }
        });
        answer.unwrap_or(Err(Errno::ENOMEM))
    })
    .and_then(|ret| ret)
}

// ---------------------------------------------------------------------------------
// Protocols.

/// A protocol entry, C's `struct protoent`, copied out of the C library's answer.
#[derive(Clone, PartialEq, Eq)]
pub struct ProtoEnt {
    /// `p_name\0alias\0alias\0…`
    strings: Store,
    aliases_at: usize,
    p_proto: c_int,
}

impl ProtoEnt {
    /// `p_name`: the official name of the protocol (`"tcp"`).
    pub fn p_name(&self) -> NetStr<'_> {
        self.strings.name_at(0)
    }

    /// `p_aliases`: its other names (`"TCP"`).
    pub fn p_aliases(&self) -> Aliases<'_> {
        self.strings.names_from(self.aliases_at)
    }

    /// `p_proto`: the protocol number (`6`), as `socket`'s third argument takes it
    /// (`Protocol::from_raw(pe.p_proto())`).
    pub fn p_proto(&self) -> c_int {
        self.p_proto
    }

    fn from_c(entry: &sys::protoent, answer: &Answer<'_>) -> Result<ProtoEnt> {
        let mut strings = Store::new();
        strings.push_name(answer.c_str(entry.p_name as usize)?);
        let aliases_at = strings.len();
        for alias in answer.array(entry.p_aliases as usize)? {
            strings.push_name(answer.c_str(alias?)?);
        }
        Ok(ProtoEnt {
            strings,
            aliases_at,
            p_proto: entry.p_proto,
        })
    }
}

impl fmt::Debug for ProtoEnt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProtoEnt")
            .field("p_name", &self.p_name())
            .field("p_aliases", &self.p_aliases())
            .field("p_proto", &self.p_proto)
            .finish()
    }
}

fn proto_answer(
    ret: Result<Option<sys::protoent>>,
    answer: Answer<'_>,
) -> Option<Result<Option<ProtoEnt>>> {
    match ret {
        Err(Errno::ERANGE) => None,
        Err(e) => Some(Err(e)),
        Ok(None) => Some(Ok(None)),
        Ok(Some(entry)) => Some(ProtoEnt::from_c(&entry, &answer).map(Some)),
    }
}

/// `getprotobyname(name)`—The protocol named `name` (`"tcp"`), from `/etc/protocols`.
///
/// ```c
/// #include <netdb.h>
/// struct protoent *getprotobyname(const char *name);
/// ```
///
/// C's `NULL` for "no such protocol" is `Ok(None)`. The call is the reentrant
/// `getprotobyname_r`. `name` may be a `&CStr` (`c"tcp"`), passed as it is, or a
/// Rust string, copied to the stack.
///
/// # Errors
///
/// As [`getservbyname`].
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getprotobyname.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getprotobyname_r.3.html)
pub fn getprotobyname<S: NameArg + ?Sized>(name: &S) -> Result<Option<ProtoEnt>> {
    // The answer is some hundred bytes: the trace's check comes first, and the
    // traced path (cold) makes the same call, so that the answer is built where
    // it is returned, as with the trace compiled out.
    if trace::maybe_on() {
        let ret = inject!(getprotobyname, None, protobyname(name));
        trace_protobyname(bytes_of(name), &ret);
        return ret;
    }
    inject!(getprotobyname, None, protobyname(name))
}

/// The call of [`getprotobyname`], traced or not.
#[inline(always)]
fn protobyname<S: NameArg + ?Sized>(name: &S) -> Result<Option<ProtoEnt>> {
    with_c_name(name, |c_name| {
        let args = [c_name.to_bytes_with_nul(), &[]];
        let (answer, _) = with_buffer(FIRST_BUFFER, |buf| {
            let ret = raw::getprotobyname_r(c_name, buf);
            proto_answer(ret, Answer { buf, args })
        });
        answer.unwrap_or(Err(Errno::ENOMEM))
    })
    .and_then(|ret| ret)
}

/// `getprotobynumber(proto)`—The protocol numbered `proto` (`17` is `"udp"`).
///
/// ```c
/// #include <netdb.h>
/// struct protoent *getprotobynumber(int proto);
/// ```
///
/// C's `NULL` for "no such protocol" is `Ok(None)`. The call is the reentrant
/// `getprotobynumber_r`.
///
/// # Errors
///
/// As [`getservbyname`], but no `EINVAL` (there is no name).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getprotobynumber.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/getprotobynumber_r.3.html)
pub fn getprotobynumber(proto: c_int) -> Result<Option<ProtoEnt>> {
    // The answer is some hundred bytes: the trace's check comes first, and the
    // traced path (cold) makes the same call, so that the answer is built where
    // it is returned, as with the trace compiled out.
    if trace::maybe_on() {
        let ret = inject!(getprotobynumber, None, protobynumber(proto));
        trace_protobynumber(proto, &ret);
        return ret;
    }
    inject!(getprotobynumber, None, protobynumber(proto))
}

/// The call of [`getprotobynumber`], traced or not.
#[inline(always)]
fn protobynumber(proto: c_int) -> Result<Option<ProtoEnt>> {
    let (answer, _) = with_buffer(FIRST_BUFFER, |buf| {
        let ret = raw::getprotobynumber_r(proto, buf);
        proto_answer(
            ret,
            Answer {
                buf,
                args: [&[], &[]],
            },
        )
    });
    answer.unwrap_or(Err(Errno::ENOMEM))
}

// ---------------------------------------------------------------------------------
// Hosts.

/// Why a host lookup failed: C's `h_errno` ([`HOST_NOT_FOUND`], [`TRY_AGAIN`],
/// [`NO_RECOVERY`], [`NO_DATA`]), or [`NETDB_INTERNAL`] with the `errno` that says
/// why (`EINVAL` for a name with a NUL inside, `ENOMEM` for an entry over 16 MiB,
/// what the C library returned).
///
/// `Display` is C's [`hstrerror`] text (`Unknown host`), followed for an internal
/// error by its `errno`; `Debug` reads `HOST_NOT_FOUND (Unknown host)`. It converts
/// into [`io::Error`] (an internal error as its `errno`; `HOST_NOT_FOUND` and
/// `NO_DATA` as `NotFound`; the rest as `Other`). The type is open: any `h_errno` is
/// representable ([`HError::from_raw`]).
#[doc(alias = "h_errno")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HError {
    code: c_int,
    /// `0` unless `code` is `NETDB_INTERNAL`.
    errno: Errno,
}

/// `HOST_NOT_FOUND`: no such host.
pub const HOST_NOT_FOUND: HError = HError::from_raw(sys::HOST_NOT_FOUND);
/// `TRY_AGAIN`: a temporary failure (no answer from a name server); try again later.
pub const TRY_AGAIN: HError = HError::from_raw(sys::TRY_AGAIN);
/// `NO_RECOVERY`: a failure that will not go away (a name server refused).
pub const NO_RECOVERY: HError = HError::from_raw(sys::NO_RECOVERY);
/// `NO_DATA` (C's `NO_ADDRESS` too): the name is valid but has no IPv4 address.
pub const NO_DATA: HError = HError::from_raw(sys::NO_DATA);
/// `NETDB_INTERNAL` without an `errno`; [`HError::internal`] makes one with.
pub const NETDB_INTERNAL: HError = HError::from_raw(sys::NETDB_INTERNAL);

impl HError {
    /// The `HError` of an `h_errno` value, known to this crate or not.
    pub const fn from_raw(code: c_int) -> HError {
        HError {
            code,
            errno: Errno::from_raw(0),
        }
    }

    /// `NETDB_INTERNAL` with the `errno` that says why.
    pub const fn internal(errno: Errno) -> HError {
        HError {
            code: sys::NETDB_INTERNAL,
            errno,
        }
    }

    /// The `h_errno` value.
    pub const fn raw(self) -> c_int {
        self.code
    }

    /// For `NETDB_INTERNAL`, the `errno` that came with it.
    pub fn errno(self) -> Option<Errno> {
        (self.code == sys::NETDB_INTERNAL && self.errno.raw() != 0).then_some(self.errno)
    }

    /// The C name (`"HOST_NOT_FOUND"`), or `None` for a value this crate does not name.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.code {
            sys::HOST_NOT_FOUND => "HOST_NOT_FOUND",
            sys::TRY_AGAIN => "TRY_AGAIN",
            sys::NO_RECOVERY => "NO_RECOVERY",
            sys::NO_DATA => "NO_DATA",
            sys::NETDB_INTERNAL => "NETDB_INTERNAL",
            _ => return None,
        })
    }
}

impl From<c_int> for HError {
    /// The `h_errno` value C code compares with.
    fn from(code: c_int) -> HError {
        HError::from_raw(code)
    }
}

/// `hstrerror(err)`—The C library's text for a host lookup error (`Unknown host`).
///
/// ```c
/// #include <netdb.h>
/// const char *hstrerror(int err);
/// ```
///
/// A text that is not UTF-8 (a translation in a locale that is not) reads as
/// `Unknown resolver error`.
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man3/hstrerror.3.html) (not in POSIX)
pub fn hstrerror(err: HError) -> &'static str {
    raw::hstrerror(err.code)
        .to_str()
        .unwrap_or("Unknown resolver error")
}

impl fmt::Display for HError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(hstrerror(*self))?;
        match self.errno() {
            Some(errno) => write!(f, ": {errno}"),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for HError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({self})"),
            None => write!(f, "{} ({self})", self.code),
        }
    }
}

impl std::error::Error for HError {}

impl From<HError> for io::Error {
    fn from(err: HError) -> io::Error {
        if let Some(errno) = err.errno() {
            return errno.into();
        }
        let kind = match err.code {
            sys::HOST_NOT_FOUND | sys::NO_DATA => io::ErrorKind::NotFound,
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, err)
    }
}

/// A host entry, C's `struct hostent`, copied out of the C library's answer.
///
/// `h_addr_list()` yields each address as an [`IpAddr`] (C's `h_addr_list[i]` points
/// at `h_length` bytes in network order; `IpAddr::V4` for `AF_INET`'s 4 bytes,
/// `IpAddr::V6` for `AF_INET6`'s 16). An entry of any other family or length (which
/// glibc does not return) keeps `h_addrtype` and `h_length` but lists no address.
#[derive(Clone, PartialEq, Eq)]
pub struct HostEnt {
    /// `h_name\0alias\0alias\0…`
    strings: Store,
    aliases_at: usize,
    /// The addresses' bytes, `h_length` each.
    addrs: Store,
    h_addrtype: AddressFamily,
    h_length: c_int,
}

impl HostEnt {
    /// `h_name`: the official name of the host (`"localhost"`).
    pub fn h_name(&self) -> NetStr<'_> {
        self.strings.name_at(0)
    }

    /// `h_aliases`: its other names.
    pub fn h_aliases(&self) -> Aliases<'_> {
        self.strings.names_from(self.aliases_at)
    }

    /// `h_addrtype`: the addresses' family (`AF_INET`; `AF_INET6` only from
    /// [`gethostbyaddr`] of an IPv6 address).
    pub fn h_addrtype(&self) -> AddressFamily {
        self.h_addrtype
    }

    /// `h_length`: the bytes in each address (4 for `AF_INET`, 16 for `AF_INET6`).
    pub fn h_length(&self) -> c_int {
        self.h_length
    }

    /// `h_addr_list`: the addresses, in the C library's order.
    pub fn h_addr_list(&self) -> AddrList<'_> {
        AddrList {
            rest: self.addrs.as_bytes(),
            v6: self.h_addrtype == AF_INET6,
        }
    }

    /// C's `h_addr` (`h_addr_list[0]`): the first address, if there is one.
    pub fn h_addr(&self) -> Option<IpAddr> {
        self.h_addr_list().next()
    }

    fn from_c(entry: &sys::hostent, answer: &Answer<'_>) -> Result<HostEnt> {
        let mut strings = Store::new();
        strings.push_name(answer.c_str(entry.h_name as usize)?);
        let aliases_at = strings.len();
        for alias in answer.array(entry.h_aliases as usize)? {
            strings.push_name(answer.c_str(alias?)?);
        }
        let h_addrtype = AddressFamily::from_raw(entry.h_addrtype);
        let keep = matches!((h_addrtype, entry.h_length), (AF_INET, 4) | (AF_INET6, 16));
        let mut addrs = Store::new();
        if keep {
            let len = entry.h_length as usize;
            for addr in answer.array(entry.h_addr_list as usize)? {
                addrs.push(answer.bytes(addr?, len)?);
            }
        }
        Ok(HostEnt {
            strings,
            aliases_at,
            addrs,
            h_addrtype,
            h_length: entry.h_length,
        })
    }
}

impl fmt::Debug for HostEnt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostEnt")
            .field("h_name", &self.h_name())
            .field("h_aliases", &self.h_aliases())
            .field("h_addrtype", &self.h_addrtype)
            .field("h_length", &self.h_length)
            .field("h_addr_list", &self.h_addr_list())
            .finish()
    }
}

/// The addresses of a [`HostEnt`], C's `h_addr_list`.
#[derive(Clone)]
pub struct AddrList<'a> {
    rest: &'a [u8],
    v6: bool,
}

impl Iterator for AddrList<'_> {
    type Item = IpAddr;
    fn next(&mut self) -> Option<IpAddr> {
        if self.v6 {
            let (addr, rest) = self.rest.split_first_chunk::<16>()?;
            self.rest = rest;
            Some(IpAddr::V6(Ipv6Addr::from(*addr)))
        } else {
            let (addr, rest) = self.rest.split_first_chunk::<4>()?;
            self.rest = rest;
            Some(IpAddr::V4(Ipv4Addr::from(*addr)))
        }
    }
}

impl fmt::Debug for AddrList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// The `HError` of a host lookup that found nothing, or `None` for `ERANGE` (retry
/// with a larger buffer).
fn host_failure(failure: HostFailure) -> Option<HError> {
    if failure.ret == sys::ERANGE {
        return None;
    }
    Some(if failure.h_errno > 0 {
        HError::from_raw(failure.h_errno)
    } else if failure.ret == 0 {
        // No result, no error code: nothing was found.
        HOST_NOT_FOUND
    } else {
        HError::internal(Errno::from_raw(failure.ret))
    })
}

fn host_answer(
    ret: core::result::Result<sys::hostent, HostFailure>,
    answer: Answer<'_>,
) -> Option<Result<HostEnt, HError>> {
    match ret {
        Ok(entry) => Some(HostEnt::from_c(&entry, &answer).map_err(HError::internal)),
        Err(failure) => host_failure(failure).map(Err),
    }
}

/// `gethostbyname(name)`—The IPv4 addresses of host `name`. **Legacy**: new code
/// calls `getaddrinfo`, which knows IPv6 too.
///
/// ```c
/// #include <netdb.h>
/// struct hostent *gethostbyname(const char *name);
/// ```
///
/// ```no_run
/// # use sockapi::*;
/// # fn main() -> Result<(), HError> {
/// let he = gethostbyname("localhost")?; // C: he = gethostbyname("localhost");
/// for addr in he.h_addr_list() {        // C: for (p = he->h_addr_list; *p; p++)
///     println!("{addr}");
/// }
/// # Ok(()) }
/// ```
///
/// The same lookup with `getaddrinfo`, as POSIX now recommends: `getaddrinfo(
/// Some("localhost"), None, Some(&hints))` with `hints.ai_family = AF_INET`, then
/// each entry's `ai_addr()`.
///
/// C's `NULL` with `h_errno` set is the `Err` here, the `h_errno` as an [`HError`].
/// The call is the reentrant `gethostbyname_r`, so it is thread-safe and sets no
/// global `h_errno`; the answer is copied into a [`HostEnt`] of its own. A name the
/// C library reads as a number (`"127.0.0.1"`) is answered without a lookup. Any
/// other name not in `/etc/hosts` goes to DNS, as in C. `name` may be a `&CStr`
/// (`c"localhost"`), passed as it is, or a Rust string, copied to the stack.
///
/// # Errors
///
/// `HOST_NOT_FOUND`, `TRY_AGAIN`, `NO_RECOVERY`, `NO_DATA` as C sets them;
/// `NETDB_INTERNAL` with `EINVAL` for a NUL byte inside a Rust string `name` (without
/// a call), with
/// `ENOMEM` for an entry over 16 MiB, or with what the C library returned.
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man3/gethostbyname.3.html) (removed from
///   POSIX in Issue 7)
#[doc(alias = "gethostbyname_r")]
pub fn gethostbyname<S: NameArg + ?Sized>(name: &S) -> Result<HostEnt, HError> {
    // The answer is some hundred bytes: the trace's check comes first, and the
    // traced path (cold) makes the same call, so that the answer is built where
    // it is returned, as with the trace compiled out.
    if trace::maybe_on() {
        let ret = inject!(gethostbyname, None, crate::fault::h_of, hostbyname(name));
        trace_hostbyname(bytes_of(name), &ret);
        return ret;
    }
    inject!(gethostbyname, None, crate::fault::h_of, hostbyname(name))
}

/// The call of [`gethostbyname`], traced or not.
#[inline(always)]
fn hostbyname<S: NameArg + ?Sized>(name: &S) -> Result<HostEnt, HError> {
    with_c_name(name, |c_name| {
        let args = [c_name.to_bytes_with_nul(), &[]];
        let (answer, _) = with_buffer(FIRST_BUFFER, |buf| {
            let ret = raw::gethostbyname_r(c_name, buf);
            host_answer(ret, Answer { buf, args })
        });
        answer.unwrap_or(Err(HError::internal(Errno::ENOMEM)))
    })
    .map_err(HError::internal)
    .and_then(|ret| ret)
}

/// `gethostbyaddr(addr, len, type)`—The host entry of address `addr` (`AF_INET` for
/// an IPv4 address, `AF_INET6` for IPv6, with the length that goes with it).
/// **Legacy**: new code calls `getnameinfo`.
///
/// ```c
/// #include <netdb.h>
/// struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type);
/// ```
///
/// ```no_run
/// # use sockapi::*;
/// # use std::net::Ipv4Addr;
/// # fn main() -> Result<(), HError> {
/// // C: struct in_addr a = { htonl(INADDR_LOOPBACK) }; gethostbyaddr(&a, sizeof a, AF_INET);
/// let he = gethostbyaddr(Ipv4Addr::LOCALHOST)?;
/// println!("{}", he.h_name());
/// # Ok(()) }
/// ```
///
/// The same lookup with `getnameinfo`: `getnameinfo(&addr, NI_NAMEREQD)` on a socket
/// address with the IP and any port. The call is the reentrant `gethostbyaddr_r`; an
/// address not in `/etc/hosts` is asked of DNS, as in C.
///
/// # Errors
///
/// As [`gethostbyname`], but no `EINVAL` (there is no name).
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man3/gethostbyaddr.3.html) (removed from
///   POSIX in Issue 7)
#[doc(alias = "gethostbyaddr_r")]
pub fn gethostbyaddr(addr: impl Into<IpAddr>) -> Result<HostEnt, HError> {
    let addr = addr.into();
    // The answer is some hundred bytes: the trace's check comes first, and the
    // traced path (cold) makes the same call, so that the answer is built where
    // it is returned, as with the trace compiled out.
    if trace::maybe_on() {
        let ret = inject!(gethostbyaddr, None, crate::fault::h_of, hostbyaddr(addr));
        trace_hostbyaddr(addr, &ret);
        return ret;
    }
    inject!(gethostbyaddr, None, crate::fault::h_of, hostbyaddr(addr))
}

/// The call of [`gethostbyaddr`], traced or not.
#[inline(always)]
fn hostbyaddr(addr: IpAddr) -> Result<HostEnt, HError> {
    let (bytes, family) = match addr {
        IpAddr::V4(v4) => (Ip::V4(v4.octets()), sys::AF_INET),
        IpAddr::V6(v6) => (Ip::V6(v6.octets()), sys::AF_INET6),
    };
    let (answer, _) = with_buffer(FIRST_BUFFER, |buf| {
        let ret = raw::gethostbyaddr_r(bytes.as_bytes(), family, buf);
        host_answer(
            ret,
            Answer {
                buf,
                args: [&[], &[]],
            },
        )
    });
    answer.unwrap_or(Err(HError::internal(Errno::ENOMEM)))
}

/// An address's bytes in network order, on the stack.
enum Ip {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Ip {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Ip::V4(b) => b,
            Ip::V6(b) => b,
        }
    }
}

// ---------------------------------------------------------------------------------
// The trace lines.

/// `["a", "b"]`, each as strace shows a string.
struct NameList<'a>(Aliases<'a>);

impl fmt::Display for NameList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, name) in self.0.clone().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            Data(name.as_bytes()).fmt(f)?;
        }
        f.write_str("]")
    }
}

/// `"tcp"`, or `NULL` for any protocol.
struct CArg<'a>(Option<&'a [u8]>);

impl fmt::Display for CArg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(bytes) => Data(bytes).fmt(f),
            None => f.write_str("NULL"),
        }
    }
}

/// An entry or `NULL`, then for an error its `errno`, as `if_indextoname`'s line.
struct Found<'a, T>(&'a Result<Option<T>>);

impl<T: TraceEntry> fmt::Display for Found<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Ok(Some(entry)) => entry.trace(f),
            Ok(None) => f.write_str("NULL"),
            Err(e) => write!(f, "NULL {e}"),
        }
    }
}

trait TraceEntry {
    fn trace(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl TraceEntry for ServEnt {
    fn trace(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{s_name={}, s_aliases={}, s_port=htons({}), s_proto={}}}",
            Data(self.s_name().as_bytes()),
            NameList(self.s_aliases()),
            self.port(),
            Data(self.s_proto().as_bytes())
        )
    }
}

impl TraceEntry for ProtoEnt {
    fn trace(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{p_name={}, p_aliases={}, p_proto={}}}",
            Data(self.p_name().as_bytes()),
            NameList(self.p_aliases()),
            self.p_proto
        )
    }
}

impl TraceEntry for HostEnt {
    fn trace(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{h_name={}, h_aliases={}, h_addrtype={:?}, h_length={}, h_addr_list=[",
            Data(self.h_name().as_bytes()),
            NameList(self.h_aliases()),
            self.h_addrtype,
            self.h_length
        )?;
        for (i, addr) in self.h_addr_list().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{addr}")?;
        }
        f.write_str("]}")
    }
}

/// A host entry, or `NULL` and the `h_errno`: `NULL h_errno=HOST_NOT_FOUND (Unknown
/// host)`.
struct HostFound<'a>(&'a Result<HostEnt, HError>);

impl fmt::Display for HostFound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Ok(entry) => entry.trace(f),
            Err(e) => write!(f, "NULL h_errno={e:?}"),
        }
    }
}

#[cold]
#[inline(never)]
fn trace_servbyname(name: &[u8], proto: Option<&[u8]>, ret: &Result<Option<ServEnt>>) {
    trace::emit(format_args!(
        "getservbyname({}, {}) = {}",
        Data(name),
        CArg(proto),
        Found(ret)
    ));
}

#[cold]
#[inline(never)]
fn trace_servbyport(port: u16, proto: Option<&[u8]>, ret: &Result<Option<ServEnt>>) {
    trace::emit(format_args!(
        "getservbyport(htons({}), {}) = {}",
        u16::from_be(port),
        CArg(proto),
        Found(ret)
    ));
}

#[cold]
#[inline(never)]
fn trace_protobyname(name: &[u8], ret: &Result<Option<ProtoEnt>>) {
    trace::emit(format_args!(
        "getprotobyname({}) = {}",
        Data(name),
        Found(ret)
    ));
}

#[cold]
#[inline(never)]
fn trace_protobynumber(proto: c_int, ret: &Result<Option<ProtoEnt>>) {
    trace::emit(format_args!("getprotobynumber({proto}) = {}", Found(ret)));
}

#[cold]
#[inline(never)]
fn trace_hostbyname(name: &[u8], ret: &Result<HostEnt, HError>) {
    trace::emit(format_args!(
        "gethostbyname({}) = {}",
        Data(name),
        HostFound(ret)
    ));
}

#[cold]
#[inline(never)]
fn trace_hostbyaddr(addr: IpAddr, ret: &Result<HostEnt, HError>) {
    let (len, family) = match addr {
        IpAddr::V4(_) => (4, AF_INET),
        IpAddr::V6(_) => (16, AF_INET6),
    };
    trace::emit(format_args!(
        "gethostbyaddr({addr}, {len}, {family:?}) = {}",
        HostFound(ret)
    ));
}

/// The checks on the C library's answer, on answers made up here: pointers outside
/// the buffer, strings without their NUL, arrays without their NULL, too many entries.
#[cfg(test)]
mod tests {
    use super::*;

    /// A buffer whose pointers (as the `_r` calls write them) are filled in by
    /// offset: `base + offset` as bytes at `at`.
    fn put_ptr(buf: &mut [u8], at: usize, offset: usize) {
        let addr = buf.as_ptr() as usize + offset;
        buf[at..at + PTR].copy_from_slice(&addr.to_ne_bytes());
    }

    fn servent(buf: &[u8], name: usize, aliases: usize, proto: usize) -> sys::servent {
        let base = buf.as_ptr() as usize;
        sys::servent {
            s_name: (base + name) as *mut c_char,
            s_aliases: (base + aliases) as *mut *mut c_char,
            s_port: c_int::from(80u16.to_be()),
            s_proto: (base + proto) as *mut c_char,
        }
    }

    /// `http\0tcp\0www\0` at 64, the alias array [www, NULL] at 0.
    fn good_buffer() -> Vec<u8> {
        let mut buf = vec![0u8; 128];
        buf[64..77].copy_from_slice(b"http\0tcp\0www\0");
        put_ptr(&mut buf, 0, 73);
        buf
    }

    fn read(buf: &[u8], entry: &sys::servent) -> Result<ServEnt> {
        ServEnt::from_c(
            entry,
            &Answer {
                buf,
                args: [&[], &[]],
            },
        )
    }

    #[test]
    fn a_good_answer_is_copied_out() {
        let buf = good_buffer();
        let se = read(&buf, &servent(&buf, 64, 0, 69)).unwrap();
        assert_eq!(se.s_name(), "http");
        assert_eq!(se.s_proto(), "tcp");
        assert_eq!(se.port(), 80);
        assert_eq!(se.s_aliases().collect::<Vec<_>>(), [NetStr(b"www")]);
    }

    #[test]
    fn pointers_outside_the_buffer_are_efault() {
        let buf = good_buffer();
        let elsewhere = *b"http\0";
        let mut entry = servent(&buf, 64, 0, 69);
        entry.s_name = elsewhere.as_ptr() as *mut c_char;
        assert_eq!(read(&buf, &entry), Err(Errno::EFAULT));
        // One past the end, and NULL, are outside too.
        let entry = servent(&buf, buf.len(), 0, 69);
        assert_eq!(read(&buf, &entry), Err(Errno::EFAULT));
        let mut entry = servent(&buf, 64, 0, 69);
        entry.s_proto = core::ptr::null_mut();
        assert_eq!(read(&buf, &entry), Err(Errno::EFAULT));
        // An alias array entry pointing outside.
        let mut bad = good_buffer();
        let outside = elsewhere.as_ptr() as usize;
        bad[0..PTR].copy_from_slice(&outside.to_ne_bytes());
        assert_eq!(read(&bad, &servent(&bad, 64, 0, 69)), Err(Errno::EFAULT));
    }

    #[test]
    fn a_string_without_its_nul_is_efault() {
        let mut buf = good_buffer();
        let end = buf.len();
        buf[end - 3..].copy_from_slice(b"abc");
        assert_eq!(
            read(&buf, &servent(&buf, end - 3, 0, 69)),
            Err(Errno::EFAULT)
        );
    }

    #[test]
    fn an_array_without_its_null_is_efault() {
        // The array starts 4 bytes before the end: its first slot runs past it.
        let buf = good_buffer();
        let end = buf.len();
        assert_eq!(
            read(&buf, &servent(&buf, 64, end - 4, 69)),
            Err(Errno::EFAULT)
        );
        // Slots all non-NULL up to the end.
        let mut buf = vec![0u8; 64 + 8 * PTR];
        buf[..13].copy_from_slice(b"http\0tcp\0www\0");
        for slot in 0..8 {
            put_ptr(&mut buf, 64 + slot * PTR, 9);
        }
        assert_eq!(read(&buf, &servent(&buf, 0, 64, 5)), Err(Errno::EFAULT));
    }

    #[test]
    fn more_than_max_entries_is_eoverflow_and_many_spill_to_the_heap() {
        let slots = MAX_ENTRIES + 2;
        let mut buf = vec![0u8; 16 + slots * PTR];
        buf[..13].copy_from_slice(b"http\0tcp\0www\0");
        for slot in 0..slots - 1 {
            put_ptr(&mut buf, 16 + slot * PTR, 9);
        }
        assert_eq!(read(&buf, &servent(&buf, 0, 16, 5)), Err(Errno::EOVERFLOW));
        // 100 aliases (400 bytes) no longer fit inline: the same answer, on the heap.
        let n = 100;
        put_ptr(&mut buf, 16 + n * PTR, 0);
        buf[16 + n * PTR..16 + (n + 1) * PTR].fill(0);
        let se = read(&buf, &servent(&buf, 0, 16, 5)).unwrap();
        assert!(matches!(se.strings, Store::Heap(_)));
        assert_eq!(se.s_aliases().count(), n);
        assert!(se.s_aliases().all(|a| a == "www"));
        assert_eq!(se.s_name(), "http");
    }

    #[test]
    fn names_in_the_arguments_may_be_pointed_at() {
        // musl points s_name at the name passed in.
        let buf = good_buffer();
        let name = *b"www\0";
        let mut entry = servent(&buf, 64, 0, 69);
        entry.s_name = name.as_ptr() as *mut c_char;
        let answer = Answer {
            buf: &buf,
            args: [&name, &[]],
        };
        assert_eq!(ServEnt::from_c(&entry, &answer).unwrap().s_name(), "www");
    }
}
