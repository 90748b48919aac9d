//! The netdb entry calls against the machine's own files: `getservbyname` and
//! `getservbyport` (`/etc/services`), `getprotobyname` and `getprotobynumber`
//! (`/etc/protocols`), `gethostbyname` and `gethostbyaddr` (`/etc/hosts`), their
//! errors, the `ERANGE` retry, and 8 threads at once.
//!
//! No name outside `/etc/hosts` is looked up here except inside a fresh network
//! namespace (`unshare -n`), where no query can leave the machine.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::Command;

use sockapi::*;

const fn htons(port: u16) -> u16 {
    port.to_be()
}

/// Whether `file` exists. If not, the test that asked passes without running: this
/// prints one line naming the package to install and returns `false`; with `CI` set
/// it panics instead, so CI never skips.
fn database(file: &str) -> bool {
    if Path::new(file).exists() {
        return true;
    }
    let why = format!("{file} is missing; install `netbase` (apt-get install netbase)");
    if std::env::var_os("CI").is_some() {
        panic!("{why}; CI is set, so this test does not skip");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
    false
}

/// The names `/etc/hosts` gives `addr` (the first line that has it), and whether it
/// lists `name` with `addr` on some line.
fn hosts_file() -> String {
    std::fs::read_to_string("/etc/hosts").expect("/etc/hosts")
}

fn first_name_of(addr: &str) -> Option<String> {
    hosts_file().lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or_default();
        let mut fields = line.split_whitespace();
        (fields.next() == Some(addr)).then(|| fields.next().map(str::to_owned))?
    })
}

fn v4_addrs_of(name: &str) -> Vec<Ipv4Addr> {
    hosts_file()
        .lines()
        .filter_map(|line| {
            let line = line.split('#').next().unwrap_or_default();
            let mut fields = line.split_whitespace();
            let addr: Ipv4Addr = fields.next()?.parse().ok()?;
            fields.any(|n| n == name).then_some(addr)
        })
        .collect()
}

#[test]
fn http_is_port_80_and_back() {
    if !database("/etc/services") {
        return;
    }
    let se = getservbyname("http", "tcp").unwrap().expect("http/tcp");
    assert_eq!(se.s_name(), "http");
    assert_eq!(se.port(), 80);
    assert_eq!(se.s_port(), htons(80));
    assert_eq!(se.s_proto(), "tcp");
    assert_eq!(format!("{:?}", se.s_name()), "\"http\"");
    // Debian's netbase lists `www` as http's alias.
    let aliases: Vec<String> = se.s_aliases().map(|a| a.to_string()).collect();
    assert!(aliases.iter().all(|a| !a.is_empty()), "{aliases:?}");

    let back = getservbyport(htons(80), "tcp")
        .unwrap()
        .expect("port 80/tcp");
    assert_eq!(back.s_name(), "http");
    assert_eq!(back, se);

    // Any protocol: C's NULL.
    let any = getservbyname("http", None)
        .unwrap()
        .expect("http, any protocol");
    assert_eq!(any.port(), 80);
    let any = getservbyport(htons(80), None)
        .unwrap()
        .expect("port 80, any");
    assert_eq!(any.s_name(), "http");
    // An alias finds the entry too.
    if let Some(alias) = aliases.first() {
        let by_alias = getservbyname(alias, "tcp").unwrap().expect("by alias");
        assert_eq!(by_alias.s_name(), "http");
    }
    assert!(format!("{se:?}").contains("s_port: htons(80)"), "{se:?}");
}

#[test]
fn unknown_entries_are_none() {
    if !database("/etc/services") || !database("/etc/protocols") {
        return;
    }
    assert_eq!(getservbyname("sockapi-no-such-service", "tcp"), Ok(None));
    assert_eq!(getservbyname("http", "sockapi-no-such-proto"), Ok(None));
    assert_eq!(getservbyname("", None), Ok(None));
    assert_eq!(getservbyport(htons(80), "sockapi-no-such-proto"), Ok(None));
    assert_eq!(getprotobyname("sockapi-no-such-proto"), Ok(None));
    assert_eq!(getprotobynumber(-1), Ok(None));
    assert_eq!(getprotobynumber(100_000), Ok(None));
    // Names of 256 bytes and more are made C strings on the heap: same answer.
    let long = "x".repeat(300);
    assert_eq!(getservbyname(&long, "tcp"), Ok(None));
    assert_eq!(getservbyname("http", long.as_str()), Ok(None));
    assert_eq!(getprotobyname(&long), Ok(None));
}

#[test]
fn a_nul_inside_a_name_is_einval() {
    assert_eq!(getservbyname("ht\0tp", "tcp"), Err(Errno::EINVAL));
    assert_eq!(getservbyname("http", "t\0cp"), Err(Errno::EINVAL));
    assert_eq!(getservbyname("\0", None), Err(Errno::EINVAL));
    assert_eq!(getservbyport(htons(80), "tcp\0"), Err(Errno::EINVAL));
    assert_eq!(getprotobyname("t\0cp"), Err(Errno::EINVAL));
    let long = format!("{}\0", "x".repeat(300));
    assert_eq!(getservbyname(&long, "tcp"), Err(Errno::EINVAL));
    let e = gethostbyname("local\0host").unwrap_err();
    assert_eq!(e, HError::internal(Errno::EINVAL));
    assert_eq!(e.raw(), -1);
    assert_eq!(e.name(), Some("NETDB_INTERNAL"));
    assert_eq!(e.errno(), Some(Errno::EINVAL));
    let io = std::io::Error::from(e);
    assert_eq!(io.raw_os_error(), Some(Errno::EINVAL.raw()));
}

#[test]
fn tcp_is_6_and_17_is_udp() {
    if !database("/etc/protocols") {
        return;
    }
    let tcp = getprotobyname("tcp").unwrap().expect("tcp");
    assert_eq!(tcp.p_name(), "tcp");
    assert_eq!(tcp.p_proto(), 6);
    assert_eq!(tcp.p_proto(), IPPROTO_TCP.as_raw());
    let udp = getprotobynumber(17).unwrap().expect("17");
    assert_eq!(udp.p_name(), "udp");
    assert_eq!(udp.p_proto(), 17);
    // /etc/protocols lists the upper-case names as aliases.
    if let Some(alias) = udp.p_aliases().next() {
        assert_eq!(getprotobyname(alias.to_str().unwrap()).unwrap(), Some(udp));
    }
    assert!(format!("{tcp:?}").contains("p_proto: 6"), "{tcp:?}");
}

#[test]
fn localhost_from_etc_hosts() {
    let expected = v4_addrs_of("localhost");
    assert!(!expected.is_empty(), "/etc/hosts has no IPv4 localhost");
    let he = gethostbyname("localhost").unwrap();
    assert_eq!(he.h_addrtype(), AF_INET);
    assert_eq!(he.h_length(), 4);
    let got: Vec<IpAddr> = he.h_addr_list().collect();
    assert!(
        got.contains(&IpAddr::V4(expected[0])),
        "{he:?} lacks {expected:?}"
    );
    assert_eq!(he.h_addr(), got.first().copied());
    assert!(he.h_name() == "localhost" || he.h_aliases().any(|a| a == "localhost"));
}

#[test]
fn numeric_hosts_need_no_lookup() {
    let he = gethostbyname("127.0.0.1").unwrap();
    assert_eq!(he.h_name(), "127.0.0.1");
    assert_eq!(
        he.h_addr_list().collect::<Vec<_>>(),
        [IpAddr::V4(Ipv4Addr::LOCALHOST)]
    );
    // Digits and dots that are not an address: glibc answers HOST_NOT_FOUND without
    // asking DNS (checked with strace: no socket is opened).
    let e = gethostbyname("256.1.1.1").unwrap_err();
    assert_eq!(e, HOST_NOT_FOUND);
    assert_eq!(e.to_string(), "Unknown host");
    assert_eq!(hstrerror(e), "Unknown host");
    assert_eq!(format!("{e:?}"), "HOST_NOT_FOUND (Unknown host)");
    assert_eq!(e.errno(), None);
    assert_eq!(std::io::Error::from(e).kind(), std::io::ErrorKind::NotFound);
}

#[test]
fn hstrerror_texts() {
    assert_eq!(hstrerror(HOST_NOT_FOUND), "Unknown host");
    assert_eq!(hstrerror(TRY_AGAIN), "Host name lookup failure");
    assert_eq!(hstrerror(NO_RECOVERY), "Unknown server error");
    assert_eq!(hstrerror(NO_DATA), "No address associated with name");
    assert_eq!(hstrerror(NETDB_INTERNAL), "Resolver internal error");
    assert_eq!(HError::from(2), TRY_AGAIN);
    assert_eq!(TRY_AGAIN.raw(), 2);
    assert_eq!(HError::from_raw(99).name(), None);
    assert_eq!(
        format!("{:?}", HError::from_raw(99)),
        "99 (Unknown resolver error)"
    );
    assert_eq!(
        HError::internal(Errno::ENOMEM).to_string(),
        "Resolver internal error: ENOMEM (Cannot allocate memory)"
    );
}

#[test]
fn loopback_by_address() {
    let Some(name) = first_name_of("127.0.0.1") else {
        panic!("/etc/hosts has no 127.0.0.1 line");
    };
    let he = gethostbyaddr(Ipv4Addr::LOCALHOST).unwrap();
    assert_eq!(he.h_name(), name.as_str());
    assert_eq!(he.h_addrtype(), AF_INET);
    assert!(he
        .h_addr_list()
        .any(|a| a == IpAddr::V4(Ipv4Addr::LOCALHOST)));
}

/// `ERANGE` from the `_r` call means "buffer too small": a first buffer of 0 and 1
/// bytes gets it, and the retry with a larger one gives the same answer.
#[test]
fn erange_is_retried_not_returned() {
    if !database("/etc/services") {
        return;
    }
    let normal = getservbyname("http", "tcp").unwrap();
    for first in [0, 1, 16] {
        let (entry, attempts) = getservbyname_sized("http", Some("tcp"), first).unwrap();
        assert!(attempts >= 2, "a {first}-byte buffer was enough?");
        assert_eq!(entry, normal);
    }
    let (entry, attempts) = getservbyname_sized("http", Some("tcp"), 1024).unwrap();
    assert_eq!((entry, attempts), (normal, 1));
    let (none, _) = getservbyname_sized("sockapi-no-such-service", Some("tcp"), 1).unwrap();
    assert_eq!(none, None);
}

/// 8 threads × `ROUNDS` rounds of the four lookups, every answer checked.
#[test]
fn eight_threads_at_once() {
    if !database("/etc/services") || !database("/etc/protocols") {
        return;
    }
    const ROUNDS: usize = 10_000;
    let start = std::time::Instant::now();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..ROUNDS {
                    let se = getservbyname("http", "tcp").unwrap().unwrap();
                    assert_eq!((se.port(), se.s_name().as_bytes()), (80, &b"http"[..]));
                    let se = getservbyport(htons(443), "tcp").unwrap().unwrap();
                    assert_eq!(se.s_name(), "https", "thread {t} round {i}");
                    let pe = getprotobyname("udp").unwrap().unwrap();
                    assert_eq!(pe.p_proto(), 17, "thread {t} round {i}");
                    let he = gethostbyname("localhost").unwrap();
                    assert_eq!(
                        he.h_addr(),
                        Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
                        "thread {t} round {i}"
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a lookup thread failed");
    }
    eprintln!("8 threads x {ROUNDS} x 4 lookups: {:?}", start.elapsed());
}

const NETNS_CHILD: &str = "SOCKAPI_NETDB_NETNS_CHILD";
const NETNS_DONE: &str = "<<netns-child-done>>";

/// In a fresh network namespace (no interface up, so no DNS query can leave): a name
/// outside `/etc/hosts` fails with `TRY_AGAIN` (the resolver cannot reach its
/// server) or `HOST_NOT_FOUND`, and so does an address outside it. The test re-runs
/// itself under `unshare -n`; where that is not allowed it skips, unless `CI` is set.
#[test]
fn unknown_hosts_fail_without_a_network() {
    if std::env::var_os(NETNS_CHILD).is_some() {
        for name in ["sockapi-no-such-host.invalid", "sockapi-no-such-host"] {
            let e = gethostbyname(name).unwrap_err();
            assert!(e == TRY_AGAIN || e == HOST_NOT_FOUND, "{name}: {e:?}");
        }
        let long = "a".repeat(300);
        let e = gethostbyname(&long).unwrap_err();
        assert!(
            e == TRY_AGAIN || e == HOST_NOT_FOUND || e.errno().is_some(),
            "{e:?}"
        );
        let e = gethostbyaddr(Ipv4Addr::new(192, 0, 2, 1)).unwrap_err();
        assert!(e == TRY_AGAIN || e == HOST_NOT_FOUND, "{e:?}");
        println!("{NETNS_DONE}");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("unshare")
        .args(["-n", "--"])
        .arg(exe)
        .args([
            "--exact",
            "unknown_hosts_fail_without_a_network",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(NETNS_CHILD, "1")
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => return skip(&format!("`unshare` cannot run ({e})")),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && stderr.starts_with("unshare:") {
        return skip(&format!("`unshare -n` failed: {}", stderr.trim()));
    }
    assert!(
        out.status.success() && stdout.contains(NETNS_DONE),
        "child in a fresh network namespace failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
}

fn skip(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{why}; CI is set, so this test does not skip");
    }
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {why}; to run this test, run as root or allow user namespaces"
    );
}

/// A `&CStr` name (passed to C as it is) gives what the `&str` gives, for every name
/// call; `c""` is C's `""`.
#[test]
fn cstr_names_give_what_str_names_give() {
    use std::ffi::CString;
    if !database("/etc/services") || !database("/etc/protocols") {
        return;
    }
    let http = getservbyname("http", "tcp").unwrap();
    assert!(http.is_some());
    assert_eq!(getservbyname(c"http", c"tcp").unwrap(), http);
    assert_eq!(getservbyname(c"http", "tcp").unwrap(), http);
    assert_eq!(getservbyname("http", c"tcp").unwrap(), http);
    let name = CString::new("http").unwrap();
    assert_eq!(getservbyname(&name, &String::from("tcp")).unwrap(), http);
    assert_eq!(
        getservbyname(c"domain", None),
        getservbyname("domain", None)
    );
    assert_eq!(
        getservbyport(htons(80), c"tcp"),
        getservbyport(htons(80), "tcp")
    );
    assert_eq!(getprotobyname(c"udp"), getprotobyname("udp"));
    assert_eq!(getprotobyname(c"sockapi-none"), Ok(None));
    assert_eq!(gethostbyname(c"localhost"), gethostbyname("localhost"));
    assert_eq!(
        gethostbyname(c"256.1.1.1").unwrap_err(),
        gethostbyname("256.1.1.1").unwrap_err()
    );
    // Empty names: what C answers for "", not found.
    assert_eq!(getservbyname(c"", c"tcp"), Ok(None));
    assert_eq!(getservbyname(c"", c"tcp"), getservbyname("", "tcp"));
    assert_eq!(getservbyname(c"http", c""), getservbyname("http", ""));
    assert_eq!(getservbyport(htons(80), c""), getservbyport(htons(80), ""));
    assert_eq!(getprotobyname(c""), Ok(None));
    assert_eq!(getprotobyname(c""), getprotobyname(""));
}
