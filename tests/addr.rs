//! `SockAddr`: built from std's addresses and back, Unix paths and abstract names
//! with their limits, the unnamed address, `Display`/`Debug`, equality and hashing,
//! and the address argument of `bind`/`connect` in each accepted form.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::ffi::OsStr;
use std::hash::{Hash, Hasher};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::SocketAddr as UnixSocketAddr;
use std::path::Path;

use sockapi::*;

mod common;
use common::{family_of, listener_on, port_of, tcp_socket, unique_name, TempDir, V4, V6};

/// The prefix of this binary's temp dirs and abstract names.
const BIN: &str = "addr";

/// The length of `sun_path` on Linux, NUL included.
const SUN_PATH: usize = 108;

/// An abstract name no other test or process uses, as bytes.
fn abstract_name_for(test: &str) -> Vec<u8> {
    unique_name(BIN, test).into_bytes()
}

fn hash_of(addr: &SockAddr) -> u64 {
    let mut h = DefaultHasher::new();
    addr.hash(&mut h);
    h.finish()
}

// ---------------------------------------------------------------------------------
// IPv4 and IPv6

#[test]
fn from_socket_addr_v4_and_back() {
    let std_addr = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 1), 80);
    let addr = SockAddr::from(std_addr);
    assert_eq!(addr.family(), AF_INET);
    assert_eq!(addr.len(), 16);
    assert_eq!(addr.as_socket_ipv4(), Some(std_addr));
    assert_eq!(addr.as_socket_ipv6(), None);
    assert_eq!(addr.as_socket(), Some(SocketAddr::V4(std_addr)));
    assert_eq!(addr.as_unix_path(), None);
    assert_eq!(addr.as_abstract_name(), None);
    assert!(!addr.is_unnamed());
    assert_eq!(SocketAddrV4::try_from(addr), Ok(std_addr));
    assert_eq!(SocketAddr::try_from(addr), Ok(SocketAddr::V4(std_addr)));
    assert_eq!(SocketAddrV6::try_from(addr), Err(Errno::EAFNOSUPPORT));
    assert_eq!(SockAddr::from(SocketAddr::V4(std_addr)), addr);
}

#[test]
fn from_socket_addr_v6_and_back() {
    let std_addr = SocketAddrV6::new(Ipv6Addr::LOCALHOST, 443, 0x0001_2345, 7);
    let addr = SockAddr::from(std_addr);
    assert_eq!(addr.family(), AF_INET6);
    assert_eq!(addr.len(), 28);
    let back = addr.as_socket_ipv6().unwrap();
    assert_eq!(back, std_addr);
    assert_eq!(back.flowinfo(), 0x0001_2345);
    assert_eq!(back.scope_id(), 7);
    assert_eq!(addr.as_socket_ipv4(), None);
    assert_eq!(SocketAddrV6::try_from(addr), Ok(std_addr));
    assert_eq!(SocketAddr::try_from(addr), Ok(SocketAddr::V6(std_addr)));
    assert_eq!(SocketAddrV4::try_from(addr), Err(Errno::EAFNOSUPPORT));
    assert_eq!(SockAddr::from(SocketAddr::V6(std_addr)), addr);
    // flowinfo and scope id take part in equality.
    assert_ne!(
        addr,
        SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 443, 0, 7))
    );
    assert_ne!(
        addr,
        SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 443, 0x0001_2345, 0))
    );
}

#[test]
fn v4_mapped_v6_stays_v6() {
    let mapped: SocketAddrV6 = "[::ffff:127.0.0.1]:8080".parse().unwrap();
    let addr = SockAddr::from(mapped);
    assert_eq!(addr.family(), AF_INET6);
    assert_eq!(addr.as_socket(), Some(SocketAddr::V6(mapped)));
    assert_eq!(addr.to_string(), "[::ffff:127.0.0.1]:8080");
}

#[test]
fn display_and_debug_inet() {
    let v4 = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 80));
    assert_eq!(v4.to_string(), "127.0.0.1:80");
    assert_eq!(format!("{v4:?}"), "{AF_INET, 127.0.0.1:80}");
    let v6 = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 80, 0, 0));
    assert_eq!(v6.to_string(), "[::1]:80");
    assert_eq!(format!("{v6:?}"), "{AF_INET6, [::1]:80}");
    let scoped = SockAddr::from(SocketAddrV6::new("fe80::1".parse().unwrap(), 22, 0, 3));
    assert_eq!(scoped.to_string(), "[fe80::1%3]:22");
}

#[test]
fn getsockname_round_trips_inet() {
    for ip in [V4, V6] {
        let fd = socket(family_of(&ip), SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
        bind(&fd, &ip).unwrap();
        let local = getsockname(&fd).unwrap();
        let std_local = local.as_socket().unwrap();
        assert_eq!(std_local.ip(), ip.ip());
        assert_ne!(std_local.port(), 0);
        // What the kernel wrote compares equal to the same address built here.
        assert_eq!(SockAddr::from(std_local), local);
        assert_eq!(hash_of(&SockAddr::from(std_local)), hash_of(&local));
        assert_eq!(local.len(), if ip.is_ipv4() { 16 } else { 28 });
    }
}

// ---------------------------------------------------------------------------------
// bind/connect take each kind of address

#[test]
fn bind_and_connect_take_each_address_type() {
    let sa: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let v4: SocketAddrV4 = "127.0.0.1:0".parse().unwrap();
    let v6: SocketAddrV6 = "[::1]:0".parse().unwrap();
    let sock_addr = SockAddr::from(v4);

    // `listener_on` passes each address to `bind` as the type it is given.
    let (l1, _) = listener_on(AF_INET, &sa);
    let (l2, _) = listener_on(AF_INET, &v4);
    let (l3, _) = listener_on(AF_INET6, &v6);
    let (l4, _) = listener_on(AF_INET, &sock_addr);

    let a1: SocketAddr = getsockname(&l1).unwrap().as_socket().unwrap();
    let a2: SocketAddrV4 = getsockname(&l2).unwrap().as_socket_ipv4().unwrap();
    let a3: SocketAddrV6 = getsockname(&l3).unwrap().as_socket_ipv6().unwrap();
    let a4: SockAddr = getsockname(&l4).unwrap();

    let c1 = tcp_socket(V4);
    connect(&c1, &a1).unwrap();
    let c2 = tcp_socket(V4);
    connect(&c2, &a2).unwrap();
    let c3 = tcp_socket(V6);
    connect(&c3, &a3).unwrap();
    let c4 = tcp_socket(V4);
    connect(&c4, &a4).unwrap();

    assert_eq!(getpeername(&c1).unwrap().as_socket(), Some(a1));
    assert_eq!(getpeername(&c2).unwrap().as_socket_ipv4(), Some(a2));
    assert_eq!(getpeername(&c3).unwrap().as_socket_ipv6(), Some(a3));
    assert_eq!(getpeername(&c4).unwrap(), a4);
}

// ---------------------------------------------------------------------------------
// Unix paths

#[test]
fn unix_path_round_trip() {
    let addr = SockAddr::unix("/tmp/some.sock").unwrap();
    assert_eq!(addr.family(), AF_UNIX);
    assert_eq!(addr.as_unix_path(), Some(Path::new("/tmp/some.sock")));
    assert_eq!(addr.as_abstract_name(), None);
    assert!(!addr.is_unnamed());
    assert_eq!(addr.as_socket(), None);
    assert_eq!(SocketAddr::try_from(addr), Err(Errno::EAFNOSUPPORT));
    // The family, the path and its terminating NUL, as C's SUN_LEN + 1.
    assert_eq!(addr.len() as usize, 2 + "/tmp/some.sock".len() + 1);
    assert_eq!(addr.to_string(), "/tmp/some.sock");
    assert_eq!(format!("{addr:?}"), r#"{AF_UNIX, "/tmp/some.sock"}"#);

    let relative = SockAddr::unix("rel/x").unwrap();
    assert_eq!(relative.as_unix_path(), Some(Path::new("rel/x")));
    assert_eq!(relative.to_string(), "rel/x");
}

#[test]
fn unix_path_non_utf8() {
    let path = Path::new(OsStr::from_bytes(b"/tmp/\xff\"q"));
    let addr = SockAddr::unix(path).unwrap();
    assert_eq!(addr.as_unix_path(), Some(path));
    assert_eq!(format!("{addr:?}"), r#"{AF_UNIX, "/tmp/\xff\"q"}"#);
}

#[test]
fn unix_path_length_limits() {
    let ok = "a".repeat(SUN_PATH - 1);
    let addr = SockAddr::unix(&ok).unwrap();
    assert_eq!(addr.as_unix_path(), Some(Path::new(&ok)));
    assert_eq!(addr.len() as usize, 2 + SUN_PATH);

    let too_long = "a".repeat(SUN_PATH);
    assert_eq!(SockAddr::unix(&too_long), Err(Errno::ENAMETOOLONG));
    assert_eq!(SockAddr::unix("b".repeat(4096)), Err(Errno::ENAMETOOLONG));
}

#[test]
fn unix_path_invalid() {
    assert_eq!(SockAddr::unix(""), Err(Errno::EINVAL));
    assert_eq!(
        SockAddr::unix(OsStr::from_bytes(b"/tmp/a\0b")),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        SockAddr::unix(OsStr::from_bytes(b"\0abs")),
        Err(Errno::EINVAL)
    );
}

#[test]
fn unix_path_of_107_bytes_binds() {
    let dir = TempDir::new(BIN, "unix_path_of_107_bytes_binds");
    let prefix_len = dir.path("x").as_os_str().len() - 1;
    let fill = (SUN_PATH - 1)
        .checked_sub(prefix_len)
        .expect("temp dir path too long for this test");
    let path = dir.path(&"p".repeat(fill));
    assert_eq!(path.as_os_str().len(), SUN_PATH - 1);

    let addr = SockAddr::unix(&path).unwrap();
    let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&fd, &addr).unwrap();
    listen(&fd, 1).unwrap();
    let local = getsockname(&fd).unwrap();
    assert_eq!(local.as_unix_path(), Some(path.as_path()));
    assert_eq!(local, addr);
    assert_eq!(hash_of(&local), hash_of(&addr));

    let client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    connect(&client, &addr).unwrap();
    assert_eq!(getpeername(&client).unwrap(), addr);

    // One byte more does not fit, and is refused rather than cut.
    let longer = dir.path(&"p".repeat(fill + 1));
    assert_eq!(SockAddr::unix(longer), Err(Errno::ENAMETOOLONG));
}

#[test]
fn unix_path_bind_and_getsockname() {
    let dir = TempDir::new(BIN, "unix_path_bind_and_getsockname");
    let path = dir.path("bound.sock");
    let addr = SockAddr::unix(&path).unwrap();
    let fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&fd, &addr).unwrap();
    let local = getsockname(&fd).unwrap();
    assert_eq!(local, addr);
    assert_eq!(local.len(), addr.len());
    assert_eq!(local.to_string(), path.display().to_string());
}

// ---------------------------------------------------------------------------------
// Abstract names

#[test]
fn abstract_name_bind_round_trip() {
    let name = abstract_name_for("abstract_name_bind_round_trip");
    let addr = SockAddr::abstract_name(&name).unwrap();
    assert_eq!(addr.family(), AF_UNIX);
    assert_eq!(addr.as_abstract_name(), Some(name.as_slice()));
    assert_eq!(addr.as_unix_path(), None);
    assert!(!addr.is_unnamed());
    assert_eq!(addr.len() as usize, 2 + 1 + name.len());

    let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&fd, &addr).unwrap();
    let local = getsockname(&fd).unwrap();
    assert_eq!(local, addr);
    assert_eq!(local.as_abstract_name(), Some(name.as_slice()));
    assert_eq!(hash_of(&local), hash_of(&addr));
}

#[test]
fn abstract_name_display_and_debug() {
    let addr = SockAddr::abstract_name(b"name").unwrap();
    assert_eq!(addr.to_string(), r#"@"name""#);
    assert_eq!(format!("{addr:?}"), r#"{AF_UNIX, @"name"}"#);
    // Abstract names are bytes: NULs and control bytes are escaped, not cut.
    let odd = SockAddr::abstract_name(b"a\0b\n\xfe").unwrap();
    assert_eq!(odd.as_abstract_name(), Some(&b"a\0b\n\xfe"[..]));
    assert_eq!(odd.to_string(), r#"@"a\x00b\x0a\xfe""#);
}

#[test]
fn abstract_name_length_limits() {
    let max = vec![b'x'; SUN_PATH - 1];
    let addr = SockAddr::abstract_name(&max).unwrap();
    assert_eq!(addr.as_abstract_name(), Some(max.as_slice()));
    assert_eq!(addr.len() as usize, 2 + SUN_PATH);
    assert_eq!(
        SockAddr::abstract_name(&[b'x'; SUN_PATH]),
        Err(Errno::ENAMETOOLONG)
    );

    // The empty abstract name is the family plus the leading NUL.
    let empty = SockAddr::abstract_name(b"").unwrap();
    assert_eq!(empty.as_abstract_name(), Some(&b""[..]));
    assert_eq!(empty.len(), 3);
    assert!(!empty.is_unnamed());
    assert_ne!(empty, SockAddr::unnamed());
}

#[test]
fn abstract_name_of_107_bytes_binds() {
    let mut name = abstract_name_for("abstract_name_of_107_bytes_binds");
    name.resize(SUN_PATH - 1, b'z');
    let addr = SockAddr::abstract_name(&name).unwrap();
    let fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    bind(&fd, &addr).unwrap();
    assert_eq!(getsockname(&fd).unwrap(), addr);
}

// ---------------------------------------------------------------------------------
// Unnamed

#[test]
fn unnamed_address() {
    let addr = SockAddr::unnamed();
    assert!(addr.is_unnamed());
    assert_eq!(addr.family(), AF_UNIX);
    assert_eq!(addr.len(), 2);
    assert_eq!(addr.as_unix_path(), None);
    assert_eq!(addr.as_abstract_name(), None);
    assert_eq!(addr.to_string(), "(unnamed)");
    assert_eq!(format!("{addr:?}"), "{AF_UNIX}");
}

#[test]
fn unnamed_from_kernel() {
    let unbound = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    let name = getsockname(&unbound).unwrap();
    assert!(name.is_unnamed(), "{name:?}");
    assert_eq!(name, SockAddr::unnamed());
    assert_eq!(name.to_string(), "(unnamed)");
    assert_eq!(format!("{name:?}"), "{AF_UNIX}");

    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).unwrap();
    for end in [&a, &b] {
        assert!(getsockname(end).unwrap().is_unnamed());
        assert!(getpeername(end).unwrap().is_unnamed());
        assert_eq!(getpeername(end).unwrap(), SockAddr::unnamed());
    }
}

// ---------------------------------------------------------------------------------
// std::os::unix::net::SocketAddr

#[test]
fn std_unix_addr_path_both_ways() {
    let dir = TempDir::new(BIN, "std_unix_addr_path_both_ways");
    let path = dir.path("std.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let std_addr = listener.local_addr().unwrap();
    let addr = SockAddr::try_from(&std_addr).unwrap();
    assert_eq!(addr.as_unix_path(), Some(path.as_path()));
    assert_eq!(addr, getsockname(&listener).unwrap());

    let back = UnixSocketAddr::try_from(&addr).unwrap();
    assert_eq!(back.as_pathname(), Some(path.as_path()));
    let from_path = UnixSocketAddr::from_pathname(&path).unwrap();
    assert_eq!(SockAddr::try_from(&from_path).unwrap(), addr);
}

#[test]
fn std_unix_addr_abstract_both_ways() {
    use std::os::linux::net::SocketAddrExt;
    let name = abstract_name_for("std_unix_addr_abstract_both_ways");
    let std_addr = UnixSocketAddr::from_abstract_name(&name).unwrap();
    let addr = SockAddr::try_from(&std_addr).unwrap();
    assert_eq!(addr, SockAddr::abstract_name(&name).unwrap());

    let back = UnixSocketAddr::try_from(&addr).unwrap();
    assert_eq!(back.as_abstract_name(), Some(name.as_slice()));
    assert_eq!(back.as_pathname(), None);

    // std binds to it and sockapi reads the same name back.
    let listener = std::os::unix::net::UnixListener::bind_addr(&back).unwrap();
    assert_eq!(getsockname(&listener).unwrap(), addr);
}

#[test]
fn std_unix_addr_unnamed_and_other_families() {
    let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    let std_addr = a.local_addr().unwrap();
    assert!(std_addr.is_unnamed());
    let addr = SockAddr::try_from(&std_addr).unwrap();
    assert!(addr.is_unnamed());
    assert_eq!(addr, SockAddr::unnamed());

    // std cannot build an unnamed address; an inet address is no Unix address.
    assert_eq!(
        UnixSocketAddr::try_from(&SockAddr::unnamed()).map(|_| ()),
        Err(Errno::EINVAL)
    );
    let v4 = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1));
    assert_eq!(
        UnixSocketAddr::try_from(&v4).map(|_| ()),
        Err(Errno::EAFNOSUPPORT)
    );
}

// ---------------------------------------------------------------------------------
// Display and Debug of names a peer chose

/// No control character reaches the output: nothing below U+0020, and nothing in
/// U+007F..=U+009F (DEL and the C1 controls, which terminals also obey).
fn assert_no_control(shown: &str) {
    for c in shown.chars() {
        assert!(
            c >= ' ' && !('\u{7f}'..='\u{9f}').contains(&c),
            "{c:?} in {shown:?}"
        );
    }
}

/// `Display` and `Debug` of `addr` are `display` and `debug`, both free of control
/// characters.
fn assert_shown(addr: &SockAddr, display: &str, debug: &str) {
    let (shown, debugged) = (addr.to_string(), format!("{addr:?}"));
    assert_no_control(&shown);
    assert_no_control(&debugged);
    assert_eq!(shown, display);
    assert_eq!(debugged, debug);
}

fn unix_bytes(path: &[u8]) -> SockAddr {
    SockAddr::unix(OsStr::from_bytes(path)).unwrap()
}

/// A newline and a terminal escape sequence (clear screen) in a path are shown as
/// `\xNN`, never passed through.
#[test]
fn unix_path_control_bytes_are_escaped() {
    let addr = SockAddr::unix("/tmp/x\n\x1b[2J").unwrap();
    assert_eq!(addr.as_unix_path(), Some(Path::new("/tmp/x\n\x1b[2J")));
    assert_shown(
        &addr,
        r"/tmp/x\x0a\x1b[2J",
        r#"{AF_UNIX, "/tmp/x\x0a\x1b[2J"}"#,
    );
    assert_shown(
        &SockAddr::unix("/tmp/\t\r\x7f").unwrap(),
        r"/tmp/\x09\x0d\x7f",
        r#"{AF_UNIX, "/tmp/\x09\x0d\x7f"}"#,
    );
}

/// A C1 control is valid UTF-8 of two bytes: U+0085 (NEL) shows as both of them,
/// `\xc2\x85`, so it never reads like the lone byte 0x85 (not UTF-8), shown `\x85`.
#[test]
fn c1_controls_show_their_utf8_bytes_unlike_a_lone_byte() {
    let nel = SockAddr::unix("/tmp/a\u{85}b").unwrap();
    assert_shown(&nel, r"/tmp/a\xc2\x85b", r#"{AF_UNIX, "/tmp/a\xc2\x85b"}"#);
    let lone = unix_bytes(b"/tmp/a\x85b");
    assert_shown(&lone, r"/tmp/a\x85b", r#"{AF_UNIX, "/tmp/a\x85b"}"#);
    assert_ne!(nel.to_string(), lone.to_string());

    // CSI, the C1 form of ESC [.
    assert_shown(
        &SockAddr::unix("/tmp/\u{9b}2J").unwrap(),
        r"/tmp/\xc2\x9b2J",
        r#"{AF_UNIX, "/tmp/\xc2\x9b2J"}"#,
    );
}

/// `\` is doubled, so a path that spells an escape (`\x41`) cannot pass for the
/// byte it spells; `"` is escaped where the name is quoted.
#[test]
fn backslash_and_quote_are_escaped() {
    assert_shown(
        &SockAddr::unix("/tmp/a\\b").unwrap(),
        r"/tmp/a\\b",
        r#"{AF_UNIX, "/tmp/a\\b"}"#,
    );
    let spelled = SockAddr::unix(r"/tmp/\x41").unwrap();
    assert_shown(&spelled, r"/tmp/\\x41", r#"{AF_UNIX, "/tmp/\\x41"}"#);
    assert_ne!(
        spelled.to_string(),
        SockAddr::unix("/tmp/A").unwrap().to_string()
    );
    // Display of a path is not quoted, so `"` needs no escape there.
    assert_shown(
        &SockAddr::unix("/tmp/a\"b").unwrap(),
        r#"/tmp/a"b"#,
        r#"{AF_UNIX, "/tmp/a\"b"}"#,
    );
}

/// Abstract names are bytes and always quoted: control bytes (a terminal title
/// sequence here), `"`, `\` and DEL are escaped.
#[test]
fn abstract_name_control_bytes_are_escaped() {
    let addr = SockAddr::abstract_name(b"\x1b]0;owned\x07x").unwrap();
    assert_shown(
        &addr,
        r#"@"\x1b]0;owned\x07x""#,
        r#"{AF_UNIX, @"\x1b]0;owned\x07x"}"#,
    );
    assert_shown(
        &SockAddr::abstract_name(b"q\"\\\x7f").unwrap(),
        r#"@"q\"\\\x7f""#,
        r#"{AF_UNIX, @"q\"\\\x7f"}"#,
    );
    assert_shown(
        &SockAddr::abstract_name("n\u{85}\u{202e}".as_bytes()).unwrap(),
        r#"@"n\xc2\x85\xe2\x80\xae""#,
        r#"{AF_UNIX, @"n\xc2\x85\xe2\x80\xae"}"#,
    );
}

/// The characters that reorder or hide text show as their UTF-8 bytes: U+202E
/// (right-to-left override) would make `/tmp/\u{202e}gpj.exe` read `/tmp/exe.jpg`.
/// Other non-ASCII text is shown as it is.
#[test]
fn bidi_and_invisible_characters_are_escaped() {
    assert_shown(
        &SockAddr::unix("/tmp/\u{202e}gpj.exe").unwrap(),
        r"/tmp/\xe2\x80\xaegpj.exe",
        r#"{AF_UNIX, "/tmp/\xe2\x80\xaegpj.exe"}"#,
    );
    for (c, bytes) in [
        ('\u{200b}', r"\xe2\x80\x8b"), // zero-width space
        ('\u{200f}', r"\xe2\x80\x8f"), // right-to-left mark
        ('\u{2028}', r"\xe2\x80\xa8"), // line separator
        ('\u{2066}', r"\xe2\x81\xa6"), // left-to-right isolate
        ('\u{feff}', r"\xef\xbb\xbf"), // byte-order mark
    ] {
        let addr = SockAddr::unix(format!("/tmp/{c}")).unwrap();
        assert_eq!(addr.to_string(), format!("/tmp/{bytes}"), "{c:?}");
    }
    assert_shown(
        &SockAddr::unix("/tmp/café-日本").unwrap(),
        "/tmp/café-日本",
        r#"{AF_UNIX, "/tmp/café-日本"}"#,
    );
}

// ---------------------------------------------------------------------------------
// Equality and hashing

#[test]
fn eq_and_hash_are_consistent() {
    let addrs = [
        SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 80)),
        SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 81)),
        SockAddr::from(SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 2), 80)),
        SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 80, 0, 0)),
        SockAddr::unix("/a").unwrap(),
        SockAddr::unix("/b").unwrap(),
        SockAddr::unix("/a/").unwrap(),
        SockAddr::abstract_name(b"a").unwrap(),
        SockAddr::abstract_name(b"").unwrap(),
        SockAddr::unnamed(),
    ];
    let set: HashSet<SockAddr> = addrs.iter().copied().collect();
    assert_eq!(set.len(), addrs.len(), "all distinct");
    for (i, a) in addrs.iter().enumerate() {
        for (j, b) in addrs.iter().enumerate() {
            assert_eq!(a == b, i == j, "{a:?} vs {b:?}");
        }
        let copy = *a;
        assert_eq!(copy, *a);
        assert_eq!(hash_of(&copy), hash_of(a));
        assert!(set.contains(&copy));
    }
    // Rebuilt separately, the same address is equal and hashes the same.
    let again = SockAddr::unix("/a").unwrap();
    assert_eq!(again, addrs[4]);
    assert_eq!(hash_of(&again), hash_of(&addrs[4]));
    assert!(set.contains(&again));
}

// ---------------------------------------------------------------------------------
// from_bytes / as_bytes

#[test]
fn from_bytes_round_trips_and_limits_length() {
    let v4 = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 9));
    assert_eq!(v4.as_bytes().len(), 16);
    assert_eq!(SockAddr::from_bytes(v4.as_bytes()), Ok(v4));

    let size = std::mem::size_of::<sys::sockaddr_storage>();
    assert_eq!(size, 128);
    let mut full = [0u8; 129];
    full[..16].copy_from_slice(v4.as_bytes());
    let whole = SockAddr::from_bytes(&full[..size]).unwrap();
    assert_eq!(whole.len() as usize, size);
    // Still readable as IPv4: the length covers the struct.
    assert_eq!(
        whole.as_socket(),
        Some(SocketAddr::from((Ipv4Addr::LOCALHOST, 9)))
    );
    // Not equal to the 16-byte original: equality covers the length.
    assert_ne!(whole, v4);
    // Longer than any sockaddr: an error, never a write past the storage.
    assert_eq!(SockAddr::from_bytes(&full), Err(Errno::EINVAL));
}

#[test]
fn from_bytes_short_lengths() {
    let v4 = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 9));
    let bytes = v4.as_bytes();
    // Too short for the family field: AF_UNSPEC.
    let empty = SockAddr::from_bytes(&[]).unwrap();
    assert_eq!(empty.family(), AF_UNSPEC);
    assert_eq!(empty.len(), 0);
    assert_eq!(empty.as_socket(), None);
    assert!(!empty.is_unnamed());
    assert_eq!(
        SockAddr::from_bytes(&bytes[..1]).unwrap().family(),
        AF_UNSPEC
    );
    // Long enough for the family, too short for sockaddr_in: no IPv4 address.
    let short = SockAddr::from_bytes(&bytes[..8]).unwrap();
    assert_eq!(short.family(), AF_INET);
    assert_eq!(short.as_socket_ipv4(), None);
    assert_eq!(SocketAddrV4::try_from(short), Err(Errno::EAFNOSUPPORT));
    assert_eq!(short.to_string(), "(AF_INET, 8 bytes)");
    assert_eq!(format!("{short:?}"), "{AF_INET, 8 bytes}");
}

#[test]
fn from_bytes_unix_without_nul() {
    // The kernel may report a path whose length stops short of the NUL; the path
    // ends where the length does.
    let addr = SockAddr::unix("/tmp/abc").unwrap();
    let bytes = addr.as_bytes();
    let cut = SockAddr::from_bytes(&bytes[..bytes.len() - 1]).unwrap();
    assert_eq!(cut.as_unix_path(), Some(Path::new("/tmp/abc")));
    let shorter = SockAddr::from_bytes(&bytes[..bytes.len() - 2]).unwrap();
    assert_eq!(shorter.as_unix_path(), Some(Path::new("/tmp/ab")));
}

/// RFC 2133's `sockaddr_in6` ends before `sin6_scope_id`: 24 bytes, which Linux
/// still takes. It reads as IPv6 with scope id 0; 23 bytes are too few.
#[test]
fn inet6_rfc2133_24_byte_form() {
    let full = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 80, 0xabcd, 5));
    let bytes = full.as_bytes();
    let short = SockAddr::from_bytes(&bytes[..24]).unwrap();
    assert_eq!(short.len(), 24);
    assert_eq!(short.family(), AF_INET6);
    let expect = SocketAddrV6::new(Ipv6Addr::LOCALHOST, 80, 0xabcd, 0);
    assert_eq!(short.as_socket_ipv6(), Some(expect));
    assert_eq!(short.as_socket(), Some(SocketAddr::V6(expect)));
    assert_eq!(SocketAddrV6::try_from(short), Ok(expect));
    assert_eq!(short.to_string(), "[::1]:80");
    assert_eq!(format!("{short:?}"), "{AF_INET6, [::1]:80}");
    // Shorter than the 28-byte form, so not equal to it.
    assert_ne!(short, full);

    let cut = SockAddr::from_bytes(&bytes[..23]).unwrap();
    assert_eq!(cut.family(), AF_INET6);
    assert_eq!(cut.as_socket_ipv6(), None);
    assert_eq!(cut.as_socket(), None);
    assert_eq!(SocketAddrV6::try_from(cut), Err(Errno::EAFNOSUPPORT));
    assert_eq!(cut.to_string(), "(AF_INET6, 23 bytes)");
    assert_eq!(format!("{cut:?}"), "{AF_INET6, 23 bytes}");

    // The kernel agrees: it binds the 24-byte form and reports the 28-byte one.
    let any_port = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 0, 0, 0));
    let fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    let cut_any = SockAddr::from_bytes(&any_port.as_bytes()[..23]).unwrap();
    assert_eq!(bind(&fd, &cut_any), Err(Errno::EINVAL));
    bind(
        &fd,
        &SockAddr::from_bytes(&any_port.as_bytes()[..24]).unwrap(),
    )
    .unwrap();
    let local = getsockname(&fd).unwrap();
    assert_eq!(local.len(), 28);
    assert_eq!(
        local.as_socket_ipv6().map(|a| *a.ip()),
        Some(Ipv6Addr::LOCALHOST)
    );
    assert_ne!(port_of(&local), 0);
}

/// Found by the `sockaddr` fuzz target: a length of 25 to 27 bytes covers part of
/// `sin6_scope_id`, and those bytes were read as a partial scope id (26 bytes of
/// `0xff` read as `%65535`). Linux reads the scope id only from a 28-byte length
/// (`addr_len >= sizeof(struct sockaddr_in6)` in `inet6_bind` and the connect
/// paths), so the address reads, and binds, with scope id 0.
#[test]
fn inet6_partial_scope_id_reads_as_zero() {
    let full = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 80, 0xabcd, u32::MAX));
    let bytes = full.as_bytes();
    for len in 24..28 {
        let short = SockAddr::from_bytes(&bytes[..len]).unwrap();
        let expect = SocketAddrV6::new(Ipv6Addr::LOCALHOST, 80, 0xabcd, 0);
        assert_eq!(short.as_socket_ipv6(), Some(expect), "len {len}");
        assert_eq!(
            short.as_sockaddr_in6().map(|s| s.sin6_scope_id),
            Some(0),
            "len {len}"
        );
        assert_eq!(short.to_string(), "[::1]:80", "len {len}");
    }
    assert_eq!(
        SockAddr::from_bytes(&bytes[..28])
            .unwrap()
            .as_socket_ipv6()
            .map(|a| a.scope_id()),
        Some(u32::MAX)
    );

    // The kernel agrees. A link-local address needs a scope id: with 27 bytes, the
    // first three of `sin6_scope_id` naming interface 1 (lo), Linux ignores them and
    // refuses the bind with EINVAL; the full 28 bytes reach the interface check
    // (no fe80::1 on lo: EADDRNOTAVAIL).
    let link_local: Ipv6Addr = "fe80::1".parse().unwrap();
    let scoped = SockAddr::from(SocketAddrV6::new(link_local, 0, 0, 1));
    let fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap();
    let cut = SockAddr::from_bytes(&scoped.as_bytes()[..27]).unwrap();
    assert_eq!(cut.as_socket_ipv6().map(|a| a.scope_id()), Some(0));
    assert_eq!(bind(&fd, &cut), Err(Errno::EINVAL));
    assert_eq!(bind(&fd, &scoped), Err(Errno::EADDRNOTAVAIL));
}

/// An address too short for its family shows the family and the byte count; under
/// the 2 bytes of the family field, the family is `AF_UNSPEC`. "1 byte", singular.
#[test]
fn from_bytes_too_short_display_and_debug() {
    let v4 = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 9));
    let bytes = v4.as_bytes();
    for (n, display, debug) in [
        (3, "(AF_INET, 3 bytes)", "{AF_INET, 3 bytes}"),
        (2, "(AF_INET, 2 bytes)", "{AF_INET, 2 bytes}"),
        (15, "(AF_INET, 15 bytes)", "{AF_INET, 15 bytes}"),
        (1, "(AF_UNSPEC, 1 byte)", "{AF_UNSPEC, 1 byte}"),
        (0, "(AF_UNSPEC, 0 bytes)", "{AF_UNSPEC, 0 bytes}"),
    ] {
        let addr = SockAddr::from_bytes(&bytes[..n]).unwrap();
        assert_eq!(addr.len() as usize, n);
        assert_eq!(addr.as_socket(), None, "{n} bytes");
        assert_eq!(addr.to_string(), display);
        assert_eq!(format!("{addr:?}"), debug);
    }

    // A family this crate does not name shows as its number.
    let mut odd = [0u8; 16];
    odd[..2].copy_from_slice(&9999u16.to_ne_bytes());
    let addr = SockAddr::from_bytes(&odd).unwrap();
    assert_eq!(addr.family(), AddressFamily::from_raw(9999));
    assert_eq!(addr.to_string(), "(9999, 16 bytes)");
    assert_eq!(format!("{addr:?}"), "{9999, 16 bytes}");
}

/// Equality and hashing look at the bytes the length covers, wherever they came
/// from: two addresses made from separate buffers of equal bytes are equal and hash
/// alike; one byte or one length apart, they differ.
#[test]
fn from_bytes_equal_bytes_are_equal_and_hash_alike() {
    let mut first = [0u8; 40];
    first[..2].copy_from_slice(&9999u16.to_ne_bytes());
    for (i, b) in first.iter_mut().enumerate().skip(2) {
        *b = i as u8;
    }
    let second = first;
    let a = SockAddr::from_bytes(&first).unwrap();
    let b = SockAddr::from_bytes(&second).unwrap();
    assert_eq!(a, b);
    assert_eq!(hash_of(&a), hash_of(&b));
    assert_eq!(a.as_bytes(), &first[..]);

    let mut other = first;
    other[39] ^= 1;
    assert_ne!(a, SockAddr::from_bytes(&other).unwrap());
    assert_ne!(a, SockAddr::from_bytes(&first[..39]).unwrap());

    // Bytes past the length do not count: the same 16 bytes, whatever follows.
    let v4 = SockAddr::from(SocketAddrV4::new(Ipv4Addr::new(10, 1, 2, 3), 4567));
    let mut longer = [0xEEu8; 32];
    longer[..16].copy_from_slice(v4.as_bytes());
    let again = SockAddr::from_bytes(&longer[..16]).unwrap();
    assert_eq!(again, v4);
    assert_eq!(hash_of(&again), hash_of(&v4));
}

/// What the kernel writes (`accept`'s peer, `getsockname`, `getpeername`) equals the
/// same address built from std's `SocketAddr`, and hashes alike.
#[test]
fn kernel_addresses_equal_std_built_ones() {
    for ip in [V4, V6] {
        let (l, local) = listener_on(family_of(&ip), &ip);
        let client = std::net::TcpStream::connect(local.as_socket().unwrap()).unwrap();
        let (conn, peer) = accept(&l).unwrap();
        let client_local = SockAddr::from(client.local_addr().unwrap());
        let client_peer = SockAddr::from(client.peer_addr().unwrap());
        assert_eq!(peer, client_local);
        assert_eq!(hash_of(&peer), hash_of(&client_local));
        assert_eq!(getpeername(&conn).unwrap(), client_local);
        assert_eq!(getsockname(&conn).unwrap(), client_peer);
        assert_eq!(hash_of(&getsockname(&l).unwrap()), hash_of(&client_peer));
        assert_eq!(local, client_peer);
    }
}
