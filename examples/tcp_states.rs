//! TCP's state diagram, live on loopback: `cargo run --example tcp_states`.
//!
//! One process plays both ends of a connection and walks it from `LISTEN` to
//! `TIME_WAIT`. After each step it prints the state of each end and a line on the
//! transition. Every state line says where it was read:
//!
//! - `tcp_info` is `getsockopt(fd, IPPROTO_TCP, TCP_INFO, …)` on the socket itself;
//! - `kernel table` is the kernel's list of connections, read with
//!   [`tcp_state_in`](sockapi::tcp_state_in) through `NETLINK_SOCK_DIAG`, as `ss -tan`
//!   does, or from `/proc/net/tcp` where sock_diag is not available; the line names
//!   the one it read. Linux moves a connection that enters `TIME_WAIT` out
//!   of its socket, whose `tcp_info` then reports `CLOSE`; the table still has it.
//!
//! ```text
//!             client                                  server
//!                                                     LISTEN        socket, bind, listen
//!  SYN_SENT   connect ───── SYN ───────────────────▶
//!             ◀──────────── SYN, ACK ──────────────── SYN_RECV
//!  ESTABLISHED ──────────── ACK ───────────────────▶ ESTABLISHED   accept
//!             ◀════ data until the client's window is full ════  (the client reads none)
//!  FIN_WAIT1  shutdown(SHUT_WR) ── FIN ────────────▶ CLOSE_WAIT    recv = 0
//!  FIN_WAIT2  ◀──────────── ACK ────────────────────
//!             ◀── FIN, queued behind the data ────── LAST_ACK      shutdown(SHUT_WR)
//!  TIME_WAIT  recv … = 0 ── ACK ───────────────────▶ CLOSE
//! ```
//!
//! Two Linux facts shape the walk. `LAST_ACK` lasts microseconds on loopback, so the
//! server's FIN is held back: the client's receive buffer is small (`SO_RCVBUF`, set
//! before `connect`) and full, and the server ends with `shutdown(SHUT_WR)` rather than
//! `close`, so it still holds the socket to ask. And `TIME_WAIT` is read from the
//! kernel's table, as said above.
//!
//! Each transition is awaited by asking for the state again, a millisecond apart, at
//! most 5 seconds; no step sleeps blindly. No arguments, no privileges.

use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let result = walk::run();
    // tcp_info and the kernel's table are Linux's; other systems have their own forms.
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let result: Result<(), String> = Err("this walk reads Linux's TCP_INFO".into());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcp_states: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The walk itself, on Linux.
#[cfg(any(target_os = "linux", target_os = "android"))]
mod walk {
    use std::os::fd::AsFd;
    use std::time::{Duration, Instant};

    use sockapi::*;

    /// How long one transition may take before the walk gives up.
    const LIMIT: Duration = Duration::from_secs(5);

    /// A step of the walk: its number and what happens, wrapped at 88 columns.
    fn step(n: u32, what: &str) {
        println!();
        let mut line = format!("{n}.");
        for word in what.split(' ') {
            if line.len() + 1 + word.len() > 88 {
                println!("{line}");
                line = String::from("  ");
            }
            line.push(' ');
            line.push_str(word);
        }
        println!("{line}");
    }

    /// One state line: who, which connection, the state, and where it was read.
    fn show(who: &str, conn: &str, state: TcpState, source: &str) {
        println!(
            "   {who:<6} {conn:<44} {:<12} ({source})",
            state.to_string()
        );
    }

    /// The state `tcp_info` reports for `fd`, asked again a millisecond apart until it is
    /// one of `want` or `LIMIT` passes (then the last state seen, for the caller to report).
    fn wait_for(fd: &impl AsFd, want: &[TcpState]) -> Result<TcpState, String> {
        let start = Instant::now();
        loop {
            let state = tcp_info(fd).map_err(|e| format!("tcp_info: {e}"))?.state();
            if want.contains(&state) {
                return Ok(state);
            }
            if start.elapsed() > LIMIT {
                return Err(format!(
                    "still {state} after {LIMIT:?}, waiting for {want:?}"
                ));
            }
            // A bounded wait of 1 ms between two looks at the state (poll with no fds).
            poll(&mut [], 1).map_err(|e| format!("poll: {e}"))?;
        }
    }

    pub fn run() -> Result<(), String> {
        let err = |call: &'static str| move |e: Errno| format!("{call}: {e}");

        step(
            1,
            "The server opens a listening socket: socket, bind to 127.0.0.1 port 0, listen.",
        );
        let listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).map_err(err("socket"))?;
        bind(&listener, &std::net::SocketAddr::from(([127, 0, 0, 1], 0))).map_err(err("bind"))?;
        listen(&listener, SOMAXCONN).map_err(err("listen"))?;
        let server_addr = getsockname(&listener).map_err(err("getsockname"))?;
        let state = tcp_info(&listener).map_err(err("tcp_info"))?.state();
        show("server", &format!("{server_addr}"), state, "tcp_info");

        step(
            2,
            "The client connects; the server accepts. SYN, SYN-ACK, ACK: both ends are open.",
        );
        let client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0).map_err(err("socket"))?;
        // A small receive window, so that the server can fill it (step 3).
        setsockopt(&client, SOL_SOCKET, SO_RCVBUF, &2048).map_err(err("setsockopt"))?;
        connect(&client, &server_addr).map_err(err("connect"))?;
        let (server, _) = accept4(&listener, SOCK_CLOEXEC).map_err(err("accept4"))?;
        let client_addr = getsockname(&client).map_err(err("getsockname"))?;
        let c2s = format!("{client_addr} -> {server_addr}");
        let s2c = format!("{server_addr} -> {client_addr}");
        show(
            "client",
            &c2s,
            wait_for(&client, &[TCP_ESTABLISHED])?,
            "tcp_info",
        );
        show(
            "server",
            &s2c,
            wait_for(&server, &[TCP_ESTABLISHED])?,
            "tcp_info",
        );

        step(3, "The server sends until the client's window is full (non-blocking send until EAGAIN); the client reads nothing.");
        // A small send buffer too, so that little is queued (Linux doubles both values).
        setsockopt(&server, SOL_SOCKET, SO_SNDBUF, &4096).map_err(err("setsockopt"))?;
        fcntl(&server, F_SETFL(O_NONBLOCK)).map_err(err("fcntl"))?;
        let chunk = [b'x'; 4096];
        let mut queued = 0usize;
        loop {
            match send(&server, &chunk, 0) {
                Ok(n) => queued += n,
                Err(Errno::EAGAIN) => break,
                Err(e) => return Err(format!("send: {e}")),
            }
        }
        println!("   {queued} bytes wait in the buffers: the server's FIN will queue behind them.");

        step(4, "The client hangs up its side: shutdown(SHUT_WR) sends a FIN. The server's ACK moves the client from FIN_WAIT1 to FIN_WAIT2; the server, FIN received, is in CLOSE_WAIT (its recv returns 0).");
        shutdown(&client, SHUT_WR).map_err(err("shutdown"))?;
        let first = tcp_info(&client).map_err(err("tcp_info"))?.state();
        if first == TCP_FIN_WAIT1 {
            show("client", &c2s, first, "tcp_info, right after shutdown");
        }
        show(
            "client",
            &c2s,
            wait_for(&client, &[TCP_FIN_WAIT2])?,
            "tcp_info",
        );
        show(
            "server",
            &s2c,
            wait_for(&server, &[TCP_CLOSE_WAIT])?,
            "tcp_info",
        );
        let mut byte = [0u8; 1];
        match recv(&server, &mut byte, 0) {
            Ok(0) => println!("   server recv = 0: end-of-file, the client will send no more."),
            Ok(n) => return Err(format!("recv: {n} bytes where end-of-file was expected")),
            Err(e) => return Err(format!("recv: {e}")),
        }

        step(5, "The server hangs up too: shutdown(SHUT_WR). Its FIN waits behind the unread data, so the server sits in LAST_ACK.");
        shutdown(&server, SHUT_WR).map_err(err("shutdown"))?;
        show(
            "server",
            &s2c,
            wait_for(&server, &[TCP_LAST_ACK])?,
            "tcp_info",
        );
        show(
            "client",
            &c2s,
            wait_for(&client, &[TCP_FIN_WAIT2])?,
            "tcp_info",
        );

        step(6, "The client reads everything; the FIN comes last (recv = 0) and the client ACKs it: the server's connection ends (CLOSE), the client's waits out TIME_WAIT.");
        // A bound on each recv, should the FIN never come.
        let limit = timeval {
            tv_sec: LIMIT.as_secs() as _,
            tv_usec: 0,
        };
        setsockopt(&client, SOL_SOCKET, SO_RCVTIMEO, &limit).map_err(err("setsockopt"))?;
        let mut buf = [0u8; 65536];
        let mut drained = 0usize;
        loop {
            match recv(&client, &mut buf, 0).map_err(err("recv"))? {
                0 => break,
                n => drained += n,
            }
        }
        println!("   client read {drained} bytes, then recv = 0.");
        show("server", &s2c, wait_for(&server, &[TCP_CLOSE])?, "tcp_info");
        let on_fd = tcp_info(&client).map_err(err("tcp_info"))?.state();
        show(
            "client",
            &c2s,
            on_fd,
            "tcp_info: the connection has left the socket",
        );
        // The kernel's table through sock_diag, as `ss -tan` reads it; /proc/net/tcp
        // where sock_diag is not available (tcp_state_of makes the same choice).
        let (found, table) = match tcp_state_in(TcpTable::SockDiag, &client_addr, &server_addr) {
            Ok(found) => (found, TcpTable::SockDiag),
            Err(e) => {
                println!("   (sock_diag: {e}; reading /proc/net/tcp instead)");
                let found = tcp_state_in(TcpTable::Proc, &client_addr, &server_addr)
                    .map_err(err("tcp_state_in"))?;
                (found, TcpTable::Proc)
            }
        };
        match found {
            Some(state) => show("client", &c2s, state, &format!("kernel table, {table}")),
            None => return Err(format!("{c2s} is not in the kernel's table ({table})")),
        }
        println!(
            "\nThe kernel keeps the TIME_WAIT entry for 60 seconds, then forgets the connection."
        );
        Ok(())
    }
}
