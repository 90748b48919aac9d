//! The classic one-thread server, with `poll`: `poll_server [host] [port]` (default
//! `localhost 12345`).
//!
//! It looks the host up with `getaddrinfo` (`AI_PASSIVE`), binds the first address
//! that takes it, listens with `SOMAXCONN`, prints `listening on <addr>` first (port
//! 0 picks a free port, and the line shows which), then serves every client from one
//! thread: one `Vec<pollfd>` holds the listener first and every client after it, and
//! one `poll` waits on them all. Unlike `select` there is no `FD_SETSIZE`: it serves
//! as many clients as `RLIMIT_NOFILE` lets it hold.
//!
//! - A client's bytes are echoed back as they arrive, in whatever pieces they come.
//!   Each client is non-blocking; what a client does not take at once waits in its
//!   own buffer (`POLLOUT`), and the server reads no more from it until that is gone.
//! - A client may go however it likes: a close (`recv` returns 0), a reset
//!   (`SO_LINGER` 0: `ECONNRESET`), or `shutdown(SHUT_WR)` first and then reading its
//!   echo (the end of its stream arrives after its data; what is echoed is sent
//!   before the server closes). Its socket is closed at once, and its entry leaves
//!   the array.
//! - Out of descriptors (`EMFILE`): `accept` cannot take the connection, and an
//!   untaken connection keeps the listener readable, so a plain loop would spin. The
//!   server keeps one spare descriptor (`/dev/null`) for this: it closes the spare,
//!   accepts, closes that connection (the client sees its connection end), and opens
//!   the spare again; it prints `refused <peer>: out of descriptors` and keeps
//!   serving the others. (Linux's `accept` takes a descriptor number before it looks
//!   at its queue, so at the limit it fails with `EMFILE` even when nothing waits;
//!   the spare's `accept` then says `EAGAIN`, and the server goes back to `poll`.)
//!   Should the spare itself be lost, it stops polling the listener until a client
//!   leaves.
//! - It prints one line per connect and per disconnect, never panics, and runs in one
//!   thread.
//!
//! The C it ports:
//!
//! ```c
//! struct pollfd *fds = malloc(...);  fds[0] = (struct pollfd){ listener, POLLIN };
//! for (;;) {
//!     poll(fds, nfds, -1);
//!     if (fds[0].revents & POLLIN) { int c = accept(listener, ...); fds[nfds++] = (struct pollfd){ c, POLLIN }; }
//!     for (i = 1; i < nfds; i++)
//!         if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
//!             ssize_t n = recv(fds[i].fd, buf, sizeof buf, 0);
//!             if (n <= 0) { close(fds[i].fd); fds[i--] = fds[--nfds]; }
//!             else send(fds[i].fd, buf, n, 0);
//!         }
//! }
//! ```

use std::fs::File;
use std::process::ExitCode;

use sockapi::*;

mod common;

const PROG: &str = "poll_server";

/// The most connections taken from the backlog per wake-up, so that a flood of
/// connects cannot starve the clients already served.
const ACCEPTS_PER_WAKE: usize = 256;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 2 {
        eprintln!("usage: poll_server [host] [port]");
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

/// One client: its socket, its address (for the log lines), and the echo it has not
/// taken yet.
struct Client {
    sock: Socket,
    peer: SockAddr,
    pending: Vec<u8>,
}

/// Why a client leaves.
enum Gone {
    Closed,
    Error(&'static str, Errno),
}

fn serve(listener: Socket) -> Result<(), Failure> {
    listen(&listener, SOMAXCONN).map_err(|e| ("listen", e))?;
    // Non-blocking, so that a connection that goes before it is taken (a reset in the
    // backlog) cannot block `accept`; the loop takes until `EAGAIN`.
    let flags = fcntl(&listener, F_GETFL).map_err(|e| ("fcntl", e))?;
    fcntl(&listener, F_SETFL(flags | O_NONBLOCK)).map_err(|e| ("fcntl", e))?;
    // Opened before the first line, so that a watcher counting descriptors from then
    // on sees a steady base.
    let mut spare = open_spare();
    let local = getsockname(&listener).map_err(|e| ("getsockname", e))?;
    println!("listening on {local}");

    // fds[0] is the listener; fds[i + 1] is clients[i].
    let mut fds = vec![pollfd::new(&listener, POLLIN)];
    let mut clients: Vec<Client> = Vec::new();
    loop {
        match poll(&mut fds, -1) {
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(("poll", e)),
        }
        // Clients first, from the end, so that a swap_remove only moves entries
        // already looked at.
        for i in (0..clients.len()).rev() {
            let revents = fds[i + 1].revents;
            if revents.is_empty() {
                continue;
            }
            if let Some(gone) = serve_client(&mut clients[i], revents) {
                let client = clients.swap_remove(i);
                fds.swap_remove(i + 1);
                say_goodbye(client, gone, clients.len());
                // A descriptor is free again: take connections if we had stopped.
                fds[0].events = POLLIN;
                if spare.is_none() {
                    spare = open_spare();
                }
            } else {
                fds[i + 1].events = wanted(&clients[i]);
            }
        }
        if !fds[0].revents.is_empty() {
            accept_some(&listener, &mut spare, &mut fds, &mut clients);
        }
    }
}

/// The spare descriptor kept for refusing a connection at `EMFILE`.
fn open_spare() -> Option<File> {
    File::open("/dev/null").ok()
}

/// What to poll a client for: its echo's room while one waits, else its data.
fn wanted(client: &Client) -> PollFlags {
    if client.pending.is_empty() {
        POLLIN
    } else {
        POLLOUT
    }
}

/// Takes the connections waiting, up to [`ACCEPTS_PER_WAKE`].
fn accept_some(
    listener: &Socket,
    spare: &mut Option<File>,
    fds: &mut Vec<pollfd>,
    clients: &mut Vec<Client>,
) {
    for _ in 0..ACCEPTS_PER_WAKE {
        match accept4(listener, SOCK_NONBLOCK | SOCK_CLOEXEC) {
            Ok((sock, peer)) => {
                fds.push(pollfd::new(&sock, POLLIN));
                clients.push(Client {
                    sock,
                    peer,
                    pending: Vec::new(),
                });
                let fd = fds[fds.len() - 1].fd;
                println!("connect {peer} (fd {fd}, {} clients)", clients.len());
            }
            Err(Errno::EAGAIN) => return,
            // Gone before we took it, or a signal: the next one.
            Err(Errno::ECONNABORTED | Errno::EINTR) => continue,
            Err(e @ (Errno::EMFILE | Errno::ENFILE)) => match refuse_one(listener, spare, e) {
                Refusal::Refused => continue,
                Refusal::NoneWaiting => return,
                Refusal::NoSpare => {
                    // No spare to give up: wait for a client to leave.
                    fds[0].events = PollFlags::EMPTY;
                    return;
                }
            },
            Err(e) => {
                eprintln!("{PROG}: accept: {e}");
                return;
            }
        }
    }
}

/// What [`refuse_one`] did.
enum Refusal {
    /// A connection was taken and closed.
    Refused,
    /// None was waiting: Linux's `accept` takes a descriptor number before it looks
    /// at the queue, so at the limit it fails with `EMFILE` even with nothing to take.
    NoneWaiting,
    /// The spare could not be given up (or taken back): stop accepting for now.
    NoSpare,
}

/// At `EMFILE`: gives up the spare, takes the connection and closes it, and takes the
/// spare back.
fn refuse_one(listener: &Socket, spare: &mut Option<File>, why: Errno) -> Refusal {
    if spare.take().is_none() {
        eprintln!("{PROG}: accept: {why}; no spare descriptor: not accepting for now");
        return Refusal::NoSpare;
    }
    let done = match accept4(listener, SOCK_CLOEXEC) {
        Ok((sock, peer)) => {
            drop(sock);
            println!("refused {peer}: out of descriptors ({})", why.name());
            Refusal::Refused
        }
        Err(Errno::EAGAIN) => Refusal::NoneWaiting,
        Err(e) => {
            eprintln!("{PROG}: accept (with the spare freed): {e}");
            Refusal::NoneWaiting
        }
    };
    *spare = open_spare();
    if spare.is_none() {
        return Refusal::NoSpare;
    }
    done
}

/// Serves one client's events; `Some` when it is gone.
fn serve_client(client: &mut Client, revents: PollFlags) -> Option<Gone> {
    if !client.pending.is_empty() {
        // Its echo first; its data waits in the kernel until the echo is out.
        // (The end of its stream, if it came, is read once the echo is out.)
        return flush(client).err();
    }
    if !revents.intersects_any(POLLIN | POLLHUP | POLLERR) {
        return None;
    }
    let mut buf = [0u8; 4096];
    match recv(&client.sock, &mut buf, 0) {
        Ok(0) => Some(Gone::Closed),
        Ok(n) => {
            client.pending.extend_from_slice(&buf[..n]);
            flush(client).err()
        }
        Err(Errno::EAGAIN | Errno::EINTR) => None,
        Err(e) => Some(Gone::Error("recv", e)),
    }
}

/// Sends what the client has not taken, as far as it goes without blocking.
fn flush(client: &mut Client) -> Result<(), Gone> {
    let mut sent = 0;
    while sent < client.pending.len() {
        match send(&client.sock, &client.pending[sent..], 0) {
            Ok(n) => sent += n,
            Err(Errno::EAGAIN) => break,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Gone::Error("send", e)),
        }
    }
    client.pending.drain(..sent);
    Ok(())
}

fn say_goodbye(client: Client, gone: Gone, left: usize) {
    let peer = client.peer;
    let reason = match gone {
        Gone::Closed => String::from("closed"),
        Gone::Error(call, e) => format!("{call}: {}", e.name()),
    };
    if let Err(e) = close(client.sock) {
        eprintln!("{PROG}: {peer}: close: {e}");
    }
    println!("disconnect {peer} ({reason}, {left} clients)");
}

/// `revents & (A | B) != 0`, as C tests it.
trait AnyOf {
    fn intersects_any(self, other: Self) -> bool;
}

impl AnyOf for PollFlags {
    fn intersects_any(self, other: PollFlags) -> bool {
        !(self & other).is_empty()
    }
}
