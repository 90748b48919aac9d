//! The two shapes every C constant family takes here: a set of distinct values
//! (`AF_INET`, `SOCK_STREAM`, `SHUT_WR`, …) and a set of OR-able bits (`MSG_PEEK`,
//! `O_NONBLOCK`, …). Each family is an open newtype over the C integer, so values the
//! kernel returns stay representable, and its `Debug` prints the C names, which is
//! also what the call trace shows.
//!
//! These macros only declare types and constants; no call hides behind them.

/// An open newtype whose values are distinct C constants.
macro_rules! c_values {
    (
        $(#[$type_meta:meta])*
        pub struct $T:ident($raw:ty);
        $(
            $(#[doc = $doc:literal])*
            $(#[cfg($cfg:meta)])?
            const $name:ident = $value:expr;
        )*
    ) => {
        $(#[$type_meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(transparent)]
        pub struct $T($raw);

        impl $T {
            #[doc = concat!("A `", stringify!($T), "` from the C integer, known to this crate or not.")]
            pub const fn from_raw(raw: $raw) -> Self {
                Self(raw)
            }

            /// The C integer, as the C call takes it.
            pub const fn as_raw(self) -> $raw {
                self.0
            }

            /// The C name of the value, or `None` for a value this crate does not name.
            pub fn name(self) -> Option<&'static str> {
                $(
                    $(#[cfg($cfg)])?
                    if self.0 == $value as $raw {
                        return Some(stringify!($name));
                    }
                )*
                None
            }
        }

        impl core::fmt::Debug for $T {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "{}", self.0),
                }
            }
        }

        $(
            $(#[doc = $doc])*
            $(#[cfg($cfg)])?
            pub const $name: $T = $T($value as $raw);
        )*
    };
}

/// An open newtype whose values are OR-ed C bit flags.
macro_rules! c_flags {
    (
        $(#[$type_meta:meta])*
        pub struct $T:ident($raw:ty);
        $(
            $(#[doc = $doc:literal])*
            $(#[cfg($cfg:meta)])?
            const $name:ident = $value:expr;
        )*
    ) => {
        $(#[$type_meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[repr(transparent)]
        pub struct $T($raw);

        impl $T {
            /// No flag set: the `0` that C code passes.
            pub const EMPTY: Self = Self(0);

            #[doc = concat!("`", stringify!($T), "` from the C integer, any bits at all.")]
            pub const fn from_raw(raw: $raw) -> Self {
                Self(raw)
            }

            /// The C integer, as the C call takes it.
            pub const fn as_raw(self) -> $raw {
                self.0
            }

            /// Whether every bit of `other` is set in `self`.
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// Whether no bit is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// The named flags, in table order, with their values.
            fn table() -> &'static [(&'static str, $raw)] {
                &[
                    $(
                        $(#[cfg($cfg)])?
                        (stringify!($name), $value as $raw),
                    )*
                ]
            }
        }

        /// The flag names joined by `|` as C writes them; unknown bits in hex; `0` for none.
        impl core::fmt::Debug for $T {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                use crate::macros::FlagBits as _;
                crate::macros::fmt_flags(f, self.0.flag_bits(), Self::table().iter().map(|&(n, v)| (n, v.flag_bits())))
            }
        }

        impl From<$raw> for $T {
            #[doc = concat!("Takes a raw integer where C code writes one, such as the literal `0`.")]
            fn from(raw: $raw) -> Self {
                Self(raw)
            }
        }

        /// Compares with a plain integer, so the C test `(flags & O_NONBLOCK) != 0` ports as is.
        impl PartialEq<$raw> for $T {
            fn eq(&self, other: &$raw) -> bool {
                self.0 == *other
            }
        }

        impl core::ops::BitOr for $T {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                Self(self.0 | rhs.0)
            }
        }

        impl core::ops::BitOrAssign for $T {
            fn bitor_assign(&mut self, rhs: Self) {
                self.0 |= rhs.0;
            }
        }

        impl core::ops::BitAnd for $T {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                Self(self.0 & rhs.0)
            }
        }

        impl core::ops::BitAndAssign for $T {
            fn bitand_assign(&mut self, rhs: Self) {
                self.0 &= rhs.0;
            }
        }

        impl core::ops::Not for $T {
            type Output = Self;
            fn not(self) -> Self {
                Self(!self.0)
            }
        }

        $(
            $(#[doc = $doc])*
            $(#[cfg($cfg)])?
            pub const $name: $T = $T($value as $raw);
        )*
    };
}

pub(crate) use {c_flags, c_values};

/// A flag set's C integer as its bits, without sign extension (a `c_short` with bit
/// 15 set is `0x8000`, not `0xffff8000`).
pub(crate) trait FlagBits: Copy {
    fn flag_bits(self) -> u64;
}

impl FlagBits for i16 {
    fn flag_bits(self) -> u64 {
        u64::from(self as u16)
    }
}

impl FlagBits for i32 {
    fn flag_bits(self) -> u64 {
        u64::from(self as u32)
    }
}

impl FlagBits for u32 {
    fn flag_bits(self) -> u64 {
        u64::from(self)
    }
}

/// Writes `bits` as `NAME|NAME|0x40`, or `0` when empty.
pub(crate) fn fmt_flags(
    f: &mut core::fmt::Formatter<'_>,
    bits: u64,
    table: impl Iterator<Item = (&'static str, u64)>,
) -> core::fmt::Result {
    if bits == 0 {
        return f.write_str("0");
    }
    let mut rest = bits;
    let mut first = true;
    for (name, value) in table {
        if value != 0 && rest & value == value {
            if !first {
                f.write_str("|")?;
            }
            f.write_str(name)?;
            first = false;
            rest &= !value;
        }
    }
    if rest != 0 {
        if !first {
            f.write_str("|")?;
        }
        write!(f, "{rest:#x}")?;
    }
    Ok(())
}

/// Runs `$real` (a `Result<_, Errno>` expression) unless the fault plan fails the
/// call `$call` on the descriptor `$fd` (an `Option<BorrowedFd>`): then `Err(errno)`
/// and no syscall. `inject!(call, fd, error_of, real)` for calls with another error
/// type, `error_of` turning the fault into it. Without the `fault` feature it is
/// `$real` and nothing else.
#[cfg(feature = "fault")]
macro_rules! inject {
    ($call:ident, $fd:expr, $real:expr) => {
        match $crate::fault::errno_for($crate::fault::Call::$call, $fd) {
            Some(e) => Err(e),
            None => $real,
        }
    };
    ($call:ident, $fd:expr, $error_of:path, $real:expr) => {
        match $crate::fault::armed()
            .then(|| $crate::fault::check($crate::fault::Call::$call, $fd))
            .flatten()
            .and_then($error_of)
        {
            Some(e) => Err(e),
            None => $real,
        }
    };
}
#[cfg(not(feature = "fault"))]
macro_rules! inject {
    ($call:ident, $fd:expr, $real:expr) => {
        $real
    };
    ($call:ident, $fd:expr, $error_of:path, $real:expr) => {
        $real
    };
}
pub(crate) use inject;
