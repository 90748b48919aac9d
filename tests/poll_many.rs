//! 1,000 registered descriptors with one ready: `poll` reports exactly that one, for
//! each position in turn of a few, and nothing once it is read.
//!
//! Its own binary (`harness = false`): it holds 2,000 descriptors at once and checks
//! the count `poll` returns, which no other test's sockets may disturb.

use sockapi::*;

const PAIRS: usize = 1_000;

fn main() {
    let pairs: Vec<(Socket, Socket)> = (0..PAIRS)
        .map(|i| {
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)
                .unwrap_or_else(|e| panic!("socketpair {i}: {e} (RLIMIT_NOFILE too low?)"))
        })
        .collect();
    let mut fds: Vec<pollfd> = pairs.iter().map(|(_, b)| pollfd::new(b, POLLIN)).collect();
    assert_eq!(poll(&mut fds, 0), Ok(0), "nothing sent yet");

    let mut checked = 0;
    for ready in [0, 1, 499, 777, PAIRS - 1] {
        assert_eq!(send(&pairs[ready].0, b"x", 0), Ok(1));
        assert_eq!(poll(&mut fds, 10_000), Ok(1), "one of {PAIRS} is ready");
        let found: Vec<usize> = fds
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.revents.is_empty())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(found, [ready]);
        assert_eq!(fds[ready].revents, POLLIN);
        let mut buf = [0u8; 1];
        assert_eq!(recv(&pairs[ready].1, &mut buf, 0), Ok(1));
        assert_eq!(poll(&mut fds, 0), Ok(0), "read again: none ready");
        checked += 1;
    }
    // The highest descriptor number is far above 1,000: no FD_SETSIZE here.
    let highest = fds.iter().map(|p| p.fd).max().unwrap();
    assert!(highest >= PAIRS as i32, "highest fd {highest}");
    println!("ok     poll over {PAIRS} descriptors (up to fd {highest}) finds exactly the ready one ({checked} positions)");
    println!("poll_many: 1 passed, 0 failed");
}
