//! valgrind's memcheck over every call: runs the built `memcheck_calls` test binary
//! (`tests/memcheck_calls.rs`, every public call with its error paths, trace off and
//! on) under `valgrind --leak-check=full`, and requires 0 errors and 0 bytes
//! definitely lost. The one known false positive (a forged 1-byte address, see
//! `tests/memcheck.supp`) is suppressed, and nothing else.
//!
//! It builds nothing: `cargo test` builds `memcheck_calls` beside this binary, in
//! the same `deps` directory, and this test runs the newest one there. Without
//! valgrind it says how to install it and passes, unless `CI` is set (then it fails).
//! In a sanitizer build it skips: valgrind cannot run an instrumented binary, and the
//! sanitizer checks the same calls when `memcheck_calls` itself runs.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

mod common;

/// How long valgrind may take (it needs about ten seconds here) before the test kills
/// it and fails.
const LIMIT: Duration = Duration::from_secs(600);

/// The `memcheck_calls-<hash>` executable in `deps` (the directory this test binary
/// sits in) that the same `cargo test` built: the newest one built with this
/// binary's features (each feature set has its own hash there; `--build-info` says
/// which a binary has).
fn memcheck_calls_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let deps = exe.parent().expect("the test binary sits in target/…/deps");
    let mut found: Vec<(SystemTime, PathBuf)> = std::fs::read_dir(deps)
        .expect("read the deps directory")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| is_memcheck_calls(path))
        .filter_map(|path| {
            let modified = path.metadata().ok()?.modified().ok()?;
            Some((modified, path))
        })
        .collect();
    found.sort();
    let want = format!("memcheck_calls trace={}", cfg!(feature = "trace"));
    let matching = found.iter().rev().find(|(_, path)| {
        Command::new(path)
            .arg("--build-info")
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == want)
    });
    match matching {
        Some((_, path)) => path.clone(),
        None => panic!(
            "no memcheck_calls binary with {want:?} among {found:?}: a plain `cargo test` \
             builds it; `cargo test --test memcheck` alone does not (add \
             `--test memcheck_calls`)"
        ),
    }
}

/// `memcheck_calls-<hex hash>`, a regular file with an execute bit.
fn is_memcheck_calls(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some(hash) = name.strip_prefix("memcheck_calls-") else {
        return false;
    };
    hash.bytes().all(|b| b.is_ascii_hexdigit())
        && path
            .metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Reads a pipe to its end on a thread of its own, so a full pipe never stalls the
/// child.
fn collect(mut r: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = r.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

#[test]
fn every_call_under_memcheck() {
    if common::skip_when_sanitized(
        "every_call_under_memcheck",
        "valgrind cannot run an instrumented binary (the sanitizer's runtime reserves the \
         shadow memory and replaces malloc); memcheck_calls runs under the sanitizer instead",
    ) {
        return;
    }
    if !common::tool_runs(
        "valgrind",
        "--version",
        "install valgrind (apt-get install -y valgrind)",
    ) {
        return;
    }
    let calls = memcheck_calls_binary();
    let supp = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/memcheck.supp");
    let mut child = Command::new("valgrind")
        .args([
            "--error-exitcode=1",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
        ])
        .arg(format!("--suppressions={}", supp.display()))
        .arg(&calls)
        .env_remove("SOCKAPI_TRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start valgrind");
    let stdout = collect(child.stdout.take().expect("stdout"));
    let stderr = collect(child.stderr.take().expect("stderr"));
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for valgrind") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("valgrind still running after {LIMIT:?}: killed");
        }
        // Polls the deadline; nothing waits on this for ordering.
        thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    // valgrind's own lines (`==PID== …`), without the trace and perror lines.
    let summary: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("==") && l.contains("== "))
        .filter(|l| {
            l.contains("ERROR SUMMARY")
                || l.contains("definitely lost")
                || l.contains("indirectly lost")
                || l.contains("possibly lost")
                || l.contains("no leaks are possible")
        })
        .collect();
    let report = format!(
        "{} (status {status}):\n{}\n--- valgrind's stderr ---\n{stderr}\n--- stdout ---\n{stdout}",
        calls.display(),
        summary.join("\n")
    );
    assert!(status.success(), "memcheck failed: {report}");
    assert!(
        stdout.contains("memcheck_calls: every call made"),
        "memcheck_calls did not finish: {report}"
    );
    assert!(
        summary
            .iter()
            .any(|l| l.contains("ERROR SUMMARY: 0 errors")),
        "errors: {report}"
    );
    assert!(
        summary.iter().any(|l| l.contains("no leaks are possible"))
            || summary
                .iter()
                .any(|l| l.contains("definitely lost: 0 bytes in 0 blocks")),
        "a definite leak: {report}"
    );
    println!("{} under memcheck:", calls.display());
    for line in summary {
        println!("    {line}");
    }
}
