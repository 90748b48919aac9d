//! Batch datagrams: a UDP echo on loopback with `recvmmsg`/`sendmmsg` in batches of
//! 32 against the `recvfrom`/`sendto` loop, and the same two echoes in C, interleaved
//! round by round in one run. See `docs/performance/batch.md` for the results and
//! how to read them.
//!
//! ```text
//! cargo bench --bench batch                      # 20 rounds of 20,000 datagrams each
//! cargo bench --bench batch -- --quick           # 3 rounds of 5,000: a smoke test
//! cargo build --release --examples && cargo bench --bench batch -- --examples
//! ```
//!
//! Options: `--rounds N`, `--datagrams N` (per contender and round), `--quick`,
//! `--examples` (adds `udp_server` and `udp_server --batch 32`, the built example
//! binaries in `target/release/examples`, served by this bench's batch client),
//! `--only NAME[,NAME…]` (run only these contenders, e.g. under `strace -c -f`),
//! `--c-probe PATH` (a `batch_probe` built by hand instead of with `cc`).
//!
//! Each contender is the same echo with the same layout, in a process of its own
//! started for the round (this bench runs itself with `--child`; the C probe is its
//! own program), so that no contender runs in a warmer process than another: a server
//! thread that sends every datagram back to its sender, and the main thread as the
//! client, which keeps a window of 64 datagrams (two batches) of 64 bytes in flight.
//! The window is what keeps loopback from dropping anything: a UDP socket's default
//! receive buffer holds about 256 such datagrams here, so at most 64 queued never
//! overflow it; every echo is checked (its length, its sender, a sequence number not
//! seen before and the pattern that goes with it) and every count verified, so a drop
//! would fail the round (as a 5-second receive timeout) instead of flattering it.
//!
//! - `sockapi-plain`: server `recvfrom` + `sendto` per datagram; client `sendto` per
//!   datagram, `recvfrom` per echo, each echo answered by one new datagram.
//! - `sockapi-batch`: server `recvmmsg` (32 entries, `MSG_WAITFORONE`: the first
//!   datagram, then what is queued) + one `sendmmsg` of what came; client `sendmmsg`
//!   of as many new datagrams as one `recvmmsg` (`MSG_WAITFORONE`) brought echoes.
//! - `c-plain`, `c-batch`: the same, in C (`benches/c/batch_probe.c`, built at the
//!   start with the `cc` crate at `-O2`).
//! - with `--examples`, `udp_server` and `udp_server--batch32`: the example servers
//!   (started once, each its own process), with the `sockapi-batch` client.
//!
//! Per contender and round, measured inside its process: the wall time from the
//! client's first send to its last echo, the process's user and system time and
//! voluntary context switches over it (`getrusage(RUSAGE_SELF)`, both threads), and
//! the calls each side made. Each round runs the contenders in a shuffled order
//! (fixed seed). The summary gives, per contender, the median rate, the spread, the
//! CPU and the syscalls per datagram, and the median over rounds of each ratio taken
//! within one round.

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("batch: recvmmsg and sendmmsg are Linux's: nothing to measure on this OS");
}

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    linux::main()
}

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{BufRead, BufReader, IoSlice, IoSliceMut};
    use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, ExitCode, Stdio};
    use std::thread;
    use std::time::Instant;

    use sockapi::*;

    /// Bytes per datagram.
    const DGRAM: usize = 64;
    /// Datagrams per `recvmmsg`/`sendmmsg`, at most.
    const BATCH: usize = 32;
    /// Datagrams in flight: two batches.
    const WINDOW: usize = 2 * BATCH;
    /// Receive buffer per datagram: room to spare, so a longer echo shows as one.
    const BUF: usize = 2048;
    /// A receive waits this long at most: a lost datagram fails the round.
    const PEER_LIMIT: timeval = timeval {
        tv_sec: 5,
        tv_usec: 0,
    };

    const USAGE: &str = "usage: batch [--quick] [--rounds N] [--datagrams N] [--examples] \
        [--only NAME[,NAME...]] [--c-probe PATH]";

    type R<T> = Result<T, String>;

    /// A failed call, named.
    fn call<T>(name: &str, r: sockapi::Result<T>) -> R<T> {
        r.map_err(|e| format!("{name}: {e}"))
    }

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Kind {
        SockapiPlain,
        SockapiBatch,
        CPlain,
        CBatch,
        ExamplePlain,
        ExampleBatch,
    }

    const ALL: [Kind; 6] = [
        Kind::SockapiPlain,
        Kind::SockapiBatch,
        Kind::CPlain,
        Kind::CBatch,
        Kind::ExamplePlain,
        Kind::ExampleBatch,
    ];

    impl Kind {
        fn name(self) -> &'static str {
            match self {
                Kind::SockapiPlain => "sockapi-plain",
                Kind::SockapiBatch => "sockapi-batch",
                Kind::CPlain => "c-plain",
                Kind::CBatch => "c-batch",
                Kind::ExamplePlain => "udp_server",
                Kind::ExampleBatch => "udp_server--batch32",
            }
        }

        fn is_c(self) -> bool {
            matches!(self, Kind::CPlain | Kind::CBatch)
        }

        fn is_example(self) -> bool {
            matches!(self, Kind::ExamplePlain | Kind::ExampleBatch)
        }
    }

    /// One contender's round.
    #[derive(Clone, Copy, Default)]
    struct Sample {
        ns: u64,
        user_us: u64,
        sys_us: u64,
        /// Voluntary context switches: the times a thread slept, waiting.
        vcsw: u64,
        client_calls: u64,
        /// 0 for the examples, whose calls this process does not see.
        server_calls: u64,
        server_recvs: u64,
    }

    struct Opts {
        rounds: usize,
        datagrams: u64,
        examples: bool,
        only: Option<Vec<Kind>>,
        c_probe: Option<PathBuf>,
    }

    fn parse_opts() -> R<Opts> {
        let mut opts = Opts {
            rounds: 20,
            datagrams: 20_000,
            examples: false,
            only: None,
            c_probe: None,
        };
        let (mut rounds, mut datagrams) = (None, None);
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut value = |what: &str| args.next().ok_or(format!("{what} needs a value"));
            match arg.as_str() {
                // What `cargo bench` passes to every bench.
                "--bench" => {}
                "--quick" => {
                    opts.rounds = 3;
                    opts.datagrams = 5_000;
                }
                "--rounds" => rounds = Some(value("--rounds")?),
                "--datagrams" => datagrams = Some(value("--datagrams")?),
                "--examples" => opts.examples = true,
                "--c-probe" => opts.c_probe = Some(value("--c-probe")?.into()),
                "--only" => {
                    let names = value("--only")?;
                    let kinds = names
                        .split(',')
                        .map(|n| {
                            ALL.into_iter()
                                .find(|k| k.name() == n)
                                .ok_or(format!("no contender {n:?}"))
                        })
                        .collect::<R<Vec<_>>>()?;
                    opts.only = Some(kinds);
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if let Some(n) = rounds {
            opts.rounds = n
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .ok_or("--rounds: a positive number")?;
        }
        if let Some(n) = datagrams {
            opts.datagrams = n
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .ok_or("--datagrams: a positive number")?;
        }
        Ok(opts)
    }

    pub fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if let Some(child) = args.strip_prefix(&["--child".to_owned()]) {
            return match run_child(child) {
                Ok(sample) => {
                    println!("{}", sample.to_line());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("batch --child: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        let opts = match parse_opts() {
            Ok(opts) => opts,
            Err(e) => {
                eprintln!("batch: {e}\n{USAGE}");
                return ExitCode::from(2);
            }
        };
        match run(&opts) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("batch: {e}");
                ExitCode::FAILURE
            }
        }
    }

    fn run(opts: &Opts) -> R<()> {
        let kinds: Vec<Kind> = match &opts.only {
            Some(only) => only.clone(),
            None => ALL
                .into_iter()
                .filter(|k| opts.examples || !k.is_example())
                .collect(),
        };
        print_machine();
        println!(
            "{} rounds x {} datagrams of {DGRAM} bytes per contender, batches of {BATCH}, \
             window {WINDOW}; each round runs {} in a shuffled order",
            opts.rounds,
            opts.datagrams,
            kinds
                .iter()
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(", ")
        );

        let _scratch;
        let probe = if kinds.iter().any(|k| k.is_c()) {
            match &opts.c_probe {
                Some(path) => path.clone(),
                None => {
                    let (dir, exe) = build_probe()?;
                    _scratch = dir;
                    exe
                }
            }
        } else {
            PathBuf::new()
        };
        let mut servers = Vec::new();
        for kind in [Kind::ExamplePlain, Kind::ExampleBatch] {
            if kinds.contains(&kind) {
                servers.push((kind, ExampleServer::start(kind == Kind::ExampleBatch)?));
            }
        }
        let server_of = |kind| {
            servers
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, s)| s.addr)
                .expect("started above")
        };

        let me = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); kinds.len()];
        let mut rng = Shuffle(0x9e37_79b9_7f4a_7c15);
        for round in 0..opts.rounds {
            let mut line = format!("round {:>2}:", round + 1);
            for at in rng.order(kinds.len()) {
                let kind = kinds[at];
                let d = opts.datagrams;
                let (program, args) = match kind {
                    Kind::SockapiPlain => (&me, child_args("plain", d, None)),
                    Kind::SockapiBatch => (&me, child_args("batch", d, None)),
                    Kind::CPlain => (&probe, probe_args("plain", d)),
                    Kind::CBatch => (&probe, probe_args("batch", d)),
                    Kind::ExamplePlain | Kind::ExampleBatch => {
                        (&me, child_args("client", d, Some(server_of(kind))))
                    }
                };
                let sample = run_measured(program, &args)
                    .map_err(|e| format!("round {}, {}: {e}", round + 1, kind.name()))?;
                line += &format!("  {} {:.0}/s", kind.name(), rate(&sample, d));
                samples[at].push(sample);
            }
            println!("{line}");
        }
        for (kind, server) in &mut servers {
            let errors = server.stop();
            if !errors.is_empty() {
                return Err(format!("{} reported errors:\n{errors}", kind.name()));
            }
        }
        report(&kinds, &samples, opts.datagrams);
        if kinds.contains(&Kind::SockapiBatch) {
            let ns = bookkeeping_ns();
            println!(
                "\nsockapi batch server's bookkeeping per batch of {BATCH} (entries made, \
                 lengths and senders read; no syscall): {ns:.0} ns, {:.1} ns per datagram",
                ns / BATCH as f64
            );
        }
        Ok(())
    }

    /// The order of each round: a fixed-seed xorshift shuffle, so that no contender
    /// always follows the same other one (what ran just before can matter: the
    /// machine's load, its caches) and a run can be repeated.
    struct Shuffle(u64);

    impl Shuffle {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        /// `0..n` shuffled (Fisher-Yates).
        fn order(&mut self, n: usize) -> Vec<usize> {
            let mut v: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                v.swap(i, (self.next() % (i as u64 + 1)) as usize);
            }
            v
        }
    }

    // -----------------------------------------------------------------------------
    // The datagrams and their check

    /// Byte `j` of datagram `seq` (C: `(unsigned char)seq * 31 + j`, modulo 256).
    #[inline(always)]
    fn pattern(seq: u64, j: usize) -> u8 {
        (seq as u8).wrapping_mul(31).wrapping_add(j as u8)
    }

    /// Datagram `seq`: the number, little-endian, then its pattern.
    #[inline]
    fn fill(d: &mut [u8; DGRAM], seq: u64) {
        d[..8].copy_from_slice(&seq.to_le_bytes());
        for (j, b) in d.iter_mut().enumerate().skip(8) {
            *b = pattern(seq, j);
        }
    }

    /// An echo: 64 bytes from the server, a sequence number sent and not yet seen,
    /// the pattern of that number.
    #[inline]
    fn check(d: &[u8], from_server: bool, seen: &mut [bool]) -> R<()> {
        let Ok(d) = <&[u8; DGRAM]>::try_from(d) else {
            return Err(format!("an echo of {} bytes", d.len()));
        };
        if !from_server {
            return Err("an echo from another address".into());
        }
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&d[..8]);
        let seq = u64::from_le_bytes(seq);
        match usize::try_from(seq).ok().and_then(|s| seen.get_mut(s)) {
            Some(seen @ false) => *seen = true,
            _ => return Err(format!("an echo with a bad or repeated number {seq}")),
        }
        if d.iter()
            .enumerate()
            .skip(8)
            .any(|(j, &b)| b != pattern(seq, j))
        {
            return Err(format!("echo {seq}: the contents differ"));
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------
    // The sockapi echo

    /// A UDP socket on 127.0.0.1, port chosen by the kernel, its receives bounded.
    fn udp_socket() -> R<(Socket, SockAddr)> {
        let fd = call("socket", socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0))?;
        call(
            "setsockopt",
            setsockopt(&fd, SOL_SOCKET, SO_RCVTIMEO, &PEER_LIMIT),
        )?;
        call(
            "bind",
            bind(&fd, &SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)),
        )?;
        let addr = call("getsockname", getsockname(&fd))?;
        Ok((fd, addr))
    }

    /// One `recvmmsg` (`MSG_WAITFORONE`) into `bufs`: each datagram's length and
    /// sender into `lens` and `peers`. The entries are made for the call, since they
    /// borrow `bufs`, which the caller reads next.
    #[inline]
    fn receive(
        fd: &Socket,
        bufs: &mut [[u8; BUF]; BATCH],
        lens: &mut [usize; BATCH],
        peers: &mut [Option<SockAddr>; BATCH],
    ) -> sockapi::Result<usize> {
        let mut iovs = bufs.each_mut().map(|buf| [IoSliceMut::new(buf)]);
        let mut hdrs = iovs.each_mut().map(|iov| MsgHdrMut::new(iov, &mut []));
        let mut entries = hdrs.each_mut().map(MMsgHdrMut::new);
        let n = recvmmsg(fd, &mut entries, MSG_WAITFORONE, None)?;
        for ((entry, len), peer) in entries[..n].iter().zip(lens).zip(peers) {
            *len = entry.len();
            *peer = entry.name();
        }
        Ok(n)
    }

    /// Sends `msgs` in as few `sendmmsg` calls as go; returns the calls.
    #[inline]
    fn send_all(fd: &Socket, msgs: &mut [MMsgHdr<'_>]) -> R<u64> {
        let (mut sent, mut calls) = (0, 0);
        while sent < msgs.len() {
            let k = call("sendmmsg", sendmmsg(fd, &mut msgs[sent..], 0))?;
            calls += 1;
            if k == 0 {
                return Err("sendmmsg sent nothing".into());
            }
            sent += k;
        }
        Ok(calls)
    }

    /// The server, plain: `d` datagrams, each `recvfrom`, then `sendto` its sender.
    /// Returns its calls and its receive calls.
    fn serve_plain(fd: Socket, d: u64) -> R<(u64, u64)> {
        let mut buf = [0u8; BUF];
        for _ in 0..d {
            let (n, peer) = call("server recvfrom", recvfrom(&fd, &mut buf, 0))?;
            if call("server sendto", sendto(&fd, &buf[..n], 0, &peer))? != n {
                return Err("server sendto: short".into());
            }
        }
        Ok((2 * d, d))
    }

    /// The server, batched: `recvmmsg` up to 32 (`MSG_WAITFORONE`), then one
    /// `sendmmsg` of what came, each to its sender, until `d` are echoed.
    fn serve_batch(fd: Socket, d: u64) -> R<(u64, u64)> {
        let mut bufs = [[0u8; BUF]; BATCH];
        let mut lens = [0usize; BATCH];
        let mut peers = [None; BATCH];
        let (mut echoed, mut calls, mut recvs) = (0, 0, 0);
        while echoed < d {
            let n = call(
                "server recvmmsg",
                receive(&fd, &mut bufs, &mut lens, &mut peers),
            )?;
            recvs += 1;
            let iovs: [[IoSlice<'_>; 1]; BATCH] =
                core::array::from_fn(|i| [IoSlice::new(&bufs[i][..lens[i]])]);
            let mut msgs: [MMsgHdr<'_>; BATCH] = core::array::from_fn(|i| {
                MMsgHdr::new(MsgHdr::new(peers[i].as_ref(), &iovs[i], Control::NONE))
            });
            calls += 1 + send_all(&fd, &mut msgs[..n])?;
            echoed += n as u64;
        }
        Ok((calls, recvs))
    }

    /// The client, plain: a window of datagrams out, then one new one per echo.
    /// Returns its calls.
    fn client_plain(fd: &Socket, to: &SockAddr, d: u64, seen: &mut [bool]) -> R<u64> {
        let mut out = [0u8; DGRAM];
        let mut buf = [0u8; BUF];
        let (mut next, mut got, mut calls) = (0, 0, 0);
        let mut send_next = |next: &mut u64| -> R<()> {
            fill(&mut out, *next);
            *next += 1;
            match call("client sendto", sendto(fd, &out, 0, to))? {
                DGRAM => Ok(()),
                n => Err(format!("client sendto: {n} bytes")),
            }
        };
        while next < d.min(WINDOW as u64) {
            send_next(&mut next)?;
            calls += 1;
        }
        while got < d {
            let (n, from) = call(
                "client recvfrom (a lost datagram times out)",
                recvfrom(fd, &mut buf, 0),
            )?;
            calls += 1;
            check(&buf[..n], from == *to, seen)?;
            got += 1;
            if next < d {
                send_next(&mut next)?;
                calls += 1;
            }
        }
        Ok(calls)
    }

    /// Datagrams `first..first + count` in as few `sendmmsg` calls as go.
    #[inline]
    fn send_batch(fd: &Socket, to: &SockAddr, first: u64, count: usize) -> R<u64> {
        let mut outs = [[0u8; DGRAM]; BATCH];
        for (i, out) in outs[..count].iter_mut().enumerate() {
            fill(out, first + i as u64);
        }
        let iovs = outs.each_ref().map(|out| [IoSlice::new(out)]);
        let mut msgs = iovs
            .each_ref()
            .map(|iov| MMsgHdr::new(MsgHdr::new(Some(to), iov, Control::NONE)));
        send_all(fd, &mut msgs[..count])
    }

    /// The client, batched: a window of datagrams out in batches, then for each
    /// `recvmmsg` (`MSG_WAITFORONE`) one `sendmmsg` of as many new datagrams as
    /// echoes came. Returns its calls.
    fn client_batch(fd: &Socket, to: &SockAddr, d: u64, seen: &mut [bool]) -> R<u64> {
        let mut bufs = [[0u8; BUF]; BATCH];
        let mut lens = [0usize; BATCH];
        let mut peers = [None; BATCH];
        let (mut next, mut got, mut calls) = (0u64, 0u64, 0u64);
        let first_window = d.min(WINDOW as u64);
        while next < first_window {
            let count = (first_window - next).min(BATCH as u64) as usize;
            calls += send_batch(fd, to, next, count)?;
            next += count as u64;
        }
        while got < d {
            let n = call(
                "client recvmmsg (a lost datagram times out)",
                receive(fd, &mut bufs, &mut lens, &mut peers),
            )?;
            calls += 1;
            for i in 0..n {
                check(&bufs[i][..lens[i]], peers[i].as_ref() == Some(to), seen)?;
            }
            got += n as u64;
            let count = (d - next).min(n as u64) as usize;
            if count > 0 {
                calls += send_batch(fd, to, next, count)?;
                next += count as u64;
            }
        }
        Ok(calls)
    }

    /// The process's user and system time so far, in microseconds, and its
    /// voluntary context switches.
    fn cpu_us() -> (u64, u64, u64) {
        // SAFETY: `struct rusage` is integers and `timeval`s of integers, for which
        // all-zero bytes are a valid value; `getrusage` writes one `struct rusage`
        // through the pointer, which points at one, and `RUSAGE_SELF` is a valid `who`.
        let (rc, ru) = unsafe {
            let mut ru: libc::rusage = std::mem::zeroed();
            (libc::getrusage(libc::RUSAGE_SELF, &mut ru), ru)
        };
        assert_eq!(rc, 0, "getrusage(RUSAGE_SELF) failed");
        let us = |tv: libc::timeval| tv.tv_sec as u64 * 1_000_000 + tv.tv_usec as u64;
        (us(ru.ru_utime), us(ru.ru_stime), ru.ru_nvcsw as u64)
    }

    /// The timed client part, `client` on this thread, with the process's CPU time.
    fn timed(client: impl FnOnce() -> R<u64>) -> R<Sample> {
        let (u0, s0, c0) = cpu_us();
        let t0 = Instant::now();
        let client_calls = client()?;
        let ns = t0.elapsed().as_nanos() as u64;
        let (u1, s1, c1) = cpu_us();
        Ok(Sample {
            ns,
            user_us: u1 - u0,
            sys_us: s1 - s0,
            vcsw: c1 - c0,
            client_calls,
            ..Sample::default()
        })
    }

    /// One round of the sockapi echo: a server thread, this thread the client.
    fn echo_in_process(batch: bool, d: u64) -> R<Sample> {
        let (server, server_addr) = udp_socket()?;
        let (client, _) = udp_socket()?;
        let mut seen = vec![false; d as usize];
        let serving = thread::spawn(move || {
            if batch {
                serve_batch(server, d)
            } else {
                serve_plain(server, d)
            }
        });
        let sample = timed(|| {
            if batch {
                client_batch(&client, &server_addr, d, &mut seen)
            } else {
                client_plain(&client, &server_addr, d, &mut seen)
            }
        });
        // A failed client leaves the server waiting: its receive timeout ends it.
        let served = serving.join().map_err(|_| "the server thread panicked")?;
        let mut sample = sample?;
        (sample.server_calls, sample.server_recvs) = served?;
        Ok(sample)
    }

    /// One round of the batch client against a server elsewhere (an example).
    fn echo_to(server: SockAddr, d: u64) -> R<Sample> {
        let (client, _) = udp_socket()?;
        let mut seen = vec![false; d as usize];
        timed(|| client_batch(&client, &server, d, &mut seen))
    }

    // -----------------------------------------------------------------------------
    // Each round in its own process

    /// This bench's arguments for one contender's round in a child process:
    /// `--child <plain|batch|client> <datagrams> [server address]`.
    fn child_args(mode: &str, d: u64, to: Option<SockAddr>) -> Vec<String> {
        let mut args = vec!["--child".into(), mode.into(), d.to_string()];
        args.extend(to.map(|a| a.to_string()));
        args
    }

    /// The child's round: the sockapi echo (`plain`, `batch`), or the batch client
    /// alone against the server at the address (`client`).
    fn run_child(args: &[String]) -> R<Sample> {
        let d: u64 = args
            .get(1)
            .and_then(|d| d.parse().ok())
            .filter(|&d| d > 0)
            .ok_or("--child: a positive number of datagrams")?;
        match (args.first().map(String::as_str), args.get(2)) {
            (Some("plain"), None) => echo_in_process(false, d),
            (Some("batch"), None) => echo_in_process(true, d),
            (Some("client"), Some(to)) => {
                let to: SocketAddr = to.parse().map_err(|e| format!("{to:?}: {e}"))?;
                echo_to(to.into(), d)
            }
            _ => Err(format!("--child: bad arguments {args:?}")),
        }
    }

    impl Sample {
        /// The line a round's process prints (the C probe prints the same).
        fn to_line(self) -> String {
            format!(
                "ns={} user_us={} sys_us={} vcsw={} client_calls={} server_calls={} server_recvs={}",
                self.ns,
                self.user_us,
                self.sys_us,
                self.vcsw,
                self.client_calls,
                self.server_calls,
                self.server_recvs
            )
        }

        fn from_line(text: &str) -> R<Sample> {
            let field = |key: &str| -> R<u64> {
                text.split_whitespace()
                    .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                    .and_then(|v| v.parse().ok())
                    .ok_or(format!("no {key}= in {text:?}"))
            };
            Ok(Sample {
                ns: field("ns")?,
                user_us: field("user_us")?,
                sys_us: field("sys_us")?,
                vcsw: field("vcsw")?,
                client_calls: field("client_calls")?,
                server_calls: field("server_calls")?,
                server_recvs: field("server_recvs")?,
            })
        }
    }

    /// Runs one round's process (this bench's `--child`, or the C probe) and reads
    /// its own measurement of its timed part.
    fn run_measured(program: &Path, args: &[String]) -> R<Sample> {
        let out = Command::new(program)
            .args(args)
            .env_remove("SOCKAPI_TRACE")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{}: {e}", program.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} {} failed ({}): {}",
                program.display(),
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Sample::from_line(&String::from_utf8_lossy(&out.stdout))
    }

    // -----------------------------------------------------------------------------
    // The C probe

    /// A directory removed when dropped.
    struct Scratch(PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// The target triple to give `cc` (which reads it from Cargo only in build
    /// scripts): rustc's host, or one made from this binary's cfg.
    fn host_triple() -> String {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        Command::new(rustc)
            .arg("-vV")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|text| {
                text.lines()
                    .find_map(|l| l.strip_prefix("host: "))
                    .map(|h| h.trim().to_owned())
            })
            .unwrap_or_else(|| {
                let env = if cfg!(target_env = "musl") {
                    "musl"
                } else {
                    "gnu"
                };
                format!("{}-unknown-linux-{env}", std::env::consts::ARCH)
            })
    }

    /// Compiles `benches/c/batch_probe.c` with the `cc` crate's compiler at `-O2`.
    fn build_probe() -> R<(Scratch, PathBuf)> {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/c/batch_probe.c");
        let dir = Scratch(
            std::env::temp_dir().join(format!("sockapi-batch-probe-{}", std::process::id())),
        );
        std::fs::create_dir_all(&dir.0).map_err(|e| format!("{}: {e}", dir.0.display()))?;
        let exe = dir.0.join("batch_probe");
        let host = host_triple();
        let compiler = cc::Build::new()
            .target(&host)
            .host(&host)
            .opt_level(2)
            .debug(false)
            .warnings(true)
            .out_dir(&dir.0)
            .cargo_metadata(false)
            .try_get_compiler()
            .map_err(|e| {
                format!(
                    "no C compiler for the probe ({e}); build it by hand \
                     (gcc -O2 -pthread -o batch_probe benches/c/batch_probe.c) and pass \
                     --c-probe PATH, or leave C out with --only sockapi-plain,sockapi-batch"
                )
            })?;
        let mut cmd = compiler.to_command();
        cmd.arg(&source).arg("-pthread").arg("-o").arg(&exe);
        println!(
            "C probe: {}",
            std::iter::once(cmd.get_program())
                .chain(cmd.get_args())
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" ")
        );
        let out = cmd
            .output()
            .map_err(|e| format!("running the C compiler: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "compiling the C probe failed ({}):\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok((dir, exe))
    }

    /// The C probe's arguments: `<plain|batch> <datagrams> <batch> <window>`.
    fn probe_args(mode: &str, d: u64) -> Vec<String> {
        vec![
            mode.into(),
            d.to_string(),
            BATCH.to_string(),
            WINDOW.to_string(),
        ]
    }

    // -----------------------------------------------------------------------------
    // The examples

    /// A running `udp_server` example, on 127.0.0.1, port 0.
    struct ExampleServer {
        child: Child,
        addr: SockAddr,
    }

    impl ExampleServer {
        fn start(batch: bool) -> R<ExampleServer> {
            // This binary is target/release/deps/batch-…; the examples are beside deps.
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let path = exe
                .parent()
                .and_then(Path::parent)
                .map(|dir| dir.join("examples").join("udp_server"))
                .filter(|p| p.is_file())
                .ok_or(
                    "--examples needs target/release/examples/udp_server: run \
                        `cargo build --release --examples` first",
                )?;
            let mut cmd = Command::new(&path);
            if batch {
                cmd.args(["--batch", &BATCH.to_string()]);
            }
            let mut child = cmd
                .args(["127.0.0.1", "0"])
                .env_remove("SOCKAPI_TRACE")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            let mut banner = String::new();
            let stdout = child.stdout.take().expect("piped");
            let _ = BufReader::new(stdout).read_line(&mut banner);
            let addr = banner
                .trim()
                .strip_prefix("listening on ")
                .and_then(|a| a.parse::<SocketAddr>().ok())
                .ok_or(format!("{}: banner {banner:?}", path.display()))?;
            println!("{cmd:?}: {}", banner.trim());
            Ok(ExampleServer {
                child,
                addr: addr.into(),
            })
        }

        /// Stops the server: what it wrote on stderr (nothing, if all went well).
        fn stop(&mut self) -> String {
            let _ = self.child.kill();
            let _ = self.child.wait();
            let mut errors = String::new();
            if let Some(stderr) = self.child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut { stderr }, &mut errors);
            }
            errors
        }
    }

    impl Drop for ExampleServer {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// What the sockapi batch server does per batch besides its two syscalls: make
    /// the 32 receive entries, read each one's length and sender, make the 32 send
    /// entries over what came (C sets up its arrays once, and per batch resets
    /// `msg_namelen` and `iov_len`). Nanoseconds per batch, the median of 5 runs of
    /// 20,000 batches, on entries that received nothing (so `name()` copies no address).
    fn bookkeeping_ns() -> f64 {
        use std::hint::black_box;
        let mut bufs = Box::new([[0u8; BUF]; BATCH]);
        let mut lens = [0usize; BATCH];
        let mut peers: [Option<SockAddr>; BATCH] = [None; BATCH];
        let runs: Vec<f64> = (0..5)
            .map(|_| {
                const BATCHES: u32 = 20_000;
                let t0 = Instant::now();
                for _ in 0..BATCHES {
                    let n = black_box(BATCH);
                    {
                        let mut iovs = bufs.each_mut().map(|buf| [IoSliceMut::new(buf)]);
                        let mut hdrs = iovs.each_mut().map(|iov| MsgHdrMut::new(iov, &mut []));
                        let mut entries = hdrs.each_mut().map(MMsgHdrMut::new);
                        black_box(&mut entries);
                        for ((entry, len), peer) in
                            entries[..n].iter().zip(&mut lens).zip(&mut peers)
                        {
                            *len = entry.len();
                            *peer = entry.name();
                        }
                    }
                    let iovs: [[IoSlice<'_>; 1]; BATCH] =
                        core::array::from_fn(|i| [IoSlice::new(&bufs[i][..lens[i]])]);
                    let mut msgs: [MMsgHdr<'_>; BATCH] = core::array::from_fn(|i| {
                        MMsgHdr::new(MsgHdr::new(peers[i].as_ref(), &iovs[i], Control::NONE))
                    });
                    black_box(&mut msgs[..n]);
                }
                t0.elapsed().as_nanos() as f64 / f64::from(BATCHES)
            })
            .collect();
        median(&runs)
    }

    // -----------------------------------------------------------------------------
    // The report

    fn rate(s: &Sample, d: u64) -> f64 {
        d as f64 * 1e9 / s.ns as f64
    }

    /// The `q` quantile of `v` (sorted here), interpolated.
    fn quantile(v: &[f64], q: f64) -> f64 {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        let at = q * (v.len() - 1) as f64;
        let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (at - lo as f64)
    }

    fn median(v: &[f64]) -> f64 {
        quantile(v, 0.5)
    }

    fn print_machine() {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let cpu = read("/proc/cpuinfo")
            .lines()
            .find_map(|l| {
                l.strip_prefix("model name")?
                    .split(':')
                    .nth(1)
                    .map(str::trim)
            })
            .unwrap_or("?")
            .to_owned();
        let cores = thread::available_parallelism().map_or(0, |n| n.get());
        println!(
            "machine: Linux {}, {cpu}, {cores} cores available",
            read("/proc/sys/kernel/osrelease").trim()
        );
    }

    fn report(kinds: &[Kind], samples: &[Vec<Sample>], d: u64) {
        let df = d as f64;
        println!();
        println!(
            "| contender | datagrams/s (median) | spread (IQR) | user µs/dgram | system µs/dgram \
             | sleeps/dgram | syscalls/dgram | datagrams per server receive |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (kind, s) in kinds.iter().zip(samples) {
            let rates: Vec<f64> = s.iter().map(|s| rate(s, d)).collect();
            let per = |f: fn(&Sample) -> u64| {
                median(&s.iter().map(|s| f(s) as f64 / df).collect::<Vec<_>>())
            };
            let (calls, per_recv) = if kind.is_example() {
                // The server's calls are in another process: the client's alone.
                (
                    format!("{:.3} (client)", per(|s| s.client_calls)),
                    "-".to_owned(),
                )
            } else {
                (
                    format!("{:.3}", per(|s| s.client_calls + s.server_calls)),
                    format!("{:.1}", 1.0 / per(|s| s.server_recvs)),
                )
            };
            // The kernel splits CPU time into user and system by sampling at each
            // tick, so the split is summed over all rounds, not taken per round.
            let total =
                |f: fn(&Sample) -> u64| s.iter().map(f).sum::<u64>() as f64 / (df * s.len() as f64);
            let cpu = if kind.is_example() { " (client)" } else { "" };
            println!(
                "| {} | {:.0} | {:.0}–{:.0} | {:.3}{cpu} | {:.2}{cpu} | {:.3}{cpu} | {calls} \
                 | {per_recv} |",
                kind.name(),
                median(&rates),
                quantile(&rates, 0.25),
                quantile(&rates, 0.75),
                total(|s| s.user_us),
                total(|s| s.sys_us),
                per(|s| s.vcsw),
            );
        }
        println!();
        println!(
            "| ratio, per round (median over {} rounds) | median | IQR | min–max | rounds ≥ 1 |",
            samples.first().map_or(0, Vec::len)
        );
        println!("|---|---:|---:|---:|---:|");
        let pairs = [
            (Kind::SockapiBatch, Kind::SockapiPlain),
            (Kind::CBatch, Kind::CPlain),
            (Kind::SockapiBatch, Kind::CBatch),
            (Kind::SockapiPlain, Kind::CPlain),
            (Kind::ExampleBatch, Kind::ExamplePlain),
        ];
        for (num, den) in pairs {
            let (Some(n), Some(m)) = (
                kinds.iter().position(|&k| k == num),
                kinds.iter().position(|&k| k == den),
            ) else {
                continue;
            };
            let ratios: Vec<f64> = samples[n]
                .iter()
                .zip(&samples[m])
                .map(|(a, b)| rate(a, d) / rate(b, d))
                .collect();
            let at_least = ratios.iter().filter(|&&r| r >= 1.0).count();
            println!(
                "| {} / {} | {:.3} | {:.3}–{:.3} | {:.3}–{:.3} | {at_least} of {} |",
                num.name(),
                den.name(),
                median(&ratios),
                quantile(&ratios, 0.25),
                quantile(&ratios, 0.75),
                quantile(&ratios, 0.0),
                quantile(&ratios, 1.0),
                ratios.len()
            );
        }
    }
}
