//! `SOCKAPI_FAULTS` (feature `fault`): this binary runs itself as a child with the
//! variable set (`harness = false`: the plan it starts is process-wide), and checks
//! the child's results and its trace marks; a malformed value prints one line and
//! starts no plan; an empty one starts none and says nothing.

use std::net::SocketAddr;
use std::process::{Command, Output};
use std::thread;

use sockapi::*;

const CHILD: &str = "SOCKAPI_FAULTS_TEST_CHILD";

/// The child: a few calls, each result on its own line of stdout.
fn child() {
    let fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socket");
    let to = SocketAddr::from(([127, 0, 0, 1], 80));
    if std::env::var(CHILD).as_deref() == Ok("faults") {
        // Only ever met with the plan on: the injected failure makes no syscall.
        println!("connect: {:?}", connect(&fd, &to).err());
    }
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0).expect("socketpair");
    println!("send: {:?}", send(&a, b"Hello", 0));
    // The plan is process-wide: another thread meets it too.
    let other = thread::spawn(move || send(&a, b"World", 0))
        .join()
        .expect("thread");
    println!("thread send: {other:?}");
    let mut buf = [0u8; 16];
    println!(
        "recv: {:?}",
        recv(&b, &mut buf, 0).map(|n| String::from_utf8_lossy(&buf[..n]).into_owned())
    );
    // A datagram: truncate drops its tail.
    let (x, y) = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).expect("socketpair");
    send(&x, b"datagram", 0).expect("send");
    println!("recvfrom: {:?}", recvfrom(&y, &mut buf, 0).map(|(n, _)| n));
    let mut hints = AddrInfoHints::default();
    hints.ai_flags = AI_NUMERICHOST;
    let res = getaddrinfo(Some("127.0.0.1"), None::<&str>, Some(&hints));
    println!("getaddrinfo: {:?}", res.err());
}

fn run_child(mode: &str, faults: &str, trace: bool) -> Output {
    let exe = std::env::current_exe().expect("current_exe");
    let mut cmd = Command::new(exe);
    cmd.env(CHILD, mode).env("SOCKAPI_FAULTS", faults);
    if trace {
        cmd.env("SOCKAPI_TRACE", "1");
    } else {
        cmd.env_remove("SOCKAPI_TRACE");
    }
    let out = cmd.output().expect("the child runs");
    assert!(out.status.success(), "{out:?}");
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn a_plan_from_the_environment() {
    let out = run_child(
        "faults",
        "connect:fail=ECONNRESET ; send:short=2:times=2; recvfrom:truncate=3; getaddrinfo:fail=EAI_AGAIN; seed=3",
        true,
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout,
        "connect: Some(ECONNRESET (Connection reset by peer))\n\
         send: Ok(2)\n\
         thread send: Ok(2)\n\
         recv: Ok(\"HeWo\")\n\
         recvfrom: Ok(3)\n\
         getaddrinfo: Some(EAI_AGAIN (Temporary failure in name resolution))\n",
    );
    if cfg!(feature = "trace") {
        let stderr = text(&out.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        let has = |start: &str, end: &str| {
            lines
                .iter()
                .any(|l| l.starts_with(start) && l.ends_with(end))
        };
        assert!(
            has("connect(", ", {AF_INET, 127.0.0.1:80}, 16) = -1 ECONNRESET (Connection reset by peer) (injected)"),
            "{stderr}"
        );
        assert!(
            has("send(", ", \"Hello\", 5, 0) = 2 (injected: short)"),
            "{stderr}"
        );
        assert!(
            has("send(", ", \"World\", 5, 0) = 2 (injected: short)"),
            "{stderr}"
        );
        assert!(has("recv(", ", \"HeWo\", 16, 0) = 4"), "{stderr}");
        assert!(
            has(
                "getaddrinfo(\"127.0.0.1\", NULL, ",
                ", ...) = EAI_AGAIN (Temporary failure in name resolution) (injected)"
            ),
            "{stderr}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with("recvfrom(")
                && l.contains(", \"dat\", 16, 0, ")
                && l.ends_with(") = 3 (injected: truncate)")),
            "{stderr}"
        );
        assert_eq!(
            lines.iter().filter(|l| l.contains("(injected")).count(),
            5,
            "{stderr}"
        );
    }
    println!("a_plan_from_the_environment ... ok");
}

fn a_malformed_plan_says_so_once_and_starts_nothing() {
    for (faults, why) in [
        ("sned:fail=EIO", "unknown call \"sned\""),
        (
            "send:short=2:sometimes",
            "\"sometimes\" in the rule for send",
        ),
        ("connect:short=1", "connect cannot meet short=1"),
    ] {
        let out = run_child("malformed", faults, false);
        assert_eq!(
            text(&out.stderr),
            format!("sockapi: SOCKAPI_FAULTS ignored: {why}\n")
        );
        assert_eq!(
            text(&out.stdout),
            "send: Ok(5)\nthread send: Ok(5)\nrecv: Ok(\"HelloWorld\")\nrecvfrom: Ok(8)\ngetaddrinfo: None\n",
            "{faults}: every call real"
        );
    }
    let out = run_child("empty", " ; ", false);
    assert_eq!(text(&out.stderr), "");
    assert!(text(&out.stdout).starts_with("send: Ok(5)\n"));
    println!("a_malformed_plan_says_so_once_and_starts_nothing ... ok");
}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    a_plan_from_the_environment();
    a_malformed_plan_says_so_once_and_starts_nothing();
    println!("fault_env: 2 passed");
}
