//! The classic one-thread server with `epoll` (Linux): `epoll_server [host] [port]`
//! (default `localhost 12345`).
//!
//! It looks the host up with `getaddrinfo` (`AI_PASSIVE`), binds the first address
//! that takes it, listens with `SOMAXCONN` and prints `listening on <addr>` first
//! (port 0 picks a free port, and the line shows which). Then one `epoll_wait` loop
//! serves everyone: the listening socket and every client are registered in one
//! epoll instance, and each client gets back whatever it sends, as it arrives. It
//! prints one line per connect and per disconnect, and runs in one thread.
//!
//! The C it ports:
//!
//! ```c
//! int ep = epoll_create1(EPOLL_CLOEXEC);
//! struct epoll_event ev = { .events = EPOLLIN, .data.u64 = LISTENER };
//! epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
//! for (;;) {
//!     int n = epoll_wait(ep, events, 256, -1);
//!     for (int i = 0; i < n; i++) {
//!         if (events[i].data.u64 == LISTENER) {
//!             int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
//!             ev.events = EPOLLIN | EPOLLRDHUP; ev.data.u64 = slot_of(c);
//!             epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
//!         } else {
//!             ssize_t r = recv(c, buf, sizeof buf, 0);
//!             if (r <= 0) close(c);            /* EOF or reset: the kernel drops it */
//!             else send(c, buf, r, MSG_NOSIGNAL);
//!         }
//!     }
//! }
//! ```
//!
//! Choices, as a C server makes them:
//!
//! - **Level-triggered**, so one `recv` per wakeup is enough: what is left is
//!   reported again. The sockets are non-blocking all the same (the listener and
//!   `accept4(SOCK_NONBLOCK)`), so that a client that stops reading cannot stall
//!   the server: an echo that does not fit is kept for that client, which is then
//!   watched for `EPOLLOUT` only (no more reading from it) until it drains.
//! - **`data` is a slot** in the server's own table of clients (`Vec<Option<Client>>`,
//!   slots reused), and `u64::MAX` for the listener; the table owns the sockets.
//! - **Closing a client removes it** from the interest list (it has no other
//!   descriptor), so a disconnect is just dropping its `Socket`, at once: EOF, a
//!   reset (`ECONNRESET`), or a failed send. A client that sends `shutdown(SHUT_WR)`
//!   gets its echo first: the data comes before the end-of-file, and while an echo
//!   is pending the server does not read, so it meets the end-of-file only after.
//! - **`EMFILE`/`ENFILE` on `accept`**: the connection stays queued and the listener
//!   stays readable, so a level-triggered loop would spin. The server keeps one
//!   spare descriptor (`/dev/null`) for this: it closes the spare, accepts the
//!   connection, closes it at once (the client sees end-of-file), says so in one line,
//!   and reopens the spare; the others are served on.

#[cfg(any(target_os = "linux", target_os = "android"))]
use std::fs::File;
use std::process::ExitCode;

#[cfg(any(target_os = "linux", target_os = "android"))]
use sockapi::*;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod common;

#[cfg(any(target_os = "linux", target_os = "android"))]
const PROG: &str = "epoll_server";

#[cfg(any(target_os = "linux", target_os = "android"))]
/// The `data` of the listener's registration; clients have their slot.
const LISTENER: u64 = u64::MAX;

#[cfg(any(target_os = "linux", target_os = "android"))]
/// How many events one `epoll_wait` takes.
const EVENTS: usize = 256;

#[cfg(any(target_os = "linux", target_os = "android"))]
/// How many connections one wakeup of the listener accepts at most, so a flood of
/// connections does not starve the clients already served.
const ACCEPTS_PER_WAKEUP: usize = 64;

#[cfg(any(target_os = "linux", target_os = "android"))]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 2 {
        eprintln!("usage: epoll_server [host] [port]");
        return ExitCode::from(2);
    }
    let host = args.first().map_or("localhost", String::as_str);
    let port = args.get(1).map_or("12345", String::as_str);
    match run(host, port) {
        Ok(code) | Err(code) => code,
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
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

#[cfg(any(target_os = "linux", target_os = "android"))]
/// The failing call's name with its `Errno`.
type Failure = (&'static str, Errno);

#[cfg(any(target_os = "linux", target_os = "android"))]
/// One connected client.
struct Client {
    fd: Socket,
    peer: SockAddr,
    /// Echo bytes the socket had no room for yet; while there are some, the client
    /// is watched for `EPOLLOUT` only.
    pending: Vec<u8>,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
struct Server {
    listener: Socket,
    ep: Epoll,
    clients: Vec<Option<Client>>,
    free: Vec<usize>,
    /// The spare descriptor for `EMFILE` (see the module docs); `None` while in use
    /// or if it could not be reopened.
    spare: Option<File>,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn serve(listener: Socket) -> Result<(), Failure> {
    listen(&listener, SOMAXCONN).map_err(|e| ("listen", e))?;
    let flags = fcntl(&listener, F_GETFL).map_err(|e| ("fcntl", e))?;
    fcntl(&listener, F_SETFL(flags | O_NONBLOCK)).map_err(|e| ("fcntl", e))?;
    let local = getsockname(&listener).map_err(|e| ("getsockname", e))?;
    let ep = epoll_create1(EPOLL_CLOEXEC).map_err(|e| ("epoll_create1", e))?;
    let ev = epoll_event::new(EPOLLIN, LISTENER);
    epoll_ctl(&ep, EPOLL_CTL_ADD, &listener, Some(&ev)).map_err(|e| ("epoll_ctl", e))?;
    let mut server = Server {
        listener,
        ep,
        clients: Vec::new(),
        free: Vec::new(),
        spare: File::open("/dev/null").ok(),
    };
    println!("listening on {local}");

    let mut events = [epoll_event::default(); EVENTS];
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match epoll_wait(&server.ep, &mut events, -1) {
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(("epoll_wait", e)),
        };
        for ev in &events[..n] {
            if ev.data() == LISTENER {
                server.accept_some()?;
            } else {
                server.client_event(ev.data() as usize, ev.events(), &mut buf);
            }
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl Server {
    /// Accepts what is queued, up to [`ACCEPTS_PER_WAKEUP`].
    fn accept_some(&mut self) -> Result<(), Failure> {
        for _ in 0..ACCEPTS_PER_WAKEUP {
            match accept4(&self.listener, SOCK_NONBLOCK | SOCK_CLOEXEC) {
                Ok((fd, peer)) => self.add_client(fd, peer),
                Err(Errno::EAGAIN) => return Ok(()),
                // The client gave up before we took it, or a signal came.
                Err(Errno::ECONNABORTED | Errno::EINTR) => continue,
                Err(e @ (Errno::EMFILE | Errno::ENFILE)) => {
                    self.refuse(e);
                    return Ok(());
                }
                // Out of memory or buffers: try again at the next wakeup.
                Err(e @ (Errno::ENOBUFS | Errno::ENOMEM)) => {
                    eprintln!("{PROG}: accept4: {e}");
                    return Ok(());
                }
                Err(e) => return Err(("accept4", e)),
            }
        }
        Ok(())
    }

    /// Out of descriptors: closes the spare, takes the connection and closes it,
    /// then reopens the spare.
    fn refuse(&mut self, e: Errno) {
        drop(self.spare.take());
        match accept4(&self.listener, SOCK_CLOEXEC) {
            Ok((fd, peer)) => {
                drop(fd);
                println!("refused {peer}: {}", e.name());
            }
            // Linux reserves the descriptor before it looks at the queue, so
            // `EMFILE` also comes with nothing queued: then there is no one to refuse.
            Err(Errno::EAGAIN | Errno::ECONNABORTED | Errno::EINTR) => {}
            Err(e2) => eprintln!("{PROG}: accept4 with the spare freed: {e2}"),
        }
        self.spare = File::open("/dev/null").ok();
    }

    fn add_client(&mut self, fd: Socket, peer: SockAddr) {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.clients.push(None);
                self.clients.len() - 1
            }
        };
        let ev = epoll_event::new(EPOLLIN | EPOLLRDHUP, slot as u64);
        if let Err(e) = epoll_ctl(&self.ep, EPOLL_CTL_ADD, &fd, Some(&ev)) {
            // Not served: say so, and the socket closes here.
            eprintln!("{PROG}: {peer}: epoll_ctl: {e}");
            self.free.push(slot);
            return;
        }
        println!("connect {peer} (fd {fd})");
        self.clients[slot] = Some(Client {
            fd,
            peer,
            pending: Vec::new(),
        });
    }

    /// Drops the client in `slot`: its socket closes, which takes it out of the
    /// interest list.
    fn disconnect(&mut self, slot: usize, why: impl std::fmt::Display) {
        if let Some(client) = self.clients.get_mut(slot).and_then(Option::take) {
            println!("disconnect {} ({why})", client.peer);
            drop(client);
            self.free.push(slot);
        }
    }

    fn client_event(&mut self, slot: usize, events: EpollFlags, buf: &mut [u8]) {
        let Some(Some(client)) = self.clients.get_mut(slot) else {
            // Closed earlier in this batch of events.
            return;
        };
        if !client.pending.is_empty() {
            // Watched for EPOLLOUT (and errors) only: flush, then read again (an
            // end-of-file behind the data is read then).
            match flush(client) {
                Ok(true) => {
                    let ev = epoll_event::new(EPOLLIN | EPOLLRDHUP, slot as u64);
                    if let Err(e) = epoll_ctl(&self.ep, EPOLL_CTL_MOD, &client.fd, Some(&ev)) {
                        self.disconnect(slot, format_args!("epoll_ctl: {}", e.name()));
                    }
                }
                Ok(false) => {}
                Err(e) => self.disconnect(slot, format_args!("send: {}", e.name())),
            }
            return;
        }
        if !events.contains(EPOLLIN) && (events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)).is_empty() {
            return;
        }
        match recv(&client.fd, buf, 0) {
            Ok(0) => self.disconnect(slot, "end of file"),
            Ok(n) => {
                client.pending.extend_from_slice(&buf[..n]);
                match flush(client) {
                    Ok(true) => {}
                    Ok(false) => {
                        let ev = epoll_event::new(EPOLLOUT, slot as u64);
                        if let Err(e) = epoll_ctl(&self.ep, EPOLL_CTL_MOD, &client.fd, Some(&ev)) {
                            self.disconnect(slot, format_args!("epoll_ctl: {}", e.name()));
                        }
                    }
                    Err(e) => self.disconnect(slot, format_args!("send: {}", e.name())),
                }
            }
            Err(Errno::EAGAIN | Errno::EINTR) => {}
            Err(e) => self.disconnect(slot, format_args!("recv: {}", e.name())),
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
/// Sends what is pending; `Ok(true)` once all of it went.
fn flush(client: &mut Client) -> Result<bool, Errno> {
    let mut sent = 0;
    let result = loop {
        if sent == client.pending.len() {
            break Ok(true);
        }
        match send(&client.fd, &client.pending[sent..], MSG_NOSIGNAL) {
            Ok(n) => sent += n,
            Err(Errno::EAGAIN) => break Ok(false),
            Err(Errno::EINTR) => {}
            Err(e) => break Err(e),
        }
    };
    client.pending.drain(..sent);
    result
}

/// epoll is Linux's: elsewhere the example only says so.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() -> ExitCode {
    eprintln!("epoll_server: epoll is Linux's; see select_server or poll_server");
    ExitCode::FAILURE
}
