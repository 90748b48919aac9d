//! `SockAddr` from arbitrary bytes and lengths, and from C's structs filled with
//! arbitrary fields: every reader, `Display`, `Debug`, `==`/`Hash`, and the
//! conversions to std's addresses and to C's structs, each checked against the bytes
//! decoded independently here (C's layout on Linux: family, then the fields).
#![no_main]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::OsStrExt;

use libfuzzer_sys::fuzz_target;
use sockapi::{sys, SockAddr, ToSockAddr, AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC};

const STORAGE: usize = 128;
const SUN_PATH: usize = 108;
const SUN_OFF: usize = 2;
const SUN_SIZE: usize = SUN_OFF + SUN_PATH;

fn hash_of(a: &SockAddr) -> u64 {
    let mut h = DefaultHasher::new();
    a.hash(&mut h);
    h.finish()
}

/// Undoes the escaping of `Display`/`Debug` for a name: `\\`, `\"`, `\xNN`.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            match b[i + 1] {
                b'\\' => {
                    out.push(b'\\');
                    i += 2;
                }
                b'"' => {
                    out.push(b'"');
                    i += 2;
                }
                b'x' => {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 4;
                }
                other => panic!("unknown escape \\{} in {s:?}", other as char),
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// What must never reach a terminal unescaped (the promise of `SockAddr`'s docs).
fn dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}')
}

fn check_text(s: &str) {
    assert!(!s.chars().any(dangerous), "unescaped control in {s:?}");
}

/// Everything about an address built from exactly `bytes`.
fn check(addr: &SockAddr, bytes: &[u8]) {
    let len = bytes.len();
    assert_eq!(addr.as_bytes(), bytes);
    assert_eq!(addr.len() as usize, len);
    assert!(!addr.as_ptr().is_null());

    // Equality and hash look at exactly the bytes.
    let again = SockAddr::from_bytes(bytes).unwrap();
    assert!(again == *addr);
    assert_eq!(hash_of(&again), hash_of(addr));
    let copy = *addr;
    assert!(copy == *addr);
    if len > 0 {
        let mut other = bytes.to_vec();
        other[len - 1] ^= 1;
        assert!(SockAddr::from_bytes(&other).unwrap() != *addr);
        assert!(SockAddr::from_bytes(&bytes[..len - 1]).unwrap() != *addr);
    }

    let family = if len >= 2 {
        u16::from_ne_bytes([bytes[0], bytes[1]]) as i32
    } else {
        AF_UNSPEC.as_raw()
    };
    assert_eq!(addr.family().as_raw(), family);

    // IPv4: family AF_INET and the 16 bytes of sockaddr_in.
    let v4 = (family == AF_INET.as_raw() && len >= 16).then(|| {
        SocketAddrV4::new(
            Ipv4Addr::new(bytes[4], bytes[5], bytes[6], bytes[7]),
            u16::from_be_bytes([bytes[2], bytes[3]]),
        )
    });
    assert_eq!(addr.as_socket_ipv4(), v4);
    assert_eq!(SocketAddrV4::try_from(*addr).ok(), v4);
    match addr.as_sockaddr_in() {
        Some(sin) => {
            let v4 = v4.unwrap();
            assert_eq!(sin.sin_family as i32, family);
            assert_eq!(u16::from_be(sin.sin_port), v4.port());
            assert_eq!(sin.sin_addr.s_addr.to_ne_bytes(), v4.ip().octets());
            assert_eq!(&sin.sin_zero[..], &bytes[8..16]);
            // Back to a SockAddr: the same first 16 bytes.
            let back = SockAddr::from(sin);
            assert_eq!(back.as_bytes(), &bytes[..16]);
            assert_eq!(sin.to_sock_addr().as_bytes(), &bytes[..16]);
        }
        None => assert!(v4.is_none()),
    }

    // IPv6: family AF_INET6 and at least the 24 bytes of RFC 2133's form.
    let v6 = (family == AF_INET6.as_raw() && len >= 24).then(|| {
        let mut ip = [0u8; 16];
        ip.copy_from_slice(&bytes[8..24]);
        let scope = if len >= 28 {
            u32::from_ne_bytes(bytes[24..28].try_into().unwrap())
        } else {
            0
        };
        SocketAddrV6::new(
            Ipv6Addr::from(ip),
            u16::from_be_bytes([bytes[2], bytes[3]]),
            u32::from_be_bytes(bytes[4..8].try_into().unwrap()),
            scope,
        )
    });
    assert_eq!(addr.as_socket_ipv6(), v6);
    assert_eq!(SocketAddrV6::try_from(*addr).ok(), v6);
    match addr.as_sockaddr_in6() {
        Some(sin6) => {
            let v6 = v6.unwrap();
            assert_eq!(sin6.sin6_addr.s6_addr, v6.ip().octets());
            assert_eq!(u16::from_be(sin6.sin6_port), v6.port());
            assert_eq!(u32::from_be(sin6.sin6_flowinfo), v6.flowinfo());
            assert_eq!(sin6.sin6_scope_id, v6.scope_id());
            // Back to a SockAddr: C's 28 bytes, the scope id zero unless all
            // four of its bytes were covered.
            let back = SockAddr::from(sin6);
            assert_eq!(&back.as_bytes()[..24], &bytes[..24]);
            if len >= 28 {
                assert_eq!(back.as_bytes(), &bytes[..28]);
            } else {
                assert_eq!(&back.as_bytes()[24..], &[0u8; 4]);
            }
        }
        None => assert!(v6.is_none()),
    }

    let sock = v4.map(SocketAddr::V4).or(v6.map(SocketAddr::V6));
    assert_eq!(addr.as_socket(), sock);
    assert_eq!(SocketAddr::try_from(*addr).ok(), sock);
    if let Some(s) = sock {
        // std -> SockAddr -> std is the identity; the bytes are C's.
        let round = SockAddr::from(s);
        assert_eq!(round.as_socket(), Some(s));
        assert_eq!(s.to_sock_addr().as_bytes(), round.as_bytes());
        if let SocketAddr::V4(_) = s {
            assert_eq!(&round.as_bytes()[..8], &bytes[..8]);
            assert_eq!(&round.as_bytes()[8..], &[0u8; 8]);
        }
    }

    // Unix: sun_path is what the length covers, at most 108 bytes.
    let path = (family == AF_UNIX.as_raw()).then(|| &bytes[SUN_OFF.min(len)..len.min(SUN_SIZE)]);
    let want_path = path
        .filter(|p| p.first().is_some_and(|&b| b != 0))
        .map(|p| {
            let end = p.iter().position(|&b| b == 0).unwrap_or(p.len());
            &p[..end]
        });
    assert_eq!(
        addr.as_unix_path().map(|p| p.as_os_str().as_bytes()),
        want_path
    );
    let want_abstract = path.and_then(|p| match p {
        [0, name @ ..] => Some(name),
        _ => None,
    });
    assert_eq!(addr.as_abstract_name(), want_abstract);
    assert_eq!(addr.is_unnamed(), path.is_some_and(|p| p.is_empty()));
    match addr.as_sockaddr_un() {
        Some(sun) => {
            assert!(path.is_some());
            let n = len.min(SUN_SIZE);
            let mut raw = vec![0u8; SUN_SIZE];
            raw[..2].copy_from_slice(&sun.sun_family.to_ne_bytes());
            for (d, &c) in raw[2..].iter_mut().zip(sun.sun_path.iter()) {
                *d = c as u8;
            }
            assert_eq!(&raw[..n], &bytes[..n]);
            assert!(raw[n..].iter().all(|&b| b == 0));
        }
        None => assert!(path.is_none()),
    }

    // std's Unix address: a path or an abstract name; unnamed and others refused.
    match <std::os::unix::net::SocketAddr>::try_from(addr) {
        Ok(std_addr) => {
            use std::os::linux::net::SocketAddrExt;
            if let Some(p) = want_path {
                assert_eq!(
                    std_addr.as_pathname().map(|p| p.as_os_str().as_bytes()),
                    Some(p)
                );
            } else {
                assert_eq!(std_addr.as_abstract_name(), want_abstract);
                assert!(want_abstract.is_some());
            }
            let back = SockAddr::try_from(&std_addr).unwrap();
            assert_eq!(
                back.as_unix_path().map(|p| p.as_os_str().as_bytes()),
                want_path
            );
            assert_eq!(back.as_abstract_name(), want_abstract);
        }
        Err(e) => {
            if family != AF_UNIX.as_raw() {
                assert_eq!(e, sockapi::Errno::EAFNOSUPPORT);
            } else {
                assert_eq!(e, sockapi::Errno::EINVAL);
                // std refuses only what it cannot build: the unnamed address, and a
                // path of all 108 bytes with no NUL (std keeps room for one).
                assert!(
                    (want_path.is_none() && want_abstract.is_none())
                        || want_path.is_some_and(|p| p.len() >= SUN_PATH)
                );
            }
        }
    }

    // Display and Debug: the decoded forms, nothing unescaped.
    let shown = addr.to_string();
    let debug = format!("{addr:?}");
    check_text(&shown);
    check_text(&debug);
    assert!(debug.starts_with(&format!("{{{:?}", addr.family())));
    assert!(debug.ends_with('}'));
    if let Some(s) = sock {
        assert_eq!(shown, s.to_string());
        assert_eq!(debug, format!("{{{:?}, {s}}}", addr.family()));
    } else if let Some(p) = want_path {
        assert_eq!(unescape(&shown), p);
        let inner = &debug[debug.find(", \"").unwrap() + 3..debug.len() - 2];
        assert_eq!(unescape(inner), p);
    } else if let Some(name) = want_abstract {
        assert!(shown.starts_with("@\"") && shown.ends_with('"'));
        assert_eq!(unescape(&shown[2..shown.len() - 1]), name);
        assert!(debug.ends_with("\"}"));
    } else if addr.is_unnamed() {
        assert_eq!(shown, "(unnamed)");
        assert_eq!(debug, "{AF_UNIX}");
    } else {
        let unit = if len == 1 { "byte" } else { "bytes" };
        assert_eq!(shown, format!("({:?}, {len} {unit})", addr.family()));
    }
}

/// Builders that take a name: checked against C's rules.
fn check_builders(name: &[u8]) {
    use std::ffi::OsStr;
    let path = std::path::Path::new(OsStr::from_bytes(name));
    match SockAddr::unix(path) {
        Ok(a) => {
            assert!(!name.is_empty() && !name.contains(&0) && name.len() < SUN_PATH);
            assert_eq!(a.as_unix_path(), Some(path));
            assert_eq!(a.len() as usize, SUN_OFF + name.len() + 1);
            check(&a, a.as_bytes());
            // C's struct with the same path gives the same address.
            let mut sun: sys::sockaddr_un = unsafe { std::mem::zeroed() };
            sun.sun_family = sys::AF_UNIX as sys::sa_family_t;
            for (d, &s) in sun.sun_path.iter_mut().zip(name) {
                *d = s as sys::c_char;
            }
            assert!(SockAddr::from(sun) == a);
        }
        Err(e) => {
            if name.is_empty() || name.contains(&0) {
                assert_eq!(e, sockapi::Errno::EINVAL);
            } else {
                assert_eq!(e, sockapi::Errno::ENAMETOOLONG);
                assert!(name.len() >= SUN_PATH);
            }
        }
    }
    match SockAddr::abstract_name(name) {
        Ok(a) => {
            assert!(name.len() < SUN_PATH);
            assert_eq!(a.as_abstract_name(), Some(name));
            assert_eq!(a.len() as usize, SUN_OFF + 1 + name.len());
            check(&a, a.as_bytes());
        }
        Err(e) => {
            assert_eq!(e, sockapi::Errno::ENAMETOOLONG);
            assert!(name.len() >= SUN_PATH);
        }
    }
}

/// C's `sockaddr_un` with arbitrary bytes: the length rule of `From<sockaddr_un>`.
fn check_sun(fields: &[u8]) {
    let mut sun: sys::sockaddr_un = unsafe { std::mem::zeroed() };
    let mut raw = [0u8; SUN_SIZE];
    let n = fields.len().min(SUN_SIZE);
    raw[..n].copy_from_slice(&fields[..n]);
    sun.sun_family = u16::from_ne_bytes([raw[0], raw[1]]);
    for (d, &s) in sun.sun_path.iter_mut().zip(&raw[2..]) {
        *d = s as sys::c_char;
    }
    let a = SockAddr::from(sun);
    let want_len = match raw[2..].iter().position(|&b| b == 0) {
        Some(nul) if nul > 0 => SUN_OFF + nul + 1,
        _ => SUN_SIZE,
    };
    assert_eq!(a.len() as usize, want_len);
    assert_eq!(a.as_bytes(), &raw[..want_len]);
    assert!(sun.to_sock_addr().into_owned() == a);
    check(&a, &raw[..want_len]);
}

/// C's `sockaddr_in6` with arbitrary fields: all 28 bytes kept.
fn check_in6(fields: &[u8]) {
    let mut raw = [0u8; 28];
    let n = fields.len().min(28);
    raw[..n].copy_from_slice(&fields[..n]);
    let mut sin6: sys::sockaddr_in6 = unsafe { std::mem::zeroed() };
    sin6.sin6_family = u16::from_ne_bytes([raw[0], raw[1]]);
    sin6.sin6_port = u16::from_ne_bytes([raw[2], raw[3]]);
    sin6.sin6_flowinfo = u32::from_ne_bytes(raw[4..8].try_into().unwrap());
    sin6.sin6_addr.s6_addr.copy_from_slice(&raw[8..24]);
    sin6.sin6_scope_id = u32::from_ne_bytes(raw[24..28].try_into().unwrap());
    let a = SockAddr::from(sin6);
    assert_eq!(a.as_bytes(), &raw[..]);
    check(&a, &raw);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        0 | 1 => {
            // The bytes as they are, any length; past the storage is EINVAL.
            match SockAddr::from_bytes(rest) {
                Ok(a) => {
                    assert!(rest.len() <= STORAGE);
                    check(&a, rest);
                }
                Err(e) => {
                    assert!(rest.len() > STORAGE);
                    assert_eq!(e, sockapi::Errno::EINVAL);
                    let a = SockAddr::from_bytes(&rest[..STORAGE]).unwrap();
                    check(&a, &rest[..STORAGE]);
                }
            }
        }
        2 => {
            check_builders(rest);
            check_sun(rest);
        }
        _ => check_in6(rest),
    }
});
