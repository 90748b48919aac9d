//! The classic one-thread server: `select_server [host] [port]` (default
//! `localhost 12345`).
//!
//! It looks the host up with `getaddrinfo` (`AI_PASSIVE`), binds the first address
//! that takes it, listens with `SOMAXCONN` and prints `listening on <addr>` first
//! (port 0 picks a free port, and the line shows which). Then one `FdSet` holds the
//! listening socket and every client, and one `select` waits on all of them: a
//! readable listener means a client to accept, a readable client means bytes to
//! echo back, as they arrive, or a client that has gone (end of file after a close or
//! `shutdown(SHUT_WR)`, `ECONNRESET` after a reset), whose socket is closed at once.
//! One line per connect and disconnect goes to stdout.
//!
//! **A full set.** An `fd_set` holds the fds `0..FD_SETSIZE` (1024). A client whose
//! fd is `FD_SETSIZE` or more cannot go in the set (`FD_SET` says `EINVAL`, where C's
//! macro would write past the set): it is accepted and closed at once
//! (`refused …: the set is full`), and the others are served on. When the process
//! runs out of descriptors first (`RLIMIT_NOFILE` of 1024, the usual default), `accept`
//! fails with `EMFILE` and the connection would wait in the backlog, keeping the
//! listener readable for ever: the server keeps one spare descriptor for that case,
//! closes it to accept and close the client, then takes it back.
//!
//! The C it ports:
//!
//! ```c
//! FD_ZERO(&master); FD_SET(listener, &master); fdmax = listener;
//! for (;;) {
//!     read_fds = master;
//!     select(fdmax + 1, &read_fds, NULL, NULL, NULL);
//!     for (i = 0; i <= fdmax; i++) {
//!         if (!FD_ISSET(i, &read_fds)) continue;
//!         if (i == listener) {
//!             newfd = accept(listener, (struct sockaddr *)&addr, &len);
//!             FD_SET(newfd, &master); if (newfd > fdmax) fdmax = newfd;
//!         } else if ((n = recv(i, buf, sizeof buf, 0)) <= 0) {
//!             close(i); FD_CLR(i, &master);
//!         } else {
//!             send(i, buf, n, 0);
//!         }
//!     }
//! }
//! ```

use std::os::fd::AsRawFd;
use std::process::ExitCode;

use sockapi::*;

mod common;

const PROG: &str = "select_server";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 2 {
        eprintln!("usage: select_server [host] [port]");
        return ExitCode::from(2);
    }
    let host = args.first().map_or("localhost", String::as_str);
    let port = args.get(1).map_or("12345", String::as_str);
    match run(host, port) {
        Ok(code) | Err(code) => code,
    }
}

fn run(host: &str, port: &str) -> Result<ExitCode, ExitCode> {
    common::check_port(PROG, port)?;
    let res = common::lookup(PROG, host, port, SOCK_STREAM, true)?;
    let (fd, _addr) = common::first_that_works(PROG, &res, |fd, addr| {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &1).map_err(|e| ("setsockopt", e))?;
        bind(fd, addr).map_err(|e| ("bind", e))
    })?;
    drop(res);
    match serve(fd) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err((call, e)) => {
            eprintln!("{PROG}: {call}: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// The failing call's name with its `Errno`.
type Failure = (&'static str, Errno);

/// A client: its socket and who it is.
struct Client {
    fd: Socket,
    peer: SockAddr,
}

/// The descriptor kept for `EMFILE`: any socket will do.
fn spare() -> Option<Socket> {
    socket(AF_UNIX, SOCK_DGRAM, 0).ok()
}

fn serve(listener: Socket) -> Result<(), Failure> {
    listen(&listener, SOMAXCONN).map_err(|e| ("listen", e))?;
    let local = getsockname(&listener).map_err(|e| ("getsockname", e))?;
    let mut master = FdSet::new();
    master
        .insert(&listener)
        .map_err(|e| ("FD_SET (listener)", e))?;
    let mut spare = spare();
    println!("listening on {local}");

    let mut clients: Vec<Client> = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let mut readfds = master;
        match select(master.nfds(), Some(&mut readfds), None, None, None) {
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(("select", e)),
        }

        // Each client that is readable: its bytes back, or its end.
        let mut i = 0;
        while i < clients.len() {
            let c = &clients[i];
            if !readfds.contains(&c.fd) {
                i += 1;
                continue;
            }
            let gone = match recv(&c.fd, &mut buf, 0) {
                Ok(0) => Some("closed"),
                Ok(n) => match send_all(&c.fd, &buf[..n]) {
                    Ok(()) => None,
                    Err(e) => {
                        eprintln!("{PROG}: {}: send: {e}", c.peer);
                        Some("send failed")
                    }
                },
                Err(Errno::EINTR | Errno::EAGAIN) => None,
                Err(Errno::ECONNRESET) => Some("reset"),
                Err(e) => {
                    eprintln!("{PROG}: {}: recv: {e}", c.peer);
                    Some("recv failed")
                }
            };
            match gone {
                None => i += 1,
                Some(how) => {
                    let c = clients.swap_remove(i);
                    // Out of the set before the number can be reused.
                    master.remove(&c.fd);
                    let fd = c.fd.as_raw_fd();
                    if let Err(e) = close(c.fd) {
                        eprintln!("{PROG}: {}: close: {e}", c.peer);
                    }
                    println!("disconnected {} (fd {fd}, {how})", c.peer);
                }
            }
        }

        if readfds.contains(&listener) {
            accept_one(&listener, &mut master, &mut clients, &mut spare)?;
        }
    }
}

/// Accepts one client into the set, or refuses it when the set (or the process's
/// descriptor table) is full.
fn accept_one(
    listener: &Socket,
    master: &mut FdSet,
    clients: &mut Vec<Client>,
    spare: &mut Option<Socket>,
) -> Result<(), Failure> {
    let (fd, peer) = match accept(listener) {
        Ok(pair) => pair,
        // The client gave up before we took it, or a signal came: the next select
        // says whether another waits.
        Err(Errno::ECONNABORTED | Errno::EINTR | Errno::EAGAIN) => return Ok(()),
        Err(Errno::EMFILE | Errno::ENFILE) if spare.is_some() => {
            // No descriptor left: give up the spare to take the client, and refuse it.
            drop(spare.take());
            if let Ok((fd, peer)) = accept(listener) {
                drop(fd);
                println!("refused {peer}: no descriptor left");
            }
            *spare = self::spare();
            return Ok(());
        }
        Err(e) => return Err(("accept", e)),
    };
    match master.insert(&fd) {
        Ok(()) => {
            println!("connected {peer} (fd {})", fd.as_raw_fd());
            clients.push(Client { fd, peer });
        }
        Err(_) => {
            let n = fd.as_raw_fd();
            drop(fd);
            println!("refused {peer}: the set is full (fd {n} >= FD_SETSIZE {FD_SETSIZE})");
        }
    }
    Ok(())
}

/// Sends all of `buf`: C's loop over partial sends.
fn send_all(fd: &Socket, mut buf: &[u8]) -> Result<(), Errno> {
    while !buf.is_empty() {
        match send(fd, buf, 0) {
            Ok(n) => buf = &buf[n..],
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
