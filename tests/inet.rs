//! `inet_pton`, `inet_ntop`, `inet_aton`, `inet_ntoa`, the byte-order helpers, and
//! C's address structs used as C uses them: checked against std's parsers and
//! formatters, and over real loopback sockets.

use std::ffi::{CStr, CString};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::OsStrExt;
use std::str::FromStr;

use sockapi::*;

mod common;
use common::{listener, port_of, TempDir, V4, V6};

/// The prefix of this binary's temp dirs.
const BIN: &str = "inet";

/// Whether a failed `inet_pton` leaves its destination as it was: glibc parses into
/// a copy and writes only on success.
const UNTOUCHED_ON_FAILURE: bool = cfg!(target_env = "gnu");

/// A small deterministic generator (xorshift64*), so the "many inputs" are the same
/// on every run.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn in_addr_of(ip: Ipv4Addr) -> in_addr {
    in_addr {
        s_addr: u32::from_ne_bytes(ip.octets()),
    }
}

fn ip_of(a: in_addr) -> Ipv4Addr {
    Ipv4Addr::from(a.s_addr.to_ne_bytes())
}

/// IPv4 addresses: the edges, then pseudo-random ones.
fn v4_samples() -> Vec<Ipv4Addr> {
    let mut out = vec![
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::LOCALHOST,
        Ipv4Addr::BROADCAST,
        Ipv4Addr::new(10, 0, 0, 1),
        Ipv4Addr::new(192, 168, 255, 0),
        Ipv4Addr::new(1, 2, 3, 4),
    ];
    let mut g = Gen(0x1234_5678_9abc_def0);
    out.extend((0..2000).map(|_| Ipv4Addr::from(g.next() as u32)));
    out
}

/// IPv6 addresses: the edges (zero runs of every length and place, mapped and
/// compatible forms), then pseudo-random ones, some with zero groups.
fn v6_samples() -> Vec<Ipv6Addr> {
    let mut out = vec![
        Ipv6Addr::UNSPECIFIED,
        Ipv6Addr::LOCALHOST,
        Ipv6Addr::from_str("::ffff:1.2.3.4").unwrap(),
        Ipv6Addr::from_str("::ffff:0.0.0.0").unwrap(),
        Ipv6Addr::from_str("fe80::1").unwrap(),
        Ipv6Addr::from_str("2001:db8::").unwrap(),
        Ipv6Addr::from_str("1:0:0:2:0:0:0:3").unwrap(),
        Ipv6Addr::from_str("1:0:2:0:3:0:4:0").unwrap(),
        Ipv6Addr::from(u128::MAX),
    ];
    let mut g = Gen(0x0fed_cba9_8765_4321);
    for _ in 0..2000 {
        let mut segs = [0u16; 8];
        let zero_mask = g.next();
        for (i, s) in segs.iter_mut().enumerate() {
            // About a third of the groups are zero, so runs of zeros are common.
            if zero_mask >> (i * 2) & 3 != 0 {
                *s = g.next() as u16;
            }
        }
        out.push(Ipv6Addr::from(segs));
    }
    out
}

/// Text that is not an IPv4 address, for either parser.
const BAD_V4: &[&str] = &[
    "",
    "1.2.3",
    "256.0.0.1",
    "1.2.3.256",
    "1.2.3.4.5",
    "1.2.3.",
    ".1.2.3",
    "1..2.3",
    "01.2.3.4",
    "1.2.3.04",
    "0x7f.0.0.1",
    "127.1",
    "1.2.3.4 ",
    " 1.2.3.4",
    "+1.2.3.4",
    "-1.2.3.4",
    "1.2.3.4/8",
    "a.b.c.d",
    "::1",
    "1.2.3.4:80",
    "٣.٣.٣.٣",
    "99999999999.1.1.1",
];

/// Text that is not an IPv6 address, for either parser.
const BAD_V6: &[&str] = &[
    "",
    ":",
    ":::",
    "::g",
    "g::",
    "1::2::3",
    ":1::",
    "::1:",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "12345::1",
    "::1.2.3",
    "::256.0.0.1",
    "::1.2.3.4.5",
    "1.2.3.4::",
    "::ffff:01.2.3.4",
    "fe80::1%lo",
    "[::1]",
    " ::1",
    "::1 ",
    "1.2.3.4",
    "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8",
];

#[test]
fn byte_order_helpers_are_const_and_network_order() {
    const PORT: u16 = htons(80);
    const LOOPBACK: u32 = htonl(INADDR_LOOPBACK);
    assert_eq!(PORT.to_ne_bytes(), [0, 80]);
    assert_eq!(LOOPBACK.to_ne_bytes(), [127, 0, 0, 1]);
    assert_eq!(ntohs(PORT), 80);
    assert_eq!(ntohl(LOOPBACK), INADDR_LOOPBACK);
    let mut g = Gen(42);
    for _ in 0..10_000 {
        let l = g.next() as u32;
        let s = l as u16;
        assert_eq!(htons(s).to_ne_bytes(), s.to_be_bytes());
        assert_eq!(htonl(l).to_ne_bytes(), l.to_be_bytes());
        assert_eq!(ntohs(htons(s)), s);
        assert_eq!(ntohl(htonl(l)), l);
        assert_eq!(ntohs(s), u16::from_be_bytes(s.to_ne_bytes()));
        assert_eq!(ntohl(l), u32::from_be_bytes(l.to_ne_bytes()));
    }
}

#[test]
fn inet_pton_v4_agrees_with_std() {
    let samples = v4_samples();
    let texts = samples
        .iter()
        .map(|ip| ip.to_string())
        .chain(BAD_V4.iter().map(|s| s.to_string()))
        .chain(BAD_V6.iter().map(|s| s.to_string()));
    for text in texts {
        let mut dst = in_addr_of(Ipv4Addr::new(9, 9, 9, 9));
        let got = inet_pton(AF_INET, text.as_str(), &mut dst);
        match Ipv4Addr::from_str(&text) {
            Ok(ip) => {
                assert_eq!(got, Ok(true), "{text:?}");
                assert_eq!(ip_of(dst), ip, "{text:?}");
            }
            Err(_) => {
                assert_eq!(got, Ok(false), "{text:?}");
                // POSIX leaves `dst` unspecified then; glibc does not touch it (musl may).
                if UNTOUCHED_ON_FAILURE {
                    assert_eq!(ip_of(dst), Ipv4Addr::new(9, 9, 9, 9), "{text:?} wrote dst");
                }
            }
        }
    }
}

#[test]
fn inet_pton_v6_agrees_with_std() {
    let samples = v6_samples();
    let upper: Vec<String> = samples
        .iter()
        .take(200)
        .map(|ip| ip.to_string().to_uppercase())
        .collect();
    let full: Vec<String> = samples
        .iter()
        .take(200)
        .map(|ip| {
            let s = ip.segments();
            format!(
                "{:04x}:{:04x}:{:04x}:{:04x}:{:04x}:{:04x}:{:04x}:{:04x}",
                s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
            )
        })
        .collect();
    let texts = samples
        .iter()
        .map(|ip| ip.to_string())
        .chain(upper)
        .chain(full)
        .chain(BAD_V6.iter().map(|s| s.to_string()))
        .chain(BAD_V4.iter().map(|s| s.to_string()))
        .chain(["::1.2.3.4", "::ffff:255.255.255.255", "0:0:0:0:0:0:0:0"].map(String::from));
    for text in texts {
        let mut dst: in6_addr = zeroed();
        dst.s6_addr = [0x99; 16];
        let got = inet_pton(AF_INET6, text.as_str(), &mut dst);
        match Ipv6Addr::from_str(&text) {
            Ok(ip) => {
                assert_eq!(got, Ok(true), "{text:?}");
                assert_eq!(Ipv6Addr::from(dst.s6_addr), ip, "{text:?}");
            }
            Err(_) => {
                assert_eq!(got, Ok(false), "{text:?}");
                if UNTOUCHED_ON_FAILURE {
                    assert_eq!(dst.s6_addr, [0x99; 16], "{text:?} wrote dst");
                }
            }
        }
    }
}

#[test]
fn inet_pton_takes_str_string_cstr_and_cstring() {
    let mut a: in_addr = zeroed();
    assert_eq!(inet_pton(AF_INET, "127.0.0.1", &mut a), Ok(true));
    assert_eq!(ip_of(a), Ipv4Addr::LOCALHOST);
    assert_eq!(inet_pton(AF_INET, c"10.1.2.3", &mut a), Ok(true));
    assert_eq!(ip_of(a), Ipv4Addr::new(10, 1, 2, 3));
    assert_eq!(
        inet_pton(AF_INET, &String::from("10.1.2.4"), &mut a),
        Ok(true)
    );
    assert_eq!(ip_of(a), Ipv4Addr::new(10, 1, 2, 4));
    let owned = CString::new("10.1.2.5").unwrap();
    assert_eq!(inet_pton(AF_INET, &owned, &mut a), Ok(true));
    assert_eq!(ip_of(a), Ipv4Addr::new(10, 1, 2, 5));
    let borrowed: &CStr = &owned;
    assert_eq!(inet_pton(AF_INET, borrowed, &mut a), Ok(true));
    let mut a6: in6_addr = zeroed();
    assert_eq!(inet_pton(AF_INET6, c"::1", &mut a6), Ok(true));
    assert_eq!(Ipv6Addr::from(a6.s6_addr), Ipv6Addr::LOCALHOST);
}

/// A NUL inside the text is not an address, though C would read up to the NUL and
/// accept `127.0.0.1`; text too long for the stack buffer reaches C from the heap and
/// is judged there.
#[test]
fn inet_pton_interior_nul_and_long_text() {
    let mut a = in_addr_of(Ipv4Addr::new(9, 9, 9, 9));
    assert_eq!(inet_pton(AF_INET, "127.0.0.1\0junk", &mut a), Ok(false));
    assert_eq!(inet_pton(AF_INET, "127.0.0.1\0", &mut a), Ok(false));
    assert_eq!(inet_pton(AF_INET, "\0", &mut a), Ok(false));
    assert_eq!(ip_of(a), Ipv4Addr::new(9, 9, 9, 9));
    let mut a6: in6_addr = zeroed();
    assert_eq!(inet_pton(AF_INET6, "::1\0", &mut a6), Ok(false));
    assert_eq!(a6.s6_addr, [0; 16]);
    for len in [63, 64, 65, 1000] {
        let long = "1".repeat(len);
        assert_eq!(
            inet_pton(AF_INET, long.as_str(), &mut a),
            Ok(false),
            "{len}"
        );
        assert_eq!(
            inet_pton(AF_INET6, long.as_str(), &mut a6),
            Ok(false),
            "{len}"
        );
        assert!(!inet_aton(long.as_str(), &mut a), "{len}");
    }
    if UNTOUCHED_ON_FAILURE {
        assert_eq!(ip_of(a), Ipv4Addr::new(9, 9, 9, 9));
    }
}

/// A family that does not match the binary type never reaches C: `EAFNOSUPPORT`,
/// the destination untouched. (A destination of another type does not compile: see
/// the `compile_fail` example in the `inet` module docs.)
#[test]
fn family_mismatch_is_eafnosupport() {
    let mut a = in_addr_of(Ipv4Addr::new(9, 9, 9, 9));
    assert_eq!(inet_pton(AF_INET6, "::1", &mut a), Err(Errno::EAFNOSUPPORT));
    assert_eq!(
        inet_pton(AF_INET6, "1.2.3.4", &mut a),
        Err(Errno::EAFNOSUPPORT)
    );
    assert_eq!(
        inet_pton(AF_UNIX, "1.2.3.4", &mut a),
        Err(Errno::EAFNOSUPPORT)
    );
    assert_eq!(
        inet_pton(AF_UNSPEC, "1.2.3.4", &mut a),
        Err(Errno::EAFNOSUPPORT)
    );
    assert_eq!(ip_of(a), Ipv4Addr::new(9, 9, 9, 9));
    let mut a6: in6_addr = zeroed();
    assert_eq!(
        inet_pton(AF_INET, "1.2.3.4", &mut a6),
        Err(Errno::EAFNOSUPPORT)
    );
    assert_eq!(a6.s6_addr, [0; 16]);
    let mut buf = [0u8; INET6_ADDRSTRLEN];
    assert_eq!(inet_ntop(AF_INET6, &a, &mut buf), Err(Errno::EAFNOSUPPORT));
    assert_eq!(inet_ntop(AF_INET, &a6, &mut buf), Err(Errno::EAFNOSUPPORT));
    assert_eq!(
        inet_ntop(AddressFamily::from_raw(12345), &a, &mut buf),
        Err(Errno::EAFNOSUPPORT)
    );
    assert_eq!(buf, [0; INET6_ADDRSTRLEN]);
}

#[test]
fn inet_ntop_v4_agrees_with_std() {
    let mut buf = [0u8; INET_ADDRSTRLEN];
    for ip in v4_samples() {
        let text = inet_ntop(AF_INET, &in_addr_of(ip), &mut buf).unwrap();
        assert_eq!(text, ip.to_string());
        let mut back: in_addr = zeroed();
        assert_eq!(inet_pton(AF_INET, text, &mut back), Ok(true));
        assert_eq!(ip_of(back), ip);
    }
}

/// glibc writes `::1.2.3.4` for an IPv4-compatible address (the deprecated form of
/// RFC 4291), where std writes hex groups; every other text is std's, and every
/// text parses back (with std and with `inet_pton`) to the same address.
#[test]
fn inet_ntop_v6_agrees_with_std() {
    let mut buf = [0u8; INET6_ADDRSTRLEN];
    for ip in v6_samples() {
        let src = in6_addr {
            s6_addr: ip.octets(),
        };
        let text = inet_ntop(AF_INET6, &src, &mut buf).unwrap();
        assert_eq!(Ipv6Addr::from_str(text), Ok(ip), "{text}");
        let s = ip.segments();
        let compatible = s[..6] == [0; 6] && s[6] != 0;
        if !compatible {
            assert_eq!(text, ip.to_string());
        }
        let mut back: in6_addr = zeroed();
        assert_eq!(inet_pton(AF_INET6, text, &mut back), Ok(true));
        assert_eq!(back.s6_addr, ip.octets());
    }
}

/// Too small a buffer is `ENOSPC`, and nothing is written past the slice given.
#[test]
fn inet_ntop_never_writes_past_the_buffer() {
    let a = in_addr_of(Ipv4Addr::new(127, 0, 0, 1));
    for size in 0..=10 {
        let mut guarded = [0xaau8; 32];
        let ret = inet_ntop(AF_INET, &a, &mut guarded[..size]).map(str::to_owned);
        if size >= 10 {
            assert_eq!(ret.as_deref(), Ok("127.0.0.1"), "{size}");
        } else {
            assert_eq!(ret, Err(Errno::ENOSPC), "{size}");
        }
        assert!(guarded[size..].iter().all(|&b| b == 0xaa), "{size}");
    }
    let longest = Ipv6Addr::from_str("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255").unwrap();
    let longest = in6_addr {
        s6_addr: longest.octets(),
    };
    let mut exact = [0u8; INET6_ADDRSTRLEN];
    let text = inet_ntop(AF_INET6, &longest, &mut exact).unwrap();
    assert_eq!(text, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    let mapped = in6_addr {
        s6_addr: Ipv6Addr::from_str("::ffff:255.255.255.255")
            .unwrap()
            .octets(),
    };
    // 22 characters and the NUL.
    let mut exact = [0xaau8; 23 + 8];
    assert_eq!(
        inet_ntop(AF_INET6, &mapped, &mut exact[..23]),
        Ok("::ffff:255.255.255.255")
    );
    assert_eq!(
        inet_ntop(AF_INET6, &mapped, &mut exact[..22]),
        Err(Errno::ENOSPC)
    );
    assert!(exact[23..].iter().all(|&b| b == 0xaa));
    let broadcast = in_addr_of(Ipv4Addr::BROADCAST);
    let mut v4 = [0u8; INET_ADDRSTRLEN];
    assert_eq!(
        inet_ntop(AF_INET, &broadcast, &mut v4),
        Ok("255.255.255.255")
    );
}

#[test]
fn inet_aton_accepts_the_old_forms() {
    let cases: &[(&str, Option<[u8; 4]>)] = &[
        ("127.0.0.1", Some([127, 0, 0, 1])),
        ("127.1", Some([127, 0, 0, 1])),
        ("1.2.3", Some([1, 2, 0, 3])),
        ("0x7f.1", Some([127, 0, 0, 1])),
        ("0177.0.0.1", Some([127, 0, 0, 1])),
        ("2130706433", Some([127, 0, 0, 1])),
        ("255.255.255.255", Some([255; 4])),
        ("256.0.0.1", None),
        ("1.2.3.4.5", None),
        ("", None),
        ("x", None),
        ("::1", None),
        ("08.0.0.1", None),
        ("127.0.0.1\0junk", None),
    ];
    for &(text, want) in cases {
        let mut a = in_addr_of(Ipv4Addr::new(9, 9, 9, 9));
        let ok = inet_aton(text, &mut a);
        assert_eq!(ok, want.is_some(), "{text:?}");
        if let Some(octets) = want {
            assert_eq!(ip_of(a).octets(), octets, "{text:?}");
        }
    }
    // What inet_pton accepts, inet_aton accepts the same.
    for ip in v4_samples() {
        let mut a: in_addr = zeroed();
        assert!(inet_aton(ip.to_string().as_str(), &mut a), "{ip}");
        assert_eq!(ip_of(a), ip);
    }
    let mut a: in_addr = zeroed();
    assert!(inet_aton(c"10.0.0.1", &mut a));
    assert_eq!(ip_of(a), Ipv4Addr::new(10, 0, 0, 1));
}

/// glibc stops at the first whitespace; inet_pton does not.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn inet_aton_stops_at_whitespace_on_glibc() {
    let mut a: in_addr = zeroed();
    assert!(inet_aton("127.0.0.1 junk", &mut a));
    assert_eq!(ip_of(a), Ipv4Addr::LOCALHOST);
    assert_eq!(inet_pton(AF_INET, "127.0.0.1 junk", &mut a), Ok(false));
}

#[test]
fn inet_ntoa_agrees_with_std() {
    for ip in v4_samples() {
        let text = inet_ntoa(in_addr_of(ip));
        assert_eq!(text, ip.to_string().as_str());
        assert_eq!(&*text, ip.to_string());
        assert_eq!(text.to_string(), ip.to_string());
        assert_eq!(format!("{text:?}"), format!("\"{ip}\""));
        assert_eq!(text.as_bytes(), ip.to_string().as_bytes());
    }
    // Two results live side by side: no static buffer is shared.
    let a = inet_ntoa(in_addr_of(Ipv4Addr::new(1, 2, 3, 4)));
    let b = inet_ntoa(in_addr_of(Ipv4Addr::new(5, 6, 7, 8)));
    assert_eq!((a.as_str(), b.as_str()), ("1.2.3.4", "5.6.7.8"));
    assert_eq!(format!("[{a:>9}]"), "[  1.2.3.4]");
}

#[test]
fn inet_ntoa_from_threads() {
    let threads: Vec<_> = (0..8u8)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..5000u32 {
                    let ip = Ipv4Addr::new(t, (i >> 8) as u8, i as u8, 7);
                    assert_eq!(inet_ntoa(in_addr_of(ip)), ip.to_string().as_str());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn zeroed_is_memset_zero() {
    let sin: sockaddr_in = zeroed();
    assert_eq!(
        (
            sin.sin_family,
            sin.sin_port,
            sin.sin_addr.s_addr,
            sin.sin_zero
        ),
        (0, 0, 0, [0; 8])
    );
    let sin6: sockaddr_in6 = zeroed();
    assert_eq!(
        (
            sin6.sin6_family,
            sin6.sin6_port,
            sin6.sin6_flowinfo,
            sin6.sin6_addr.s6_addr,
            sin6.sin6_scope_id
        ),
        (0, 0, 0, [0; 16], 0)
    );
    let sun: sockaddr_un = zeroed();
    assert_eq!(sun.sun_family, 0);
    assert!(sun.sun_path.iter().all(|&c| c == 0));
    let l: linger = zeroed();
    assert_eq!((l.l_onoff, l.l_linger), (0, 0));
}

#[test]
fn family_field_conversions() {
    let mut sin: sockaddr_in = zeroed();
    sin.sin_family = AF_INET.into();
    assert_eq!(sin.sin_family, libc::AF_INET as sa_family_t);
    assert_eq!(AddressFamily::from(sin.sin_family), AF_INET);
    let f: sa_family_t = AF_INET6.into();
    assert_eq!(f, libc::AF_INET6 as sa_family_t);
    assert_eq!(sa_family_t::from(AF_UNIX), libc::AF_UNIX as sa_family_t);
    assert_eq!(format!("{:?}", AddressFamily::from(f)), "AF_INET6");
}

/// The C of the issue, line for line, over loopback: the port from a listener bound
/// to port 0 and read back with `getsockname`.
#[test]
fn c_snippet_sockaddr_in_connects() {
    let (listener, local) = listener(V4);
    let port = port_of(&local);
    let host = "127.0.0.1";

    let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let mut addr: sockaddr_in = zeroed(); // struct sockaddr_in addr; memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET.into(); // addr.sin_family = AF_INET;
    addr.sin_port = htons(port); // addr.sin_port = htons(port);
    assert_eq!(inet_pton(AF_INET, host, &mut addr.sin_addr), Ok(true)); // inet_pton(AF_INET, host, &addr.sin_addr);
    connect(&fd, &addr).unwrap(); // connect(fd, (struct sockaddr *)&addr, sizeof addr);

    let (server, peer) = accept(&listener).unwrap();
    assert_eq!(Ok(peer), getsockname(&fd));
    assert_eq!(getpeername(&fd), Ok(SockAddr::from(addr)));
    send(&fd, b"hi", 0).unwrap();
    let mut buf = [0u8; 2];
    assert_eq!(recv(&server, &mut buf, 0), Ok(2));
    assert_eq!(&buf, b"hi");
    // The peer address reads back as the C struct, the port in network order.
    let back = getpeername(&fd).unwrap().as_sockaddr_in().unwrap();
    assert_eq!(ntohs(back.sin_port), port);
    assert_eq!(inet_ntoa(back.sin_addr), "127.0.0.1");
}

#[test]
fn c_snippet_sockaddr_in6_connects() {
    let (listener, local) = listener(V6);
    let port = port_of(&local);

    let fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let mut addr: sockaddr_in6 = zeroed();
    addr.sin6_family = AF_INET6.into();
    addr.sin6_port = htons(port);
    assert_eq!(inet_pton(AF_INET6, "::1", &mut addr.sin6_addr), Ok(true));
    connect(&fd, &addr).unwrap();

    let (_server, peer) = accept(&listener).unwrap();
    assert_eq!(Ok(peer), getsockname(&fd));
    assert_eq!(getpeername(&fd), Ok(SockAddr::from(addr)));
    let back = getpeername(&fd).unwrap().as_sockaddr_in6().unwrap();
    let mut buf = [0u8; INET6_ADDRSTRLEN];
    assert_eq!(inet_ntop(AF_INET6, &back.sin6_addr, &mut buf), Ok("::1"));
    assert_eq!(ntohs(back.sin6_port), port);
}

/// `struct sockaddr_un` filled as C fills it (`strcpy` into `sun_path`), for `bind`
/// and for `connect`.
#[test]
fn c_snippet_sockaddr_un_connects() {
    let dir = TempDir::new(BIN, "sockaddr_un");
    let path = dir.path("s");
    let mut addr: sockaddr_un = zeroed();
    addr.sun_family = AF_UNIX.into();
    let bytes = path.as_os_str().as_bytes();
    assert!(bytes.len() < addr.sun_path.len());
    for (dst, &src) in addr.sun_path.iter_mut().zip(bytes) {
        *dst = src as _;
    }

    let listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&listener, &addr).unwrap();
    listen(&listener, SOMAXCONN).unwrap();
    assert_eq!(getsockname(&listener), Ok(SockAddr::from(addr)));
    assert_eq!(getsockname(&listener), Ok(SockAddr::unix(&path).unwrap()));

    let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    connect(&fd, &addr).unwrap();
    let (_server, _) = accept(&listener).unwrap();
    let peer = getpeername(&fd).unwrap();
    assert_eq!(peer.as_unix_path(), Some(path.as_path()));
    let back = peer.as_sockaddr_un().unwrap();
    assert_eq!(AddressFamily::from(back.sun_family), AF_UNIX);
    assert_eq!(back.sun_path, addr.sun_path);
}

#[test]
fn sockaddr_in_converts_both_ways() {
    let std_addr = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 1), 8080);
    let mut sin: sockaddr_in = zeroed();
    sin.sin_family = AF_INET.into();
    sin.sin_port = htons(8080);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    let from_c = SockAddr::from(sin);
    assert_eq!(from_c, SockAddr::from(std_addr));
    assert_eq!(from_c.len() as usize, std::mem::size_of::<sockaddr_in>());
    assert_eq!(from_c.as_socket_ipv4(), Some(std_addr));
    assert_eq!(from_c.to_string(), "127.0.0.1:8080");
    let back = SockAddr::from(std_addr).as_sockaddr_in().unwrap();
    assert_eq!(
        (
            back.sin_family,
            back.sin_port,
            back.sin_addr.s_addr,
            back.sin_zero
        ),
        (sin.sin_family, sin.sin_port, sin.sin_addr.s_addr, [0; 8])
    );
    assert!(SockAddr::from(std_addr).as_sockaddr_in6().is_none());
    assert!(SockAddr::from(std_addr).as_sockaddr_un().is_none());
    assert_eq!(
        std_addr.to_sock_addr().as_bytes(),
        sin.to_sock_addr().as_bytes()
    );
}

#[test]
fn sockaddr_in6_converts_both_ways() {
    let ip = Ipv6Addr::from_str("fe80::1").unwrap();
    let std_addr = SocketAddrV6::new(ip, 443, 0x12345, 7);
    let mut sin6: sockaddr_in6 = zeroed();
    sin6.sin6_family = AF_INET6.into();
    sin6.sin6_port = htons(443);
    sin6.sin6_flowinfo = htonl(0x12345);
    assert_eq!(
        inet_pton(AF_INET6, "fe80::1", &mut sin6.sin6_addr),
        Ok(true)
    );
    sin6.sin6_scope_id = 7;
    let from_c = SockAddr::from(sin6);
    assert_eq!(from_c, SockAddr::from(std_addr));
    assert_eq!(from_c.len() as usize, std::mem::size_of::<sockaddr_in6>());
    let back = SockAddr::from(std_addr).as_sockaddr_in6().unwrap();
    assert_eq!(back.sin6_addr.s6_addr, sin6.sin6_addr.s6_addr);
    assert_eq!(
        (back.sin6_port, back.sin6_flowinfo, back.sin6_scope_id),
        (htons(443), htonl(0x12345), 7)
    );
    assert!(from_c.as_sockaddr_in().is_none());
    // The 24-byte form of RFC 2133 reads back with scope id 0.
    let short = SockAddr::from_bytes(&from_c.as_bytes()[..24]).unwrap();
    assert_eq!(short.as_sockaddr_in6().map(|s| s.sin6_scope_id), Some(0));
}

/// A path passes `offsetof(sun_path) + strlen + 1`; an abstract name and the all-zero
/// struct pass `sizeof addr`, as C's `sizeof addr` does.
#[test]
fn sockaddr_un_converts_both_ways() {
    let path = "/tmp/sockapi-inet-not-bound";
    let mut sun: sockaddr_un = zeroed();
    sun.sun_family = AF_UNIX.into();
    for (dst, &src) in sun.sun_path.iter_mut().zip(path.as_bytes()) {
        *dst = src as _;
    }
    let from_c = SockAddr::from(sun);
    assert_eq!(from_c, SockAddr::unix(path).unwrap());
    assert_eq!(from_c.len() as usize, 2 + path.len() + 1);
    assert_eq!(from_c.to_string(), path);
    let back = SockAddr::unix(path).unwrap().as_sockaddr_un().unwrap();
    assert_eq!(back.sun_family, sun.sun_family);
    assert_eq!(back.sun_path, sun.sun_path);

    let mut abstract_sun = sun;
    abstract_sun.sun_path[0] = 0;
    let size = std::mem::size_of::<sockaddr_un>();
    assert_eq!(SockAddr::from(abstract_sun).len() as usize, size);
    let mut zero: sockaddr_un = zeroed();
    zero.sun_family = AF_UNIX.into();
    assert_eq!(SockAddr::from(zero).len() as usize, size);
    // A path filling all of sun_path, with no NUL: the whole struct.
    let mut full = sun;
    full.sun_path = [b'a' as _; 108];
    assert_eq!(SockAddr::from(full).len() as usize, size);
    assert!(SockAddr::from(V4).as_sockaddr_un().is_none());
}

/// `c""` is C's empty string: not an address, for either call, as `""`.
#[test]
fn empty_cstr_text_is_no_address() {
    let mut a = in_addr_of(Ipv4Addr::new(9, 9, 9, 9));
    assert_eq!(inet_pton(AF_INET, c"", &mut a), Ok(false));
    assert_eq!(inet_pton(AF_INET, "", &mut a), Ok(false));
    let mut a6: in6_addr = zeroed();
    assert_eq!(inet_pton(AF_INET6, c"", &mut a6), Ok(false));
    assert!(!inet_aton(c"", &mut a));
    assert!(!inet_aton("", &mut a));
}

/// Text of every length up to past the stack buffer, with and without a NUL at each
/// place: the `&str` form gives what the `&CStr` of the same text gives (or
/// `Ok(false)`, for a NUL inside).
#[test]
fn str_text_of_every_length_matches_cstr() {
    let mut a = in_addr_of(Ipv4Addr::UNSPECIFIED);
    let mut b = in_addr_of(Ipv4Addr::UNSPECIFIED);
    for len in 0..=70 {
        // Mostly an address: "1.2.3.4" padded with spaces, which inet_aton accepts
        // and inet_pton does not.
        let mut text: Vec<u8> = b"1.2.3.4"
            .iter()
            .copied()
            .cycle()
            .take(len.min(7))
            .collect();
        text.resize(len, b' ');
        let s = std::str::from_utf8(&text).unwrap();
        let c = CString::new(text.clone()).unwrap();
        assert_eq!(
            inet_pton(AF_INET, s, &mut a),
            inet_pton(AF_INET, c.as_c_str(), &mut b),
            "{s:?}"
        );
        assert_eq!(
            inet_aton(s, &mut a),
            inet_aton(c.as_c_str(), &mut b),
            "{s:?}"
        );
        assert_eq!(a.s_addr, b.s_addr, "{s:?}");
        for at in 0..len {
            let mut with_nul = text.clone();
            with_nul[at] = 0;
            let s = std::str::from_utf8(&with_nul).unwrap();
            assert_eq!(inet_pton(AF_INET, s, &mut a), Ok(false), "{s:?}");
            assert!(!inet_aton(s, &mut a), "{s:?}");
        }
    }
}
