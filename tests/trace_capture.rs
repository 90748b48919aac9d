//! `trace::capture` (doc(hidden); the `trace` fuzz target reads lines through it):
//! while it runs, this thread's lines go to the sink instead of stderr, and the sink
//! that was there before comes back afterwards, after a panic too. Its own binary:
//! the trace's on/off state is process-wide.
#![cfg(feature = "trace")]

use std::panic;
use std::sync::Mutex;

use sockapi::*;

static A: Mutex<Vec<String>> = Mutex::new(Vec::new());
static B: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn sink_a(line: &[u8]) {
    A.lock()
        .unwrap()
        .push(String::from_utf8(line.to_vec()).unwrap());
}

fn sink_b(line: &[u8]) {
    B.lock()
        .unwrap()
        .push(String::from_utf8(line.to_vec()).unwrap());
}

fn aton(text: &str) -> bool {
    let mut addr: in_addr = zeroed();
    inet_aton(text, &mut addr)
}

#[test]
fn capture_hands_this_threads_lines_to_the_sink_and_restores_the_last() {
    trace::enable();
    let ok = trace::capture(sink_b, || {
        assert!(trace::capture(sink_a, || aton("10.1")));
        // Back to the outer sink once the inner capture returns...
        assert!(!aton("x"));
        // ...and after it panicked.
        let unwound = panic::catch_unwind(|| {
            trace::capture(sink_a, || {
                aton("10.2");
                panic!("inside capture");
            })
        });
        assert!(unwound.is_err());
        aton("10.3")
    });
    trace::disable();
    assert!(ok);
    assert_eq!(
        *A.lock().unwrap(),
        [
            "inet_aton(\"10.1\", {s_addr=10.0.0.1}) = 1\n",
            "inet_aton(\"10.2\", {s_addr=10.0.0.2}) = 1\n",
        ]
    );
    assert_eq!(
        *B.lock().unwrap(),
        [
            "inet_aton(\"x\", ...) = 0\n",
            "inet_aton(\"10.3\", {s_addr=10.0.0.3}) = 1\n",
        ]
    );
}
