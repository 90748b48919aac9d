//! `getaddrinfo`, `getnameinfo`, `gai_strerror` and `GaiError`, against the C library
//! on this machine. Only names in `/etc/hosts` and numeric addresses are looked up;
//! the lookups that must fail for lack of a name server run in a fresh network
//! namespace, where no query can leave the machine.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use sockapi::*;

mod common;

fn hints(flags: AiFlags, family: AddressFamily, ty: SockType) -> AddrInfoHints {
    let mut h = AddrInfoHints::default();
    h.ai_flags = flags;
    h.ai_family = family;
    h.ai_socktype = ty;
    h
}

fn addrs(list: &AddrInfoList) -> Vec<SocketAddr> {
    list.iter()
        .map(|ai| ai.ai_addr().as_socket().expect("an IP address"))
        .collect()
}

#[test]
fn default_hints_are_zero() {
    let h = AddrInfoHints::default();
    assert_eq!(h.ai_flags.as_raw(), 0);
    assert_eq!(h.ai_family, AF_UNSPEC);
    assert_eq!(h.ai_socktype.as_raw(), 0);
    assert_eq!(h.ai_protocol.as_raw(), 0);
}

#[test]
fn localhost_from_etc_hosts() {
    let h = hints(AiFlags::EMPTY, AF_INET, SOCK_STREAM);
    let res = getaddrinfo(Some("localhost"), Some("80"), Some(&h)).expect("localhost");
    let got = addrs(&res);
    assert!(!got.is_empty());
    assert!(got.contains(&"127.0.0.1:80".parse().unwrap()), "{got:?}");
    for ai in &res {
        assert_eq!(ai.ai_family(), AF_INET);
        assert_eq!(ai.ai_socktype(), SOCK_STREAM);
        assert_eq!(ai.ai_protocol(), IPPROTO_TCP);
        assert_eq!(ai.ai_addr().family(), AF_INET);
    }
}

#[test]
fn numeric_host_and_service() {
    let h = hints(AI_NUMERICHOST | AI_NUMERICSERV, AF_UNSPEC, SOCK_DGRAM);
    let res = getaddrinfo(Some("::1"), Some("8080"), Some(&h)).expect("::1");
    assert_eq!(
        addrs(&res),
        vec!["[::1]:8080".parse::<SocketAddr>().unwrap()]
    );
    assert_eq!(res.first().ai_family(), AF_INET6);
    assert_eq!(res.first().ai_protocol(), IPPROTO_UDP);
    let res = getaddrinfo(Some("127.0.0.1"), Some("53"), Some(&h)).expect("127.0.0.1");
    assert_eq!(
        addrs(&res),
        vec!["127.0.0.1:53".parse::<SocketAddr>().unwrap()]
    );
}

#[test]
fn no_hints_gives_every_type() {
    let res = getaddrinfo(Some("127.0.0.1"), Some("7"), None).expect("127.0.0.1");
    let types: Vec<SockType> = res.iter().map(|ai| ai.ai_socktype()).collect();
    assert!(
        types.contains(&SOCK_STREAM) && types.contains(&SOCK_DGRAM),
        "{types:?}"
    );
}

#[test]
fn passive_with_no_node_is_the_wildcard() {
    let h = hints(AI_PASSIVE, AF_INET, SOCK_STREAM);
    let res = getaddrinfo(None, Some("0"), Some(&h)).expect("passive v4");
    assert_eq!(
        addrs(&res),
        vec!["0.0.0.0:0".parse::<SocketAddr>().unwrap()]
    );
    let h = hints(AI_PASSIVE, AF_INET6, SOCK_STREAM);
    let res = getaddrinfo(None, Some("0"), Some(&h)).expect("passive v6");
    assert_eq!(addrs(&res), vec!["[::]:0".parse::<SocketAddr>().unwrap()]);
    // Without AI_PASSIVE, no node means loopback.
    let h = hints(AiFlags::EMPTY, AF_INET, SOCK_STREAM);
    let res = getaddrinfo(None, Some("0"), Some(&h)).expect("loopback");
    assert_eq!(
        addrs(&res),
        vec!["127.0.0.1:0".parse::<SocketAddr>().unwrap()]
    );
}

#[test]
fn canonical_name_in_the_first_entry() {
    let h = hints(AI_CANONNAME, AF_INET, SOCK_STREAM);
    let res = getaddrinfo(Some("localhost"), None, Some(&h)).expect("localhost");
    let name = res.first().ai_canonname().expect("a canonical name");
    assert_eq!(name.to_str(), Ok("localhost"));
    // Only the first entry carries it; without the flag, none does.
    assert!(res.iter().skip(1).all(|ai| ai.ai_canonname().is_none()));
    let h = hints(AiFlags::EMPTY, AF_INET, SOCK_STREAM);
    let res = getaddrinfo(Some("localhost"), None, Some(&h)).expect("localhost");
    assert!(res.iter().all(|ai| ai.ai_canonname().is_none()));
}

#[test]
fn the_classic_connect_loop() {
    let (listener, addr) = common::listener("127.0.0.1:0".parse().unwrap());
    let port = common::port_of(&addr).to_string();
    let h = hints(AiFlags::EMPTY, AF_UNSPEC, SOCK_STREAM);
    let res = getaddrinfo(Some("localhost"), Some(port.as_str()), Some(&h)).expect("localhost");
    let mut connected = None;
    for ai in &res {
        let fd = socket(
            ai.ai_family(),
            ai.ai_socktype() | SOCK_CLOEXEC,
            ai.ai_protocol(),
        )
        .expect("socket");
        if connect(&fd, &ai).is_ok() {
            connected = Some(fd);
            break;
        }
    }
    let client = connected.expect("one address connects");
    let (server, _) = accept4(&listener, SOCK_CLOEXEC).expect("accept4");
    assert_eq!(send(&client, b"hi", 0), Ok(2));
    let mut buf = [0u8; 2];
    assert_eq!(recv(&server, &mut buf, 0), Ok(2));
    // And `bind` takes an entry too (AI_PASSIVE, port 0).
    let h = hints(AI_PASSIVE, AF_INET, SOCK_DGRAM);
    let res = getaddrinfo(Some("127.0.0.1"), Some("0"), Some(&h)).expect("127.0.0.1");
    let ai = res.first();
    let fd = socket(
        ai.ai_family(),
        ai.ai_socktype() | SOCK_CLOEXEC,
        ai.ai_protocol(),
    )
    .unwrap();
    assert_eq!(bind(&fd, ai), Ok(()));
}

#[test]
fn a_numeric_service_wraps_past_65535() {
    let h = hints(AI_NUMERICHOST, AF_INET, SOCK_STREAM);
    let res = getaddrinfo(Some("127.0.0.1"), Some("99999"), Some(&h)).expect("99999");
    // glibc and musl take the number modulo 65536, as the docs say.
    assert_eq!(addrs(&res)[0].port(), (99999 % 65536) as u16);
}

#[test]
fn eai_codes_without_dns() {
    let numeric = hints(AI_NUMERICHOST, AF_UNSPEC, SOCK_STREAM);
    // Not numeric with AI_NUMERICHOST.
    let e = getaddrinfo(Some("localhost"), None, Some(&numeric)).unwrap_err();
    assert_eq!(e, EAI_NONAME);
    assert_eq!(e.errno(), None);
    // Neither node nor service.
    assert_eq!(getaddrinfo(None, None, None).unwrap_err(), EAI_NONAME);
    // A service /etc/services does not have.
    let e = getaddrinfo(Some("127.0.0.1"), Some("no-such-service"), Some(&numeric)).unwrap_err();
    assert_eq!(e, EAI_SERVICE);
    // A family getaddrinfo does not know.
    let mut bad = numeric;
    bad.ai_family = AddressFamily::from_raw(12345);
    assert_eq!(
        getaddrinfo(Some("127.0.0.1"), None, Some(&bad)).unwrap_err(),
        EAI_FAMILY
    );
    // A socket type it does not know.
    let mut bad = numeric;
    bad.ai_socktype = SockType::from_raw(12345);
    assert_eq!(
        getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&bad)).unwrap_err(),
        EAI_SOCKTYPE
    );
    // Flags it does not know, and AI_CANONNAME without a node.
    let mut bad = numeric;
    bad.ai_flags = AiFlags::from_raw(0x4000_0000);
    assert_eq!(
        getaddrinfo(Some("127.0.0.1"), None, Some(&bad)).unwrap_err(),
        EAI_BADFLAGS
    );
    let bad = hints(AI_CANONNAME, AF_UNSPEC, SOCK_STREAM);
    assert_eq!(
        getaddrinfo(None, Some("80"), Some(&bad)).unwrap_err(),
        EAI_BADFLAGS
    );
}

#[test]
fn a_nul_inside_a_name_is_an_error_not_a_call() {
    let e = getaddrinfo(Some("local\0host"), None, None).unwrap_err();
    assert_eq!(e, EAI_SYSTEM);
    assert_eq!(e.errno(), Some(Errno::EINVAL));
    let e = getaddrinfo(Some("localhost"), Some("8\x000"), None).unwrap_err();
    assert_eq!(e.errno(), Some(Errno::EINVAL));
}

#[test]
fn an_empty_name_is_what_c_gives() {
    let h = hints(AI_NUMERICHOST, AF_INET, SOCK_STREAM);
    // glibc: an empty node is not a numeric address.
    assert_eq!(
        getaddrinfo(Some(""), Some("80"), Some(&h)).unwrap_err(),
        EAI_NONAME
    );
}

#[test]
fn long_names_use_the_heap_and_still_work() {
    let long = "a".repeat(300);
    let h = hints(AI_NUMERICHOST, AF_INET, SOCK_STREAM);
    assert_eq!(
        getaddrinfo(Some(long.as_str()), None, Some(&h)).unwrap_err(),
        EAI_NONAME
    );
}

#[test]
fn a_lookup_with_no_name_server_reachable() {
    // In a fresh namespace nothing can reach the resolver (the query cannot leave),
    // and a name not in /etc/hosts fails with a temporary error.
    let Some(e) = common::in_new_netns(|| {
        let h = hints(AiFlags::EMPTY, AF_INET, SOCK_STREAM);
        getaddrinfo(Some("sockapi-test.invalid"), Some("80"), Some(&h)).unwrap_err()
    }) else {
        return;
    };
    assert_eq!(
        e, EAI_AGAIN,
        "glibc's answer with the resolver unreachable: {e:?}"
    );
}

#[test]
fn gai_error_text_and_conversions() {
    let e = GaiError::new(EAI_NONAME);
    assert_eq!(e.to_string(), gai_strerror(EAI_NONAME));
    assert!(!gai_strerror(EAI_NONAME).is_empty());
    assert_eq!(
        format!("{e:?}"),
        format!("EAI_NONAME ({})", gai_strerror(EAI_NONAME))
    );
    for code in [
        EAI_NONAME,
        EAI_AGAIN,
        EAI_SERVICE,
        EAI_FAMILY,
        EAI_SOCKTYPE,
        EAI_BADFLAGS,
        EAI_MEMORY,
        EAI_FAIL,
        EAI_OVERFLOW,
        EAI_SYSTEM,
    ] {
        assert!(code.name().is_some());
        assert!(!gai_strerror(code).is_empty(), "{code:?}");
    }
    // EAI_SYSTEM carries its errno, and becomes it as an io::Error.
    let e = GaiError::system(Errno::ECONNREFUSED);
    assert_eq!(e.errno(), Some(Errno::ECONNREFUSED));
    assert!(e.to_string().contains("ECONNREFUSED"), "{e}");
    let io: io::Error = e.into();
    assert_eq!(io.raw_os_error(), Some(Errno::ECONNREFUSED.raw()));
    // The others keep the GaiError inside.
    let io: io::Error = GaiError::new(EAI_AGAIN).into();
    let inner = io.get_ref().and_then(|e| e.downcast_ref::<GaiError>());
    assert_eq!(inner, Some(&GaiError::new(EAI_AGAIN)));
    let io: io::Error = GaiError::new(EAI_MEMORY).into();
    assert_eq!(io.kind(), io::ErrorKind::OutOfMemory);
}

#[test]
fn getnameinfo_numeric_and_named() {
    let v4 = SockAddr::from(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 80));
    let (host, serv) = getnameinfo(&v4, NI_NUMERICHOST | NI_NUMERICSERV).unwrap();
    assert_eq!(&*host, "127.0.0.1");
    assert_eq!(&*serv, "80");
    assert_eq!(host.to_string(), "127.0.0.1");
    // Names from /etc/hosts and /etc/services.
    let (host, serv) = getnameinfo(&v4, 0).unwrap();
    assert_eq!(host, "localhost");
    assert_eq!(serv, "http");
    let v6 = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 53);
    let (host, serv) = getnameinfo(&v6, NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM).unwrap();
    assert_eq!((&*host, &*serv), ("::1", "53"));
    // glibc answers for AF_UNIX too: the node name, and the path as the service.
    let unix = SockAddr::unix("/tmp/x").unwrap();
    if let Ok((_, serv)) = getnameinfo(&unix, 0) {
        assert_eq!(serv, "/tmp/x");
    }
    // A family it does not know.
    let mut bytes = [0u8; 16];
    bytes[..2].copy_from_slice(&255u16.to_ne_bytes());
    let odd = SockAddr::from_bytes(&bytes).unwrap();
    assert_eq!(getnameinfo(&odd, 0).unwrap_err(), EAI_FAMILY);
}

#[test]
fn lists_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<AddrInfoList>();
    let h = hints(AI_NUMERICHOST, AF_INET, SOCK_STREAM);
    let res = getaddrinfo(Some("127.0.0.1"), Some("1"), Some(&h)).unwrap();
    let got = std::thread::spawn(move || addrs(&res)).join().unwrap();
    assert_eq!(got, vec!["127.0.0.1:1".parse::<SocketAddr>().unwrap()]);
}

/// glibc runs `strlen` over an `AF_UNIX` path whatever the length says: the bytes
/// after the address are zero, so the service is the path's given bytes and nothing
/// after them (valgrind checks the same in `addrinfo_leaks`).
#[test]
fn getnameinfo_reads_no_byte_past_a_unix_address() {
    let short = SockAddr::from_bytes(&[1, 0, b'x', b'y']).unwrap();
    if let Ok((_, serv)) = getnameinfo(&short, NI_NUMERICHOST) {
        assert_eq!(serv, "xy");
    }
    let unnamed = SockAddr::unnamed();
    if let Ok((_, serv)) = getnameinfo(&unnamed, 0) {
        assert_eq!(serv, "");
    }
    // A full 128-byte address without a NUL: the service stops at the storage's end.
    let mut full = [b'z'; 128];
    full[..2].copy_from_slice(&1u16.to_ne_bytes());
    let full = SockAddr::from_bytes(&full).unwrap();
    if let Ok((_, serv)) = getnameinfo(&full, 0) {
        assert!(serv.bytes().all(|b| b == b'z'), "{serv:?}");
    }
}

/// A `&CStr` (passed to C as it is) gives what the `&str` (copied to the stack) gives,
/// beside `None` or either form, on success and on failure.
#[test]
fn cstr_names_give_what_str_names_give() {
    use std::ffi::CString;
    let h = hints(AI_NUMERICHOST | AI_NUMERICSERV, AF_UNSPEC, SOCK_STREAM);
    let want = addrs(&getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&h)).expect("numeric"));
    assert_eq!(want, [SocketAddr::from(([127, 0, 0, 1], 80))]);
    let got = getaddrinfo(c"127.0.0.1", c"80", Some(&h)).expect("CStr");
    assert_eq!(addrs(&got), want);
    let got = getaddrinfo(c"127.0.0.1", Some("80"), Some(&h)).expect("CStr and str");
    assert_eq!(addrs(&got), want);
    let (host, port) = (String::from("127.0.0.1"), CString::new("80").unwrap());
    assert_eq!(addrs(&getaddrinfo(&host, &port, Some(&h)).unwrap()), want);
    assert_eq!(
        addrs(&getaddrinfo("127.0.0.1", "80", Some(&h)).unwrap()),
        want
    );
    let long = "0000:0000:0000:0000:0000:0000:0000:0001";
    let got = getaddrinfo(c"0000:0000:0000:0000:0000:0000:0000:0001", c"80", Some(&h));
    assert_eq!(
        addrs(&got.unwrap()),
        addrs(&getaddrinfo(Some(long), Some("80"), Some(&h)).unwrap())
    );
    // `None` (NULL) beside a `&CStr`.
    let passive = hints(AI_PASSIVE | AI_NUMERICSERV, AF_INET, SOCK_STREAM);
    assert_eq!(
        addrs(&getaddrinfo(None, c"80", Some(&passive)).unwrap()),
        addrs(&getaddrinfo(None, Some("80"), Some(&passive)).unwrap())
    );
    let any = hints(AiFlags::EMPTY, AF_INET, SOCK_STREAM);
    assert_eq!(
        addrs(&getaddrinfo(c"localhost", None, Some(&any)).unwrap()),
        addrs(&getaddrinfo(Some("localhost"), None, Some(&any)).unwrap())
    );
    // The same failures.
    let numeric = hints(AI_NUMERICHOST, AF_INET, SOCK_STREAM);
    assert_eq!(
        getaddrinfo(c"localhost", None, Some(&numeric)).unwrap_err(),
        getaddrinfo(Some("localhost"), None, Some(&numeric)).unwrap_err()
    );
    assert_eq!(
        getaddrinfo(c"127.0.0.1", c"no-such-service", Some(&h)).unwrap_err(),
        getaddrinfo(Some("127.0.0.1"), Some("no-such-service"), Some(&h)).unwrap_err()
    );
}

/// Empty names are C's `""`, in both forms: glibc's answers, not a `NULL`.
#[test]
fn empty_cstr_names_are_what_c_gives() {
    let h = hints(AI_NUMERICHOST | AI_NUMERICSERV, AF_INET, SOCK_STREAM);
    let e = getaddrinfo(c"", c"80", Some(&h)).unwrap_err();
    assert_eq!(e, EAI_NONAME);
    assert_eq!(e, getaddrinfo(Some(""), Some("80"), Some(&h)).unwrap_err());
    assert_eq!(
        getaddrinfo(c"127.0.0.1", c"", Some(&h)).map(|l| addrs(&l)),
        getaddrinfo(Some("127.0.0.1"), Some(""), Some(&h)).map(|l| addrs(&l))
    );
}

/// Every way a name was written before `&CStr` came still compiles, and the new ones:
/// `None` (only `Option<&str>` is an `Option` the call takes, so it needs no type),
/// `Some("x")`, `Some(s)` with `s: &str`, a bare `"x"`, `&String`, `c"x"`, `&CString`,
/// an `Option<&str>` variable, and an `Option<String>` through `as_deref()`.
#[test]
fn every_spelling_of_a_name_compiles() {
    use std::ffi::{CStr, CString};
    let h = hints(AI_NUMERICHOST | AI_NUMERICSERV, AF_INET, SOCK_STREAM);
    let host: &str = "127.0.0.1";
    let port = String::from("80");
    let c_port = CString::new("80").unwrap();
    let c_host: &CStr = c"127.0.0.1";
    let maybe: Option<&str> = None;
    let owned: Option<String> = Some("80".to_owned());
    let results = [
        getaddrinfo(None, Some("80"), Some(&h)).map(|_| ()),
        getaddrinfo(Some("127.0.0.1"), None, Some(&h)).map(|_| ()),
        getaddrinfo(Some(host), Some(port.as_str()), Some(&h)).map(|_| ()),
        getaddrinfo(host, "80", Some(&h)).map(|_| ()),
        getaddrinfo(host, &port, Some(&h)).map(|_| ()),
        getaddrinfo(c"127.0.0.1", None, Some(&h)).map(|_| ()),
        getaddrinfo(c_host, &c_port, Some(&h)).map(|_| ()),
        getaddrinfo(maybe, owned.as_deref(), Some(&h)).map(|_| ()),
    ];
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}
