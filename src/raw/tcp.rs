//! `getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len)` into Linux's `struct tcp_info`.
//!
//! Another system's TCP state report (FreeBSD's `TCP_INFO` with its own `struct
//! tcp_info`, macOS's `TCP_CONNECTION_INFO` with `struct tcp_connection_info`) would
//! be one more function here, beside this one, under its own capability `cfg`.

use core::mem;
use std::os::fd::{AsRawFd, BorrowedFd};

use super::{cvt, zeroed};
use crate::sys::{self, socklen_t};
use crate::Result;

/// `getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len)` with `info` zeroed and `len =
/// sizeof info`: the struct and the `len` the kernel reported.
///
/// The kernel copies `min(len, sizeof its own struct)` bytes and reports that
/// number; the bytes past it stay zero. The length is returned as reported: the
/// caller must not trust it to be at most `size_of::<tcp_info>()`.
#[inline]
pub(crate) fn tcp_info(fd: BorrowedFd<'_>) -> Result<(sys::tcp_info, socklen_t)> {
    let mut info: sys::tcp_info = zeroed();
    let mut len = mem::size_of::<sys::tcp_info>() as socklen_t;
    // SAFETY: `info` is writable for `len` bytes, and any bytes make a valid
    // `tcp_info` (integers only, no padding: `Pod`). At level 6 (`IPPROTO_TCP`,
    // also Bluetooth's `SOL_L2CAP`) option 11 (`TCP_INFO`), Linux writes at most
    // `len` bytes through `optval`, and nothing through any pointer in them, on every
    // socket family: TCP copies `min(len, sizeof(struct tcp_info))` bytes, and MPTCP,
    // SMC and kTLS sockets hand the call to a TCP socket with the same `optval` and
    // `optlen`; L2CAP has no option 11 at `SOL_L2CAP`; the families that dispatch on
    // the option number alone copy at most `min(len, 2)` bytes (SCO's `BT_VOICE`) or
    // `min(len, 8)` (DECnet's `DSO_MAXWINDOW`, Linux 6.0 and older), or refuse it
    // (ISO, mISDN, HCI's options 1 to 3, ATM's encoded options); a TIPC stream socket
    // writes only `optlen` (0); the rest refuse level 6 without writing. A cgroup BPF
    // getsockopt program may rewrite the bytes and set `optlen` to anything from 0 to
    // the `len` passed (a larger value fails the call), and whatever bytes it leaves
    // are a valid `tcp_info`.
    cvt(unsafe {
        sys::getsockopt(
            fd.as_raw_fd(),
            sys::IPPROTO_TCP,
            sys::TCP_INFO,
            (&mut info as *mut sys::tcp_info).cast(),
            &mut len,
        )
    })?;
    Ok((info, len))
}
