//! The call trace: one strace-style line on stderr per call. *Beyond the C API.*
//!
//! Turn it on with `SOCKAPI_TRACE=1` in the environment, or with [`enable`] from the
//! program itself. Each call then prints, as it returns, a line such as
//!
//! ```text
//! socket(AF_INET, SOCK_STREAM, 0) = 3
//! connect(3, {AF_INET, 127.0.0.1:9}, 16) = -1 ECONNREFUSED (Connection refused)
//! send(3, "Hello Server", 12, 0) = 12
//! recv(3, "Hello Client", 64, 0) = 12
//! sendto(4, "hello", 5, 0, {AF_INET, 127.0.0.1:5353}, 16) = 5
//! recvfrom(4, "hello", 64, 0, {AF_INET, 127.0.0.1:40000}, [16]) = 5
//! setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
//! ```
//!
//! as strace shows the same calls: constants and flags by their C names, addresses
//! decoded and followed by their length, data as a C string (`\n`, `\t`, `\"`, `\\`,
//! other unprintable bytes in octal) of at most [`strsize`] bytes (32 unless changed),
//! with `...` after the closing quote when there was more. A socket option is named
//! as the kernel applies it at the level passed, from the level and the number, as
//! strace does: option 1 of `SOL_SOCKET` reads `SO_DEBUG` whichever constant the
//! program named (`TCP_NODELAY` is 1 too; the typed calls refuse it there, and the
//! line says so); a pair this crate does not know shows its number. `SO_ERROR`'s value is
//! shown by its errno name. Where a failed call returned nothing through a pointer
//! argument (`accept`'s peer address, `recv`'s buffer, `recvfrom`'s buffer and
//! address, `getsockopt`'s value), the line shows `...` there.
//!
//! With the cargo feature `fault`, a result that a fault plan injected ends in
//! ` (injected)`, or ` (injected: short)` and ` (injected: truncate)` for a real call
//! made with a smaller length: `send(4, "Hello", 5, 0) = 2 (injected: short)`.
//!
//! Unlike `strace` it works on every OS, and it shows the calls of this crate only
//! (the call as the program made it, not the kernel's view).
//!
//! # The environment
//!
//! `SOCKAPI_TRACE` set to anything but empty or `0` turns the trace on;
//! `SOCKAPI_TRACE_STRSIZE=N` sets how many bytes of data a line shows (as strace's
//! `-s N`). Both are read once, through the C library's `getenv`, without allocating:
//! on ELF targets (Linux, the BSDs) as the program loads, before `main`, so changing
//! them from inside the program has no effect (call [`enable`] and [`set_strsize`]
//! instead); elsewhere at the first call. Reading at load is free of races for the
//! program itself, whose `.init_array` runs before any thread exists; if this crate is
//! in a library that a threaded program loads later with `dlopen`, the read happens
//! at that load and can race with another thread's `setenv`, as any C library's
//! `getenv` at load would.
//!
//! # What it costs
//!
//! - With the cargo feature `trace` (on by default) but the trace off at run time,
//!   each call pays one load, one compare and one branch; the line is built in a
//!   separate function that the call does not enter. The project's instruction-count
//!   check (`bench/icount`) holds this to at most 4 instructions per call above the
//!   raw C call.
//! - With `default-features = false`, [`enabled`] is a constant `false`, every trace
//!   line compiles away and the calls cost exactly the C calls; [`enable`] then does
//!   nothing.
//!
//! A line is formatted on the stack (at most 512 bytes; longer lines end in `...`) and
//! written with a single `write` to stderr, so lines from different threads do not
//! interleave.

use core::fmt;
#[cfg(feature = "trace")]
use core::sync::atomic::{AtomicU8, AtomicUsize, Ordering::Relaxed};

#[cfg(feature = "trace")]
const UNREAD: u8 = 0;
#[cfg(feature = "trace")]
const OFF: u8 = 1;
#[cfg(feature = "trace")]
const ON: u8 = 2;

#[cfg(feature = "trace")]
static STATE: AtomicU8 = AtomicU8::new(UNREAD);

/// How many bytes of data a line shows, when not changed.
pub const DEFAULT_STRSIZE: usize = 32;

/// `STRSIZE` before anything set it: the default applies.
#[cfg(feature = "trace")]
const STRSIZE_UNSET: usize = usize::MAX;

#[cfg(feature = "trace")]
static STRSIZE: AtomicUsize = AtomicUsize::new(STRSIZE_UNSET);

/// Whether the environment has been read (at load on ELF targets; elsewhere at the
/// first traced call, even when [`enable`] came first).
#[cfg(feature = "trace")]
static ENV_READ: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// Whether calls print trace lines now.
///
/// Without the `trace` feature this is always `false`.
#[inline]
pub fn enabled() -> bool {
    #[cfg(feature = "trace")]
    {
        match STATE.load(Relaxed) {
            ON => true,
            OFF => false,
            _ => read_environment(),
        }
    }
    #[cfg(not(feature = "trace"))]
    {
        false
    }
}

/// The check on every call's path: one load, one compare, one branch. `true` means
/// "maybe": the trace is on, or the environment is still unread; the cold function
/// behind it settles which with [`enabled`].
#[inline(always)]
pub(crate) fn maybe_on() -> bool {
    #[cfg(feature = "trace")]
    {
        STATE.load(Relaxed) != OFF
    }
    #[cfg(not(feature = "trace"))]
    {
        false
    }
}

/// Turns the trace on for the whole process, whatever `SOCKAPI_TRACE` says.
///
/// Without the `trace` feature this does nothing.
pub fn enable() {
    #[cfg(feature = "trace")]
    STATE.store(ON, Relaxed);
}

/// Turns the trace off for the whole process, whatever `SOCKAPI_TRACE` says.
pub fn disable() {
    #[cfg(feature = "trace")]
    STATE.store(OFF, Relaxed);
}

/// How many bytes of the data `send`, `recv`, `sendto`, `recvfrom` and the raw option
/// forms show, as strace's `-s`: [`DEFAULT_STRSIZE`] (32) unless
/// `SOCKAPI_TRACE_STRSIZE` or [`set_strsize`] changed it.
pub fn strsize() -> usize {
    #[cfg(feature = "trace")]
    {
        match STRSIZE.load(Relaxed) {
            STRSIZE_UNSET => DEFAULT_STRSIZE,
            n => n,
        }
    }
    #[cfg(not(feature = "trace"))]
    {
        DEFAULT_STRSIZE
    }
}

/// Sets how many bytes of data a line shows (`0` shows `""...` for any non-empty
/// data), whatever `SOCKAPI_TRACE_STRSIZE` says. A line still stops at 512 bytes.
pub fn set_strsize(n: usize) {
    #[cfg(feature = "trace")]
    STRSIZE.store(n.min(STRSIZE_UNSET - 1), Relaxed);
    #[cfg(not(feature = "trace"))]
    let _ = n;
}

/// Reads `SOCKAPI_TRACE` and `SOCKAPI_TRACE_STRSIZE`. Runs as the program loads where
/// the target allows it (see `raw::env`), else at the first call; in that case an
/// `enable`, `disable` or `set_strsize` made before the first call wins.
#[cfg(feature = "trace")]
#[cold]
pub(crate) fn read_environment() -> bool {
    let on = crate::raw::getenv_with(
        c"SOCKAPI_TRACE",
        |value| matches!(value, Some(v) if !v.is_empty() && v != b"0"),
    );
    crate::raw::getenv_with(c"SOCKAPI_TRACE_STRSIZE", |value| {
        if let Some(n) = value
            .and_then(|v| core::str::from_utf8(v).ok())
            .and_then(|v| v.parse::<usize>().ok())
        {
            let _ =
                STRSIZE.compare_exchange(STRSIZE_UNSET, n.min(STRSIZE_UNSET - 1), Relaxed, Relaxed);
        }
    });
    ENV_READ.store(true, Relaxed);
    let state = if on { ON } else { OFF };
    match STATE.compare_exchange(UNREAD, state, Relaxed, Relaxed) {
        Ok(_) => on,
        Err(current) => current == ON,
    }
}

/// Runs the cold trace call `$call` when the trace may be on. The call's arguments
/// should be plain values (integers, the result, slices the caller already holds), so
/// that the hot path takes the address of nothing; they are not evaluated when the
/// trace is off.
macro_rules! trace {
    ($call:expr) => {
        if $crate::trace::maybe_on() {
            $call;
        }
    };
}
pub(crate) use trace;

/// Returns `ret`, first running the cold trace call `cold` when the trace may be on,
/// with the success value seen through `view` (a plain value: a descriptor number, a
/// count). Success and failure each get their own check, so that the caller's own
/// `match` on the result is settled on each path and nothing is stored for the
/// trace: off, each path pays one load, one compare and one branch.
#[inline(always)]
pub(crate) fn traced<T, U>(
    ret: crate::Result<T>,
    view: impl FnOnce(&T) -> U,
    cold: impl FnOnce(crate::Result<U>),
) -> crate::Result<T> {
    match ret {
        Ok(value) => {
            if maybe_on() {
                cold(Ok(view(&value)));
            }
            Ok(value)
        }
        Err(e) => {
            if maybe_on() {
                cold(Err(e));
            }
            Err(e)
        }
    }
}

/// Formats `args` on the stack and writes it, with a newline, in one `write`, if the
/// trace is on (the cold functions call this after [`maybe_on`] said "maybe").
#[cold]
#[inline(never)]
pub(crate) fn emit(args: fmt::Arguments<'_>) {
    use std::io::Write as _;
    #[cfg(feature = "trace")]
    if !ENV_READ.load(Relaxed) {
        read_environment();
    }
    if !enabled() {
        return;
    }
    // The trace must not change what the program sees: writing to stderr can set
    // `errno` (a closed or full stderr), so it is put back as it was.
    let saved = errno::errno();
    let _restore = RestoreErrno(saved);
    let mut line = Line {
        buf: [0; LINE_MAX],
        len: 0,
        end: LINE_MAX - Line::RESERVE,
    };
    #[allow(unused_mut)]
    let mut cut = fmt::write(&mut line, args).is_err();
    // The fault's mark ends the line whatever its length: the call's text is cut
    // further where the mark would not fit after it.
    #[cfg(feature = "fault")]
    let mark = crate::fault::take_mark();
    #[cfg(feature = "fault")]
    if let Some(mark) = mark {
        let room = LINE_MAX - 1 - mark.len();
        if line.len + if cut { 3 } else { 0 } > room {
            line.cut_to(room - 3);
            cut = true;
        }
    }
    if cut {
        line.truncated();
    }
    #[cfg(feature = "fault")]
    if let Some(mark) = mark {
        line.push(mark.as_bytes());
    }
    line.push(b"\n");
    #[cfg(feature = "trace")]
    if let Some(sink) = SINK.with(core::cell::Cell::get) {
        sink(&line.buf[..line.len]);
        return;
    }
    // A failing stderr must not fail the call being traced.
    let _ = std::io::stderr().lock().write_all(&line.buf[..line.len]);
}

/// What [`capture`] hands a line to.
#[cfg(feature = "trace")]
type Sink = fn(&[u8]);

#[cfg(feature = "trace")]
thread_local! {
    /// Where [`emit`] hands this thread's lines instead of writing them, while
    /// [`capture`] runs. (A `const` thread-local of a `Copy` value: no allocation,
    /// no destructor to register, so `emit` stays allocation-free.)
    static SINK: core::cell::Cell<Option<Sink>> = const { core::cell::Cell::new(None) };
}

/// For fuzzers and tests of the formatter: runs `f`, handing each line that this
/// thread's calls trace to `sink` (the bytes `emit` would write to stderr, newline
/// included) instead of writing it; then puts back the sink that was there. The
/// trace must be on ([`enable`]) for calls to trace at all; other threads still
/// write to stderr. Without the `trace` feature, `f` runs and `sink` sees nothing.
#[doc(hidden)]
pub fn capture<R>(sink: fn(&[u8]), f: impl FnOnce() -> R) -> R {
    #[cfg(feature = "trace")]
    {
        /// Puts the previous sink back, even if `f` panics.
        struct Restore(Option<Sink>);
        impl Drop for Restore {
            fn drop(&mut self) {
                SINK.with(|s| s.set(self.0));
            }
        }
        let _restore = Restore(SINK.with(|s| s.replace(Some(sink))));
        f()
    }
    #[cfg(not(feature = "trace"))]
    {
        let _ = sink;
        f()
    }
}

/// Sets `errno` back when dropped.
struct RestoreErrno(errno::Errno);

impl Drop for RestoreErrno {
    fn drop(&mut self) {
        errno::set_errno(self.0);
    }
}

/// The longest line the trace writes, newline included.
const LINE_MAX: usize = 512;

/// A line being formatted: the call's text fills `buf` up to `end`, which keeps room
/// for `...` (when the text was cut) and the newline.
struct Line {
    buf: [u8; LINE_MAX],
    len: usize,
    end: usize,
}

impl Line {
    /// Room kept for `...` and the newline.
    const RESERVE: usize = 4;

    /// The text cut back to at most `n` bytes, at a character's start (the text is
    /// UTF-8: only `str`s are written to it).
    #[cfg(feature = "fault")]
    fn cut_to(&mut self, n: usize) {
        let mut n = n.min(self.len);
        while n > 0 && (self.buf[n] & 0xc0) == 0x80 {
            n -= 1;
        }
        self.len = n;
    }

    fn push(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        self.buf[self.len..end].copy_from_slice(bytes);
        self.len = end;
    }

    fn truncated(&mut self) {
        self.push(b"...");
    }
}

impl fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.len + s.len() > self.end {
            let mut room = self.end.saturating_sub(self.len).min(s.len());
            while !s.is_char_boundary(room) {
                room -= 1;
            }
            self.push(&s.as_bytes()[..room]);
            return Err(fmt::Error);
        }
        self.push(s.as_bytes());
        Ok(())
    }
}

/// A call's result as strace shows it: the value, or `-1 ENAME (text)`.
pub(crate) struct Ret<T>(pub(crate) crate::Result<T>);

impl<T: fmt::Display> fmt::Display for Ret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Ok(value) => value.fmt(f),
            Err(e) => write!(f, "-1 {e}"),
        }
    }
}

/// The `0` of a call that returns nothing else on success.
pub(crate) struct Zero;

impl fmt::Display for Zero {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0")
    }
}

/// `Ok(())` as `Ok(Zero)`, for [`Ret`].
pub(crate) fn zero(ret: crate::Result<()>) -> crate::Result<Zero> {
    ret.map(|()| Zero)
}

/// Data as strace shows it: a quoted C string of at most [`strsize`] bytes, then
/// `...` after the quote if there was more.
pub(crate) struct Data<'a>(pub(crate) &'a [u8]);

impl fmt::Display for Data<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limit = strsize();
        let shown = &self.0[..self.0.len().min(limit)];
        f.write_str("\"")?;
        for (i, &b) in shown.iter().enumerate() {
            match b {
                b'"' => f.write_str("\\\"")?,
                b'\\' => f.write_str("\\\\")?,
                b'\t' => f.write_str("\\t")?,
                b'\n' => f.write_str("\\n")?,
                b'\x0b' => f.write_str("\\v")?,
                b'\x0c' => f.write_str("\\f")?,
                b'\r' => f.write_str("\\r")?,
                0x20..=0x7e => f.write_str(char::from(b).encode_utf8(&mut [0; 4]))?,
                _ => {
                    // As strace: the fewest octal digits, but all three when the next
                    // byte shown is an octal digit that would otherwise join them.
                    let next_is_octal = shown.get(i + 1).is_some_and(|n| (b'0'..=b'7').contains(n));
                    if next_is_octal || b >= 0o100 {
                        write!(f, "\\{:03o}", b)?;
                    } else {
                        write!(f, "\\{:o}", b)?;
                    }
                }
            }
        }
        f.write_str("\"")?;
        if self.0.len() > shown.len() {
            f.write_str("...")?;
        }
        Ok(())
    }
}
