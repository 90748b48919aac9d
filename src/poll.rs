//! Waiting on many descriptors: `poll`, `ppoll` (Linux), `struct pollfd` and the
//! `POLL*` events; and `sockatmark`, for the out-of-band lesson.
//!
//! A [`pollfd`] is C's `struct pollfd`, field for field, so a `&mut [pollfd]` (an
//! array, a `Vec`) is the array C passes, and `poll` takes its length as `nfds`:
//!
//! ```
//! use sockapi::*;
//! # fn main() -> sockapi::Result<()> {
//! let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
//! send(&a, b"ping", 0)?;
//! // struct pollfd fds[1] = {{ .fd = b, .events = POLLIN }};
//! let mut fds = [pollfd::new(&b, POLLIN)];
//! // int n = poll(fds, 1, 1000);
//! let n = poll(&mut fds, 1000)?;
//! assert_eq!(n, 1);
//! assert!(fds[0].revents.contains(POLLIN));
//! # Ok(()) }
//! ```
//!
//! # What a `pollfd` holds
//!
//! A descriptor *number*, as in C: a `pollfd` does not borrow the socket it names, so
//! a server can keep one array of `pollfd` beside its sockets and change both freely
//! (a borrow would tie the array to the sockets' lifetimes and make that loop
//! impossible without a second structure). This is sound whatever the number: `poll`
//! only looks a number up. A negative `fd` is skipped (its `revents` reads 0), which is
//! C's way to switch an entry off; a number that is not open reads `POLLNVAL`. The
//! program's duty is C's: drop an entry (or set its `fd` to -1) when its socket
//! closes, or the number may name a later socket.
//!
//! # The non-blocking connect, the C way
//!
//! `connect` on a non-blocking socket returns `EINPROGRESS` at once; the socket turns
//! writable when the handshake ends, either way; then `SO_ERROR` says how it ended
//! (`0`: connected). The whole sequence, refused and connected, on loopback:
//!
//! ```
//! use sockapi::*;
//! use std::net::SocketAddr;
//!
//! /// connect(2) without blocking, then poll(2) for POLLOUT, then SO_ERROR.
//! fn connect_nonblocking(to: &SockAddr) -> sockapi::Result<Socket> {
//!     // int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
//!     let fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)?;
//!     // if (connect(fd, addr, len) == -1 && errno != EINPROGRESS) fail;
//!     match connect(&fd, to) {
//!         Ok(()) => return Ok(fd),
//!         Err(Errno::EINPROGRESS) => {}
//!         Err(e) => return Err(e),
//!     }
//!     // struct pollfd p = { fd, POLLOUT }; poll(&p, 1, 5000);
//!     let mut p = [pollfd::new(&fd, POLLOUT)];
//!     if poll(&mut p, 5000)? == 0 {
//!         return Err(Errno::ETIMEDOUT);
//!     }
//!     // getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
//!     match getsockopt(&fd, SOL_SOCKET, SO_ERROR)? {
//!         0 => Ok(fd),
//!         err => Err(Errno::from_raw(err)),
//!     }
//! }
//!
//! # fn main() -> sockapi::Result<()> {
//! let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
//! // A port that is bound but not listening refuses the connection.
//! let bound = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
//! bind(&bound, &loopback)?;
//! let refusing = getsockname(&bound)?;
//! assert_eq!(connect_nonblocking(&refusing).err(), Some(Errno::ECONNREFUSED));
//!
//! // A listener takes it.
//! let listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
//! bind(&listener, &loopback)?;
//! listen(&listener, SOMAXCONN)?;
//! let fd = connect_nonblocking(&getsockname(&listener)?)?;
//! assert_eq!(getpeername(&fd)?, getsockname(&listener)?);
//! # Ok(()) }
//! ```
//!
//! Without `SOCK_NONBLOCK` at `socket`, C sets the flag with `fcntl`, as here:
//! `fcntl(&fd, F_SETFL(fcntl(&fd, F_GETFL)? | O_NONBLOCK))?` (two calls, as in C).

use core::fmt;
use std::os::fd::{AsFd, AsRawFd, RawFd};

use crate::macros::{c_flags, inject};
use crate::raw;
use crate::socket::fd_of;
use crate::sys::{self, c_int, c_short};
use crate::trace::{self, traced, Ret};
use crate::Result;

c_flags! {
    /// The events of a [`pollfd`]: what `events` asks for and what `revents` reports.
    /// `POLLERR`, `POLLHUP` and `POLLNVAL` are reported whether asked for or not.
    /// `Debug` prints them as C writes them: `POLLIN|POLLHUP`.
    pub struct PollFlags(c_short);
    /// Data to read (or, on a listening socket, a connection to `accept`; or the end of
    /// the stream: `recv` then returns 0).
    const POLLIN = sys::POLLIN;
    /// Urgent data to read: TCP's out-of-band byte (`MSG_OOB`).
    const POLLPRI = sys::POLLPRI;
    /// Room to write without blocking (or a non-blocking `connect` has ended).
    const POLLOUT = sys::POLLOUT;
    /// An error is pending on the descriptor (read it with `SO_ERROR`). Reported only.
    const POLLERR = sys::POLLERR;
    /// Hang-up: both directions are shut (after the peer's close and ours, a reset, or
    /// a refused connect). Reported only.
    const POLLHUP = sys::POLLHUP;
    /// The descriptor number is not open. Reported only.
    const POLLNVAL = sys::POLLNVAL;
    /// Normal data to read (on Linux sockets, as `POLLIN`).
    const POLLRDNORM = sys::POLLRDNORM;
    /// Priority data to read.
    const POLLRDBAND = sys::POLLRDBAND;
    /// Room to write normal data (as `POLLOUT`).
    const POLLWRNORM = sys::POLLWRNORM;
    /// Room to write priority data.
    const POLLWRBAND = sys::POLLWRBAND;
    /// The peer shut down its writing side (its `shutdown(SHUT_WR)` or `close`): what
    /// is queued is the last data. Linux.
    #[cfg(have_pollrdhup)]
    const POLLRDHUP = sys::POLLRDHUP;
}

/// `struct pollfd`: one descriptor to wait on, the events wanted, and (after
/// [`poll`]) the events that happened.
///
/// The layout is C's, so a `&mut [pollfd]` is the array `poll` takes (the crate
/// checks the size and every offset against C's at compile time, and the layout test
/// checks C's against the system headers). `fd` is a number, not a borrow: see the
/// [module docs](mod@crate::poll#what-a-pollfd-holds).
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(C)]
pub struct pollfd {
    /// The descriptor; a negative one is skipped (its `revents` reads 0).
    pub fd: RawFd,
    /// The events to wait for.
    pub events: PollFlags,
    /// The events that happened, written by [`poll`].
    pub revents: PollFlags,
}

impl pollfd {
    /// `{ .fd = fd, .events = events }` for any socket or descriptor (`revents` 0).
    #[inline]
    pub fn new(fd: &impl AsFd, events: PollFlags) -> pollfd {
        pollfd {
            fd: fd.as_fd().as_raw_fd(),
            events,
            revents: PollFlags::EMPTY,
        }
    }

    /// An entry for a bare descriptor number, as C writes one (a negative number is
    /// skipped by `poll`; one that is not open reads `POLLNVAL`).
    #[inline]
    pub const fn from_raw_fd(fd: RawFd, events: PollFlags) -> pollfd {
        pollfd {
            fd,
            events,
            revents: PollFlags::EMPTY,
        }
    }
}

/// `poll(fds, nfds, timeout)`—Waits for events on a set of descriptors.
///
/// ```c
/// #include <poll.h>
/// int poll(struct pollfd *fds, nfds_t nfds, int timeout);
/// ```
///
/// `nfds` is `fds.len()`. Waits until an entry has an event, a signal arrives, or
/// `timeout_ms` milliseconds pass (`-1`: no limit; `0`: look and return at once).
/// Returns the number of entries whose `revents` is not empty, `0` on timeout; each
/// `revents` is written (cleared where nothing happened). There is no `FD_SETSIZE`
/// limit: any descriptor number, as many entries as `RLIMIT_NOFILE` allows. No retry
/// on `EINTR`, as in C.
///
/// # Errors
///
/// `EINTR` (a signal's handler ran), `EINVAL` (more entries than `RLIMIT_NOFILE`),
/// `ENOMEM`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/poll.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/poll.2.html)
#[inline]
pub fn poll(fds: &mut [pollfd], timeout_ms: c_int) -> Result<usize> {
    let ret = inject!(poll, None, raw::poll(fds, timeout_ms));
    traced(
        ret,
        |&n| n,
        |ret| trace_poll(fds, TraceInt(timeout_ms), ret),
    )
}

/// `ppoll(fds, nfds, timeout, sigmask)`—[`poll`] with a `timespec` timeout and a
/// signal mask set for the wait (Linux).
///
/// ```c
/// #define _GNU_SOURCE
/// #include <poll.h>
/// int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo_p,
///           const sigset_t *sigmask);
/// ```
///
/// `None` for either is C's `NULL`: no time limit, and the thread's mask unchanged.
/// With a mask, the thread's signal mask is replaced by it for the wait only, and
/// atomically with it: a signal blocked outside and unblocked in `sigmask` can
/// interrupt only the wait (`EINTR`), never slip in between a check and the wait.
/// Build the mask with [`sigemptyset`](crate::sigemptyset) and [`sigaddset`](crate::sigaddset). The C library copies the
/// timeout, so the time left is not written back.
///
/// # Errors
///
/// As [`poll`]; `EINVAL` also for a `tv_nsec` outside 0 to 999,999,999.
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man2/ppoll.2.html)
#[cfg(have_ppoll)]
#[inline]
pub fn ppoll(
    fds: &mut [pollfd],
    timeout: Option<&sys::timespec>,
    sigmask: Option<&sys::sigset_t>,
) -> Result<usize> {
    let ret = inject!(ppoll, None, raw::ppoll(fds, timeout, sigmask));
    traced(ret, |&n| n, |ret| trace_ppoll(fds, timeout, sigmask, ret))
}

/// `sockatmark(sockfd)`—Whether the next byte to read is TCP's out-of-band mark.
///
/// ```c
/// #include <sys/socket.h>
/// int sockatmark(int sockfd);
/// ```
///
/// C's `1` is `true`, `0` `false`. After the peer's `send(&fd, b"!", MSG_OOB)`, the
/// bytes sent before it read normally up to the mark; at the mark this returns
/// `true`, and `recv(&fd, &mut b, MSG_OOB)` takes the urgent byte (unless
/// `SO_OOBINLINE` keeps it in the stream). On Linux this is what glibc does,
/// `ioctl(fd, SIOCATMARK, &n)` (which `strace` shows), with `n` zeroed first.
///
/// # Errors
///
/// `EBADF`, `ENOTTY` (most descriptors that are not sockets, and UDP sockets),
/// `EINVAL` (some sockets with no mark). `AF_UNIX` sockets answer `Ok(false)`, and a
/// few drivers answer any request: on Linux the answer starts at 0, so they read
/// `Ok(false)` (C's glibc would return its uninitialised `int`).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sockatmark.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/sockatmark.3.html)
#[inline]
pub fn sockatmark(fd: &impl AsFd) -> Result<bool> {
    let ret = inject!(sockatmark, Some(fd.as_fd()), raw::sockatmark(fd.as_fd()));
    traced(
        ret,
        |&b| TraceInt(c_int::from(b)),
        |ret| trace_sockatmark(fd_of(fd), ret),
    )
}

#[cold]
#[inline(never)]
fn trace_sockatmark(fd: RawFd, ret: Result<TraceInt>) {
    trace::emit(format_args!("sockatmark({fd}) = {}", Ret(ret)));
}

/// A plain integer for the trace.
#[derive(Clone, Copy)]
struct TraceInt(c_int);

impl fmt::Display for TraceInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The entries as strace shows them on entry: `[{fd=3, events=POLLIN}, {fd=-1}]`, at
/// most [`trace::strsize`] of them, then `...`.
struct TraceEvents<'a>(&'a [pollfd]);

impl fmt::Display for TraceEvents<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        let limit = trace::strsize();
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if i == limit {
                f.write_str("...")?;
                break;
            }
            if p.fd < 0 {
                write!(f, "{{fd={}}}", p.fd)?;
            } else {
                write!(f, "{{fd={}, events={:?}}}", p.fd, p.events)?;
            }
        }
        f.write_str("]")
    }
}

/// The entries with events, as strace shows them on return:
/// ` ([{fd=3, revents=POLLIN}])`, or ` (Timeout)` for none.
struct TraceRevents<'a>(&'a [pollfd]);

impl fmt::Display for TraceRevents<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ready = self.0.iter().filter(|p| !p.revents.is_empty()).peekable();
        if ready.peek().is_none() {
            return f.write_str(" (Timeout)");
        }
        f.write_str(" ([")?;
        let limit = trace::strsize();
        for (i, p) in ready.enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if i == limit {
                f.write_str("...")?;
                break;
            }
            write!(f, "{{fd={}, revents={:?}}}", p.fd, p.revents)?;
        }
        f.write_str("])")
    }
}

/// `= 1 ([{fd=3, revents=POLLIN}])`, `= 0 (Timeout)`, or `= -1 EINTR (…)`.
struct TracePollRet<'a>(&'a [pollfd], Result<usize>);

impl fmt::Display for TracePollRet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Ok(n) => write!(f, "{n}{}", TraceRevents(self.0)),
            Err(e) => write!(f, "-1 {e}"),
        }
    }
}

#[cold]
#[inline(never)]
fn trace_poll(fds: &[pollfd], timeout: TraceInt, ret: Result<usize>) {
    trace::emit(format_args!(
        "poll({}, {}, {timeout}) = {}",
        TraceEvents(fds),
        fds.len(),
        TracePollRet(fds, ret)
    ));
}

/// `NULL`, or `{tv_sec=1, tv_nsec=0}`.
#[cfg(have_ppoll)]
struct TraceTimespec<'a>(Option<&'a sys::timespec>);

#[cfg(have_ppoll)]
impl fmt::Display for TraceTimespec<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(t) => write!(f, "{{tv_sec={}, tv_nsec={}}}", t.tv_sec, t.tv_nsec),
            None => f.write_str("NULL"),
        }
    }
}

/// The signal names strace prints in a mask, without `SIG` (`[USR1 TERM]`).
#[cfg(have_ppoll)]
const SIGNAL_NAMES: &[(c_int, &str)] = &[
    (sys::SIGHUP, "HUP"),
    (sys::SIGINT, "INT"),
    (sys::SIGQUIT, "QUIT"),
    (sys::SIGILL, "ILL"),
    (sys::SIGTRAP, "TRAP"),
    (sys::SIGABRT, "ABRT"),
    (sys::SIGBUS, "BUS"),
    (sys::SIGFPE, "FPE"),
    (sys::SIGKILL, "KILL"),
    (sys::SIGUSR1, "USR1"),
    (sys::SIGSEGV, "SEGV"),
    (sys::SIGUSR2, "USR2"),
    (sys::SIGPIPE, "PIPE"),
    (sys::SIGALRM, "ALRM"),
    (sys::SIGTERM, "TERM"),
    (sys::SIGCHLD, "CHLD"),
    (sys::SIGCONT, "CONT"),
    (sys::SIGSTOP, "STOP"),
    (sys::SIGTSTP, "TSTP"),
    (sys::SIGTTIN, "TTIN"),
    (sys::SIGTTOU, "TTOU"),
    (sys::SIGURG, "URG"),
    (sys::SIGXCPU, "XCPU"),
    (sys::SIGXFSZ, "XFSZ"),
    (sys::SIGVTALRM, "VTALRM"),
    (sys::SIGPROF, "PROF"),
    (sys::SIGWINCH, "WINCH"),
    (sys::SIGIO, "IO"),
    (sys::SIGPWR, "PWR"),
    (sys::SIGSYS, "SYS"),
];

/// `NULL`, or the set as strace shows it: `[USR1 TERM RT_8]`; a set with more than
/// half the signals in it as its complement, `~[KILL RTMIN RT_1]`.
#[cfg(have_ppoll)]
struct TraceSigset<'a>(Option<&'a sys::sigset_t>);

/// Linux numbers signals from 1 to 64.
#[cfg(have_ppoll)]
const SIGNALS: core::ops::RangeInclusive<c_int> = 1..=64;

#[cfg(have_ppoll)]
impl fmt::Display for TraceSigset<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(set) = self.0 else {
            return f.write_str("NULL");
        };
        let member = |signum| raw::sigismember(set, signum) == Ok(true);
        let members = SIGNALS.filter(|&s| member(s)).count();
        let complement = members > SIGNALS.count() / 2;
        if complement {
            f.write_str("~")?;
        }
        f.write_str("[")?;
        let mut first = true;
        for signum in SIGNALS.filter(|&s| member(s) != complement) {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            match SIGNAL_NAMES.iter().find(|&&(n, _)| n == signum) {
                Some((_, name)) => f.write_str(name)?,
                // As strace names the real-time signals on Linux: 32 is RTMIN, then
                // RT_1 up to RT_32 (64).
                None if signum == 32 => f.write_str("RTMIN")?,
                None if signum > 32 => write!(f, "RT_{}", signum - 32)?,
                None => write!(f, "{signum}")?,
            }
        }
        f.write_str("]")
    }
}

/// The size in bytes of the kernel's signal set, the last argument of the `ppoll`
/// syscall as strace shows it (glibc passes `_NSIG / 8`, 8 on Linux).
#[cfg(have_ppoll)]
const KERNEL_SIGSET_SIZE: usize = 8;

#[cfg(have_ppoll)]
#[cold]
#[inline(never)]
fn trace_ppoll(
    fds: &[pollfd],
    timeout: Option<&sys::timespec>,
    sigmask: Option<&sys::sigset_t>,
    ret: Result<usize>,
) {
    trace::emit(format_args!(
        "ppoll({}, {}, {}, {}, {KERNEL_SIGSET_SIZE}) = {}",
        TraceEvents(fds),
        fds.len(),
        TraceTimespec(timeout),
        TraceSigset(sigmask),
        TracePollRet(fds, ret)
    ));
}
