//! Checks sockapi-sys against the C compiler's view of the system headers.
//!
//! `layout_probe.c` is compiled here, at test time, with the C compiler that `cc`
//! finds; it prints `name value` lines (sizes, alignments, field offsets and sizes,
//! signedness, constant values) and the tables below say what Rust thinks each of
//! those is. Doing this in the test rather than in a build script keeps a C compiler
//! out of the requirements for users of the crate.
//!
//! Every test collects all mismatches before failing, and the probe's output and the
//! Rust tables must name exactly the same items, so that an entry missing on either
//! side is reported instead of silently going unchecked.

use std::collections::{BTreeMap, BTreeSet};
use std::env::consts::{ARCH, OS};
use std::mem::{align_of, offset_of, size_of};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The probe's source, embedded so that editing it rebuilds this test.
const PROBE_SOURCE: &str = include_str!("layout_probe.c");

/// The probe's second translation unit (Linux): `struct tcp_info` from
/// `<linux/tcp.h>`, which cannot be included beside `<netinet/tcp.h>`.
#[cfg(any(target_os = "linux", target_os = "android"))]
const TCP_INFO_PROBE_SOURCE: &str = include_str!("layout_probe_tcp_info.c");

/// The name prefixes the probe prints (see the comment at the top of the probe).
const KINDS: &[&str] = &[
    "size",
    "align",
    "offset",
    "fieldsize",
    "signed",
    "const",
    "errno",
    "msg",
    "ai",
    "select",
    "poll",
    "epoll",
    "diag",
];

/// `(name as the probe prints it, value as Rust sees it)`.
type Table = Vec<(String, i128)>;

/// `size.T` and `align.T` for each named type of `sockapi_sys`.
macro_rules! layouts {
    ($($t:ident),* $(,)?) => {
        vec![$(
            (
                String::from(concat!("size.", stringify!($t))),
                size_of::<sockapi_sys::$t>() as i128,
            ),
            (
                String::from(concat!("align.", stringify!($t))),
                align_of::<sockapi_sys::$t>() as i128,
            ),
        )*]
    };
}

/// `signed.T` for each named integer type: 1 if it can hold -1.
macro_rules! signedness {
    ($($t:ident),* $(,)?) => {
        vec![$((
            String::from(concat!("signed.", stringify!($t))),
            i128::from(<sockapi_sys::$t>::try_from(-1_i8).is_ok()),
        ),)*]
    };
}

/// `offset.T.f` and `fieldsize.T.f` for each listed field of each struct.
macro_rules! fields {
    ($($t:ident { $($f:ident),* $(,)? })*) => {
        vec![$($(
            (
                String::from(concat!("offset.", stringify!($t), ".", stringify!($f))),
                offset_of!(sockapi_sys::$t, $f) as i128,
            ),
            (
                String::from(concat!("fieldsize.", stringify!($t), ".", stringify!($f))),
                field_size(|s: &sockapi_sys::$t| &s.$f) as i128,
            ),
        )*)*]
    };
}

/// `<kind>.NAME` for each constant, read from the given module (a crate or a
/// module brought into scope with `use`).
macro_rules! consts {
    ($kind:literal, $module:ident; $($name:ident),* $(,)?) => {
        vec![$((
            String::from(concat!($kind, ".", stringify!($name))),
            i128::from($module::$name),
        ),)*]
    };
}

/// The size of a field, found through a projection so that no value of `T` (and no
/// `unsafe` to make one) is needed.
fn field_size<T, F>(_project: fn(&T) -> &F) -> usize {
    size_of::<F>()
}

#[test]
fn types_and_fields_match_c() {
    let mut table: Table = layouts![
        sockaddr,
        sockaddr_in,
        sockaddr_in6,
        sockaddr_un,
        sockaddr_storage,
        linger,
        timeval,
        in_addr,
        in6_addr,
        servent,
        protoent,
        hostent,
        socklen_t,
        sa_family_t,
        in_port_t,
        time_t,
        suseconds_t,
        c_char,
        c_int,
        size_t,
        ssize_t,
    ];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    table.extend(layouts![
        ucred,
        ip_mreq,
        ip_mreqn,
        ip_mreq_source,
        ipv6_mreq
    ]);
    // Linux's `struct tcp_info` (the kernel's layout, from the probe's second
    // translation unit): every field sockapi-sys declares, the two bitfield bytes
    // included, and `size.tcp_info` as where the declared prefix ends.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    table.extend(layouts![tcp_info]);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    table.extend(fields![tcp_info {
        tcpi_state,
        tcpi_ca_state,
        tcpi_retransmits,
        tcpi_probes,
        tcpi_backoff,
        tcpi_options,
        tcpi_snd_rcv_wscale,
        tcpi_delivery_fastopen_bitfields,
        tcpi_rto,
        tcpi_ato,
        tcpi_snd_mss,
        tcpi_rcv_mss,
        tcpi_unacked,
        tcpi_sacked,
        tcpi_lost,
        tcpi_retrans,
        tcpi_fackets,
        tcpi_last_data_sent,
        tcpi_last_ack_sent,
        tcpi_last_data_recv,
        tcpi_last_ack_recv,
        tcpi_pmtu,
        tcpi_rcv_ssthresh,
        tcpi_rtt,
        tcpi_rttvar,
        tcpi_snd_ssthresh,
        tcpi_snd_cwnd,
        tcpi_advmss,
        tcpi_reordering,
        tcpi_rcv_rtt,
        tcpi_rcv_space,
        tcpi_total_retrans,
        tcpi_pacing_rate,
        tcpi_max_pacing_rate,
        tcpi_bytes_acked,
        tcpi_bytes_received,
        tcpi_segs_out,
        tcpi_segs_in,
        tcpi_notsent_bytes,
        tcpi_min_rtt,
        tcpi_data_segs_in,
        tcpi_data_segs_out,
        tcpi_delivery_rate,
        tcpi_busy_time,
        tcpi_rwnd_limited,
        tcpi_sndbuf_limited,
        tcpi_delivered,
        tcpi_delivered_ce,
        tcpi_bytes_sent,
        tcpi_bytes_retrans,
        tcpi_dsack_dups,
        tcpi_reord_seen,
        tcpi_rcv_ooopack,
        tcpi_snd_wnd,
    }]);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    table.extend(fields![
        ucred { pid, uid, gid }
        ip_mreq { imr_multiaddr, imr_interface }
        ip_mreqn { imr_multiaddr, imr_address, imr_ifindex }
        ip_mreq_source { imr_multiaddr, imr_interface, imr_sourceaddr }
        ipv6_mreq { ipv6mr_multiaddr, ipv6mr_interface }
    ]);
    table.extend(signedness![
        socklen_t,
        sa_family_t,
        in_port_t,
        time_t,
        suseconds_t,
        c_char,
        c_int,
        size_t,
        ssize_t,
    ]);
    table.extend(fields![
        sockaddr { sa_family, sa_data }
        sockaddr_in { sin_family, sin_port, sin_addr, sin_zero }
        sockaddr_in6 { sin6_family, sin6_port, sin6_flowinfo, sin6_addr, sin6_scope_id }
        sockaddr_un { sun_family, sun_path }
        sockaddr_storage { ss_family }
        linger { l_onoff, l_linger }
        timeval { tv_sec, tv_usec }
        in_addr { s_addr }
        in6_addr { s6_addr }
        servent { s_name, s_aliases, s_port, s_proto }
        protoent { p_name, p_aliases, p_proto }
        hostent { h_name, h_aliases, h_addrtype, h_length, h_addr_list }
    ]);
    check(&["size", "align", "signed", "offset", "fieldsize"], &table);
}

#[test]
fn constants_match_c() {
    // <sys/socket.h>
    let mut table: Table = consts!["const", sockapi_sys;
        AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC,
        MSG_DONTROUTE, MSG_DONTWAIT, MSG_EOR, MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_CTRUNC,
        MSG_WAITALL,
        SHUT_RD, SHUT_RDWR, SHUT_WR,
        SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_STREAM,
        SOL_SOCKET, SOMAXCONN,
        SO_ACCEPTCONN, SO_BROADCAST, SO_DONTROUTE, SO_ERROR, SO_KEEPALIVE, SO_LINGER,
        SO_OOBINLINE, SO_RCVBUF, SO_RCVLOWAT, SO_RCVTIMEO, SO_REUSEADDR, SO_REUSEPORT,
        SO_SNDBUF, SO_SNDLOWAT, SO_SNDTIMEO, SO_TYPE,
    ];
    // These `cfg`s copy the ones in src/lib.rs; the probe guards the same items.
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly",
        target_os = "illumos",
        target_os = "solaris"
    ))]
    table.extend(consts!["const", sockapi_sys; SOCK_CLOEXEC, SOCK_NONBLOCK]);
    #[cfg(not(target_vendor = "apple"))]
    table.extend(consts!["const", sockapi_sys; MSG_NOSIGNAL]);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    table.extend(consts!["const", sockapi_sys;
        MSG_CMSG_CLOEXEC, MSG_CONFIRM, MSG_ERRQUEUE, MSG_MORE,
    ]);
    // <arpa/inet.h>
    table.extend(consts!["const", sockapi_sys; INET_ADDRSTRLEN, INET6_ADDRSTRLEN]);
    // <netinet/in.h>
    table.extend(consts!["const", sockapi_sys;
        INADDR_ANY, INADDR_LOOPBACK,
        IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_RAW, IPPROTO_TCP,
        IPPROTO_UDP,
        IPV6_UNICAST_HOPS, IPV6_V6ONLY, IP_TOS, IP_TTL,
    ]);
    // <netinet/tcp.h>
    table
        .extend(consts!["const", sockapi_sys; TCP_KEEPCNT, TCP_KEEPINTVL, TCP_MAXSEG, TCP_NODELAY]);
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    table.extend(consts!["const", sockapi_sys; TCP_KEEPIDLE]);
    table.extend(consts!["const", sockapi_sys; SO_DEBUG]);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    table.extend(consts!["const", sockapi_sys;
        SO_ATTACH_FILTER, SO_BINDTODEVICE, SO_BUSY_POLL, SO_DETACH_FILTER, SO_DOMAIN, SO_INCOMING_CPU, SO_MARK, SO_NO_CHECK, SO_PASSCRED, SO_PEERCRED, SO_PRIORITY, SO_PROTOCOL, SO_TIMESTAMP,
        IPV6_JOIN_GROUP, IPV6_LEAVE_GROUP, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, IPV6_MULTICAST_LOOP, IP_DROP_SOURCE_MEMBERSHIP, IP_MULTICAST_IF, IP_MULTICAST_LOOP, IP_MULTICAST_TTL,
        IPV6_RECVERR, IP_ADD_MEMBERSHIP, IP_ADD_SOURCE_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_FREEBIND, IP_MSFILTER, IP_MTU, IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_PMTUDISC_DONT, IP_PMTUDISC_PROBE, IP_PMTUDISC_WANT, IP_RECVERR, IP_TRANSPARENT, MCAST_MSFILTER,
        TCP_CONGESTION, TCP_CORK, TCP_DEFER_ACCEPT, TCP_FASTOPEN, TCP_INFO, TCP_NOTSENT_LOWAT, TCP_QUICKACK, TCP_SYNCNT, TCP_USER_TIMEOUT, TCP_ZEROCOPY_RECEIVE,
        TCP_ESTABLISHED, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_LISTEN, TCP_CLOSING,
    ]);
    // <netdb.h>: the h_errno codes.
    table.extend(consts!["const", sockapi_sys;
        HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY, NO_DATA, NETDB_INTERNAL,
    ]);
    // <fcntl.h>
    table.extend(consts!["const", sockapi_sys;
        FD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL,
        O_APPEND, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY,
    ]);
    check(&["const"], &table);
}

/// The list is every E-name in glibc's `<errno.h>` that the `libc` crate also
/// declares for linux-gnu (tests/ERRNO_LIST.txt); the probe prints it under the
/// same condition.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn errno_values_match_c() {
    use sockapi_sys::errno;
    let table: Table = consts!["errno", errno;
        E2BIG, EACCES, EADDRINUSE, EADDRNOTAVAIL, EADV, EAFNOSUPPORT, EAGAIN, EALREADY,
        EBADE, EBADF, EBADFD, EBADMSG, EBADR, EBADRQC, EBADSLT, EBFONT, EBUSY, ECANCELED,
        ECHILD, ECHRNG, ECOMM, ECONNABORTED, ECONNREFUSED, ECONNRESET, EDEADLK, EDEADLOCK,
        EDESTADDRREQ, EDOM, EDOTDOT, EDQUOT, EEXIST, EFAULT, EFBIG, EHOSTDOWN, EHOSTUNREACH,
        EHWPOISON, EIDRM, EILSEQ, EINPROGRESS, EINTR, EINVAL, EIO, EISCONN, EISDIR, EISNAM,
        EKEYEXPIRED, EKEYREJECTED, EKEYREVOKED, EL2HLT, EL2NSYNC, EL3HLT, EL3RST, ELIBACC,
        ELIBBAD, ELIBEXEC, ELIBMAX, ELIBSCN, ELNRNG, ELOOP, EMEDIUMTYPE, EMFILE, EMLINK,
        EMSGSIZE, EMULTIHOP, ENAMETOOLONG, ENAVAIL, ENETDOWN, ENETRESET, ENETUNREACH, ENFILE,
        ENOANO, ENOBUFS, ENOCSI, ENODATA, ENODEV, ENOENT, ENOEXEC, ENOKEY, ENOLCK, ENOLINK,
        ENOMEDIUM, ENOMEM, ENOMSG, ENONET, ENOPKG, ENOPROTOOPT, ENOSPC, ENOSR, ENOSTR, ENOSYS,
        ENOTBLK, ENOTCONN, ENOTDIR, ENOTEMPTY, ENOTNAM, ENOTRECOVERABLE, ENOTSOCK, ENOTSUP,
        ENOTTY, ENOTUNIQ, ENXIO, EOPNOTSUPP, EOVERFLOW, EOWNERDEAD, EPERM, EPFNOSUPPORT, EPIPE,
        EPROTO, EPROTONOSUPPORT, EPROTOTYPE, ERANGE, EREMCHG, EREMOTE, EREMOTEIO, ERESTART,
        ERFKILL, EROFS, ESHUTDOWN, ESOCKTNOSUPPORT, ESPIPE, ESRCH, ESRMNT, ESTALE, ESTRPIPE,
        ETIME, ETIMEDOUT, ETOOMANYREFS, ETXTBSY, EUCLEAN, EUNATCH, EUSERS, EWOULDBLOCK, EXDEV,
        EXFULL,
    ];
    check(&["errno"], &table);
}

/// Compares `table` with every probe line whose kind is in `kinds`, and fails with
/// the full list of differences.
fn check(kinds: &[&str], table: &Table) {
    let probe = probe();
    let of_these_kinds =
        |name: &&String| kinds.contains(&name.split('.').next().unwrap_or_default());
    let mut problems = Vec::new();
    for name in probe.repeated.iter().filter(of_these_kinds) {
        problems.push(format!("{name}: printed more than once by the C probe"));
    }
    let mut listed = BTreeSet::new();
    for (name, rust) in table {
        if !listed.insert(name.as_str()) {
            problems.push(format!("{name}: listed twice in the Rust table"));
        }
        match probe.values.get(name) {
            None => problems.push(format!(
                "{name}: the C probe printed nothing (Rust: {rust})"
            )),
            Some(c) if c != rust => problems.push(format!("{name}: C {c}, Rust {rust}")),
            Some(_) => {}
        }
    }
    for name in probe.values.keys().filter(of_these_kinds) {
        if !listed.contains(name.as_str()) {
            problems.push(format!(
                "{name}: printed by the C probe, missing from the Rust table"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} difference(s) between sockapi-sys and the C headers:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// What the probe printed.
struct Probe {
    values: BTreeMap<String, i128>,
    /// Names printed more than once (the first value is kept), reported by the test
    /// that owns their kind rather than hiding every other result.
    repeated: BTreeSet<String>,
}

/// The probe's output, built and run once per test process; a failure to build or
/// run it fails every test that asks.
fn probe() -> &'static Probe {
    static PROBE: OnceLock<Result<Probe, String>> = OnceLock::new();
    match PROBE.get_or_init(build_and_run_probe) {
        Ok(probe) => probe,
        Err(message) => panic!("layout probe: {message}"),
    }
}

/// Removes the scratch directory however the probe run ends.
struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn build_and_run_probe() -> Result<Probe, String> {
    // The pid keeps concurrent test runs (other checkouts, CI jobs) apart.
    let dir =
        ScratchDir(std::env::temp_dir().join(format!("sockapi-sys-layout-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0)
        .map_err(|e| format!("cannot create {}: {e}", dir.0.display()))?;
    let source = dir.0.join("layout_probe.c");
    let exe = dir.0.join("layout_probe");
    std::fs::write(&source, PROBE_SOURCE)
        .map_err(|e| format!("cannot write {}: {e}", source.display()))?;
    #[allow(unused_mut)]
    let mut sources = vec![source];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let tcp_info = dir.0.join("layout_probe_tcp_info.c");
        std::fs::write(&tcp_info, TCP_INFO_PROBE_SOURCE)
            .map_err(|e| format!("cannot write {}: {e}", tcp_info.display()))?;
        sources.push(tcp_info);
    }

    let (target, host) = target_and_host();
    // Cargo sets none of the variables `cc` normally reads (TARGET, HOST, OPT_LEVEL,
    // OUT_DIR, ...) when running tests, so each one is given here.
    let compiler = cc::Build::new()
        .target(&target)
        .host(&host)
        .opt_level(0)
        .debug(false)
        .out_dir(&dir.0)
        .cargo_metadata(false)
        .try_get_compiler()
        .map_err(|e| {
            format!(
                "no C compiler found for {target} ({e}); this test needs one \
                 (gcc or clang on PATH, or named by CC)"
            )
        })?;
    let compile = compiler
        .to_command()
        .args(&sources)
        .arg("-o")
        .arg(&exe)
        .output()
        .map_err(|e| {
            format!(
                "cannot run the C compiler {} for {target}: {e}; this test needs one \
                 (gcc or clang on PATH, or named by CC)",
                compiler.path().display()
            )
        })?;
    if !compile.status.success() {
        return Err(format!(
            "compiling the probe for {target} failed ({}):\n{}{}",
            compile.status,
            String::from_utf8_lossy(&compile.stdout),
            String::from_utf8_lossy(&compile.stderr)
        ));
    }

    let run = Command::new(&exe)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    if !run.status.success() {
        return Err(format!(
            "the probe failed ({}):\n{}",
            run.status,
            String::from_utf8_lossy(&run.stderr)
        ));
    }
    let stdout = String::from_utf8(run.stdout).map_err(|e| format!("output not UTF-8: {e}"))?;
    parse_probe_output(&stdout)
}

fn parse_probe_output(stdout: &str) -> Result<Probe, String> {
    let mut probe = Probe {
        values: BTreeMap::new(),
        repeated: BTreeSet::new(),
    };
    for line in stdout.lines() {
        let (name, value) = line
            .split_once(' ')
            .ok_or_else(|| format!("malformed line {line:?}"))?;
        let kind = name.split('.').next().unwrap_or_default();
        if !KINDS.contains(&kind) {
            return Err(format!("unknown kind {kind:?} in line {line:?}"));
        }
        let value = value
            .parse()
            .map_err(|e| format!("bad value in line {line:?}: {e}"))?;
        if probe.values.contains_key(name) {
            probe.repeated.insert(name.to_owned());
        } else {
            probe.values.insert(name.to_owned(), value);
        }
    }
    Ok(probe)
}

/// The C compiler must target what this test binary was built for, which Cargo does
/// not tell a running test. `rustc -vV`'s host triple is exact (armv7, riscv64gc,
/// gnueabihf, ...) and right unless the test was cross-built, so it is used when it
/// agrees with this binary's own arch, OS and env; otherwise the triple is pieced
/// together from those.
fn target_and_host() -> (String, String) {
    let host = rustc_host();
    let target = match &host {
        Some(host) if describes_this_binary(host) => host.clone(),
        _ => triple_from_cfg(),
    };
    let host = host.unwrap_or_else(|| target.clone());
    (target, host)
}

fn rustc_host() -> Option<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc).arg("-vV").output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let host = text.lines().find_map(|line| line.strip_prefix("host: "))?;
    Some(host.trim().to_owned())
}

const TARGET_ENV: &str = if cfg!(target_env = "gnu") {
    "gnu"
} else if cfg!(target_env = "musl") {
    "musl"
} else {
    ""
};

fn os_in_triple() -> &'static str {
    match OS {
        "macos" => "darwin",
        os => os,
    }
}

fn describes_this_binary(triple: &str) -> bool {
    let parts: Vec<&str> = triple.split('-').collect();
    let arch = parts[0];
    let arch_matches = match ARCH {
        "x86" => arch.len() == 4 && arch.starts_with('i') && arch.ends_with("86"),
        "arm" => arch.starts_with("arm") || arch.starts_with("thumb"),
        // riscv64gc, powerpc64le, mips64el: a suffix of letters, never of digits,
        // which would be a different width (powerpc vs powerpc64).
        arch_name => arch
            .strip_prefix(arch_name)
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_alphabetic())),
    };
    let os_matches = parts[1..].contains(&os_in_triple());
    // The env is the last part of a four-part triple (gnu, gnueabihf, musl, ...).
    let env_matches =
        TARGET_ENV.is_empty() || (parts.len() == 4 && parts[3].starts_with(TARGET_ENV));
    arch_matches && os_matches && env_matches
}

fn triple_from_cfg() -> String {
    let arch = match ARCH {
        "x86" => "i686",
        arch => arch,
    };
    let vendor = if cfg!(target_vendor = "apple") {
        "apple"
    } else {
        "unknown"
    };
    let env = if TARGET_ENV.is_empty() {
        String::new()
    } else {
        format!("-{TARGET_ENV}")
    };
    format!("{arch}-{vendor}-{}{env}", os_in_triple())
}

/// `msg.<what>` lines: the `sendmsg`/`recvmsg` structs, constants and the `CMSG_*`
/// macros, which sockapi-sys defines itself as `const fn`s.
#[test]
fn messages_match_c() {
    use sockapi_sys as s;
    macro_rules! msg_layout {
        ($($t:ident),*) => {vec![$(
            (format!("msg.size.{}", stringify!($t)), size_of::<s::$t>() as i128),
            (format!("msg.align.{}", stringify!($t)), align_of::<s::$t>() as i128),
        )*]};
    }
    macro_rules! msg_fields {
        ($($t:ident { $($f:ident),* })*) => {vec![$($(
            (format!("msg.offset.{}.{}", stringify!($t), stringify!($f)), offset_of!(s::$t, $f) as i128),
            (format!("msg.fieldsize.{}.{}", stringify!($t), stringify!($f)), field_size(|v: &s::$t| &v.$f) as i128),
        )*)*]};
    }
    macro_rules! msg_consts {
        ($($name:ident),*) => {vec![$((format!("msg.const.{}", stringify!($name)), i128::from(s::$name)),)*]};
    }
    let mut table: Table = msg_layout![msghdr, cmsghdr, iovec];
    table.extend(msg_fields![
        msghdr { msg_name, msg_namelen, msg_iov, msg_iovlen, msg_control, msg_controllen, msg_flags }
        cmsghdr { cmsg_len, cmsg_level, cmsg_type }
        iovec { iov_base, iov_len }
    ]);
    table.extend(msg_consts![SCM_RIGHTS]);
    for n in [0usize, 1, 4, 12, 16, 20, 28, 1012] {
        table.push((format!("msg.CMSG_ALIGN.{n}"), s::CMSG_ALIGN(n) as i128));
        table.push((format!("msg.CMSG_SPACE.{n}"), s::CMSG_SPACE(n) as i128));
        table.push((format!("msg.CMSG_LEN.{n}"), s::CMSG_LEN(n) as i128));
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        table.extend(msg_layout![in_pktinfo, in6_pktinfo, sock_extended_err]);
        table.extend(msg_fields![
            in_pktinfo { ipi_ifindex, ipi_spec_dst, ipi_addr }
            in6_pktinfo { ipi6_addr, ipi6_ifindex }
            sock_extended_err { ee_errno, ee_origin, ee_type, ee_code, ee_pad, ee_info, ee_data }
        ]);
        table.extend(msg_consts![
            SO_EE_ORIGIN_NONE,
            SO_EE_ORIGIN_LOCAL,
            SO_EE_ORIGIN_ICMP,
            SO_EE_ORIGIN_ICMP6,
            SCM_CREDENTIALS,
            IP_PKTINFO,
            IP_RECVTOS,
            IP_RECVTTL,
            IPV6_PKTINFO,
            IPV6_RECVPKTINFO,
            IPV6_HOPLIMIT,
            IPV6_RECVHOPLIMIT
        ]);
        table.extend(msg_layout![mmsghdr, timespec]);
        table.extend(msg_fields![
            mmsghdr { msg_hdr, msg_len }
            timespec { tv_sec, tv_nsec }
        ]);
        table.extend(msg_consts![MSG_WAITFORONE]);
    }
    check(&["msg"], &table);
}

/// `ai.<what>` lines: `struct addrinfo` and the `AI_*`, `EAI_*`, `NI_*` values.
#[test]
fn addrinfo_matches_c() {
    use sockapi_sys as s;
    macro_rules! ai_consts {
        ($($name:ident),* $(,)?) => {vec![$((format!("ai.const.{}", stringify!($name)), i128::from(s::$name)),)*]};
    }
    let mut table: Table = vec![
        (
            String::from("ai.size.addrinfo"),
            size_of::<s::addrinfo>() as i128,
        ),
        (
            String::from("ai.align.addrinfo"),
            align_of::<s::addrinfo>() as i128,
        ),
    ];
    macro_rules! ai_fields {
        ($($f:ident),*) => {$(
            table.push((format!("ai.offset.addrinfo.{}", stringify!($f)), offset_of!(s::addrinfo, $f) as i128));
            table.push((format!("ai.fieldsize.addrinfo.{}", stringify!($f)), field_size(|v: &s::addrinfo| &v.$f) as i128));
        )*};
    }
    ai_fields!(
        ai_flags,
        ai_family,
        ai_socktype,
        ai_protocol,
        ai_addrlen,
        ai_addr,
        ai_canonname,
        ai_next
    );
    table.extend(ai_consts![
        AI_PASSIVE,
        AI_CANONNAME,
        AI_NUMERICHOST,
        AI_NUMERICSERV,
        AI_ADDRCONFIG,
        AI_V4MAPPED,
        AI_ALL,
        EAI_AGAIN,
        EAI_BADFLAGS,
        EAI_FAIL,
        EAI_FAMILY,
        EAI_MEMORY,
        EAI_NONAME,
        EAI_OVERFLOW,
        EAI_SERVICE,
        EAI_SOCKTYPE,
        EAI_SYSTEM,
        NI_NUMERICHOST,
        NI_NUMERICSERV,
        NI_NOFQDN,
        NI_NAMEREQD,
        NI_DGRAM,
        NI_MAXHOST,
        NI_MAXSERV,
    ]);
    check(&["ai"], &table);
}

/// `select.<what>` lines: `fd_set`, `FD_SETSIZE`, `sigset_t`, and where `FD_SET` puts
/// each fd's bit, against the model sockapi's `FdSet` uses: words of C's `long`
/// (`int32_t` on Apple's systems), fd's bit at `fd % bits` of word `fd / bits`.
#[test]
fn select_matches_c() {
    use sockapi_sys as s;
    #[cfg(not(target_vendor = "apple"))]
    type Word = s::c_ulong;
    #[cfg(target_vendor = "apple")]
    type Word = u32;
    let mut table: Table = vec![
        ("select.size.fd_set".into(), size_of::<s::fd_set>() as i128),
        (
            "select.align.fd_set".into(),
            align_of::<s::fd_set>() as i128,
        ),
        (
            "select.size.sigset_t".into(),
            size_of::<s::sigset_t>() as i128,
        ),
        (
            "select.align.sigset_t".into(),
            align_of::<s::sigset_t>() as i128,
        ),
        ("select.const.FD_SETSIZE".into(), s::FD_SETSIZE as i128),
    ];
    let bits = Word::BITS as usize;
    let word_bytes = size_of::<Word>();
    for fd in [
        0usize, 1, 7, 8, 31, 32, 33, 63, 64, 65, 127, 128, 511, 1000, 1023,
    ] {
        let (word, bit) = (fd / bits, fd % bits);
        let in_word = if cfg!(target_endian = "little") {
            bit / 8
        } else {
            word_bytes - 1 - bit / 8
        };
        let byte = word * word_bytes + in_word;
        table.push((
            format!("select.FD_SET.{fd}"),
            (byte * 256 + (1 << (bit % 8))) as i128,
        ));
    }
    check(&["select"], &table);
}

/// `poll.<what>` lines: `struct pollfd`, `nfds_t`, `sigset_t`, the `POLL*` bits, the
/// `ioctl` requests sockapi types, and the signals its `ppoll` trace names.
#[test]
fn poll_matches_c() {
    use sockapi_sys as s;
    macro_rules! poll_layout {
        ($($t:ident),*) => {vec![$(
            (format!("poll.size.{}", stringify!($t)), size_of::<s::$t>() as i128),
            (format!("poll.align.{}", stringify!($t)), align_of::<s::$t>() as i128),
        )*]};
    }
    macro_rules! poll_consts {
        ($($name:ident),* $(,)?) => {vec![$((format!("poll.const.{}", stringify!($name)), i128::from(s::$name)),)*]};
    }
    let mut table: Table = poll_layout![pollfd, nfds_t, sigset_t, c_short];
    macro_rules! poll_fields {
        ($($f:ident),*) => {$(
            table.push((format!("poll.offset.pollfd.{}", stringify!($f)), offset_of!(s::pollfd, $f) as i128));
            table.push((format!("poll.fieldsize.pollfd.{}", stringify!($f)), field_size(|v: &s::pollfd| &v.$f) as i128));
        )*};
    }
    poll_fields!(fd, events, revents);
    table.push((
        String::from("poll.signed.nfds_t"),
        i128::from(<s::nfds_t>::try_from(-1_i8).is_ok()),
    ));
    table.extend(poll_consts![
        POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND, POLLWRNORM,
        POLLWRBAND, FIONREAD, FIONBIO, SIGUSR1, SIGUSR2, SIGTERM,
    ]);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    table.extend(poll_consts![
        POLLRDHUP, SIOCINQ, SIOCOUTQ, SIOCATMARK, SIGIO, SIGPWR
    ]);
    check(&["poll"], &table);
}

/// `epoll.<what>` lines (Linux): `struct epoll_event`, packed on x86-64 (12 bytes,
/// `u64` at offset 4), and the `EPOLL*` values, the event bits as the `u32` of
/// `events` holds them.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn epoll_matches_c() {
    use sockapi_sys as s;
    /// A field's size through a by-value projection: a packed field cannot be borrowed.
    fn size_by_value<T, F>(_project: fn(&T) -> F) -> usize {
        size_of::<F>()
    }
    /// Whether a field's integer type can hold -1, through a by-value projection.
    fn signed_by_value<T, F: TryFrom<i8>>(_project: fn(&T) -> F) -> bool {
        F::try_from(-1_i8).is_ok()
    }
    let mut table: Table = vec![
        (
            String::from("epoll.size.epoll_event"),
            size_of::<s::epoll_event>() as i128,
        ),
        (
            String::from("epoll.align.epoll_event"),
            align_of::<s::epoll_event>() as i128,
        ),
        (
            String::from("epoll.size.sigset_t"),
            size_of::<s::sigset_t>() as i128,
        ),
        (
            String::from("epoll.align.sigset_t"),
            align_of::<s::sigset_t>() as i128,
        ),
        (
            String::from("epoll.offset.epoll_event.events"),
            offset_of!(s::epoll_event, events) as i128,
        ),
        (
            String::from("epoll.fieldsize.epoll_event.events"),
            size_by_value(|e: &s::epoll_event| e.events) as i128,
        ),
        (
            String::from("epoll.offset.epoll_event.u64"),
            offset_of!(s::epoll_event, u64) as i128,
        ),
        (
            String::from("epoll.fieldsize.epoll_event.u64"),
            size_by_value(|e: &s::epoll_event| e.u64) as i128,
        ),
        (
            String::from("epoll.signed.events"),
            i128::from(signed_by_value(|e: &s::epoll_event| e.events)),
        ),
    ];
    macro_rules! epoll_consts {
        ($($name:ident),* $(,)?) => {vec![$((format!("epoll.const.{}", stringify!($name)), i128::from(s::$name)),)*]};
    }
    macro_rules! epoll_bits {
        ($($name:ident),* $(,)?) => {vec![$((format!("epoll.const.{}", stringify!($name)), i128::from(s::$name as u32)),)*]};
    }
    table.extend(epoll_consts![
        EPOLL_CLOEXEC,
        EPOLL_CTL_ADD,
        EPOLL_CTL_MOD,
        EPOLL_CTL_DEL
    ]);
    table.extend(epoll_bits![
        EPOLLIN,
        EPOLLPRI,
        EPOLLOUT,
        EPOLLERR,
        EPOLLHUP,
        EPOLLRDNORM,
        EPOLLRDBAND,
        EPOLLWRNORM,
        EPOLLWRBAND,
        EPOLLMSG,
        EPOLLRDHUP,
        EPOLLEXCLUSIVE,
        EPOLLWAKEUP,
        EPOLLONESHOT,
        EPOLLET,
    ]);
    check(&["epoll"], &table);
}

/// `diag.<what>` lines (Linux): `<linux/netlink.h>`'s `nlmsghdr` and `nlmsgerr`,
/// `<linux/inet_diag.h>`'s request, reply and socket id, and the constants a lookup
/// in the kernel's connection table uses (`<linux/sock_diag.h>`'s
/// `SOCK_DIAG_BY_FAMILY` among them).
#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn sock_diag_matches_c() {
    use sockapi_sys as s;
    macro_rules! diag_layout {
        ($($t:ident),*) => {vec![$(
            (format!("diag.size.{}", stringify!($t)), size_of::<s::$t>() as i128),
            (format!("diag.align.{}", stringify!($t)), align_of::<s::$t>() as i128),
        )*]};
    }
    macro_rules! diag_fields {
        ($($t:ident { $($f:ident),* })*) => {vec![$($(
            (format!("diag.offset.{}.{}", stringify!($t), stringify!($f)), offset_of!(s::$t, $f) as i128),
            (format!("diag.fieldsize.{}.{}", stringify!($t), stringify!($f)), field_size(|v: &s::$t| &v.$f) as i128),
        )*)*]};
    }
    macro_rules! diag_consts {
        ($($name:ident),* $(,)?) => {vec![$((format!("diag.const.{}", stringify!($name)), i128::from(s::$name)),)*]};
    }
    let mut table: Table = diag_layout![
        nlmsghdr,
        nlmsgerr,
        inet_diag_sockid,
        inet_diag_req_v2,
        inet_diag_msg
    ];
    table.extend(diag_fields![
        nlmsghdr { nlmsg_len, nlmsg_type, nlmsg_flags, nlmsg_seq, nlmsg_pid }
        nlmsgerr { error, msg }
        inet_diag_sockid { idiag_sport, idiag_dport, idiag_src, idiag_dst, idiag_if, idiag_cookie }
        inet_diag_req_v2 { sdiag_family, sdiag_protocol, idiag_ext, pad, idiag_states, id }
        inet_diag_msg {
            idiag_family, idiag_state, idiag_timer, idiag_retrans, id, idiag_expires,
            idiag_rqueue, idiag_wqueue, idiag_uid, idiag_inode
        }
    ]);
    table.extend(diag_consts![
        AF_NETLINK,
        NETLINK_SOCK_DIAG,
        NLM_F_REQUEST,
        NLM_F_MULTI,
        NLM_F_DUMP,
        NLMSG_NOOP,
        NLMSG_ERROR,
        NLMSG_DONE,
        NLMSG_ALIGNTO,
        SOCK_DIAG_BY_FAMILY,
        INET_DIAG_NOCOOKIE,
    ]);
    check(&["diag"], &table);
}
