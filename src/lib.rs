//! The POSIX sockets API in safe Rust: **a line of C becomes the same line of Rust.**
//!
//! Same call names, same argument order, same constants, same semantics; one C library
//! call per call (so `strace` and `LD_PRELOAD` shims see exactly what C would do); and
//! every socket closes itself when dropped.
//!
//! ```no_run
//! use sockapi::*;
//! use std::net::SocketAddr;
//! # fn main() -> sockapi::Result<()> {
//! let addr = SocketAddr::from(([127, 0, 0, 1], 8080)); // struct sockaddr_in addr = { AF_INET, htons(8080), … };
//! let mut buf = [0u8; 1024];                           // char buf[1024];
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;           // int fd = socket(AF_INET, SOCK_STREAM, 0);
//! setsockopt(&fd, SOL_SOCKET, SO_REUSEADDR, &1)?;      // setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
//! bind(&fd, &addr)?;                                   // bind(fd, (struct sockaddr *)&addr, sizeof addr);
//! listen(&fd, SOMAXCONN)?;                             // listen(fd, SOMAXCONN);
//! let (c, peer) = accept(&fd)?;                        // int c = accept(fd, (struct sockaddr *)&peer, &len);
//! let n = recv(&c, &mut buf, 0)?;                      // ssize_t n = recv(c, buf, sizeof buf, 0);
//! send(&c, &buf[..n], 0)?;                             // send(c, buf, n, 0);
//! close(c)?;                                           // close(c);
//! # let _ = peer;
//! # Ok(()) }
//! ```
//!
//! To port a whole C program, read the [porting guide](crate::porting): every C call by
//! header beside its sockapi item, three classic programs ported line by line, and the C
//! mistakes that do not survive the port.
//!
//! # C → Rust
//!
//! Every call borrows the socket as `fd: &impl AsFd` (a `&`[`Socket`], `&OwnedFd`,
//! `&BorrowedFd`, `&` std's sockets, …) and returns [`Result<T>`] = `Result<T, Errno>`.
//! Only [`close`] takes the socket by value, as C's `close` ends the descriptor;
//! passing a socket by value to any other call does not compile, where it would
//! otherwise be closed when the call returns:
//!
//! ```compile_fail,E0308
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! # let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 9));
//! let fd = socket(AF_INET, SOCK_STREAM, 0)?;
//! connect(fd, &addr)?; // rustc: consider borrowing here: `&fd`
//! # Ok(()) }
//! ```
//!
//! | C | sockapi |
//! |---|---|
//! | `int fd = socket(AF_INET, SOCK_STREAM, 0);` | `let fd = socket(AF_INET, SOCK_STREAM, 0)?;` → [`Socket`] |
//! | `socket(AF_INET, SOCK_STREAM \| SOCK_CLOEXEC, 0)` | `socket(AF_INET, SOCK_STREAM \| SOCK_CLOEXEC, 0)` |
//! | `int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);` | `let (a, b) = socketpair(AF_UNIX, SOCK_STREAM, 0)?;` |
//! | `bind(fd, (struct sockaddr *)&addr, sizeof addr);` | `bind(&fd, &addr)?;` (a [`SockAddr`] or std's `SocketAddr`) |
//! | `listen(fd, SOMAXCONN);` | `listen(&fd, SOMAXCONN)?;` |
//! | `int c = accept(fd, (struct sockaddr *)&peer, &len);` | `let (c, peer) = accept(&fd)?;` |
//! | `int c = accept4(fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK \| SOCK_CLOEXEC);` | `let (c, peer) = accept4(&fd, SOCK_NONBLOCK \| SOCK_CLOEXEC)?;` |
//! | `connect(fd, (struct sockaddr *)&addr, sizeof addr);` | `connect(&fd, &addr)?;` (non-blocking: `Err(Errno::EINPROGRESS)`) |
//! | `ssize_t n = send(fd, buf, len, 0);` | `let n = send(&fd, &buf[..len], 0)?;` |
//! | `ssize_t n = recv(fd, buf, sizeof buf, MSG_PEEK);` | `let n = recv(&fd, &mut buf, MSG_PEEK)?;` |
//! | `sendto(fd, buf, len, 0, (struct sockaddr *)&addr, sizeof addr);` | `sendto(&fd, &buf[..len], 0, &addr)?;` |
//! | `ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);` | `let (n, peer) = recvfrom(&fd, &mut buf, 0)?;` |
//! | `unsigned idx = if_nametoindex("lo");` | `let idx = if_nametoindex("lo")?;` (C's `0` is the `Err`) |
//! | `char name[IF_NAMESIZE]; if_indextoname(idx, name);` | `let name = if_indextoname(idx)?;` → [`IfName`] |
//! | `sendmsg(fd, &msg, 0);` (`msg_iov`, `msg_name`, `msg_control`) | `sendmsg(&fd, &MsgHdr::new(Some(&addr), &[IoSlice::new(b"hi")], Control::NONE), 0)?;` → bytes sent |
//! | `CMSG_FIRSTHDR`/`CMSG_NXTHDR` filling `SCM_RIGHTS`, `SCM_CREDENTIALS`, `IP_PKTINFO`, `IP_TTL`, `IP_TOS`, `IPV6_PKTINFO` | `let mut b = CmsgBuilder::new(&mut buf); b.rights(&[fd.as_fd()])?; let control = b.finish();` ([`CmsgBuilder`]; too small: `ENOBUFS`) |
//! | caller-written `msg_control` bytes | `unsafe { MsgHdr::with_raw_control(name, &iov, &bytes) }` (the kernel follows pointers in some messages) |
//! | `recvmsg(fd, &msg, 0);` | `let mut msg = MsgHdrMut::new(&mut iov, &mut control); let n = recvmsg(&fd, &mut msg, 0)?;` then `msg.name()`, `msg.flags()` |
//! | `for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))` | `for c in msg.cmsgs()` → [`ControlMessage`]; `SCM_RIGHTS` descriptors arrive as `OwnedFd` ([`ScmRights`]), untaken ones close with `msg` |
//! | `char buf[CMSG_SPACE(sizeof(int))];` | `let mut buf = CmsgBuffer::<{ CMSG_SPACE(4) }>::new();` ([`CMSG_SPACE`], [`CMSG_LEN`] are `const fn`) |
//! | `struct mmsghdr msgs[64]; sendmmsg(fd, msgs, 64, 0);` (Linux) | `let mut msgs: [MMsgHdr; 64] = array::from_fn(\|i\| MMsgHdr::new(MsgHdr::new(…)));` `let n = sendmmsg(&fd, &mut msgs, 0)?;` then `msgs[i].len()` |
//! | `recvmmsg(fd, msgs, 64, MSG_WAITFORONE, NULL);` (Linux) | `let mut msgs: [MMsgHdrMut; 64] = …MMsgHdrMut::new(&mut hdrs[i])…;` `let n = recvmmsg(&fd, &mut msgs, MSG_WAITFORONE, None)?;` then `msgs[i].len()`, `msgs[i].name()`, `msgs[i].cmsgs()` |
//! | `int ep = epoll_create1(EPOLL_CLOEXEC);` (Linux) | `let ep = epoll_create1(EPOLL_CLOEXEC)?;` → [`Epoll`], closed on drop |
//! | `struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };` | `let ev = epoll_event::new(EPOLLIN, fd.as_raw_fd() as u64);` ([`epoll_event`]: `events()`, `data()`) |
//! | `epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);` / `EPOLL_CTL_MOD` / `epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);` | `epoll_ctl(&ep, EPOLL_CTL_ADD, &fd, Some(&ev))?;` / `EPOLL_CTL_MOD` / `epoll_ctl(&ep, EPOLL_CTL_DEL, &fd, None)?;` |
//! | `struct epoll_event events[64]; int n = epoll_wait(ep, events, 64, 1000);` | `let mut events = [epoll_event::default(); 64]; let n = epoll_wait(&ep, &mut events, 1000)?;` then `&events[..n]` |
//! | `epoll_pwait(ep, events, 64, -1, &mask);` | `epoll_pwait(&ep, &mut events, -1, Some(&mask))?;` (`mask`: a [`sys::sigset_t`]) |
//! | `struct addrinfo hints; memset(&hints, 0, sizeof hints); hints.ai_socktype = SOCK_STREAM;` | `let mut hints = AddrInfoHints::default(); hints.ai_socktype = SOCK_STREAM;` |
//! | `getaddrinfo("localhost", "http", &hints, &res);` | `let res = getaddrinfo(Some("localhost"), Some("http"), Some(&hints))?;` → [`AddrInfoList`], freed on drop; or `getaddrinfo(c"localhost", c"http", …)`, the C strings passed as they are (every name call takes a `&str` or a `&CStr`: [`NameArg`], [`NameOrNull`]) |
//! | `for (ai = res; ai; ai = ai->ai_next) { fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol); connect(fd, ai->ai_addr, ai->ai_addrlen); }` | `for ai in &res { let fd = socket(ai.ai_family(), ai.ai_socktype(), ai.ai_protocol())?; connect(&fd, &ai)?; }` |
//! | `fprintf(stderr, "%s\n", gai_strerror(status));` | `eprintln!("{e}")` for the [`GaiError`] (`e == EAI_NONAME`, `e.errno()` for `EAI_SYSTEM`); [`gai_strerror`] by name |
//! | `getnameinfo(sa, len, host, NI_MAXHOST, serv, NI_MAXSERV, NI_NUMERICHOST);` | `let (host, serv) = getnameinfo(&addr, NI_NUMERICHOST)?;` (inline buffers, deref to `&str`) |
//! | `shutdown(fd, SHUT_WR);` | `shutdown(&fd, SHUT_WR)?;` |
//! | `close(fd);` | `close(fd)?;` or let the [`Socket`] drop |
//! | `getsockname(fd, (struct sockaddr *)&addr, &len);` | `let addr = getsockname(&fd)?;` |
//! | `getpeername(fd, (struct sockaddr *)&addr, &len);` | `let addr = getpeername(&fd)?;` |
//! | `setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);` | `setsockopt(&fd, SOL_SOCKET, SO_REUSEADDR, &1)?;` |
//! | `setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);` | `setsockopt(&fd, IPPROTO_TCP, TCP_NODELAY, &1)?;` |
//! | `setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4);` | `setsockopt(&fd, IPPROTO_TCP, TCP_CONGESTION, b"reno")?;` |
//! | `getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);` | `let err = getsockopt(&fd, SOL_SOCKET, SO_ERROR)?;` |
//! | `setsockopt(fd, level, name, buf, len)` (any option) | `unsafe { setsockopt_raw(&fd, level, name, &buf) }?;` / [`getsockopt_raw`] (the kernel may follow pointers in the bytes) |
//! | `int flags = fcntl(fd, F_GETFL);` | `let flags = fcntl(&fd, F_GETFL)?;` |
//! | `fcntl(fd, F_SETFL, flags \| O_NONBLOCK);` | `fcntl(&fd, F_SETFL(flags \| O_NONBLOCK))?;` |
//! | `fcntl(fd, F_SETFD, FD_CLOEXEC);` | `fcntl(&fd, F_SETFD(FD_CLOEXEC))?;` |
//! | `fd_set readfds; FD_ZERO(&readfds);` | `let mut readfds = FdSet::new();` (or `FD_ZERO(&mut readfds)`) → [`FdSet`], C's `fd_set`, `Copy` |
//! | `FD_SET(fd, &readfds);` | `FD_SET(fd.as_raw_fd(), &mut readfds)?;` or `readfds.insert(&fd)?;` (`fd >= FD_SETSIZE`: `EINVAL`, never a write past the set) |
//! | `FD_CLR(fd, &readfds);` / `FD_ISSET(fd, &readfds)` | `FD_CLR(fd, &mut readfds);` / `FD_ISSET(fd, &readfds)` → `bool` (or `readfds.remove(&fd)`, `readfds.contains(&fd)`; out of range: nothing, `false`) |
//! | `select(maxfd + 1, &readfds, &writefds, NULL, &tv);` | `let n = select(readfds.nfds(), Some(&mut readfds), Some(&mut writefds), None, Some(&mut tv))?;` (`nfds > FD_SETSIZE`: `EINVAL` before the call; Linux writes the time left into `tv`) |
//! | `pselect(nfds, &readfds, NULL, NULL, &ts, &mask);` | `pselect(nfds, Some(&mut readfds), None, None, Some(&ts), Some(&mask))?;` |
//! | `sigset_t mask; sigemptyset(&mask); sigaddset(&mask, SIGUSR1);` | `let mut mask: sigset_t = zeroed(); sigemptyset(&mut mask)?; sigaddset(&mut mask, libc::SIGUSR1)?;` |
//! | `struct pollfd fds[2] = {{ fd, POLLIN }, { c, POLLIN \| POLLOUT }};` | `let mut fds = [pollfd::new(&fd, POLLIN), pollfd::new(&c, POLLIN \| POLLOUT)];` ([`pollfd`]: C's layout, public `fd`, `events`, `revents`) |
//! | `int n = poll(fds, 2, 1000);` | `let n = poll(&mut fds, 1000)?;` (`nfds` is the slice's length; no `FD_SETSIZE` limit) |
//! | `if (fds[0].revents & POLLIN)` | `if fds[0].revents.contains(POLLIN)` (`Debug`: `POLLIN\|POLLHUP`) |
//! | `ppoll(fds, n, &ts, &mask);` (Linux) | `ppoll(&mut fds, Some(&ts), Some(&mask))?;` (`None` for `NULL`; mask from [`sigemptyset`], [`sigaddset`]) |
//! | `int n; ioctl(fd, FIONREAD, &n);` (`SIOCINQ`, `SIOCOUTQ`) | `let n = ioctl(&fd, FIONREAD)?;` (typed requests only: [`ioctl`](mod@ioctl)) |
//! | `int on = 1; ioctl(fd, FIONBIO, &on);` | `ioctl(&fd, FIONBIO(&1))?;` |
//! | `if (sockatmark(fd) == 1)` | `if sockatmark(&fd)?` |
//! | non-blocking `connect`, `poll` for `POLLOUT`, then `SO_ERROR` | the worked example in [`poll`](mod@poll) |
//! | `if (errno == ECONNREFUSED)` | `if e == Errno::ECONNREFUSED` |
//! | `printf("%s\n", strerror(errno));` | `println!("{}", strerror(e));` → `Connection refused` |
//! | `perror("connect");` | `perror("connect");` → `connect: Connection refused` on stderr |
//! | `printf("fd %d\n", fd);` | `println!("fd {fd}");` |
//! | `struct servent *se = getservbyname("http", "tcp");` | `let se = getservbyname("http", "tcp")?;` → `Option<`[`ServEnt`]`>` (`None`: not found) |
//! | `getservbyname("domain", NULL)` | `getservbyname("domain", None)` |
//! | `ntohs(se->s_port)`, `se->s_name`, `se->s_aliases`, `se->s_proto` | `se.port()` (or `ntohs(se.s_port())`), `se.s_name()`, `se.s_aliases()`, `se.s_proto()` |
//! | `getservbyport(htons(80), "tcp")` | `getservbyport(htons(80), "tcp")?` → `Option<`[`ServEnt`]`>` |
//! | `struct protoent *pe = getprotobyname("tcp");` / `getprotobynumber(17)` | `getprotobyname("tcp")?` / `getprotobynumber(17)?` → `Option<`[`ProtoEnt`]`>` |
//! | `struct hostent *he = gethostbyname("localhost");` (legacy) | `let he = gethostbyname("localhost")?;` → [`HostEnt`], `Err(`[`HError`]`)` for C's `h_errno` |
//! | `gethostbyaddr(&in, sizeof in, AF_INET)` (legacy) | `gethostbyaddr(Ipv4Addr::LOCALHOST)?` |
//! | `for (p = he->h_addr_list; *p; p++)` | `for addr in he.h_addr_list()` (each an `IpAddr`) |
//! | `if (h_errno == HOST_NOT_FOUND)`, `hstrerror(h_errno)` | `if e == HOST_NOT_FOUND`, `hstrerror(e)` or `{e}` |
//! | `struct sockaddr_un a; strcpy(a.sun_path, path);` | `SockAddr::unix(path)?` (too long is `ENAMETOOLONG`, never truncated) |
//! | `struct sockaddr_in addr; memset(&addr, 0, sizeof addr);` | `let mut addr: sockaddr_in = zeroed();` ([`zeroed`]; `sockaddr_in6`, `sockaddr_un`, `in_addr`, … too) |
//! | `addr.sin_family = AF_INET;` | `addr.sin_family = AF_INET.into();` (an [`AddressFamily`] into `sa_family_t`) |
//! | `addr.sin_port = htons(port);` | `addr.sin_port = htons(port);` ([`htons`], [`ntohs`], [`htonl`], [`ntohl`] are `const fn`) |
//! | `connect(fd, (struct sockaddr *)&addr, sizeof addr);` with a `sockaddr_in`/`sockaddr_in6`/`sockaddr_un` | `connect(&fd, &addr)?;` (the C structs are [`ToSockAddr`]; back with [`SockAddr::as_sockaddr_in`]) |
//! | `inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);` | `inet_pton(AF_INET, "127.0.0.1", &mut addr.sin_addr)?;` → `Ok(true)` for 1, `Ok(false)` for 0; a family unlike the destination's type: `EAFNOSUPPORT`, no call |
//! | `char buf[INET6_ADDRSTRLEN]; inet_ntop(AF_INET6, &a, buf, sizeof buf);` | `let mut buf = [0u8; INET6_ADDRSTRLEN]; let text = inet_ntop(AF_INET6, &a, &mut buf)?;` → `&str` |
//! | `inet_aton("127.1", &addr.sin_addr)` | `inet_aton("127.1", &mut addr.sin_addr)` → `bool` |
//! | `printf("%s\n", inet_ntoa(addr.sin_addr));` | `println!("{}", inet_ntoa(addr.sin_addr));` → [`InetAddrStr`] on the stack, no static buffer |
//!
//! `e.to_string()` and `{e:?}` say both the name and the text:
//! `ECONNREFUSED (Connection refused)`, which is what `fn main() -> sockapi::Result<()>`
//! prints when it fails.
//!
//! # Typed constants
//!
//! The constants keep their C names but have types ([`AddressFamily`], [`SockType`],
//! [`Protocol`], [`MsgFlags`], [`Level`], [`SockOpt`], …), so arguments in the wrong
//! place do not compile:
//!
//! ```compile_fail,E0308
//! use sockapi::*;
//! let fd = socket(SOCK_STREAM, AF_INET, 0); // swapped: does not compile
//! ```
//!
//! Where C code writes a plain integer (the protocol `0`, flags `0`, a level), a plain
//! integer works here too, and every type has `from_raw` for values a test harness
//! invents. `Debug` prints the C names: `SOCK_STREAM|SOCK_CLOEXEC`,
//! `MSG_PEEK|MSG_DONTWAIT`.
//!
//! # Nothing hidden
//!
//! No call adds a flag or a syscall: no silent `SOCK_CLOEXEC`, no `MSG_NOSIGNAL`, no
//! `SO_REUSEADDR`, no retry on `EINTR`. A program that wants them passes them, as in C.
//!
//! # Beyond the C API
//!
//! - The call trace ([`trace`]): with `SOCKAPI_TRACE=1`, or after
//!   [`trace::enable`], every call prints a strace-style line to stderr, data and
//!   option names included. Off, it costs a load, a compare and a branch per call;
//!   with `default-features = false` it is compiled out.
//! - Fault injection (`sockapi::fault`, with the cargo feature `fault`, off by default
//!   and compiled out): make chosen calls fail with a chosen `errno`, `GaiError` or
//!   `HError` without the syscall, return short, or meet `EINTR`, per thread or
//!   process-wide, reproducibly from a seed, from the program or from
//!   `SOCKAPI_FAULTS`; every injected result is marked in the trace.
//! - [`tcp_info`] (Linux): `getsockopt(fd, IPPROTO_TCP, TCP_INFO, …)` with a typed
//!   result, [`TcpInfo`]: the connection's place in TCP's state diagram
//!   ([`TcpState`]: `TCP_ESTABLISHED`, `TCP_FIN_WAIT2`, …), RTT, retransmits and the
//!   kernel's other counters, each `None` where an older kernel's shorter struct
//!   stops. The `tcp_states` example walks the diagram with it.
//! - [`sendall`]: the loop C programs write around `send` (Stevens' `writen`), sending
//!   the rest after a short count and retrying `EINTR`; and `std::io::Read`/`Write`
//!   for [`Socket`] and `&Socket`, each method one `recv`, `send`, `recvmsg` or
//!   `sendmsg`.
//! - [`tcp_state_of`] and [`tcp_state_in`] (Linux): the state of a TCP connection,
//!   found by its two ends in the kernel's connection table (sock_diag, as `ss -tan`
//!   reads it, or `/proc/net/tcp`), the one place Linux shows `TIME_WAIT`. Several
//!   syscalls each, not C calls.
//!
//! # Platforms
//!
//! Linux with glibc is built and tested. The target-specific parts (`accept4`,
//! `MSG_NOSIGNAL`, `sin_len`, the abstract namespace, Linux's own socket options) sit
//! behind capability `cfg`s that `build.rs` computes from one table, so other Unix
//! systems can follow.
#![deny(unsafe_code, missing_docs, unsafe_op_in_unsafe_fn)]

mod macros;

mod addr;
mod addrinfo;
pub mod bad_input;
mod cstr;
#[cfg(have_tcp_info)]
mod diag;
#[cfg(have_epoll)]
mod epoll;
mod errno;
#[cfg(feature = "fault")]
pub mod fault;
pub mod fcntl;
pub mod inet;
mod io;
pub mod ioctl;
#[cfg(have_mmsg)]
mod mmsg;
#[cfg(have_linux_cmsg)]
mod msg;
#[cfg(have_reentrant_netdb)]
mod netdb;
mod netif;
pub mod poll;
pub mod porting;
mod raw;
mod rw;
mod select;
mod socket;
pub mod sockopt;
#[cfg(have_tcp_info)]
mod tcp;
pub mod trace;

/// The raw C layer, [`sockapi_sys`], for the C types this crate's signatures use.
pub use sockapi_sys as sys;

pub use crate::addr::{SockAddr, ToSockAddr, INADDR_ANY, INADDR_LOOPBACK};
pub use crate::addrinfo::{
    gai_strerror, getaddrinfo, getnameinfo, AddrInfoHints, AiFlags, EaiCode, GaiError, NameBuf,
    NiFlags, NiHost, NiServ, AI_ADDRCONFIG, AI_ALL, AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV,
    AI_PASSIVE, AI_V4MAPPED, EAI_AGAIN, EAI_BADFLAGS, EAI_FAIL, EAI_FAMILY, EAI_MEMORY, EAI_NONAME,
    EAI_OVERFLOW, EAI_SERVICE, EAI_SOCKTYPE, EAI_SYSTEM, NI_DGRAM, NI_NAMEREQD, NI_NOFQDN,
    NI_NUMERICHOST, NI_NUMERICSERV,
};
pub use crate::cstr::{NameArg, NameOrNull};
#[cfg(have_tcp_info)]
pub use crate::diag::{tcp_state_in, tcp_state_of, TcpTable};
#[cfg(have_epoll)]
pub use crate::epoll::{
    epoll_create1, epoll_ctl, epoll_pwait, epoll_wait, Epoll, EpollCreateFlags, EpollFlags,
    EpollOp, EPOLLERR, EPOLLET, EPOLLEXCLUSIVE, EPOLLHUP, EPOLLIN, EPOLLMSG, EPOLLONESHOT,
    EPOLLOUT, EPOLLPRI, EPOLLRDBAND, EPOLLRDHUP, EPOLLRDNORM, EPOLLWAKEUP, EPOLLWRBAND,
    EPOLLWRNORM, EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD,
};
pub use crate::errno::{perror, strerror, Errno, StrError};
#[doc(inline)]
pub use crate::fcntl::{
    fcntl, FcntlCmd, FdFlags, OFlags, FD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL, O_APPEND,
    O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY,
};
#[doc(inline)]
pub use crate::inet::{
    htonl, htons, in6_addr, in_port_t, inet_aton, inet_ntoa, inet_ntop, inet_pton, ntohl, ntohs,
    sa_family_t, sockaddr_in, sockaddr_in6, sockaddr_un, zeroed, AddrText, InetAddr, InetAddrStr,
    Zeroable, INET6_ADDRSTRLEN, INET_ADDRSTRLEN,
};
#[cfg(have_msg_nosignal)]
pub use crate::io::MSG_NOSIGNAL;
#[cfg(have_mmsg)]
pub use crate::io::MSG_WAITFORONE;
pub use crate::io::{
    recv, recvfrom, send, sendto, MsgFlags, MSG_CTRUNC, MSG_DONTROUTE, MSG_DONTWAIT, MSG_EOR,
    MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_WAITALL,
};
#[cfg(have_linux_msg_flags)]
pub use crate::io::{MSG_CMSG_CLOEXEC, MSG_CONFIRM, MSG_ERRQUEUE, MSG_MORE};
#[doc(inline)]
pub use crate::ioctl::{ioctl, IoctlRequest, FIONBIO, FIONREAD};
#[cfg(have_linux_sockopts)]
#[doc(inline)]
pub use crate::ioctl::{SIOCINQ, SIOCOUTQ};
#[cfg(have_mmsg)]
pub use crate::mmsg::{recvmmsg, sendmmsg, timespec};
#[cfg(have_linux_cmsg)]
#[doc(hidden)]
pub use crate::msg::parse_control_bytes;
#[cfg(have_linux_cmsg)]
pub use crate::msg::{recvmsg, sendmsg, Cmsgs, ControlMessage};
#[cfg(have_reentrant_netdb)]
#[doc(hidden)]
pub use crate::netdb::getservbyname_sized;
#[cfg(have_reentrant_netdb)]
pub use crate::netdb::{
    gethostbyaddr, gethostbyname, getprotobyname, getprotobynumber, getservbyname, getservbyport,
    hstrerror, AddrList, Aliases, HError, HostEnt, NetStr, ProtoEnt, ServEnt, HOST_NOT_FOUND,
    NETDB_INTERNAL, NO_DATA, NO_RECOVERY, TRY_AGAIN,
};
pub use crate::netif::{if_indextoname, if_nametoindex, IfName};
#[cfg(have_ppoll)]
#[doc(inline)]
pub use crate::poll::ppoll;
#[cfg(have_pollrdhup)]
#[doc(inline)]
pub use crate::poll::POLLRDHUP;
#[doc(inline)]
pub use crate::poll::{
    poll, pollfd, sockatmark, PollFlags, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI,
    POLLRDBAND, POLLRDNORM, POLLWRBAND, POLLWRNORM,
};
#[cfg(have_epoll)]
pub use crate::raw::epoll_event;
pub use crate::raw::{AddrInfo, AddrInfoIter, AddrInfoList};
#[cfg(have_linux_cmsg)]
pub use crate::raw::{CmsgBuffer, CmsgBuilder, Control, MsgHdr, MsgHdrMut, ScmRights};
#[cfg(have_mmsg)]
pub use crate::raw::{MMsgHdr, MMsgHdrMut};
pub use crate::rw::{sendall, SendAllError};
#[cfg(not(have_mmsg))]
pub use crate::select::timespec;
pub use crate::select::{
    pselect, select, sigaddset, sigdelset, sigemptyset, sigfillset, sigismember, sigset_t, FdSet,
    FdSetIter, FD_CLR, FD_ISSET, FD_SET, FD_SETSIZE, FD_ZERO,
};
pub use crate::socket::{
    accept, bind, close, connect, getpeername, getsockname, listen, shutdown, socket, socketpair,
    AddressFamily, Protocol, ShutdownHow, SockFlag, SockType, Socket, AF_INET, AF_INET6, AF_UNIX,
    AF_UNSPEC, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_RAW, IPPROTO_TCP,
    IPPROTO_UDP, SHUT_RD, SHUT_RDWR, SHUT_WR, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_STREAM,
    SOMAXCONN,
};
#[cfg(have_accept4)]
pub use crate::socket::{accept4, SOCK_CLOEXEC, SOCK_NONBLOCK};
#[doc(inline)]
pub use crate::sockopt::in_addr;
#[cfg(have_tcp_keepidle)]
#[doc(inline)]
pub use crate::sockopt::TCP_KEEPIDLE;
#[doc(inline)]
pub use crate::sockopt::{
    getsockopt, getsockopt_raw, linger, setsockopt, setsockopt_raw, timeval, Level, OptName,
    OptValue, ReadOnly, ReadWrite, Readable, SockOpt, Writable, WriteOnly, IPV6_UNICAST_HOPS,
    IPV6_V6ONLY, IP_TOS, IP_TTL, SOL_IP, SOL_IPV6, SOL_SOCKET, SOL_TCP, SOL_UDP, SO_ACCEPTCONN,
    SO_BROADCAST, SO_DONTROUTE, SO_ERROR, SO_KEEPALIVE, SO_LINGER, SO_OOBINLINE, SO_RCVBUF,
    SO_RCVLOWAT, SO_RCVTIMEO, SO_REUSEADDR, SO_REUSEPORT, SO_SNDBUF, SO_SNDLOWAT, SO_SNDTIMEO,
    SO_TYPE, TCP_KEEPCNT, TCP_KEEPINTVL, TCP_MAXSEG, TCP_NODELAY,
};
#[cfg(have_linux_sockopts)]
#[doc(inline)]
pub use crate::sockopt::{
    ip_mreq, ip_mreq_source, ip_mreqn, ipv6_mreq, MulticastGroup, MulticastIf, IPV6_JOIN_GROUP,
    IPV6_LEAVE_GROUP, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, IPV6_MULTICAST_LOOP,
    IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO, IP_ADD_MEMBERSHIP, IP_ADD_SOURCE_MEMBERSHIP,
    IP_DROP_MEMBERSHIP, IP_DROP_SOURCE_MEMBERSHIP, IP_MULTICAST_IF, IP_MULTICAST_LOOP,
    IP_MULTICAST_TTL, IP_PKTINFO, IP_RECVTOS, IP_RECVTTL,
};
#[cfg(have_linux_sockopts)]
#[doc(inline)]
pub use crate::sockopt::{
    ucred, IPV6_RECVERR, IP_FREEBIND, IP_MTU, IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_PMTUDISC_DONT,
    IP_PMTUDISC_PROBE, IP_PMTUDISC_WANT, IP_RECVERR, IP_TRANSPARENT, SO_BINDTODEVICE, SO_BUSY_POLL,
    SO_DOMAIN, SO_INCOMING_CPU, SO_MARK, SO_PASSCRED, SO_PEERCRED, SO_PRIORITY, SO_PROTOCOL,
    TCP_CONGESTION, TCP_CORK, TCP_DEFER_ACCEPT, TCP_FASTOPEN, TCP_NOTSENT_LOWAT, TCP_QUICKACK,
    TCP_SYNCNT, TCP_USER_TIMEOUT,
};
pub use crate::sys::{CMSG_LEN, CMSG_SPACE};
#[cfg(have_tcp_info)]
pub use crate::tcp::{
    tcp_info, TcpInfo, TcpState, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_CLOSING, TCP_ESTABLISHED,
    TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_LAST_ACK, TCP_LISTEN, TCP_SYN_RECV, TCP_SYN_SENT,
    TCP_TIME_WAIT,
};

/// The result of every call: the value, or the C `errno` as an [`Errno`].
///
/// The error type defaults to `Errno` but can be named, so `use sockapi::*;` does not
/// take `Result<T, E>` away from code that uses other errors.
pub type Result<T, E = Errno> = core::result::Result<T, E>;
