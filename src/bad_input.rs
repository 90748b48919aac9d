//! The bad inputs that do not compile: the compile-time rows of the bad-input
//! catalogue, `docs/BAD_INPUT.md`. *Documentation only.*
//!
//! Each section is one row: a line a C programmer could write, which C accepts (and
//! which then misbehaves at run time), and which rustc refuses with the error code
//! shown. Every block is a `compile_fail` doctest with that code, so `cargo test --doc`
//! fails if one of them starts to compile. rustdoc also checks the error code, so that
//! a block failing for another reason fails the test, when it runs with nightly
//! features (`RUSTC_BOOTSTRAP=1`, as the sanitizer run does); on stable it checks
//! only that the block does not compile. The catalogue names each row by its section
//! here (`CT-1` …).
//!
//! # CT-1: arguments in the wrong place
//!
//! `socket(SOCK_STREAM, AF_INET, 0)` compiles in C (both are `int`) and fails with
//! `EAFNOSUPPORT`, or worse, makes the wrong socket. Here the family and the type are
//! different types:
//!
//! ```compile_fail,E0308
//! use sockapi::*;
//! let fd = socket(SOCK_STREAM, AF_INET, 0);
//! ```
//!
//! # CT-2: a socket passed by value
//!
//! Passing the socket itself, not a borrow, would move it into the call and close it
//! when the call returns:
//!
//! ```compile_fail,E0308
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! # let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 9));
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! connect(fd, &addr)?;
//! # Ok(()) }
//! ```
//!
//! # CT-3: a socket used after `close`
//!
//! C's `close(fd); send(fd, …)` is `EBADF`, or a write to whatever descriptor took the
//! number meanwhile. `close` takes the socket by value, so it cannot be used after:
//!
//! ```compile_fail,E0382
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! close(fd)?;
//! send(&fd, b"late", 0)?;
//! # Ok(()) }
//! ```
//!
//! # CT-4: setting a read-only option
//!
//! `SO_TYPE`, `SO_ERROR`, `SO_ACCEPTCONN`, `IP_MTU`, … can only be read (C's
//! `setsockopt` would return `ENOPROTOOPT`):
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! setsockopt(&fd, SOL_SOCKET, SO_TYPE, &SOCK_DGRAM)?;
//! # Ok(()) }
//! ```
//!
//! # CT-5: reading a set-only option
//!
//! `IP_ADD_MEMBERSHIP` and the other group calls can only be set (C's `getsockopt`
//! would return `ENOPROTOOPT`):
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_DGRAM, 0)?;
//! let m = getsockopt(&fd, IPPROTO_IP, IP_ADD_MEMBERSHIP)?;
//! # Ok(()) }
//! ```
//!
//! # CT-6: an option value of the wrong type (a bad `optlen`)
//!
//! C passes `&one, sizeof one` where `SO_LINGER` wants a `struct linger`, and gets
//! `EINVAL` (or, for an option whose struct is shorter than what was passed, silently
//! sets garbage). The option fixes the value's type, and so its length:
//!
//! ```compile_fail,E0308
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! setsockopt(&fd, SOL_SOCKET, SO_LINGER, &1)?;
//! # Ok(()) }
//! ```
//!
//! # CT-7: a timeout in the wrong unit
//!
//! `SO_RCVTIMEO` takes a `timeval`, as in C; a `Duration` or a count of milliseconds
//! is refused rather than reinterpreted:
//!
//! ```compile_fail,E0308
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &std::time::Duration::from_secs(1))?;
//! # Ok(()) }
//! ```
//!
//! # CT-8: `recv` into a buffer it may not write
//!
//! ```compile_fail,E0308
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let (a, b) = socketpair(AF_UNIX, SOCK_STREAM, 0)?;
//! let buf = [0u8; 16];
//! recv(&a, &buf, 0)?;
//! # Ok(()) }
//! ```
//!
//! # CT-9: an address given as text
//!
//! C would need `inet_pton` first; a string is not an address here either (parse it
//! into std's `SocketAddr`, or use `getaddrinfo`):
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! bind(&fd, "127.0.0.1:80")?;
//! # Ok(()) }
//! ```
//!
//! # CT-10: a bare integer where a descriptor is borrowed
//!
//! Only [`FD_SET`](crate::FD_SET) and friends, [`pollfd::from_raw_fd`](crate::pollfd::from_raw_fd)
//! take descriptor numbers (they only hand the number to the kernel, which checks
//! it). Every call that acts on a descriptor borrows one, so a number that may be
//! closed, or another program's, cannot be passed:
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! let n = listen(&3, SOMAXCONN);
//! ```
//!
//! # CT-11: `pollfd` from a number
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! let p = pollfd::new(&7, POLLIN);
//! ```
//!
//! # CT-12: a descriptor number into `SCM_RIGHTS`
//!
//! The kernel would pass whatever file has that number when `sendmsg` runs; the
//! builder takes borrowed descriptors, alive for as long as the control bytes are:
//!
//! ```compile_fail,E0308
//! use sockapi::*;
//! use std::os::fd::AsRawFd;
//! # fn main() -> sockapi::Result<()> {
//! let (a, _b) = socketpair(AF_UNIX, SOCK_STREAM, 0)?;
//! let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
//! let mut builder = CmsgBuilder::new(&mut buf);
//! builder.rights(&[a.as_raw_fd()])?;
//! # Ok(()) }
//! ```
//!
//! # CT-13: control bytes that outlive their buffer
//!
//! C's `msg_control` can point at a buffer that has gone out of scope by the time
//! `sendmsg` reads it:
//!
//! ```compile_fail,E0597
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let control = {
//!     let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();
//!     let mut builder = CmsgBuilder::new(&mut buf);
//!     builder.ip_ttl(64)?;
//!     builder.finish()
//! };
//! # let _ = control;
//! # Ok(()) }
//! ```
//!
//! # CT-14: caller-written control bytes, without `unsafe`
//!
//! The kernel follows pointers and counts inside some control messages, so bytes
//! the caller wrote go to `sendmsg` only through an `unsafe` constructor:
//!
//! ```compile_fail,E0133
//! use sockapi::*;
//! use std::io::IoSlice;
//! let bytes = [0u8; 24];
//! let iov = [IoSlice::new(b"x")];
//! let msg = MsgHdr::with_raw_control(None, &iov, &bytes);
//! ```
//!
//! # CT-15: raw option bytes, without `unsafe`
//!
//! `TCP_ZEROCOPY_RECEIVE`, `IP_MSFILTER`, `SO_ATTACH_FILTER` carry pointers and counts
//! the kernel follows; the raw form is `unsafe`:
//!
//! ```compile_fail,E0133
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! setsockopt_raw(&fd, SOL_SOCKET, 26, &[0u8; 16])?; // SO_ATTACH_FILTER
//! # Ok(()) }
//! ```
//!
//! # CT-16: a typed option minted from a number, without `unsafe`
//!
//! A typed option from a bare number would give the safe call any option's bytes:
//!
//! ```compile_fail,E0133
//! use sockapi::*;
//! use std::ffi::c_int;
//! let opt: SockOpt<c_int, ReadWrite> = SockOpt::new(26, "SO_ATTACH_FILTER");
//! ```
//!
//! # CT-17: `inet_pton` into the wrong destination
//!
//! C's `inet_pton(AF_INET6, s, &addr4)` writes 16 bytes into a 4-byte `in_addr`. Here
//! the destination must be an address type (`in_addr`, `in6_addr`), and a family
//! that does not match it is `EAFNOSUPPORT` at run time; a plain integer is refused:
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! let mut dst = 0u32;
//! let ok = inet_pton(AF_INET, "127.0.0.1", &mut dst);
//! ```
//!
//! # CT-18: an `ioctl` request as a number
//!
//! The request fixes what the kernel writes where; only the typed requests exist:
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! let n = ioctl(&fd, 0x541B)?; // FIONREAD
//! # Ok(()) }
//! ```
//!
//! # CT-19: an `fcntl` command as a number
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! let flags = fcntl(&fd, 3)?; // F_GETFL
//! # Ok(()) }
//! ```
//!
//! # CT-20: a `getaddrinfo` error taken for an `errno`
//!
//! C programs print `strerror(status)` for a `getaddrinfo` failure and get the wrong
//! text (the codes are not `errno` values). A [`GaiError`](crate::GaiError) is not an
//! [`Errno`](crate::Errno):
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! fn lookup() -> sockapi::Result<()> {
//!     let list = getaddrinfo(Some("localhost"), None, None)?;
//!     Ok(())
//! }
//! ```
//!
//! # CT-21: flags of the wrong family
//!
//! `accept4` takes `SOCK_NONBLOCK`/`SOCK_CLOEXEC`, not a socket type or `O_NONBLOCK`:
//!
//! ```compile_fail,E0277
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! let (c, peer) = accept4(&fd, O_NONBLOCK)?;
//! # Ok(()) }
//! ```
//!
//! # CT-22: an `epoll_ctl` operation as a number
//!
//! ```compile_fail,E0308
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let ep = epoll_create1(EPOLL_CLOEXEC)?;
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! epoll_ctl(&ep, 1, &fd, Some(&epoll_event::new(EPOLLIN, 0)))?;
//! # Ok(()) }
//! ```
