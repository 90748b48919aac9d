//! TCP's state diagram as the kernel reports it: [`tcp_info`], [`TcpInfo`] and
//! [`TcpState`]. *Beyond the C API.*
//!
//! The names are the diagram's, as `<netinet/tcp.h>` spells them on Linux
//! (`TCP_ESTABLISHED`, `TCP_FIN_WAIT2`, …); `Display` prints the plain diagram name
//! (`ESTABLISHED`, `FIN_WAIT2`), `Debug` the C name.
//!
//! # Other systems
//!
//! Only Linux (and Android) is implemented, under the capability `have_tcp_info`.
//! The seam for the others is narrow: FreeBSD answers `TCP_INFO` with its own
//! `struct tcp_info`, whose `tcpi_state` holds its `TCPS_*` numbers
//! (`TCPS_ESTABLISHED` is 4 there, 1 here); macOS answers `TCP_CONNECTION_INFO` with
//! `struct tcp_connection_info`. Each is one more function in `src/raw/tcp.rs`
//! returning that struct and its length, a mapping of its state numbers onto
//! [`TcpState`]'s, and the accessors of [`TcpInfo`] reading that struct's fields
//! (with `None` for a field it lacks), under a capability of its own from
//! `build.rs`. [`tcp_info`]'s signature and the accessors stay as they are.

use core::fmt;
use core::mem;
use core::time::Duration;
use std::os::fd::{AsFd, RawFd};

use crate::macros::{c_values, inject};
use crate::raw;
use crate::socket::fd_of;
use crate::sys::{self, socklen_t};
use crate::trace::{self, traced};
use crate::Result;

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

/// `getsockopt(sockfd, IPPROTO_TCP, TCP_INFO, &info, &len)`—The state of a TCP
/// connection and the kernel's measurements of it (Linux). *Beyond the C API*: it is
/// that one `getsockopt` call, with a typed result.
///
/// ```c
/// int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
///
/// struct tcp_info info;               /* <linux/tcp.h>'s, not glibc's shorter one */
/// socklen_t len = sizeof info;
/// memset(&info, 0, sizeof info);
/// getsockopt(sockfd, IPPROTO_TCP, TCP_INFO, &info, &len);
/// ```
///
/// The buffer is a zeroed [`sys::tcp_info`] and `len` its size; the kernel copies as
/// much of its own `struct tcp_info` as fits and reports how much that was, which
/// [`TcpInfo::len`] keeps. An older kernel fills a shorter prefix: every field it
/// did not fill reads as `None`. No other call is made, and nothing is allocated.
///
/// Linux moves a connection that enters `TIME_WAIT` out of its socket: from then
/// on the socket reports [`TCP_CLOSE`] (only the kernel's connection table, as `ss`
/// shows it, still has the `TIME_WAIT` entry).
///
/// ```
/// use sockapi::*;
/// # fn main() -> sockapi::Result<()> {
/// let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)?;
/// assert_eq!(tcp_info(&fd)?.state(), TCP_CLOSE);
/// bind(&fd, &std::net::SocketAddr::from(([127, 0, 0, 1], 0)))?;
/// listen(&fd, 5)?;
/// let info = tcp_info(&fd)?;
/// assert_eq!(info.state(), TCP_LISTEN);
/// assert_eq!(info.state().to_string(), "LISTEN");
/// # Ok(()) }
/// ```
///
/// The trace shows the call as C makes it, with the main fields by their C names
/// and numbers (times in µs), and the length the kernel filled; for a new socket:
/// `getsockopt(3, SOL_TCP, TCP_INFO, {tcpi_state=TCP_CLOSE, tcpi_ca_state=0,
/// tcpi_retransmits=0, tcpi_rto=1000000, tcpi_rtt=0, tcpi_rttvar=250000,
/// tcpi_snd_cwnd=10, tcpi_total_retrans=0, ...}, [232]) = 0`; on failure, as for
/// any `getsockopt`, `...` and the length passed:
/// `getsockopt(3, SOL_TCP, TCP_INFO, ..., [232]) = -1 ENOTSOCK (Socket operation on
/// non-socket)`.
///
/// # Other sockets
///
/// On a socket that is not TCP the kernel answers for the protocol it is, at level
/// 6 and option 11, and a few answer without an error: a TIPC stream socket reports
/// success with a length of 0 (then every field is `None` and [`TcpInfo::state`]
/// is `TcpState::from_raw(0)`, a number that names no state), and a Bluetooth SCO
/// socket writes its 2-byte voice setting into the first bytes and leaves the
/// length as passed, so the accessors read those bytes and zeros as if TCP had
/// written them; DECnet (Linux 6.0 and older) writes its 8-byte `max_window` and
/// reports 8, so [`TcpInfo::state`] is that number's low byte. Only a TCP socket's
/// answer means what the accessors say. Whatever
/// the socket, nothing is read that the kernel could not have written: an unfilled
/// byte reads as the zero it was.
///
/// # Errors
///
/// `ENOTSOCK` (not a socket: a pipe, a file), `EBADF`, and for a socket with no TCP
/// level the error its protocol gives: on Linux 6.18, `EOPNOTSUPP` for an IPv4 UDP
/// socket and for `AF_UNIX` sockets (a `socketpair`), `ENOPROTOOPT` for an IPv6 UDP
/// socket.
///
/// # References
///
/// - [tcp(7)](https://man7.org/linux/man-pages/man7/tcp.7.html), `TCP_INFO`
/// - [getsockopt(2)](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
/// - [POSIX `getsockopt`](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getsockopt.html)
/// - RFC 9293, section 3.3.2, for the states
#[doc(alias = "TCP_INFO")]
#[doc(alias = "getsockopt")]
#[inline]
pub fn tcp_info(fd: &impl AsFd) -> Result<TcpInfo> {
    let ret = inject!(getsockopt, Some(fd.as_fd()), raw::tcp_info(fd.as_fd()));
    traced(ret, |&out| out, |ret| trace_tcp_info(fd_of(fd), ret))
        .map(|(raw, len)| TcpInfo::from_parts(raw, len as usize))
}

#[cold]
#[inline(never)]
fn trace_tcp_info(fd: RawFd, ret: Result<(sys::tcp_info, socklen_t)>) {
    match ret {
        Ok((raw, len)) => trace::emit(format_args!(
            "getsockopt({fd}, SOL_TCP, TCP_INFO, {}, [{len}]) = 0",
            TraceFields(&TcpInfo::from_parts(raw, len as usize))
        )),
        Err(e) => trace::emit(format_args!(
            "getsockopt({fd}, SOL_TCP, TCP_INFO, ..., [{}]) = -1 {e}",
            mem::size_of::<sys::tcp_info>()
        )),
    }
}

/// `Some(info.raw.field)` if the kernel filled the whole field: its end (offset plus
/// size) lies within the `len` it reported.
macro_rules! filled {
    ($info:ident . $field:ident) => {
        if mem::offset_of!(sys::tcp_info, $field) + mem::size_of_val(&$info.raw.$field) <= $info.len
        {
            Some($info.raw.$field)
        } else {
            None
        }
    };
}

/// What [`tcp_info`] read: Linux's `struct tcp_info` and how many bytes of it the
/// kernel filled. *Beyond the C API.*
///
/// The accessors are named as the C fields without their `tcpi_` prefix, and each
/// says which field it reads. All but [`state`](TcpInfo::state) return `None` for a
/// field the kernel did not fill, one whose end lies beyond [`len`](TcpInfo::len).
/// The rule holds for the fields of the original struct too (the first 104 bytes,
/// up to `tcpi_total_retrans`, all that glibc's `<netinet/tcp.h>` declares), which
/// every kernel Rust runs on fills: one rule for every field, and no accessor
/// reports a zero the kernel never wrote. Times are [`Duration`]s, converted from C's microseconds.
/// For the fields without an accessor, [`as_raw`](TcpInfo::as_raw) gives the whole
/// struct. A field the kernel filled may still be a plain 0 where it has nothing to
/// say: a listening socket reports its state and its queue
/// ([`unacked`](TcpInfo::unacked)), and zeros for the timers.
///
/// `Debug` shows the length and the fields that are present.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TcpInfo {
    raw: sys::tcp_info,
    /// At most `size_of::<sys::tcp_info>()`.
    len: usize,
}

impl TcpInfo {
    /// A `TcpInfo` of `raw` with its first `len` bytes filled, as [`tcp_info`] makes
    /// one from the kernel's answer. A `len` beyond the struct counts as all of it.
    /// For tests of the length rule.
    #[doc(hidden)]
    pub fn from_parts(raw: sys::tcp_info, len: usize) -> TcpInfo {
        TcpInfo {
            raw,
            len: len.min(mem::size_of::<sys::tcp_info>()),
        }
    }

    /// How many bytes of the struct the kernel filled: the `len` it reported, never
    /// more than `size_of::<sys::tcp_info>()` (232; a larger report would count as
    /// 232). Every kernel Rust runs on (3.2 and later) fills at least the original
    /// 104 bytes; the struct here ends at `tcpi_snd_wnd`, which kernels since 5.4
    /// fill, so those fill all 232.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the kernel filled nothing (a length of 0, which TCP never reports).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The whole `struct tcp_info`, for the fields without an accessor. In a value
    /// from [`tcp_info`], bytes past [`len`](TcpInfo::len) are the zeros of the
    /// buffer the call passed (a value made by `from_parts` holds whatever it was
    /// given).
    pub fn as_raw(&self) -> &sys::tcp_info {
        &self.raw
    }

    /// `tcpi_state`: where the connection is in TCP's state diagram.
    ///
    /// Always there for a TCP socket. If the kernel filled nothing (see
    /// [`tcp_info`]'s *Other sockets*), this is `TcpState::from_raw(0)`, a number
    /// no state has, rather than a state the kernel never reported.
    pub fn state(&self) -> TcpState {
        TcpState::from_raw(filled!(self.tcpi_state).unwrap_or(0))
    }

    /// `tcpi_ca_state`: the congestion-avoidance state (`TCP_CA_Open` 0,
    /// `TCP_CA_Disorder` 1, `TCP_CA_CWR` 2, `TCP_CA_Recovery` 3, `TCP_CA_Loss` 4).
    pub fn ca_state(&self) -> Option<u8> {
        filled!(self.tcpi_ca_state)
    }

    /// `tcpi_retransmits`: retransmissions of the current unacknowledged segment
    /// (reset when it is acknowledged).
    pub fn retransmits(&self) -> Option<u8> {
        filled!(self.tcpi_retransmits)
    }

    /// `tcpi_probes`: zero-window or keepalive probes sent without an answer.
    pub fn probes(&self) -> Option<u8> {
        filled!(self.tcpi_probes)
    }

    /// `tcpi_backoff`: how many times the retransmission timer has backed off.
    pub fn backoff(&self) -> Option<u8> {
        filled!(self.tcpi_backoff)
    }

    /// `tcpi_options`: the options the handshake agreed, as `TCPI_OPT_*` bits
    /// (`TIMESTAMPS` 1, `SACK` 2, `WSCALE` 4, `ECN` 8, `ECN_SEEN` 16, `SYN_DATA` 32).
    pub fn options(&self) -> Option<u8> {
        filled!(self.tcpi_options)
    }

    /// `tcpi_rto`: the retransmission timeout (µs in C).
    pub fn rto(&self) -> Option<Duration> {
        filled!(self.tcpi_rto).map(micros)
    }

    /// `tcpi_snd_mss`: the maximum segment size this end sends, in bytes.
    pub fn snd_mss(&self) -> Option<u32> {
        filled!(self.tcpi_snd_mss)
    }

    /// `tcpi_rcv_mss`: the kernel's estimate of the peer's segment size, in bytes.
    pub fn rcv_mss(&self) -> Option<u32> {
        filled!(self.tcpi_rcv_mss)
    }

    /// `tcpi_unacked`: segments sent and not yet acknowledged; on a listening socket,
    /// the connections waiting in the accept queue.
    pub fn unacked(&self) -> Option<u32> {
        filled!(self.tcpi_unacked)
    }

    /// `tcpi_lost`: segments the kernel counts as lost.
    pub fn lost(&self) -> Option<u32> {
        filled!(self.tcpi_lost)
    }

    /// `tcpi_retrans`: segments retransmitted and not yet acknowledged.
    pub fn retrans(&self) -> Option<u32> {
        filled!(self.tcpi_retrans)
    }

    /// `tcpi_pmtu`: the path MTU, in bytes.
    pub fn pmtu(&self) -> Option<u32> {
        filled!(self.tcpi_pmtu)
    }

    /// `tcpi_rtt`: the smoothed round-trip time (µs in C); zero before the first
    /// measurement.
    pub fn rtt(&self) -> Option<Duration> {
        filled!(self.tcpi_rtt).map(micros)
    }

    /// `tcpi_rttvar`: the round-trip time's mean deviation (µs in C).
    pub fn rttvar(&self) -> Option<Duration> {
        filled!(self.tcpi_rttvar).map(micros)
    }

    /// `tcpi_snd_ssthresh`: the slow-start threshold, in segments (`0x7fffffff`,
    /// "infinite", on a new socket).
    pub fn snd_ssthresh(&self) -> Option<u32> {
        filled!(self.tcpi_snd_ssthresh)
    }

    /// `tcpi_snd_cwnd`: the congestion window, in segments.
    pub fn snd_cwnd(&self) -> Option<u32> {
        filled!(self.tcpi_snd_cwnd)
    }

    /// `tcpi_advmss`: the maximum segment size this end advertised, in bytes.
    pub fn advmss(&self) -> Option<u32> {
        filled!(self.tcpi_advmss)
    }

    /// `tcpi_reordering`: how far out of order a segment may arrive before the
    /// kernel counts it lost, in segments.
    pub fn reordering(&self) -> Option<u32> {
        filled!(self.tcpi_reordering)
    }

    /// `tcpi_rcv_space`: the receive buffer space the kernel aims for, in bytes.
    pub fn rcv_space(&self) -> Option<u32> {
        filled!(self.tcpi_rcv_space)
    }

    /// `tcpi_total_retrans`: retransmissions over the connection's whole life.
    pub fn total_retrans(&self) -> Option<u32> {
        filled!(self.tcpi_total_retrans)
    }

    /// `tcpi_bytes_acked`: bytes this end sent that the peer acknowledged (the SYN
    /// counts as one).
    pub fn bytes_acked(&self) -> Option<u64> {
        filled!(self.tcpi_bytes_acked)
    }

    /// `tcpi_bytes_received`: bytes of data received in order.
    pub fn bytes_received(&self) -> Option<u64> {
        filled!(self.tcpi_bytes_received)
    }

    /// `tcpi_segs_out`: segments sent, retransmissions and pure ACKs included.
    pub fn segs_out(&self) -> Option<u32> {
        filled!(self.tcpi_segs_out)
    }

    /// `tcpi_segs_in`: segments received.
    pub fn segs_in(&self) -> Option<u32> {
        filled!(self.tcpi_segs_in)
    }

    /// `tcpi_notsent_bytes`: bytes in the send queue not yet sent.
    pub fn notsent_bytes(&self) -> Option<u32> {
        filled!(self.tcpi_notsent_bytes)
    }

    /// `tcpi_min_rtt`: the smallest round-trip time seen recently (µs in C). Before
    /// the first measurement the kernel reports `u32::MAX` µs (about 71 minutes),
    /// which this returns as it is.
    pub fn min_rtt(&self) -> Option<Duration> {
        filled!(self.tcpi_min_rtt).map(micros)
    }

    /// `tcpi_delivery_rate`: the most recent delivery rate, in bytes per second.
    pub fn delivery_rate(&self) -> Option<u64> {
        filled!(self.tcpi_delivery_rate)
    }
}

/// C's microseconds as a `Duration`.
fn micros(us: u32) -> Duration {
    Duration::from_micros(u64::from(us))
}

/// The length, then each field that is present, by its accessor's name.
impl fmt::Debug for TcpInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TcpInfo");
        d.field("len", &self.len);
        if filled!(self.tcpi_state).is_some() {
            d.field("state", &self.state());
        }
        fn opt<T: fmt::Debug>(d: &mut fmt::DebugStruct<'_, '_>, name: &str, value: Option<T>) {
            if let Some(value) = value {
                d.field(name, &value);
            }
        }
        opt(&mut d, "ca_state", self.ca_state());
        opt(&mut d, "retransmits", self.retransmits());
        opt(&mut d, "probes", self.probes());
        opt(&mut d, "backoff", self.backoff());
        opt(&mut d, "options", self.options());
        opt(&mut d, "rto", self.rto());
        opt(&mut d, "snd_mss", self.snd_mss());
        opt(&mut d, "rcv_mss", self.rcv_mss());
        opt(&mut d, "unacked", self.unacked());
        opt(&mut d, "lost", self.lost());
        opt(&mut d, "retrans", self.retrans());
        opt(&mut d, "pmtu", self.pmtu());
        opt(&mut d, "rtt", self.rtt());
        opt(&mut d, "rttvar", self.rttvar());
        opt(&mut d, "snd_ssthresh", self.snd_ssthresh());
        opt(&mut d, "snd_cwnd", self.snd_cwnd());
        opt(&mut d, "advmss", self.advmss());
        opt(&mut d, "reordering", self.reordering());
        opt(&mut d, "rcv_space", self.rcv_space());
        opt(&mut d, "total_retrans", self.total_retrans());
        opt(&mut d, "bytes_acked", self.bytes_acked());
        opt(&mut d, "bytes_received", self.bytes_received());
        opt(&mut d, "segs_out", self.segs_out());
        opt(&mut d, "segs_in", self.segs_in());
        opt(&mut d, "notsent_bytes", self.notsent_bytes());
        opt(&mut d, "min_rtt", self.min_rtt());
        opt(&mut d, "delivery_rate", self.delivery_rate());
        d.finish()
    }
}

/// The value of a `TCP_INFO` trace line, strace-style: the C names and numbers of
/// the fields a reader of the state diagram looks at first, those that are present,
/// then `...` for the others.
struct TraceFields<'a>(&'a TcpInfo);

impl fmt::Display for TraceFields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.0;
        f.write_str("{")?;
        if filled!(info.tcpi_state).is_some() {
            write!(f, "tcpi_state={:?}", info.state())?;
        }
        let shown: [(&str, Option<u32>); 7] = [
            ("tcpi_ca_state", info.ca_state().map(u32::from)),
            ("tcpi_retransmits", info.retransmits().map(u32::from)),
            ("tcpi_rto", filled!(info.tcpi_rto)),
            ("tcpi_rtt", filled!(info.tcpi_rtt)),
            ("tcpi_rttvar", filled!(info.tcpi_rttvar)),
            ("tcpi_snd_cwnd", filled!(info.tcpi_snd_cwnd)),
            ("tcpi_total_retrans", filled!(info.tcpi_total_retrans)),
        ];
        for (name, value) in shown {
            if let Some(value) = value {
                write!(f, ", {name}={value}")?;
            }
        }
        // `tcpi_probes` (byte 3) is the first field left out: any longer answer has
        // fields the line does not show.
        if info.len > mem::offset_of!(sys::tcp_info, tcpi_probes) {
            f.write_str(", ...")?;
        }
        f.write_str("}")
    }
}
