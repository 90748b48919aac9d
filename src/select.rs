//! `select` and `pselect` with an [`FdSet`] that nothing can write past: C's
//! `FD_ZERO`, `FD_SET`, `FD_CLR`, `FD_ISSET` with the fd's range checked, and an
//! `nfds` above `FD_SETSIZE` refused before the call.
//!
//! In C, `FD_SET(fd, &set)` with `fd >= FD_SETSIZE` writes past the set, and
//! `select(nfds, …)` with `nfds > FD_SETSIZE` lets the kernel read and write past
//! it. Here the first is `Err(EINVAL)` and the second `Err(EINVAL)` without a call;
//! neither panics.
//!
//! How the set relates to the sockets in it: [`FdSet`] (it holds numbers, as in C).

use core::fmt;
use std::os::fd::{AsFd, AsRawFd, RawFd};

use crate::macros::inject;
use crate::raw::{self, Word, FD_WORDS, NFDBITS};
use crate::sockopt::timeval;
use crate::sys::{self, c_int};
use crate::trace::{self, Ret};
use crate::{Errno, Result};

/// `FD_SETSIZE`: an [`FdSet`] holds the fds `0..FD_SETSIZE` (1024 on Linux), and
/// `select`'s `nfds` is at most this.
pub const FD_SETSIZE: c_int = raw::FD_SETSIZE as c_int;

/// `struct timespec`: seconds and nanoseconds, [`pselect`]'s timeout. `tv_nsec`
/// must be below 1,000,000,000, or the call fails with `EINVAL`.
#[allow(non_camel_case_types)]
pub type timespec = sys::timespec;

/// `sigset_t`: a set of signals, [`pselect`]'s mask. Make one with
/// [`zeroed`](crate::zeroed) and [`sigemptyset`], then [`sigaddset`], as C does.
#[allow(non_camel_case_types)]
pub type sigset_t = sys::sigset_t;

impl crate::inet::Zeroable for sys::sigset_t {}

/// `fd_set`: a set of descriptor numbers `0..FD_SETSIZE`, for [`select`] and
/// [`pselect`]. C's `fd_set` exactly (`repr(transparent)`), so it costs what C's does;
/// `Copy`, so `let mut readfds = master;` copies it as C's assignment does.
///
/// It holds numbers, not sockets (below: why, and what that means when a socket
/// closes). Every operation checks the range: an fd that is negative or `>= FD_SETSIZE` is never in the set, cannot be
/// added (`EINVAL`), and removing it does nothing.
///
/// ```
/// use sockapi::*;
/// # fn main() -> sockapi::Result<()> {
/// let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
/// send(&a, b"ping", 0)?;
/// let mut readfds = FdSet::new();           // fd_set readfds; FD_ZERO(&readfds);
/// readfds.insert(&b)?;                      // FD_SET(b, &readfds);
/// let mut tv = timeval { tv_sec: 1, tv_usec: 0 };
/// let n = select(readfds.nfds(), Some(&mut readfds), None, None, Some(&mut tv))?;
/// assert_eq!(n, 1);
/// assert!(readfds.contains(&b));            // FD_ISSET(b, &readfds)
/// # Ok(()) }
/// ```
///
/// # It holds numbers, as in C
///
/// An [`FdSet`] holds descriptor *numbers*; it does not own or borrow the sockets.
/// [`FdSet::insert`] takes `&impl AsFd` (so the number comes from an open socket), but
/// the set keeps only the number. That is what `select` is for: one set of the
/// listener and every client, copied before each call and written back by the
/// kernel, while the clients come and go; a set that borrowed its sockets would keep
/// the program from closing a client (or holding the sockets in a `Vec` it changes)
/// for as long as the set lives. Holding numbers is memory-safe: the set is bits,
/// and what the kernel does with a number is checked by the kernel. The cost is C's:
/// a socket closed while its number is still in the set makes `select` fail with
/// `EBADF`, or watch whatever descriptor reuses the number. Remove it
/// ([`FD_CLR`], [`FdSet::remove`]) before closing it.
#[doc(alias = "fd_set")]
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct FdSet(sys::fd_set);

/// Word and bit of `fd`, or `None` outside `0..FD_SETSIZE`.
#[inline(always)]
fn slot(fd: RawFd) -> Option<(usize, Word)> {
    if (fd as u32) < raw::FD_SETSIZE as u32 {
        let fd = fd as usize;
        Some((fd / NFDBITS, 1 << (fd % NFDBITS)))
    } else {
        None
    }
}

impl FdSet {
    /// An empty set, as `fd_set set; FD_ZERO(&set);`.
    #[inline]
    pub fn new() -> FdSet {
        FdSet(raw::zeroed())
    }

    /// Adds `fd`'s number, as `FD_SET(fd, &set)`.
    ///
    /// # Errors
    ///
    /// `EINVAL` if the number is `FD_SETSIZE` or more (the set is unchanged).
    #[doc(alias = "FD_SET")]
    #[inline]
    pub fn insert(&mut self, fd: &impl AsFd) -> Result<()> {
        FD_SET(fd.as_fd().as_raw_fd(), self)
    }

    /// Removes `fd`'s number, as `FD_CLR(fd, &set)`; whether it was in the set.
    #[doc(alias = "FD_CLR")]
    #[inline]
    pub fn remove(&mut self, fd: &impl AsFd) -> bool {
        let fd = fd.as_fd().as_raw_fd();
        let was = FD_ISSET(fd, self);
        FD_CLR(fd, self);
        was
    }

    /// Whether `fd`'s number is in the set, as `FD_ISSET(fd, &set)`.
    #[doc(alias = "FD_ISSET")]
    #[inline]
    pub fn contains(&self, fd: &impl AsFd) -> bool {
        FD_ISSET(fd.as_fd().as_raw_fd(), self)
    }

    /// The highest fd in the set plus one, the `nfds` that [`select`] takes for this
    /// set (0 for an empty set). For several sets, pass the largest.
    #[inline]
    pub fn nfds(&self) -> c_int {
        let words = raw::fd_words(&self.0);
        for i in (0..FD_WORDS).rev() {
            let w = words[i];
            if w != 0 {
                let top = (Word::BITS - 1 - w.leading_zeros()) as usize;
                return (i * NFDBITS + top + 1) as c_int;
            }
        }
        0
    }

    /// Empties the set, as `FD_ZERO(&set)`.
    #[doc(alias = "FD_ZERO")]
    #[inline]
    pub fn clear(&mut self) {
        *raw::fd_words_mut(&mut self.0) = [0; FD_WORDS];
    }

    /// Whether the set is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        raw::fd_words(&self.0).iter().all(|&w| w == 0)
    }

    /// How many fds the set holds.
    #[inline]
    pub fn len(&self) -> usize {
        raw::fd_words(&self.0)
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum()
    }

    /// The fds in the set, in increasing order.
    #[inline]
    pub fn iter(&self) -> FdSetIter<'_> {
        FdSetIter { set: self, next: 0 }
    }

    /// The C `fd_set`, to read (for a C function that takes `const fd_set *`).
    #[inline]
    pub fn as_raw(&self) -> &sys::fd_set {
        &self.0
    }
}

impl Default for FdSet {
    fn default() -> FdSet {
        FdSet::new()
    }
}

impl PartialEq for FdSet {
    fn eq(&self, other: &FdSet) -> bool {
        raw::fd_words(&self.0) == raw::fd_words(&other.0)
    }
}

impl Eq for FdSet {}

/// `{3, 4}`: the fds, as a set.
impl fmt::Debug for FdSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The fds of an [`FdSet`], in increasing order ([`FdSet::iter`]).
#[derive(Clone, Debug)]
pub struct FdSetIter<'s> {
    set: &'s FdSet,
    next: usize,
}

impl Iterator for FdSetIter<'_> {
    type Item = RawFd;

    fn next(&mut self) -> Option<RawFd> {
        let words = raw::fd_words(&self.set.0);
        while self.next < raw::FD_SETSIZE {
            let (i, bit) = (self.next / NFDBITS, self.next % NFDBITS);
            let rest = words[i] >> bit;
            if rest == 0 {
                self.next = (i + 1) * NFDBITS;
                continue;
            }
            let fd = self.next + rest.trailing_zeros() as usize;
            self.next = fd + 1;
            return Some(fd as RawFd);
        }
        None
    }
}

impl<'s> IntoIterator for &'s FdSet {
    type Item = RawFd;
    type IntoIter = FdSetIter<'s>;
    fn into_iter(self) -> FdSetIter<'s> {
        self.iter()
    }
}

/// `FD_ZERO(&set)`—Empties the set.
///
/// ```c
/// #include <sys/select.h>
/// void FD_ZERO(fd_set *set);
/// ```
#[allow(non_snake_case)]
#[inline]
pub fn FD_ZERO(set: &mut FdSet) {
    set.clear();
}

/// `FD_SET(fd, &set)`—Adds the descriptor number `fd` to the set.
///
/// ```c
/// #include <sys/select.h>
/// void FD_SET(int fd, fd_set *set);
/// ```
///
/// Differs from C: C's macro writes past the set for an fd of `FD_SETSIZE` or more
/// (or a negative one); this is an error instead, and the set is unchanged. A number
/// is taken, as in C, so it works for any descriptor (a pipe, a terminal, stdin);
/// [`FdSet::insert`] takes the socket.
///
/// # Errors
///
/// `EINVAL`: `fd` is negative or `>= FD_SETSIZE`. (`EINVAL` rather than `EBADF`:
/// the descriptor may be open and valid, just not one this set can hold; `select`
/// says `EINVAL` for the same limit.)
#[allow(non_snake_case)]
#[inline]
pub fn FD_SET(fd: RawFd, set: &mut FdSet) -> Result<()> {
    match slot(fd) {
        Some((i, bit)) => {
            raw::fd_words_mut(&mut set.0)[i] |= bit;
            Ok(())
        }
        None => Err(Errno::EINVAL),
    }
}

/// `FD_CLR(fd, &set)`—Removes the descriptor number `fd` from the set.
///
/// ```c
/// #include <sys/select.h>
/// void FD_CLR(int fd, fd_set *set);
/// ```
///
/// An fd outside `0..FD_SETSIZE` cannot be in the set, so removing it does nothing
/// (C's macro would write past the set); it returns nothing, as C's does.
#[allow(non_snake_case)]
#[inline]
pub fn FD_CLR(fd: RawFd, set: &mut FdSet) {
    if let Some((i, bit)) = slot(fd) {
        raw::fd_words_mut(&mut set.0)[i] &= !bit;
    }
}

/// `FD_ISSET(fd, &set)`—Whether the descriptor number `fd` is in the set.
///
/// ```c
/// #include <sys/select.h>
/// int FD_ISSET(int fd, const fd_set *set);
/// ```
///
/// `false` for an fd outside `0..FD_SETSIZE` (C's macro would read past the set).
#[allow(non_snake_case)]
#[inline]
pub fn FD_ISSET(fd: RawFd, set: &FdSet) -> bool {
    match slot(fd) {
        Some((i, bit)) => raw::fd_words(&set.0)[i] & bit != 0,
        None => false,
    }
}

/// `select(nfds, readfds, writefds, exceptfds, timeout)`—Waits until a descriptor
/// in the sets is ready, or the timeout passes.
///
/// ```c
/// #include <sys/select.h>
/// int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
///            struct timeval *timeout);
/// ```
///
/// As in C: `nfds` is the highest fd in any set plus one ([`FdSet::nfds`]); `None`
/// for a set is C's `NULL`; the timeout `None` waits for ever, a zero `timeval` polls.
/// It returns how many descriptors are ready (an fd ready in two sets counts twice),
/// 0 when the time ran out; and **on return each set holds its ready fds below
/// `nfds`**, so a loop passes a fresh copy each time (`let mut readfds = master;`).
/// As in C, the kernel rewrites only the set's words that `nfds` reaches: an fd at or
/// above `nfds` (past that word) keeps its bit, and should not be in a set passed
/// with a smaller `nfds`.
///
/// **The time left.** Linux (with glibc) writes the time not slept into `timeout`
/// (0 after a timeout), which is why it is `&mut`; POSIX allows this; musl and other
/// systems leave it as it was. Portable code sets the timeout again before each
/// call.
///
/// Differs from C: `nfds` outside `0..=FD_SETSIZE` is `EINVAL` *before* the call, as
/// POSIX specifies; in C (and one popular safe wrapper) a larger `nfds` goes to the
/// kernel, which reads and writes past the 1024-bit sets. No other check is added;
/// a signal is not retried (`EINTR` comes back, as in C).
///
/// # Errors
///
/// `EBADF` (an fd in a set is not open: a closed socket left in the set), `EINTR` (a
/// signal came first), `EINVAL` (`nfds` out of range; a negative or out-of-range
/// `timeout`), `ENOMEM`.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/select.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/select.2.html)
#[inline]
pub fn select(
    nfds: c_int,
    readfds: Option<&mut FdSet>,
    writefds: Option<&mut FdSet>,
    exceptfds: Option<&mut FdSet>,
    timeout: Option<&mut timeval>,
) -> Result<usize> {
    // The call rewrites the sets and the timeout, and the line shows them before and
    // after: so the one check of the trace comes first, and the traced path (cold)
    // keeps copies. Off, this is the range check and the C call.
    if trace::maybe_on() {
        return select_traced(nfds, readfds, writefds, exceptfds, timeout);
    }
    inject!(
        select,
        None,
        raw::select(
            nfds,
            readfds.map(|s| &mut s.0),
            writefds.map(|s| &mut s.0),
            exceptfds.map(|s| &mut s.0),
            timeout,
        )
    )
}

/// `pselect(nfds, readfds, writefds, exceptfds, timeout, sigmask)`—[`select`] with
/// a `timespec` and, while it waits, the signal mask `sigmask`.
///
/// ```c
/// #include <sys/select.h>
/// int pselect(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
///             const struct timespec *timeout, const sigset_t *sigmask);
/// ```
///
/// As [`select`], with two differences that are C's: the timeout is not written
/// (the C library gives the kernel a copy), and with `Some(sigmask)` the thread's
/// signal mask is `sigmask` for the wait alone, set and restored atomically with it.
/// That is what closes the race of "unblock the signal, then `select`": block it
/// with `pthread_sigmask`, then wait with a mask that lets it in, and it interrupts
/// the wait (`EINTR`) instead of landing just before it. `None` keeps the mask.
///
/// ```
/// use sockapi::*;
/// # fn main() -> sockapi::Result<()> {
/// let mut mask: sigset_t = zeroed();                 // sigset_t mask;
/// sigemptyset(&mut mask)?;                           // sigemptyset(&mask);
/// sigaddset(&mut mask, libc::SIGUSR1)?;              // sigaddset(&mask, SIGUSR1);
/// let ts = timespec { tv_sec: 0, tv_nsec: 0 };
/// assert_eq!(pselect(0, None, None, None, Some(&ts), Some(&mask))?, 0);
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// As [`select`].
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/pselect.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/pselect.2.html)
#[inline]
pub fn pselect(
    nfds: c_int,
    readfds: Option<&mut FdSet>,
    writefds: Option<&mut FdSet>,
    exceptfds: Option<&mut FdSet>,
    timeout: Option<&timespec>,
    sigmask: Option<&sigset_t>,
) -> Result<usize> {
    if trace::maybe_on() {
        return pselect_traced(nfds, readfds, writefds, exceptfds, timeout, sigmask);
    }
    inject!(
        pselect,
        None,
        raw::pselect(
            nfds,
            readfds.map(|s| &mut s.0),
            writefds.map(|s| &mut s.0),
            exceptfds.map(|s| &mut s.0),
            timeout,
            sigmask,
        )
    )
}

/// `sigemptyset(&set)`—Empties a signal set.
///
/// ```c
/// #include <signal.h>
/// int sigemptyset(sigset_t *set);
/// ```
///
/// A C library call, not a syscall; not traced.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigemptyset.html)
#[inline]
pub fn sigemptyset(set: &mut sigset_t) -> Result<()> {
    raw::sigemptyset(set)
}

/// `sigfillset(&set)`—Puts every signal in a set.
///
/// ```c
/// #include <signal.h>
/// int sigfillset(sigset_t *set);
/// ```
///
/// A C library call, not a syscall; not traced.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigfillset.html)
#[inline]
pub fn sigfillset(set: &mut sigset_t) -> Result<()> {
    raw::sigfillset(set)
}

/// `sigaddset(&set, signo)`—Adds signal `signo` (`libc::SIGUSR1`, …) to a set.
///
/// ```c
/// #include <signal.h>
/// int sigaddset(sigset_t *set, int signo);
/// ```
///
/// A C library call, not a syscall; not traced.
///
/// # Errors
///
/// `EINVAL`: not a signal number (glibc also refuses the two it keeps for itself,
/// 32 and 33).
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigaddset.html)
#[inline]
pub fn sigaddset(set: &mut sigset_t, signo: c_int) -> Result<()> {
    raw::sigaddset(set, signo)
}

/// `sigdelset(&set, signo)`—Removes signal `signo` from a set.
///
/// ```c
/// #include <signal.h>
/// int sigdelset(sigset_t *set, int signo);
/// ```
///
/// A C library call, not a syscall; not traced.
///
/// # Errors
///
/// `EINVAL`: not a signal number.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigdelset.html)
#[inline]
pub fn sigdelset(set: &mut sigset_t, signo: c_int) -> Result<()> {
    raw::sigdelset(set, signo)
}

/// `sigismember(&set, signo)`—Whether signal `signo` is in a set.
///
/// ```c
/// #include <signal.h>
/// int sigismember(const sigset_t *set, int signo);
/// ```
///
/// A C library call, not a syscall; not traced.
///
/// # Errors
///
/// `EINVAL`: not a signal number.
///
/// # References
///
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/sigismember.html)
#[inline]
pub fn sigismember(set: &sigset_t, signo: c_int) -> Result<bool> {
    raw::sigismember(set, signo)
}

// The trace. The sets are shown as strace shows them: `[3 4]`, the fds below `nfds`
// (below `FD_SETSIZE` when `nfds` is larger, since nothing past the set is read),
// `NULL` for none; after the result, the ready fds `(in [3], out [5], except [3])`
// and, when a timeout was given, `left {…}`; `(Timeout)` for 0. (Where strace
// prints a set's address, for an `nfds` of 0 or less, this prints `[]`.) `pselect`'s
// mask is shown as strace shows a `sigset_t` (`[INT USR1]`), not as the kernel's
// `{sigmask=…, sigsetsize=8}` pair of `pselect6`, which is the C library's business.

#[cold]
#[inline(never)]
fn select_traced(
    nfds: c_int,
    mut readfds: Option<&mut FdSet>,
    mut writefds: Option<&mut FdSet>,
    mut exceptfds: Option<&mut FdSet>,
    mut timeout: Option<&mut timeval>,
) -> Result<usize> {
    let before = [
        readfds.as_deref().copied(),
        writefds.as_deref().copied(),
        exceptfds.as_deref().copied(),
    ];
    let tv = timeout.as_deref().copied();
    let ret = inject!(
        select,
        None,
        raw::select(
            nfds,
            readfds.as_deref_mut().map(|s| &mut s.0),
            writefds.as_deref_mut().map(|s| &mut s.0),
            exceptfds.as_deref_mut().map(|s| &mut s.0),
            timeout.as_deref_mut(),
        )
    );
    let after = [
        readfds.as_deref().copied(),
        writefds.as_deref().copied(),
        exceptfds.as_deref().copied(),
    ];
    let left = timeout.as_deref().copied().map(Time::Val);
    trace::emit(format_args!(
        "select({nfds}, {}, {}, {}, {}) = {}{}",
        TraceSet(before[0].as_ref(), nfds),
        TraceSet(before[1].as_ref(), nfds),
        TraceSet(before[2].as_ref(), nfds),
        TraceTime(tv.map(Time::Val)),
        Ret(ret),
        Ready(ret, nfds, &after, left),
    ));
    ret
}

#[cold]
#[inline(never)]
fn pselect_traced(
    nfds: c_int,
    mut readfds: Option<&mut FdSet>,
    mut writefds: Option<&mut FdSet>,
    mut exceptfds: Option<&mut FdSet>,
    timeout: Option<&timespec>,
    sigmask: Option<&sigset_t>,
) -> Result<usize> {
    let before = [
        readfds.as_deref().copied(),
        writefds.as_deref().copied(),
        exceptfds.as_deref().copied(),
    ];
    let ret = inject!(
        pselect,
        None,
        raw::pselect(
            nfds,
            readfds.as_deref_mut().map(|s| &mut s.0),
            writefds.as_deref_mut().map(|s| &mut s.0),
            exceptfds.as_deref_mut().map(|s| &mut s.0),
            timeout,
            sigmask,
        )
    );
    let after = [
        readfds.as_deref().copied(),
        writefds.as_deref().copied(),
        exceptfds.as_deref().copied(),
    ];
    trace::emit(format_args!(
        "pselect({nfds}, {}, {}, {}, {}, {}) = {}{}",
        TraceSet(before[0].as_ref(), nfds),
        TraceSet(before[1].as_ref(), nfds),
        TraceSet(before[2].as_ref(), nfds),
        TraceTime(timeout.copied().map(Time::Spec)),
        TraceMask(sigmask),
        Ret(ret),
        Ready(ret, nfds, &after, None),
    ));
    ret
}

/// `NULL`, or the set's fds below `nfds`: `[3 4]`.
struct TraceSet<'s>(Option<&'s FdSet>, c_int);

impl fmt::Display for TraceSet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(set) = self.0 else {
            return f.write_str("NULL");
        };
        f.write_str("[")?;
        for (i, fd) in set.iter().take_while(|&fd| fd < self.1).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{fd}")?;
        }
        f.write_str("]")
    }
}

#[derive(Clone, Copy)]
enum Time {
    Val(timeval),
    Spec(timespec),
}

/// `NULL`, `{tv_sec=1, tv_usec=0}` or `{tv_sec=1, tv_nsec=0}`.
struct TraceTime(Option<Time>);

impl fmt::Display for TraceTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("NULL"),
            Some(Time::Val(t)) => write!(f, "{{tv_sec={}, tv_usec={}}}", t.tv_sec, t.tv_usec),
            Some(Time::Spec(t)) => write!(f, "{{tv_sec={}, tv_nsec={}}}", t.tv_sec, t.tv_nsec),
        }
    }
}

/// What follows a result: ` (Timeout)` for 0, ` (in [3], out [5], left {…})` for
/// ready fds, nothing for an error.
struct Ready<'a>(Result<usize>, c_int, &'a [Option<FdSet>; 3], Option<Time>);

impl fmt::Display for Ready<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Err(_) => Ok(()),
            Ok(0) => f.write_str(" (Timeout)"),
            Ok(_) => {
                let mut sep = " (";
                for (set, name) in self.2.iter().zip(["in", "out", "except"]) {
                    if let Some(set) = set {
                        if set.iter().any(|fd| fd < self.1) {
                            write!(f, "{sep}{name} {}", TraceSet(Some(set), self.1))?;
                            sep = ", ";
                        }
                    }
                }
                if let Some(left) = self.3 {
                    write!(f, "{sep}left {}", TraceTime(Some(left)))?;
                    sep = ", ";
                }
                if sep == ", " {
                    f.write_str(")")?;
                }
                Ok(())
            }
        }
    }
}

/// The signal names strace prints (without `SIG`), by number.
const SIGNALS: &[(c_int, &str)] = &[
    (libc::SIGHUP, "HUP"),
    (libc::SIGINT, "INT"),
    (libc::SIGQUIT, "QUIT"),
    (libc::SIGILL, "ILL"),
    (libc::SIGTRAP, "TRAP"),
    (libc::SIGABRT, "ABRT"),
    (libc::SIGBUS, "BUS"),
    (libc::SIGFPE, "FPE"),
    (libc::SIGKILL, "KILL"),
    (libc::SIGUSR1, "USR1"),
    (libc::SIGSEGV, "SEGV"),
    (libc::SIGUSR2, "USR2"),
    (libc::SIGPIPE, "PIPE"),
    (libc::SIGALRM, "ALRM"),
    (libc::SIGTERM, "TERM"),
    #[cfg(any(target_os = "linux", target_os = "android"))]
    (libc::SIGSTKFLT, "STKFLT"),
    (libc::SIGCHLD, "CHLD"),
    (libc::SIGCONT, "CONT"),
    (libc::SIGSTOP, "STOP"),
    (libc::SIGTSTP, "TSTP"),
    (libc::SIGTTIN, "TTIN"),
    (libc::SIGTTOU, "TTOU"),
    (libc::SIGURG, "URG"),
    (libc::SIGXCPU, "XCPU"),
    (libc::SIGXFSZ, "XFSZ"),
    (libc::SIGVTALRM, "VTALRM"),
    (libc::SIGPROF, "PROF"),
    (libc::SIGWINCH, "WINCH"),
    (libc::SIGIO, "IO"),
    #[cfg(any(target_os = "linux", target_os = "android"))]
    (libc::SIGPWR, "PWR"),
    (libc::SIGSYS, "SYS"),
];

/// The highest signal number shown (Linux's 64; 32 elsewhere).
#[cfg(any(target_os = "linux", target_os = "android"))]
const MAX_SIGNAL: c_int = 64;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const MAX_SIGNAL: c_int = 32;

/// `NULL`, or the mask as strace shows a `sigset_t`: `[INT USR1]` in number order,
/// Linux's real-time signals as `RTMIN` and `RT_1`…, and `~[…]` (what is *not* in
/// it) when more than half are.
struct TraceMask<'m>(Option<&'m sigset_t>);

impl TraceMask<'_> {
    fn list(f: &mut fmt::Formatter<'_>, set: &sigset_t, members: bool) -> fmt::Result {
        let mut first = true;
        for signo in 1..=MAX_SIGNAL {
            if raw::sigismember(set, signo).unwrap_or(false) != members {
                continue;
            }
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            match SIGNALS.iter().find(|&&(n, _)| n == signo) {
                Some((_, name)) => f.write_str(name)?,
                None if cfg!(any(target_os = "linux", target_os = "android")) && signo == 32 => {
                    f.write_str("RTMIN")?
                }
                None if cfg!(any(target_os = "linux", target_os = "android")) && signo > 32 => {
                    write!(f, "RT_{}", signo - 32)?
                }
                None => write!(f, "{signo}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for TraceMask<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(set) = self.0 else {
            return f.write_str("NULL");
        };
        let count = (1..=MAX_SIGNAL)
            .filter(|&s| raw::sigismember(set, s).unwrap_or(false))
            .count();
        if count > MAX_SIGNAL as usize / 2 {
            f.write_str("~[")?;
            Self::list(f, set, false)?;
        } else {
            f.write_str("[")?;
            Self::list(f, set, true)?;
        }
        f.write_str("]")
    }
}
