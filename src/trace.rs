//! The call trace: one strace-style line on stderr per call. *Beyond the C API.*
//!
//! Turn it on with `SOCKAPI_TRACE=1` in the environment, or with [`enable`] from the
//! program itself. Each call then prints, as it returns, a line such as
//!
//! ```text
//! socket(AF_INET, SOCK_STREAM, 0) = 3
//! connect(3, {AF_INET, 127.0.0.1:9}) = -1 ECONNREFUSED (Connection refused)
//! recv(4, 5, 0) = 5
//! ```
//!
//! with constants and flags by their C names, addresses decoded, and byte counts rather
//! than contents. Where a failed call returned nothing through a pointer argument
//! (`accept`'s peer address, `getsockopt`'s value), the line shows `...` there.
//!
//! Unlike `strace` it works on every OS, and it shows the calls of this crate only
//! (the call as the program made it, not the kernel's view).
//!
//! What it costs:
//!
//! - With the cargo feature `trace` (on by default) but the trace off at run time, each
//!   call pays one relaxed atomic load. `SOCKAPI_TRACE` is read once, through the C
//!   library's `getenv`, without allocating: on ELF targets (Linux, the BSDs) as the
//!   program loads, before `main`, so changing the variable from inside the program
//!   has no effect (call [`enable`] instead); elsewhere at the first call.
//! - With `default-features = false`, [`enabled`] is a constant `false` and every trace
//!   line compiles away; [`enable`] then does nothing.
//!
//! A line is formatted on the stack (at most 512 bytes; longer lines end in `...`) and
//! written with a single `write` to stderr, so lines from different threads do not
//! interleave.

use core::fmt;
#[cfg(feature = "trace")]
use core::sync::atomic::{AtomicU8, Ordering::Relaxed};

#[cfg(feature = "trace")]
const UNREAD: u8 = 0;
#[cfg(feature = "trace")]
const OFF: u8 = 1;
#[cfg(feature = "trace")]
const ON: u8 = 2;

#[cfg(feature = "trace")]
static STATE: AtomicU8 = AtomicU8::new(UNREAD);

/// Whether calls print trace lines now.
///
/// Without the `trace` feature this is always `false`.
#[inline(always)]
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

/// `SOCKAPI_TRACE` set to anything but empty or `0` turns the trace on. Runs as the
/// program loads where the target allows it (see `raw`), else at the first call; in
/// that case an `enable` or `disable` made before the first call wins.
#[cfg(feature = "trace")]
#[cold]
pub(crate) fn read_environment() -> bool {
    let on = crate::raw::getenv_with(
        c"SOCKAPI_TRACE",
        |value| matches!(value, Some(v) if !v.is_empty() && v != b"0"),
    );
    let state = if on { ON } else { OFF };
    match STATE.compare_exchange(UNREAD, state, Relaxed, Relaxed) {
        Ok(_) => on,
        Err(current) => current == ON,
    }
}

/// Prints one line when the trace is on. Arguments as for `format_args!`; they are
/// not evaluated when the trace is off.
macro_rules! trace_line {
    ($($arg:tt)*) => {
        if $crate::trace::enabled() {
            $crate::trace::emit(format_args!($($arg)*));
        }
    };
}
pub(crate) use trace_line;

/// Formats `args` on the stack and writes it, with a newline, in one `write`.
#[cold]
pub(crate) fn emit(args: fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut line = Line {
        buf: [0; 512],
        len: 0,
    };
    if fmt::write(&mut line, args).is_err() {
        line.truncated();
    }
    line.push(b"\n");
    // A failing stderr must not fail the call being traced.
    let _ = std::io::stderr().lock().write_all(&line.buf[..line.len]);
}

struct Line {
    buf: [u8; 512],
    len: usize,
}

impl Line {
    /// Room kept for `...` and the newline.
    const RESERVE: usize = 4;

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
        if self.len + s.len() + Self::RESERVE > self.buf.len() {
            let mut room = self.buf.len() - Self::RESERVE - self.len;
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
pub(crate) struct Ret<'a, T>(pub(crate) &'a crate::Result<T>);

/// How a successful call's value appears after ` = `.
pub(crate) trait TraceValue {
    fn fmt_value(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl TraceValue for () {
    fn fmt_value(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0")
    }
}

impl TraceValue for usize {
    fn fmt_value(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl<T: TraceValue> fmt::Display for Ret<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Ok(value) => value.fmt_value(f),
            Err(e) => write!(f, "-1 {e}"),
        }
    }
}
