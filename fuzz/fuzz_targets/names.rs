//! Names and numbers: `inet_pton`, `inet_aton` and `inet_ntop` on arbitrary text and
//! addresses, against std's parser and a reference of glibc's `inet_aton`; and
//! `getaddrinfo` with arbitrary hints, node and service, always with
//! `AI_NUMERICHOST | AI_NUMERICSERV` ORed in, so that no lookup leaves the process
//! (no DNS, no /etc/services).
//!
//! The known, legitimate differences from std, which the checks below allow:
//!
//! - `inet_aton` accepts what std's `Ipv4Addr` parser rejects: one to four numbers
//!   (`"127.1"`, `"2130706433"`), each decimal, octal with a leading `0` (`"0177.1"`)
//!   or hex with `0x` (`"0x7f.1"`), the last filling the bytes left; and glibc stops
//!   at the first ASCII whitespace (`"1.2.3.4 junk"` is 1.2.3.4). Everything std
//!   accepts, it accepts with the same value.
//! - `inet_pton(AF_INET)` agrees with std exactly (four decimal parts, no leading
//!   zeros). `inet_pton(AF_INET6)` agrees with std's `Ipv6Addr` parser exactly, as
//!   far as these runs found (see the closing note of issue 11).
//! - `inet_ntop(AF_INET6)` writes glibc's text, which std's parser reads back to the
//!   same address; it differs from std's `Display` only for the IPv4-compatible
//!   addresses `::a.b.c.d` (glibc keeps the dotted form, std prints
//!   hex groups), which is allowed here.
//! - `getaddrinfo` with `AI_NUMERICHOST` reads an IPv4 node as `inet_aton` does but
//!   to the end only (glibc's `__inet_aton_exact`: `"127.1"` yes, `"1.2.3.4 x"` no),
//!   an IPv6 node as `inet_pton` does, with an optional `%scope`; the service as
//!   `strtoul(s, &end, 10)` must read it to its end (so `" +80"` is port 80, and
//!   `"65617"` port 81: the number is cut to 16 bits, as the crate's docs say), kept
//!   in an `int` first (so `"-1"` and `"4294967295"` are errors, `"4294967376"` is
//!   port 80); and
//!   a node or service of exactly `"*"` is read as NULL (a glibc extension).
#![no_main]

use std::ffi::CString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sockapi::*;

#[derive(Arbitrary, Debug)]
enum Input {
    Pton4(Vec<u8>, bool),
    Pton6(Vec<u8>, bool),
    Aton(Vec<u8>, bool),
    Ntop4(u32, u8),
    Ntop6([u8; 16], u8),
    Gai {
        node: Option<Vec<u8>>,
        service: Option<Vec<u8>>,
        c_strings: bool,
        flags: i32,
        family: u8,
        socktype: u8,
        protocol: u8,
        hints: bool,
    },
}

/// glibc's `inet_aton`, written from its source's rules (resolv/inet_addr.c): `Some`
/// with the address and whether the text ended right after it (`exact`).
fn reference_aton(s: &[u8]) -> Option<(u32, bool)> {
    let mut parts: Vec<u64> = Vec::new();
    let mut i = 0;
    let end;
    loop {
        // Each part starts with a digit (so no sign and no space, which `strtoul`
        // would take).
        if !s.get(i).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        // `strtoul(cp, &end, 0)`: `0x`/`0X` and a hex digit is hex, a leading 0
        // octal, else decimal; the longest run of digits of that base.
        let (base, start) = if s[i] == b'0'
            && matches!(s.get(i + 1), Some(b'x' | b'X'))
            && s.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit())
        {
            (16, i + 2)
        } else if s[i] == b'0' {
            (8, i)
        } else {
            (10, i)
        };
        let mut j = start;
        let mut val: u64 = 0;
        let mut overflow = false;
        while let Some(d) = s.get(j).and_then(|&c| (c as char).to_digit(base)) {
            val = match val
                .checked_mul(base as u64)
                .and_then(|v| v.checked_add(d as u64))
            {
                Some(v) => v,
                None => {
                    overflow = true;
                    u64::MAX
                }
            };
            j += 1;
        }
        if overflow || val > 0xffff_ffff {
            return None;
        }
        i = j;
        if s.get(i) == Some(&b'.') {
            if parts.len() > 2 || val > 0xff {
                return None;
            }
            parts.push(val);
            i += 1;
        } else {
            parts.push(val);
            end = i;
            break;
        }
    }
    let exact = match s.get(end) {
        None => true,
        Some(&c) if matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') => false,
        Some(_) => return None,
    };
    let last = *parts.last().unwrap();
    let max = [0xffff_ffffu64, 0xff_ffff, 0xffff, 0xff][parts.len() - 1];
    if last > max {
        return None;
    }
    let mut v: u64 = last;
    for (k, &p) in parts[..parts.len() - 1].iter().enumerate() {
        v |= p << (24 - 8 * k);
    }
    Some((v as u32, exact))
}

/// The text as the crate takes it: `&str` when it is UTF-8, else a C string up to
/// its first NUL. `None`: a `&str` with a NUL inside.
enum Text {
    Str(String),
    C(CString),
}

fn text(bytes: &[u8], c: bool) -> Text {
    match std::str::from_utf8(bytes) {
        Ok(s) if !c => Text::Str(s.to_owned()),
        _ => {
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            Text::C(CString::new(&bytes[..end]).unwrap())
        }
    }
}

fn as_c_bytes(t: &Text) -> Option<&[u8]> {
    match t {
        Text::Str(s) if s.contains('\0') => None,
        Text::Str(s) => Some(s.as_bytes()),
        Text::C(c) => Some(c.to_bytes()),
    }
}

fn pton4(bytes: &[u8], c: bool) {
    let t = text(bytes, c);
    let mut dst: in_addr = zeroed();
    let ret = match &t {
        Text::Str(s) => inet_pton(AF_INET, s.as_str(), &mut dst),
        Text::C(s) => inet_pton(AF_INET, s.as_c_str(), &mut dst),
    };
    let want = as_c_bytes(&t)
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|s| s.parse::<Ipv4Addr>().ok());
    match want {
        Some(ip) => {
            assert_eq!(ret, Ok(true), "{bytes:?}");
            assert_eq!(dst.s_addr.to_ne_bytes(), ip.octets());
        }
        None => assert_eq!(ret, Ok(false), "{bytes:?} accepted as {dst:?}"),
    }
    // Whatever std reads, inet_aton reads the same.
    if let Some(ip) = want {
        let mut a: in_addr = zeroed();
        assert!(inet_aton(
            std::str::from_utf8(as_c_bytes(&t).unwrap()).unwrap(),
            &mut a
        ));
        assert_eq!(a.s_addr.to_ne_bytes(), ip.octets());
    }
}

fn pton6(bytes: &[u8], c: bool) {
    let t = text(bytes, c);
    let mut dst: in6_addr = zeroed();
    let ret = match &t {
        Text::Str(s) => inet_pton(AF_INET6, s.as_str(), &mut dst),
        Text::C(s) => inet_pton(AF_INET6, s.as_c_str(), &mut dst),
    };
    let want = as_c_bytes(&t)
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|s| s.parse::<Ipv6Addr>().ok());
    match want {
        Some(ip) => {
            assert_eq!(ret, Ok(true), "{:?}", String::from_utf8_lossy(bytes));
            assert_eq!(dst.s6_addr, ip.octets());
        }
        None => assert_eq!(
            ret,
            Ok(false),
            "{:?} accepted as {:?}",
            String::from_utf8_lossy(bytes),
            Ipv6Addr::from(dst.s6_addr)
        ),
    }
    // The wrong family for the type: refused before any call.
    let mut v4: in_addr = zeroed();
    if let Text::Str(s) = &t {
        assert_eq!(
            inet_pton(AF_INET6, s.as_str(), &mut v4),
            Err(Errno::EAFNOSUPPORT)
        );
    }
}

fn aton(bytes: &[u8], c: bool) {
    let t = text(bytes, c);
    let mut a: in_addr = zeroed();
    let ok = match &t {
        Text::Str(s) => inet_aton(s.as_str(), &mut a),
        Text::C(s) => inet_aton(s.as_c_str(), &mut a),
    };
    let want = as_c_bytes(&t).and_then(reference_aton);
    match want {
        Some((v, _)) => {
            assert!(ok, "{:?} refused", String::from_utf8_lossy(bytes));
            assert_eq!(
                u32::from_be(a.s_addr),
                v,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        None => assert!(
            !ok,
            "{:?} accepted as {}",
            String::from_utf8_lossy(bytes),
            Ipv4Addr::from(u32::from_be(a.s_addr))
        ),
    }
    if ok {
        let shown = inet_ntoa(a);
        assert_eq!(
            shown.as_str(),
            Ipv4Addr::from(u32::from_be(a.s_addr)).to_string()
        );
    }
}

fn ntop4(raw: u32, size: u8) {
    let addr = in_addr { s_addr: raw };
    let ip = Ipv4Addr::from(raw.to_ne_bytes());
    let want = ip.to_string();
    let mut buf = [0xaau8; 64];
    let size = size as usize % 20;
    match inet_ntop(AF_INET, &addr, &mut buf[..size]) {
        Ok(s) => {
            assert!(size > want.len());
            assert_eq!(s, want);
        }
        Err(e) => {
            assert_eq!(e, Errno::ENOSPC);
            assert!(size <= want.len());
        }
    }
    assert!(
        buf[size..].iter().all(|&b| b == 0xaa),
        "wrote past the buffer"
    );
    assert_eq!(inet_ntoa(addr).as_str(), want);
}

fn ntop6(octets: [u8; 16], size: u8) {
    let addr = in6_addr { s6_addr: octets };
    let ip = Ipv6Addr::from(octets);
    let mut buf = [0xaau8; 64];
    let size = size as usize % 50;
    let mut full = [0u8; INET6_ADDRSTRLEN];
    let text = inet_ntop(AF_INET6, &addr, &mut full).unwrap().to_owned();
    assert_eq!(text.parse::<Ipv6Addr>(), Ok(ip), "{text}");
    let compat = octets[..12].iter().all(|&b| b == 0)
        && u32::from_be_bytes(octets[12..].try_into().unwrap()) > 0xffff;
    if !compat {
        assert_eq!(text, ip.to_string());
    } else {
        assert_eq!(
            text,
            format!(
                "::{}",
                Ipv4Addr::from(<[u8; 4]>::try_from(&octets[12..]).unwrap())
            )
        );
    }
    match inet_ntop(AF_INET6, &addr, &mut buf[..size]) {
        Ok(s) => {
            assert!(size > text.len());
            assert_eq!(s, text);
        }
        Err(e) => {
            assert_eq!(e, Errno::ENOSPC);
            assert!(size <= text.len());
        }
    }
    assert!(
        buf[size..].iter().all(|&b| b == 0xaa),
        "wrote past the buffer"
    );
}

/// `strtoul(s, &end, 10)` that must read all of `s`, kept in an `int` (glibc's
/// `gaih_service.num`) that must not be negative, then cut to 16 bits.
fn reference_port(s: &[u8]) -> Option<u16> {
    let mut i = 0;
    while s
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
    {
        i += 1;
    }
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let start = i;
    let mut v: u64 = 0;
    let mut overflow = false;
    while let Some(c) = s.get(i).filter(|c| c.is_ascii_digit()) {
        match v
            .checked_mul(10)
            .and_then(|v| v.checked_add((c - b'0') as u64))
        {
            Some(n) => v = n,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start || i != s.len() {
        return None;
    }
    let v = if overflow {
        u64::MAX
    } else if neg {
        v.wrapping_neg()
    } else {
        v
    };
    // glibc keeps the number in an `int`: a negative one is "not a number" (and
    // with AI_NUMERICSERV an error).
    let n = v as u32 as i32;
    (n >= 0).then_some(n as u16)
}

/// The node as `getaddrinfo` reads it with `AI_NUMERICHOST`.
fn numeric_node(s: &[u8]) -> (Option<Ipv4Addr>, Option<Ipv6Addr>) {
    let v4 = reference_aton(s)
        .filter(|&(_, exact)| exact)
        .map(|(v, _)| Ipv4Addr::from(v));
    let text = std::str::from_utf8(s).ok();
    let v6 = text
        .and_then(|t| t.split('%').next())
        .and_then(|t| t.parse::<Ipv6Addr>().ok());
    (v4, v6)
}

#[allow(clippy::too_many_arguments)]
fn gai(
    node: Option<Vec<u8>>,
    service: Option<Vec<u8>>,
    c: bool,
    flags: i32,
    family: u8,
    socktype: u8,
    protocol: u8,
    use_hints: bool,
) {
    let node = node.map(|n| text(&n, c));
    let service = service.map(|s| text(&s, c));
    let mut hints = AddrInfoHints::default();
    hints.ai_flags = AiFlags::from_raw(flags) | AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_family = match family % 5 {
        0 => AF_UNSPEC,
        1 => AF_INET,
        2 => AF_INET6,
        3 => AF_UNIX,
        _ => AddressFamily::from_raw(family as i32),
    };
    hints.ai_socktype = match socktype % 5 {
        0 => SockType::from_raw(0),
        1 => SOCK_STREAM,
        2 => SOCK_DGRAM,
        3 => SOCK_RAW,
        _ => SockType::from_raw(socktype as i32),
    };
    hints.ai_protocol = match protocol % 4 {
        0 => Protocol::from_raw(0),
        1 => IPPROTO_TCP,
        2 => IPPROTO_UDP,
        _ => Protocol::from_raw(protocol as i32),
    };
    // Without hints glibc would look names up; so hints always, but the "no hints"
    // shape is the same call with only the two numeric flags.
    if !use_hints {
        hints = AddrInfoHints::default();
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    }
    let ret = match (&node, &service) {
        (None, None) => getaddrinfo(None::<&str>, None::<&str>, Some(&hints)),
        (Some(n), None) => match n {
            Text::Str(n) => getaddrinfo(n.as_str(), None::<&str>, Some(&hints)),
            Text::C(n) => getaddrinfo(n.as_c_str(), None::<&str>, Some(&hints)),
        },
        (None, Some(s)) => match s {
            Text::Str(s) => getaddrinfo(None::<&str>, s.as_str(), Some(&hints)),
            Text::C(s) => getaddrinfo(None::<&str>, s.as_c_str(), Some(&hints)),
        },
        (Some(n), Some(s)) => match (n, s) {
            (Text::Str(n), Text::Str(s)) => getaddrinfo(n.as_str(), s.as_str(), Some(&hints)),
            (Text::Str(n), Text::C(s)) => getaddrinfo(n.as_str(), s.as_c_str(), Some(&hints)),
            (Text::C(n), Text::Str(s)) => getaddrinfo(n.as_c_str(), s.as_str(), Some(&hints)),
            (Text::C(n), Text::C(s)) => getaddrinfo(n.as_c_str(), s.as_c_str(), Some(&hints)),
        },
    };
    let node_c = node.as_ref().map(as_c_bytes);
    let service_c = service.as_ref().map(as_c_bytes);
    // A `&str` with a NUL inside: EAI_SYSTEM with EINVAL, before any call.
    if matches!(node_c, Some(None)) || matches!(service_c, Some(None)) {
        let e = ret.err().expect("a name with a NUL inside was looked up");
        assert_eq!(e.code(), EAI_SYSTEM);
        assert_eq!(e.errno(), Some(Errno::EINVAL));
        return;
    }
    // glibc reads a node or service of `"*"` as NULL.
    let node_c = node_c.flatten().filter(|&n| n != b"*");
    let service_c = service_c.flatten().filter(|&s| s != b"*");
    let (v4, v6) = node_c.map_or((None, None), numeric_node);
    let port = match service_c {
        None | Some(b"") => Some(0),
        Some(s) => reference_port(s),
    };
    let list = match ret {
        Ok(list) => list,
        Err(e) => {
            let _ = (e.to_string(), format!("{e:?}"), std::io::Error::from(e));
            // What must have worked: a clean request for a numeric node.
            let fam = hints.ai_family;
            let st = hints.ai_socktype.as_raw();
            let known = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_NUMERICSERV;
            let clean = hints.ai_flags.as_raw() & !known.as_raw() == 0
                && (st == 0 || st == SOCK_STREAM.as_raw() || st == SOCK_DGRAM.as_raw())
                && hints.ai_protocol.as_raw() == 0
                && port.is_some()
                && node_c.is_some()
                && ((v4.is_some() && (fam == AF_UNSPEC || fam == AF_INET))
                    || (v6.is_some()
                        && !node_c.unwrap().contains(&b'%')
                        && (fam == AF_UNSPEC || fam == AF_INET6)));
            assert!(
                !clean,
                "{e:?} for {:?} {:?} {hints:?}",
                node_c.map(String::from_utf8_lossy),
                service_c.map(String::from_utf8_lossy)
            );
            return;
        }
    };
    // Something resolved: it was numeric, or no node at all.
    if let Some(n) = node_c {
        assert!(
            v4.is_some() || v6.is_some(),
            "non-numeric {:?} resolved",
            String::from_utf8_lossy(n)
        );
    }
    let Some(port) = port else {
        panic!(
            "service {:?} resolved: {list:?}",
            service_c.map(String::from_utf8_lossy)
        );
    };
    let mut count = 0;
    for ai in &list {
        count += 1;
        let _ = format!("{ai:?}");
        let fam = ai.ai_family();
        let addr = ai.ai_addr();
        assert_eq!(addr.family(), fam);
        let sock = addr.as_socket().expect("not an IP address");
        if hints.ai_family == AF_INET || hints.ai_family == AF_INET6 {
            if !(hints.ai_family == AF_INET6 && hints.ai_flags.contains(AI_V4MAPPED)) {
                assert_eq!(fam, hints.ai_family);
            }
        }
        if hints.ai_socktype.as_raw() != 0 {
            assert_eq!(ai.ai_socktype(), hints.ai_socktype);
        }
        if ai.ai_socktype() == SOCK_STREAM || ai.ai_socktype() == SOCK_DGRAM {
            assert_eq!(sock.port(), port, "{ai:?}");
        }
        let ip = sock.ip();
        match node_c {
            None => {
                let passive = hints.ai_flags.contains(AI_PASSIVE);
                assert!(
                    if passive {
                        ip.is_unspecified()
                    } else {
                        ip.is_loopback()
                    },
                    "{ip} for no node"
                );
            }
            Some(_) => match ip {
                IpAddr::V4(got) => assert_eq!(Some(got), v4),
                IpAddr::V6(got) => assert!(
                    Some(got) == v6 || v4.is_some_and(|v| got == v.to_ipv6_mapped()),
                    "{got} from {:?}",
                    node_c.map(String::from_utf8_lossy)
                ),
            },
        }
        if let Some(name) = ai.ai_canonname() {
            let _ = name.to_bytes().len();
        }
    }
    assert!(count > 0);
    let _ = format!("{list:?}");
}

fuzz_target!(|input: Input| match input {
    Input::Pton4(b, c) => pton4(&b, c),
    Input::Pton6(b, c) => pton6(&b, c),
    Input::Aton(b, c) => aton(&b, c),
    Input::Ntop4(v, n) => ntop4(v, n),
    Input::Ntop6(o, n) => ntop6(o, n),
    Input::Gai {
        node,
        service,
        c_strings,
        flags,
        family,
        socktype,
        protocol,
        hints,
    } => gai(node, service, c_strings, flags, family, socktype, protocol, hints),
});
