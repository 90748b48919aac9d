//! TCP's state diagram as the kernel reports it: [`TcpState`]. *Beyond the C API.*
//!
//! The names are the diagram's, as `<netinet/tcp.h>` spells them on Linux
//! (`TCP_ESTABLISHED`, `TCP_FIN_WAIT2`, …); `Display` prints the plain diagram name
//! (`ESTABLISHED`, `FIN_WAIT2`), `Debug` the C name.

use core::fmt;

use crate::macros::c_values;
use crate::sys;

c_values! {
    /// A state of TCP's state diagram (RFC 9293, section 3.3.2), with the numbers of
    /// the kernel's `tcpi_state` (Linux).
    ///
    /// An open newtype: a number this crate does not name (Linux's internal
    /// `TCP_NEW_SYN_RECV`, say) stays representable and prints as itself.
    /// `Display` shows the diagram's name without the `TCP_` prefix (`FIN_WAIT2`);
    /// `Debug` shows the C name (`TCP_FIN_WAIT2`). Match on it with the constants:
    ///
    /// ```
    /// use sockapi::*;
    /// let state = TCP_FIN_WAIT2;
    /// let waiting_for_peer = matches!(state, TCP_FIN_WAIT1 | TCP_FIN_WAIT2);
    /// assert!(waiting_for_peer);
    /// assert_eq!(state.to_string(), "FIN_WAIT2");
    /// assert_eq!(format!("{state:?}"), "TCP_FIN_WAIT2");
    /// ```
    pub struct TcpState(u8);
    /// The connection is open: data flows both ways.
    const TCP_ESTABLISHED = sys::TCP_ESTABLISHED;
    /// `connect` sent a SYN and waits for the SYN-ACK.
    const TCP_SYN_SENT = sys::TCP_SYN_SENT;
    /// A SYN came in and the SYN-ACK went out; waiting for the final ACK.
    const TCP_SYN_RECV = sys::TCP_SYN_RECV;
    /// This end sent its FIN (`shutdown(SHUT_WR)` or `close`); waiting for its ACK.
    const TCP_FIN_WAIT1 = sys::TCP_FIN_WAIT1;
    /// This end's FIN was acknowledged; waiting for the peer's FIN.
    const TCP_FIN_WAIT2 = sys::TCP_FIN_WAIT2;
    /// Both FINs are done; the connection waits out twice the maximum segment
    /// lifetime (60 s on Linux) so late segments die. On Linux only the kernel's
    /// connection table shows it: the socket itself then reports `TCP_CLOSE`.
    const TCP_TIME_WAIT = sys::TCP_TIME_WAIT;
    /// No connection: a new socket, or one whose connection ended.
    const TCP_CLOSE = sys::TCP_CLOSE;
    /// The peer sent its FIN (this end's `recv` returns 0); this end may still send.
    const TCP_CLOSE_WAIT = sys::TCP_CLOSE_WAIT;
    /// This end sent its FIN after the peer's; waiting for the last ACK.
    const TCP_LAST_ACK = sys::TCP_LAST_ACK;
    /// A listening socket (`listen`).
    const TCP_LISTEN = sys::TCP_LISTEN;
    /// Both ends sent FINs at once; waiting for the ACK of this end's.
    const TCP_CLOSING = sys::TCP_CLOSING;
}

/// The diagram's name (`FIN_WAIT2`), or the number for a state this crate does not name.
impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name.strip_prefix("TCP_").unwrap_or(name)),
            None => write!(f, "{}", self.as_raw()),
        }
    }
}
