//! What the wall-clock benchmarks (`peers`, `scale`) share: the process pinned to one
//! CPU, the descriptor limit raised, a bulk connection drained, and the quartiles.

#![allow(dead_code)] // each bench uses its own part

use std::mem;
use std::net::TcpStream;
use std::os::fd::OwnedFd;
use std::time::Duration;

use sockapi as sa;

/// The soft `RLIMIT_NOFILE` raised to the hard one; returns the new limit.
pub fn raise_nofile() -> libc::rlim_t {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a writable rlimit.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: a valid rlimit whose soft limit is the hard one.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    lim.rlim_cur
}

/// The process on one CPU: threads made after this share it, so that a round trip is
/// the same two context switches each time instead of a cross-CPU wake-up whose cost
/// depends on what the other CPU is doing.
pub fn pin(cpu: usize) {
    // SAFETY: zeroes are an empty cpu_set_t; CPU_SET writes within it for any cpu
    // below CPU_SETSIZE, which the assertion checks first.
    unsafe {
        let mut set: libc::cpu_set_t = mem::zeroed();
        assert!(cpu < libc::CPU_SETSIZE as usize, "--cpu {cpu}: no such CPU");
        libc::CPU_SET(cpu, &mut set);
        if libc::sched_setaffinity(0, mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            panic!(
                "sched_setaffinity({cpu}): {}",
                std::io::Error::last_os_error()
            );
        }
    }
}

/// Waits until the drain thread has read all that was sent on `c` and the kernel has
/// it acknowledged (`SIOCOUTQ` 0).
pub fn wait_drained(c: &TcpStream) {
    while sa::ioctl(c, sa::SIOCOUTQ).expect("SIOCOUTQ") > 0 {
        std::thread::sleep(Duration::from_micros(100));
    }
}

pub fn quantiles(v: &[f64]) -> (f64, f64, f64) {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| {
        let pos = p * (s.len() - 1) as f64;
        let lo = pos.floor() as usize;
        let hi = (lo + 1).min(s.len() - 1);
        s[lo] + (s[hi] - s[lo]) * (pos - lo as f64)
    };
    (q(0.25), q(0.5), q(0.75))
}

/// Both ends of socketpairs, made first so that the first 1,000 are below
/// FD_SETSIZE; `ends[0]` is readable (its peer wrote a byte nobody reads).
pub struct Fds {
    pub ends: Vec<OwnedFd>,
}

impl Fds {
    pub fn new(count: usize) -> Fds {
        let mut ends = Vec::with_capacity(count + 1);
        while ends.len() < count {
            let (a, b) = sa::socketpair(sa::AF_UNIX, sa::SOCK_STREAM | sa::SOCK_CLOEXEC, 0)
                .expect("socketpair");
            ends.push(OwnedFd::from(a));
            ends.push(OwnedFd::from(b));
        }
        // ends[0] readable: its peer ends[1] writes one byte. With an odd count the
        // last pair's second end is kept, unwatched, so that the pair stays open.
        assert_eq!(sa::send(&ends[1], b"r", 0), Ok(1));
        Fds { ends }
    }

    pub fn watched(&self, n: usize) -> &[OwnedFd] {
        &self.ends[..n]
    }
}
