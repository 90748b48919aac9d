//! No `addrinfo` list leaks, on any path: many lookups — found, not found, bad hints,
//! a NUL inside a name, lists dropped at once, kept and iterated, sent to another
//! thread, dropped during a panic — run under valgrind's memcheck, which must find
//! nothing lost and no uninitialised byte read (`getnameinfo` on short `AF_UNIX`
//! addresses included).
//!
//! Its own binary (`harness = false`): it runs itself under valgrind, and valgrind's
//! count covers the whole process. Without valgrind it says how to install it and
//! passes, unless `CI` is set (then it fails).

use std::process::Command;

use sockapi::*;

mod common;

const CHILD_VAR: &str = "SOCKAPI_ADDRINFO_LEAKS_CHILD";
const ROUNDS: usize = 200;

fn hints(flags: AiFlags, family: AddressFamily, ty: SockType) -> AddrInfoHints {
    let mut h = AddrInfoHints::default();
    h.ai_flags = flags;
    h.ai_family = family;
    h.ai_socktype = ty;
    h
}

/// The lookups whose lists must all be freed.
fn lookups() {
    let numeric = hints(AI_NUMERICHOST | AI_NUMERICSERV, AF_UNSPEC, SOCK_STREAM);
    let any = AddrInfoHints::default();
    let mut kept = Vec::new();
    for i in 0..ROUNDS {
        // Found: dropped at once, iterated, or kept for later.
        drop(getaddrinfo(Some("127.0.0.1"), Some("80"), Some(&numeric)));
        let list = getaddrinfo(Some("localhost"), Some("http"), Some(&any)).expect("localhost");
        assert!(list.iter().count() >= 1);
        if i % 10 == 0 {
            kept.push(list);
        }
        let canon = hints(AI_CANONNAME, AF_INET, SOCK_STREAM);
        let list = getaddrinfo(Some("localhost"), None, Some(&canon)).expect("canonname");
        assert!(list.first().ai_canonname().is_some());
        // Not found, bad hints, a NUL: no list at all.
        assert!(getaddrinfo(Some("localhost"), None, Some(&numeric)).is_err());
        assert!(getaddrinfo(Some("127.0.0.1"), Some("no-such-service"), Some(&numeric)).is_err());
        let mut bad = numeric;
        bad.ai_family = AddressFamily::from_raw(12345);
        assert!(getaddrinfo(Some("127.0.0.1"), None, Some(&bad)).is_err());
        assert!(getaddrinfo(Some("a\0b"), None, None).is_err());
        assert!(getaddrinfo(None, None, None).is_err());
        // A long name goes through the heap.
        let long = "x".repeat(300);
        assert!(getaddrinfo(Some(long.as_str()), None, Some(&numeric)).is_err());
        // getnameinfo reads no byte past a short AF_UNIX address.
        let short = SockAddr::from_bytes(&[1, 0, b'x', b'y']).expect("bytes");
        let _ = getnameinfo(&short, NI_NUMERICHOST);
        let _ = getnameinfo(&SockAddr::unnamed(), 0);
        // getnameinfo writes into inline buffers.
        let addr = list.first().ai_addr();
        assert!(getnameinfo(&addr, NI_NUMERICHOST | NI_NUMERICSERV).is_ok());
    }
    // Freed on another thread.
    let list = getaddrinfo(Some("::1"), Some("443"), Some(&numeric)).expect("::1");
    std::thread::spawn(move || drop(list)).join().unwrap();
    // Freed while a panic unwinds.
    let unwound = std::panic::catch_unwind(|| {
        let _list = getaddrinfo(Some("127.0.0.1"), Some("1"), Some(&numeric)).expect("1");
        panic!("on purpose, with a list alive");
    });
    assert!(unwound.is_err());
    drop(kept);
}

fn main() {
    if std::env::var_os(CHILD_VAR).is_some() {
        std::panic::set_hook(Box::new(|_| {}));
        lookups();
        println!("lookups done");
        return;
    }
    if common::skip_when_sanitized(
        "addrinfo_leaks under valgrind",
        "valgrind cannot run an instrumented binary (the sanitizer's runtime reserves the \
         shadow memory and replaces malloc); the lookups run in this process instead, \
         for the sanitizer's own leak check at exit",
    ) {
        // The lookups panic on purpose, with a list alive (as in the child).
        std::panic::set_hook(Box::new(|_| {}));
        lookups();
        println!("ok     {ROUNDS} rounds of lookups in-process (leaks: the sanitizer, at exit)");
        println!("addrinfo_leaks: 1 passed, 0 failed");
        return;
    }
    if !common::tool_runs(
        "valgrind",
        "--version",
        "install valgrind (apt-get install -y valgrind)",
    ) {
        println!("addrinfo_leaks: skipped (no valgrind)");
        return;
    }
    let exe = std::env::current_exe().expect("current_exe");
    let out = Command::new("valgrind")
        .args([
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect",
            "--error-exitcode=99",
            "--quiet",
        ])
        .arg(&exe)
        .env(CHILD_VAR, "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run valgrind");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("lookups done"),
        "valgrind found a problem ({}):\n{stderr}\n{stdout}",
        out.status
    );
    println!("ok     {ROUNDS} rounds of lookups under valgrind: nothing lost");
    println!("addrinfo_leaks: 1 passed, 0 failed");
}
