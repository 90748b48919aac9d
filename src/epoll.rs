//! `epoll` (Linux): `epoll_create1`, `epoll_ctl`, `epoll_wait`, the owned epoll
//! descriptor [`Epoll`], [`epoll_event`] and the `EPOLL*` constants.
//!
//!
//! [`epoll_create1`] shows the C loop line for line and what the interest list
//! holds.

use core::fmt;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};

use crate::macros::{c_flags, c_values, inject};
use crate::raw::{self, epoll_event};
use crate::socket::fd_of;
use crate::sys::{self, c_int};
use crate::trace::{self, traced, zero, Ret};
use crate::{Result, Socket};

c_flags! {
    /// The flags of [`epoll_create1`]: `EPOLL_CLOEXEC`, or the plain `0`.
    pub struct EpollCreateFlags(c_int);
    /// The new epoll descriptor closes on `exec` (`FD_CLOEXEC`), set in the same call.
    const EPOLL_CLOEXEC = sys::EPOLL_CLOEXEC;
}

c_values! {
    /// What [`epoll_ctl`] does: `EPOLL_CTL_ADD`, `EPOLL_CTL_MOD` or `EPOLL_CTL_DEL`.
    pub struct EpollOp(c_int);
    /// Adds `fd` to the interest list with `event` (`EEXIST` if it is there already).
    const EPOLL_CTL_ADD = sys::EPOLL_CTL_ADD;
    /// Deletes `fd` from the interest list (`ENOENT` if it is not there); `event` is
    /// ignored (`None`, as C passes `NULL`).
    const EPOLL_CTL_DEL = sys::EPOLL_CTL_DEL;
    /// Changes the events and data of `fd`, already in the list (`ENOENT` if not); it
    /// also re-arms an `EPOLLONESHOT` registration.
    const EPOLL_CTL_MOD = sys::EPOLL_CTL_MOD;
}

c_flags! {
    /// The event bits of an [`epoll_event`]: what to wait for (given to
    /// [`epoll_ctl`]) and what happened (returned by [`epoll_wait`]). `Debug` prints
    /// them as strace does: `EPOLLIN|EPOLLRDHUP|EPOLLET`.
    pub struct EpollFlags(u32);
    /// Data to read (or, on a listening socket, a connection to accept).
    const EPOLLIN = sys::EPOLLIN;
    /// Exceptional condition: out-of-band data (`MSG_OOB`) on a TCP socket.
    const EPOLLPRI = sys::EPOLLPRI;
    /// Room to write.
    const EPOLLOUT = sys::EPOLLOUT;
    /// An error is pending (`SO_ERROR`); always reported, never needs asking for.
    const EPOLLERR = sys::EPOLLERR;
    /// Hang-up: the connection is shut in both directions (a reset, or the peer's
    /// end-of-file after our own `shutdown(SHUT_WR)`); always reported, never needs
    /// asking for.
    const EPOLLHUP = sys::EPOLLHUP;
    /// Normal data to read (as `POLLRDNORM`).
    const EPOLLRDNORM = sys::EPOLLRDNORM;
    /// Priority data to read (as `POLLRDBAND`).
    const EPOLLRDBAND = sys::EPOLLRDBAND;
    /// Room to write normal data (as `POLLWRNORM`).
    const EPOLLWRNORM = sys::EPOLLWRNORM;
    /// Room to write priority data (as `POLLWRBAND`).
    const EPOLLWRBAND = sys::EPOLLWRBAND;
    /// Unused by Linux.
    const EPOLLMSG = sys::EPOLLMSG;
    /// The peer shut down its sending side (`shutdown(SHUT_WR)` or `close`): a read
    /// would return end-of-file once the data before it is read.
    const EPOLLRDHUP = sys::EPOLLRDHUP;
    /// Wake only one (or a few) of the epoll instances waiting on the same file, for
    /// several threads' instances on one listening socket. `EPOLL_CTL_ADD` only, and
    /// only beside `EPOLLIN`, `EPOLLOUT`, `EPOLLERR`, `EPOLLHUP`, `EPOLLWAKEUP` and
    /// `EPOLLET`: with `EPOLL_CTL_MOD` (or a `MOD` of a registration made with it),
    /// with any other bit (`EPOLLONESHOT`, `EPOLLRDHUP`, `EPOLLPRI`), or for an epoll
    /// descriptor as the target, the kernel answers `EINVAL`.
    const EPOLLEXCLUSIVE = sys::EPOLLEXCLUSIVE;
    /// Hold a wakeup source while the event is pending (needs `CAP_BLOCK_SUSPEND`;
    /// silently dropped without it).
    const EPOLLWAKEUP = sys::EPOLLWAKEUP;
    /// Report the descriptor once, then disable it until `EPOLL_CTL_MOD` re-arms it.
    const EPOLLONESHOT = sys::EPOLLONESHOT;
    /// Edge-triggered: report only changes (new data arriving), not the state (data
    /// waiting); the program reads until `EAGAIN`, so the socket must be non-blocking.
    const EPOLLET = sys::EPOLLET;
}

impl epoll_event {
    /// `{ .events = events, .data.u64 = data }`.
    ///
    /// `data` comes back unchanged in each [`epoll_wait`] entry for this
    /// registration: the descriptor number (`fd.as_raw_fd() as u64`), or an index
    /// into the program's own table of sockets. See [`epoll_event`].
    #[inline]
    pub const fn new(events: EpollFlags, data: u64) -> epoll_event {
        epoll_event {
            ev: sys::epoll_event {
                events: events.as_raw(),
                u64: data,
            },
        }
    }

    /// `events`: the bits asked for, or (after [`epoll_wait`]) those that happened.
    #[inline]
    pub const fn events(&self) -> EpollFlags {
        // A copy of the field: it may be unaligned (packed struct), never borrowed.
        EpollFlags::from_raw(self.ev.events)
    }

    /// `data.u64`: what the program put in at registration.
    #[inline]
    pub const fn data(&self) -> u64 {
        self.ev.u64
    }

    /// Sets `events`.
    #[inline]
    pub fn set_events(&mut self, events: EpollFlags) {
        self.ev.events = events.as_raw();
    }

    /// Sets `data.u64`.
    #[inline]
    pub fn set_data(&mut self, data: u64) {
        self.ev.u64 = data;
    }
}

impl Default for epoll_event {
    /// All zero, as `struct epoll_event events[64];` zeroed.
    #[inline]
    fn default() -> epoll_event {
        epoll_event::new(EpollFlags::EMPTY, 0)
    }
}

impl PartialEq for epoll_event {
    fn eq(&self, other: &epoll_event) -> bool {
        self.events() == other.events() && self.data() == other.data()
    }
}

impl Eq for epoll_event {}

impl fmt::Debug for epoll_event {
    /// As strace shows it: `{events=EPOLLIN, data={u32=3, u64=3}}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = self.data();
        write!(
            f,
            "{{events={:?}, data={{u32={}, u64={data}}}}}",
            self.events(),
            data as u32
        )
    }
}

/// An epoll instance: the owned descriptor that [`epoll_create1`] returns, closed
/// when dropped (the trace shows that `close`), or by [`close`](crate::close).
///
/// It is `AsFd`, so the calls take `&ep`, and converts to and from [`OwnedFd`].
/// Dropping it ends the instance and its interest list; the registered sockets stay
/// open (see [`epoll_create1`]).
pub struct Epoll {
    // A `Socket` only for its traced close on drop; the descriptor is an epoll one.
    fd: Socket,
}

impl From<OwnedFd> for Epoll {
    /// Takes a descriptor as an epoll instance (no check: a wrong one makes the calls
    /// fail with `EINVAL`).
    #[inline]
    fn from(fd: OwnedFd) -> Epoll {
        Epoll {
            fd: Socket::from(fd),
        }
    }
}

impl From<Epoll> for OwnedFd {
    #[inline]
    fn from(ep: Epoll) -> OwnedFd {
        OwnedFd::from(ep.fd)
    }
}

impl AsFd for Epoll {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Epoll {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl IntoRawFd for Epoll {
    #[inline]
    fn into_raw_fd(self) -> RawFd {
        self.fd.into_raw_fd()
    }
}

impl fmt::Debug for Epoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Epoll")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}

/// `epoll_create1(flags)`—Creates an epoll instance (Linux).
///
/// ```c
/// #include <sys/epoll.h>
/// int epoll_create1(int flags);
/// ```
///
/// Returns the instance as an owned [`Epoll`], which closes when dropped. `flags` is
/// [`EPOLL_CLOEXEC`] or `0`; nothing is added silently.
///
/// The C loop, line for line:
///
/// ```
/// use sockapi::*;
/// use std::os::fd::AsRawFd;
/// # fn main() -> sockapi::Result<()> {
/// let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
/// let ep = epoll_create1(EPOLL_CLOEXEC)?;                   // int ep = epoll_create1(EPOLL_CLOEXEC);
/// let ev = epoll_event::new(EPOLLIN, b.as_raw_fd() as u64); // struct epoll_event ev = { EPOLLIN, { .fd = b } };
/// epoll_ctl(&ep, EPOLL_CTL_ADD, &b, Some(&ev))?;           // epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev);
/// send(&a, b"hi", 0)?;
/// let mut events = [epoll_event::default(); 64];            // struct epoll_event events[64];
/// let n = epoll_wait(&ep, &mut events, 1000)?;              // int n = epoll_wait(ep, events, 64, 1000);
/// for ev in &events[..n] {                                  // for (i = 0; i < n; i++)
///     assert_eq!(ev.data(), b.as_raw_fd() as u64);          //     events[i].data.fd == b
///     assert!(ev.events().contains(EPOLLIN));               //     events[i].events & EPOLLIN
/// }
/// # Ok(()) }
/// ```
///
/// # What the interest list holds
///
/// Registration does not keep a socket alive: the kernel drops a registration when
/// the last descriptor referring to its file closes, so closing (dropping) the only
/// descriptor of a registered socket removes it, and no `EPOLL_CTL_DEL` is needed.
/// With duplicates (`dup`, `fork`, `SCM_RIGHTS`) it stays registered, and events keep
/// arriving under its `data` after the number is closed: delete it first.
///
/// # Errors
///
/// `EINVAL` (unknown flags), `EMFILE` / `ENFILE`, `ENOMEM`.
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man2/epoll_create1.2.html)
/// - [epoll(7)](https://man7.org/linux/man-pages/man7/epoll.7.html)
#[inline]
pub fn epoll_create1(flags: impl Into<EpollCreateFlags>) -> Result<Epoll> {
    let flags = flags.into();
    let ret = inject!(epoll_create1, None, raw::epoll_create1(flags.as_raw()));
    traced(
        ret.map(Epoll::from),
        |ep| ep.as_raw_fd(),
        |ret| trace_create1(flags, ret),
    )
}

#[cold]
#[inline(never)]
fn trace_create1(flags: EpollCreateFlags, ret: Result<RawFd>) {
    trace::emit(format_args!("epoll_create1({flags:?}) = {}", Ret(ret)));
}

/// `epoll_ctl(epfd, op, fd, event)`—Adds, changes or deletes a descriptor in an
/// epoll instance's interest list (Linux).
///
/// ```c
/// #include <sys/epoll.h>
/// int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
/// ```
///
/// `event` is `Some(&ev)` for `EPOLL_CTL_ADD` and `EPOLL_CTL_MOD`, and `None` (C's
/// `NULL`) for `EPOLL_CTL_DEL`. It is a shared borrow, where C's pointer lacks
/// `const`: the kernel only reads it.
///
/// `fd` is borrowed for the call only: the registration does not keep it open, and
/// closing its last descriptor removes it ([`epoll_create1`] says more).
///
/// # Errors
///
/// - `EBADF`: `epfd` or `fd` is not an open descriptor.
/// - `EEXIST`: `EPOLL_CTL_ADD` of a descriptor already registered.
/// - `ENOENT`: `EPOLL_CTL_MOD` or `EPOLL_CTL_DEL` of one that is not.
/// - `EINVAL`: `epfd` is not an epoll descriptor, or is `fd` itself; an unknown `op`;
///   `EPOLLEXCLUSIVE` with `EPOLL_CTL_MOD` (or a `MOD` of a registration made with
///   it), with a bit it does not allow (`EPOLLONESHOT`, `EPOLLRDHUP`, `EPOLLPRI`), or
///   on an epoll `fd`.
/// - `EFAULT`: `event` is `None` (C's `NULL`) for `ADD` or `MOD`.
/// - `EPERM`: `fd` cannot be polled (a regular file or a directory).
/// - `ELOOP`: nesting epoll instances too deep or in a cycle.
/// - `ENOMEM`, `ENOSPC` (`/proc/sys/fs/epoll/max_user_watches`).
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man2/epoll_ctl.2.html)
#[inline]
pub fn epoll_ctl(
    epfd: &impl AsFd,
    op: EpollOp,
    fd: &impl AsFd,
    event: Option<&epoll_event>,
) -> Result<()> {
    let raw_fd = fd_of(fd);
    let ret = inject!(
        epoll_ctl,
        Some(epfd.as_fd()),
        raw::epoll_ctl(epfd.as_fd(), op.as_raw(), raw_fd, event)
    );
    traced(
        ret,
        |_| (),
        |ret| trace_ctl(fd_of(epfd), op, raw_fd, event.copied(), ret),
    )
}

#[cold]
#[inline(never)]
fn trace_ctl(epfd: RawFd, op: EpollOp, fd: RawFd, event: Option<epoll_event>, ret: Result<()>) {
    trace::emit(format_args!(
        "epoll_ctl({epfd}, {}, {fd}, {}) = {}",
        TraceOp(op),
        TraceEvent(event),
        Ret(zero(ret))
    ));
}

/// The op as strace names it, with its number for one it does not know.
struct TraceOp(EpollOp);

impl fmt::Display for TraceOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{:#x} /* EPOLL_CTL_??? */", self.0.as_raw()),
        }
    }
}

/// `NULL`, or the event as strace shows it.
struct TraceEvent(Option<epoll_event>);

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(ev) => write!(f, "{ev:?}"),
            None => f.write_str("NULL"),
        }
    }
}

/// `epoll_wait(epfd, events, maxevents, timeout)`—Waits for events on an epoll
/// instance (Linux).
///
/// ```c
/// #include <sys/epoll.h>
/// int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
/// ```
///
/// Fills the start of `events` (C's `maxevents` is its length) and returns how many
/// entries it filled, `n`: `&events[..n]` are the ready descriptors, each with the
/// `data` given at registration. `timeout` is in milliseconds: `0` returns at once,
/// `-1` waits without end; the call returns 0 when the time is up. No allocation and
/// nothing but the one call.
///
/// An empty `events` is `EINVAL`, from the kernel, as C's `maxevents` of 0. A slice
/// longer than the kernel's limit (`INT_MAX / sizeof(struct epoll_event)` entries)
/// passes that limit, so the kernel fills fewer entries rather than failing; it
/// never writes past the slice.
///
/// # Errors
///
/// `EINTR` (a signal arrived before any event or the timeout; not retried), `EBADF`,
/// `EINVAL` (`epfd` is not an epoll descriptor, or `events` is empty).
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man2/epoll_wait.2.html)
#[inline]
pub fn epoll_wait(epfd: &impl AsFd, events: &mut [epoll_event], timeout: c_int) -> Result<usize> {
    let ret = inject!(
        epoll_wait,
        Some(epfd.as_fd()),
        raw::epoll_wait(epfd.as_fd(), events, timeout)
    );
    traced(
        ret,
        |&n| n,
        |ret| trace_wait(fd_of(epfd), events, timeout, ret),
    )
}

#[cold]
#[inline(never)]
fn trace_wait(epfd: RawFd, events: &[epoll_event], timeout: c_int, ret: Result<usize>) {
    let maxevents = raw::maxevents(events.len());
    match ret {
        Ok(n) => trace::emit(format_args!(
            "epoll_wait({epfd}, {}, {maxevents}, {timeout}) = {n}",
            TraceEvents(&events[..n.min(events.len())])
        )),
        Err(e) => trace::emit(format_args!(
            "epoll_wait({epfd}, [...], {maxevents}, {timeout}) = -1 {e}"
        )),
    }
}

/// The entries the kernel filled, as strace shows them (a long list is cut with the
/// line, at 512 bytes).
struct TraceEvents<'e>(&'e [epoll_event]);

impl fmt::Display for TraceEvents<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, ev) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{ev:?}")?;
        }
        f.write_str("]")
    }
}

/// `epoll_pwait(epfd, events, maxevents, timeout, sigmask)`—[`epoll_wait`] with the
/// thread's signal mask replaced by `sigmask` for the wait (Linux).
///
/// ```c
/// #include <sys/epoll.h>
/// int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
///                 const sigset_t *sigmask);
/// ```
///
/// The mask is set and restored atomically with the wait, so a signal blocked
/// everywhere else can be let in only while waiting (no race between unblocking it
/// and calling `epoll_wait`), or one kept out of the wait. `None` (C's `NULL`) is
/// [`epoll_wait`]. The mask is C's [`sigset_t`](crate::sys::sigset_t), built as C
/// builds it (`sigemptyset`, `sigaddset`, or `pthread_sigmask` reading the current
/// one).
///
/// # Errors
///
/// As [`epoll_wait`]: `EINTR` when a signal the mask lets in arrives (one it blocks
/// stays pending, and is delivered when the call returns and restores the mask).
///
/// # References
///
/// - [Linux](https://man7.org/linux/man-pages/man2/epoll_pwait.2.html)
#[inline]
pub fn epoll_pwait(
    epfd: &impl AsFd,
    events: &mut [epoll_event],
    timeout: c_int,
    sigmask: Option<&sys::sigset_t>,
) -> Result<usize> {
    let ret = inject!(
        epoll_pwait,
        Some(epfd.as_fd()),
        raw::epoll_pwait(epfd.as_fd(), events, timeout, sigmask)
    );
    traced(
        ret,
        |&n| n,
        |ret| trace_pwait(fd_of(epfd), events, timeout, sigmask, ret),
    )
}

/// The `sigsetsize` glibc passes to the kernel, which strace prints: `_NSIG / 8`.
const KERNEL_SIGSET_SIZE: usize = 8;

#[cold]
#[inline(never)]
fn trace_pwait(
    epfd: RawFd,
    events: &[epoll_event],
    timeout: c_int,
    sigmask: Option<&sys::sigset_t>,
    ret: Result<usize>,
) {
    let maxevents = raw::maxevents(events.len());
    let mask = TraceSigset(sigmask);
    match ret {
        Ok(n) => trace::emit(format_args!(
            "epoll_pwait({epfd}, {}, {maxevents}, {timeout}, {mask}, {KERNEL_SIGSET_SIZE}) = {n}",
            TraceEvents(&events[..n.min(events.len())])
        )),
        Err(e) => trace::emit(format_args!(
            "epoll_pwait({epfd}, [...], {maxevents}, {timeout}, {mask}, {KERNEL_SIGSET_SIZE}) = -1 {e}"
        )),
    }
}

/// The signals' names without `SIG`, as strace writes a mask: `[USR1 TERM]`.
const SIGNAL_NAMES: [&str; 31] = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
];

/// Whether [`SIGNAL_NAMES`] numbers the signals of this target: Linux's generic and
/// x86 numbering, not that of MIPS, SPARC, Alpha or PA-RISC (shown by number there).
const SIGNAL_NAMES_APPLY: bool = !cfg!(any(
    target_arch = "mips",
    target_arch = "mips32r6",
    target_arch = "mips64",
    target_arch = "mips64r6",
    target_arch = "sparc",
    target_arch = "sparc64"
));

/// `NULL`, or the mask as strace shows it: the signals in it by name (numbers past
/// 31, the real-time ones, by number), `[]` for none.
struct TraceSigset<'s>(Option<&'s sys::sigset_t>);

impl fmt::Display for TraceSigset<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(set) = self.0 else {
            return f.write_str("NULL");
        };
        f.write_str("[")?;
        let mut first = true;
        for signo in 1..=(KERNEL_SIGSET_SIZE * 8) as c_int {
            if raw::sigismember(set, signo) != Ok(true) {
                continue;
            }
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            match SIGNAL_NAMES.get(signo as usize - 1) {
                Some(name) if SIGNAL_NAMES_APPLY => f.write_str(name)?,
                _ => write!(f, "{signo}")?,
            }
        }
        f.write_str("]")
    }
}
