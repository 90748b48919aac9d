//! The text of an error: `Errno`'s `Display` and `Debug`, `strerror`, `perror`.
//!
//! `strerror` is compared with the C library's own `strerror_r`, called here. `perror`
//! writes to the process's stderr descriptor, so each `perror` test re-runs this test
//! binary as a child (`current_exe() --exact NAME --nocapture`, with
//! `SOCKAPI_ERRNO_TEXT_CHILD=NAME`) in which the same test function calls `perror`;
//! the parent compares the child's whole stderr byte for byte. libtest writes its own
//! lines to stdout, and the trace variable is removed, so nothing else reaches stderr.

use std::ffi::{c_int, CStr};
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use sockapi::*;

mod common;

/// The values whose text is checked: every errno Linux has and far beyond, negatives,
/// and the extremes.
fn all_values() -> impl Iterator<Item = c_int> {
    (-64..=4096).chain([c_int::MIN, c_int::MIN + 1, c_int::MAX, 1 << 20, -(1 << 20)])
}

/// The C library's text for `errnum`, from the XSI `strerror_r` with a buffer far
/// larger than `StrError`'s.
fn c_strerror(errnum: c_int) -> String {
    let mut buf = [0u8; 1024];
    // SAFETY: `buf` is writable for `buf.len()` bytes; the XSI `strerror_r` writes at
    // most that many, NUL included.
    let rc = unsafe { libc::strerror_r(errnum, buf.as_mut_ptr().cast(), buf.len()) };
    assert_ne!(rc, libc::ERANGE, "1024 bytes too short for errno {errnum}");
    CStr::from_bytes_until_nul(&buf)
        .unwrap_or_else(|_| panic!("no NUL in the text of errno {errnum}"))
        .to_str()
        .unwrap_or_else(|_| panic!("the text of errno {errnum} is not UTF-8"))
        .to_owned()
}

// ---------------------------------------------------------------------------------
// Display and Debug of Errno

#[test]
fn debug_is_display() {
    assert_eq!(
        format!("{:?}", Errno::ECONNREFUSED),
        "ECONNREFUSED (Connection refused)"
    );
    assert_eq!(
        format!("{:?}", Errno::from_raw(4242)),
        "E? 4242 (Unknown error 4242)"
    );
    assert_eq!(format!("{:?}", Errno::from_raw(0)), "Success");
    assert_eq!(
        format!("{:?}", Errno::from_raw(-1)),
        "E? -1 (Unknown error -1)"
    );
    for raw in all_values() {
        let e = Errno::from_raw(raw);
        assert_eq!(format!("{e:?}"), e.to_string(), "errno {raw}");
        assert_eq!(format!("{e:#?}"), e.to_string(), "errno {raw}, {{:#?}}");
    }
}

#[test]
fn display_is_name_and_c_text() {
    assert_eq!(
        Errno::ECONNREFUSED.to_string(),
        "ECONNREFUSED (Connection refused)"
    );
    assert_eq!(
        Errno::EAFNOSUPPORT.to_string(),
        "EAFNOSUPPORT (Address family not supported by protocol)"
    );
    assert_eq!(
        Errno::from_raw(4242).to_string(),
        "E? 4242 (Unknown error 4242)"
    );
    for raw in all_values().filter(|&raw| raw != 0) {
        let e = Errno::from_raw(raw);
        let expected = if e.is_known() {
            format!("{} ({})", e.name(), c_strerror(raw))
        } else {
            format!("E? {raw} ({})", c_strerror(raw))
        };
        assert_eq!(e.to_string(), expected);
    }
}

#[test]
fn zero_is_success() {
    let zero = Errno::from_raw(0);
    assert_eq!(zero.to_string(), "Success");
    assert_eq!(format!("{zero:?}"), "Success");
    assert_eq!(zero.name(), "E?");
    assert!(!zero.is_known());
    assert_eq!(strerror(zero), "Success");
}

#[test]
fn debug_of_a_result() {
    assert_eq!(
        format!("{:?}", Err::<(), _>(Errno::ECONNREFUSED)),
        "Err(ECONNREFUSED (Connection refused))"
    );
    assert_eq!(
        format!("{:?}", Err::<(), _>(Errno::from_raw(4242))),
        "Err(E? 4242 (Unknown error 4242))"
    );
    let e = Errno::ECONNREFUSED;
    // What std's `Termination` prints for a `main` that returns `Err(e)`.
    assert_eq!(
        format!("Error: {e:?}"),
        "Error: ECONNREFUSED (Connection refused)"
    );
}

/// The real thing: std's `Termination::report` for the `Result` a `main` returns,
/// which writes `Error: {e:?}` to stderr.
#[test]
fn main_returning_err_explains_it() {
    const NAME: &str = "main_returning_err_explains_it";
    if in_child(NAME) {
        fn main() -> sockapi::Result<()> {
            Err(Errno::ECONNREFUSED)
        }
        let code = std::process::Termination::report(main());
        assert_eq!(code, std::process::ExitCode::FAILURE);
        return;
    }
    assert_eq!(
        run_child(NAME).stderr,
        b"Error: ECONNREFUSED (Connection refused)\n"
    );
}

// ---------------------------------------------------------------------------------
// From<c_int>

#[test]
fn errno_from_c_int() {
    assert_eq!(Errno::from(libc::ECONNREFUSED), Errno::ECONNREFUSED);
    let e: Errno = libc::EAGAIN.into();
    assert_eq!(e, Errno::EWOULDBLOCK);
    for raw in all_values() {
        assert_eq!(Errno::from(raw), Errno::from_raw(raw));
        assert_eq!(Errno::from(raw).raw(), raw);
    }
    #[cfg(target_os = "linux")]
    assert_eq!(Errno::from(111), Errno::ECONNREFUSED);
}

// ---------------------------------------------------------------------------------
// strerror

#[test]
fn strerror_is_the_c_text() {
    assert_eq!(strerror(Errno::ECONNREFUSED), "Connection refused");
    assert_eq!(strerror(libc::ECONNREFUSED), "Connection refused");
    assert_eq!(strerror(Errno::EAGAIN), "Resource temporarily unavailable");
    assert_eq!(strerror(Errno::ENOTSOCK), "Socket operation on non-socket");
    assert_eq!(strerror(0), "Success");
    assert_eq!(strerror(4242), "Unknown error 4242");
    assert_eq!(strerror(-1), "Unknown error -1");
    assert_eq!(strerror(c_int::MIN), "Unknown error -2147483648");
    #[cfg(target_os = "linux")]
    assert_eq!(strerror(111), "Connection refused");
    for raw in [
        libc::EPERM,
        libc::EINTR,
        libc::EINPROGRESS,
        libc::EADDRINUSE,
        libc::EAFNOSUPPORT,
        libc::EHWPOISON,
    ] {
        assert_eq!(strerror(raw), *c_strerror(raw), "errno {raw}");
        assert_eq!(strerror(Errno::from_raw(raw)), strerror(raw), "errno {raw}");
    }
}

/// Every text whole: the same as the C library's from a buffer eight times as large.
#[test]
fn strerror_is_whole_for_every_value() {
    for raw in all_values() {
        let ours = strerror(raw);
        let c = c_strerror(raw);
        assert!(!ours.is_empty(), "errno {raw}: empty text");
        assert_eq!(ours, *c, "errno {raw}");
        assert!(ours.len() < 127, "errno {raw}: {} bytes", ours.len());
    }
}

#[test]
fn strerror_reads_as_a_str() {
    let text = strerror(Errno::ECONNREFUSED);
    assert_eq!(format!("{text}"), "Connection refused");
    assert_eq!(format!("{text:?}"), r#""Connection refused""#);
    assert_eq!(format!("[{text:>20}]"), "[  Connection refused]");
    assert_eq!(format!("[{text:.10}]"), "[Connection]");
    // Deref, AsRef and as_str.
    assert_eq!(text.len(), 18);
    assert!(text.starts_with("Connection"));
    assert_eq!(AsRef::<str>::as_ref(&text), "Connection refused");
    assert_eq!(text.as_str(), "Connection refused");
    let s: &str = &text;
    assert_eq!(s, "Connection refused");
    // Comparisons both ways, with str, &str and another StrError.
    assert!(text == *"Connection refused");
    assert!(*"Connection refused" == text);
    assert!("Connection refused" == text);
    assert!(text != "Connection reset by peer");
    assert_eq!(strerror(Errno::EWOULDBLOCK), strerror(Errno::EAGAIN));
    assert_ne!(strerror(Errno::ECONNRESET), text);
    // Copy: the value stays usable after being moved twice.
    let (a, b) = (text, text);
    assert_eq!(a, b);
    assert_eq!(text.clone(), text);
    // Hash agrees with Eq.
    let set: std::collections::HashSet<StrError> =
        [strerror(libc::EAGAIN), strerror(libc::EWOULDBLOCK)]
            .into_iter()
            .collect();
    assert_eq!(set.len(), 1);
}

// ---------------------------------------------------------------------------------
// perror, in a child process

const CHILD_VAR: &str = "SOCKAPI_ERRNO_TEXT_CHILD";
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// Whether this process is the child that runs test `name`'s scenario.
fn in_child(name: &str) -> bool {
    std::env::var_os(CHILD_VAR).is_some_and(|v| v == name)
}

fn set_errno(raw: c_int) {
    errno::set_errno(errno::Errno(raw));
}

struct ChildRun {
    status: ExitStatus,
    stdout: String,
    stderr: Vec<u8>,
}

/// Kills and reaps the child however the test ends.
struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn collect(mut r: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = r.read_to_end(&mut bytes);
        bytes
    })
}

/// Runs `cmd` to its end, bounded by [`RUN_LIMIT`] (polling bounds the wait, it
/// orders nothing), with stdin closed and the trace variable removed. stderr goes to
/// `stderr`, or is collected when that is `None`.
fn run_bounded(cmd: &mut Command, stderr: Option<Stdio>) -> ChildRun {
    let what = format!("{cmd:?}");
    let collect_stderr = stderr.is_none();
    let mut child = ChildGuard(
        cmd.env_remove("SOCKAPI_TRACE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr.unwrap_or_else(Stdio::piped))
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {what}: {e}")),
    );
    let stdout = collect(child.0.stdout.take().expect("stdout"));
    let stderr = collect_stderr.then(|| collect(child.0.stderr.take().expect("stderr")));
    let deadline = Instant::now() + RUN_LIMIT;
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("try_wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "{what} still running after {RUN_LIMIT:?}: killed"
        );
        thread::sleep(Duration::from_millis(10));
    };
    ChildRun {
        status,
        stdout: String::from_utf8_lossy(&stdout.join().expect("stdout reader")).into_owned(),
        stderr: stderr.map_or_else(Vec::new, |r| r.join().expect("stderr reader")),
    }
}

/// The command that re-runs this binary for test `name` alone, as its child.
fn child_cmd(name: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("current_exe"));
    cmd.args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD_VAR, name);
    cmd
}

/// Checks that the child ran test `name` (and only it) and passed.
fn check_child(name: &str, run: &ChildRun) {
    assert!(
        run.status.success() && run.stdout.contains("test result: ok. 1 passed"),
        "child {name} failed or did not run: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        run.status,
        run.stdout,
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Runs test `name`'s scenario in a child; returns what it wrote.
fn run_child(name: &str) -> ChildRun {
    let run = run_bounded(&mut child_cmd(name), None);
    check_child(name, &run);
    run
}

/// The child's scenario: `perror(prefix)` with `errno` set to `raw`, which `perror`
/// leaves as it was.
fn perror_with(raw: c_int, prefix: &str) {
    set_errno(raw);
    perror(prefix);
    assert_eq!(Errno::last(), Errno::from_raw(raw), "perror changed errno");
}

#[test]
fn perror_prints_prefix_colon_text() {
    const NAME: &str = "perror_prints_prefix_colon_text";
    if in_child(NAME) {
        return perror_with(libc::EAFNOSUPPORT, "prefix");
    }
    assert_eq!(
        String::from_utf8_lossy(&run_child(NAME).stderr),
        "prefix: Address family not supported by protocol\n"
    );
}

/// As C code uses it: right after the call that failed.
#[test]
fn perror_after_a_failed_call() {
    const NAME: &str = "perror_after_a_failed_call";
    if in_child(NAME) {
        if socket(AddressFamily::from_raw(9999), SOCK_STREAM, 0).is_err() {
            perror("socket");
        }
        assert_eq!(Errno::last(), Errno::EAFNOSUPPORT);
        return;
    }
    assert_eq!(
        String::from_utf8_lossy(&run_child(NAME).stderr),
        "socket: Address family not supported by protocol\n"
    );
}

/// C prints the text alone for `""` (and `NULL`).
#[test]
fn perror_empty_prefix_prints_the_text_alone() {
    const NAME: &str = "perror_empty_prefix_prints_the_text_alone";
    if in_child(NAME) {
        return perror_with(libc::ECONNREFUSED, "");
    }
    assert_eq!(run_child(NAME).stderr, b"Connection refused\n");
}

#[test]
fn perror_errno_zero_and_unknown() {
    const NAME: &str = "perror_errno_zero_and_unknown";
    if in_child(NAME) {
        perror_with(0, "zero");
        return perror_with(4242, "unknown");
    }
    assert_eq!(
        String::from_utf8_lossy(&run_child(NAME).stderr),
        "zero: Success\nunknown: Unknown error 4242\n"
    );
}

/// The caller's bytes are printed as given, as C does.
#[test]
fn perror_prints_the_prefix_as_given() {
    const NAME: &str = "perror_prints_the_prefix_as_given";
    const PREFIX: &str = "a\tb\x1b[1m\u{e9}\r";
    if in_child(NAME) {
        return perror_with(libc::EPIPE, PREFIX);
    }
    assert_eq!(
        run_child(NAME).stderr,
        format!("{PREFIX}: Broken pipe\n").into_bytes()
    );
}

/// A failed write to stderr (`ENOSPC` on `/dev/full`) does not leave its `errno`
/// behind: the child's check after `perror` sees the value from before.
#[cfg(target_os = "linux")]
#[test]
fn perror_leaves_errno_as_it_was_when_the_write_fails() {
    const NAME: &str = "perror_leaves_errno_as_it_was_when_the_write_fails";
    if in_child(NAME) {
        return perror_with(libc::ECONNRESET, "prefix");
    }
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("open /dev/full");
    let run = run_bounded(&mut child_cmd(NAME), Some(full.into()));
    check_child(NAME, &run);
}

/// A prefix too long for the stack buffer is not cut.
#[test]
fn perror_long_prefix_is_whole() {
    const NAME: &str = "perror_long_prefix_is_whole";
    let prefix = "x".repeat(5000);
    if in_child(NAME) {
        return perror_with(libc::ETIMEDOUT, &prefix);
    }
    assert_eq!(
        String::from_utf8_lossy(&run_child(NAME).stderr),
        format!("{prefix}: Connection timed out\n")
    );
}

/// The child under `strace`: the `write` calls on fd 2, each as `strace` shows it up
/// to the length (`write(2, "…", N`), however the line ends (`= N` or
/// `<unfinished ...>`).
///
/// `None` when strace cannot run here (see `common::tool_runs`): the test passes
/// without running.
fn stderr_writes_under_strace(name: &str) -> Option<Vec<String>> {
    if !common::tool_runs("strace", "-V", "install strace (apt-get install strace)") {
        return None;
    }
    let log = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "strace-errno_text-{name}-{}.txt",
        std::process::id()
    ));
    let child = child_cmd(name);
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-s", "8192", "-e", "trace=write,writev"])
        .arg("-o")
        .arg(&log)
        .arg(child.get_program())
        .args(child.get_args());
    for (key, value) in child.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    common::leak_check_off_under_ptrace(&mut cmd);
    let run = run_bounded(&mut cmd, None);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    check_child(name, &run);
    let writes = text
        .lines()
        // With -f, each line starts with the thread id.
        .map(|line| {
            line.trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start()
        })
        .filter(|call| call.starts_with("write(2, ") || call.starts_with("writev(2, "))
        .map(|call| {
            // strace pads before the result: `write(2, "…", 6)      = 6`.
            let call = match call.rfind(" = ") {
                Some(at) => call[..at].trim_end().strip_suffix(')').unwrap_or(call),
                None => call.split(" <unfinished").next().unwrap_or(call),
            };
            call.to_owned()
        })
        .collect();
    Some(writes)
}

#[test]
fn perror_is_one_write() {
    const NAME: &str = "perror_is_one_write";
    if in_child(NAME) {
        return perror_with(libc::EAFNOSUPPORT, "prefix");
    }
    let Some(writes) = stderr_writes_under_strace(NAME) else {
        return;
    };
    assert_eq!(
        writes,
        [r#"write(2, "prefix: Address family not supported by protocol\n", 49"#]
    );
}

/// Past the stack buffer: the prefix, then the rest of the line; nothing cut.
#[test]
fn perror_long_prefix_is_two_writes() {
    const NAME: &str = "perror_long_prefix_is_two_writes";
    let prefix = "y".repeat(1000);
    if in_child(NAME) {
        return perror_with(libc::ETIMEDOUT, &prefix);
    }
    let Some(writes) = stderr_writes_under_strace(NAME) else {
        return;
    };
    assert_eq!(
        writes,
        [
            format!(r#"write(2, "{prefix}", 1000"#),
            r#"write(2, ": Connection timed out\n", 23"#.to_owned(),
        ]
    );
}
