//! The call trace on arbitrary data and addresses: real traced calls (`send`/`recv`
//! on a socketpair, `sendto` and `sendmsg` with any address on a connected
//! `AF_UNIX` stream socket, which the kernel refuses with `EISCONN` before looking
//! at it, `getnameinfo` with `NI_NUMERICHOST | NI_NUMERICSERV`, `inet_pton`,
//! `inet_aton`, numeric `getaddrinfo`), with an arbitrary `strsize`, their lines
//! caught by `sockapi::trace::capture` instead of written to stderr.
//!
//! Each line: valid UTF-8, at most the 512 bytes of the line buffer, one newline at
//! its end and no other control character (data is escaped, names too), the call's
//! name first; a line cut at the buffer's end ends in `...`. The data of a `send`
//! line, read back as the C string it is written as, is exactly the first `strsize`
//! bytes sent, followed by `...` exactly when there were more.
#![no_main]

use std::cell::RefCell;
use std::io::IoSlice;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sockapi::*;

const LINE_MAX: usize = 512;

thread_local! {
    static LINES: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

fn sink(line: &[u8]) {
    LINES.with(|l| l.borrow_mut().push(line.to_vec()));
}

fn take_lines() -> Vec<Vec<u8>> {
    LINES.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

#[derive(Arbitrary, Debug)]
enum Call {
    Send(Vec<u8>, u16),
    SendTo(Vec<u8>, Vec<u8>),
    SendMsg(Vec<Vec<u8>>, Option<Vec<u8>>),
    NameInfo(Vec<u8>, bool),
    Pton(Vec<u8>, bool),
    Aton(Vec<u8>),
    Gai(Vec<u8>, Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct Input {
    strsize: u16,
    huge: bool,
    calls: Vec<Call>,
}

fn addr_of(bytes: &[u8]) -> SockAddr {
    SockAddr::from_bytes(&bytes[..bytes.len().min(128)]).unwrap()
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Reads the C string literal at the start of `s` (after its opening quote):
/// the bytes and the rest of `s` after the closing quote.
fn c_string(s: &[u8]) -> (Vec<u8>, &[u8]) {
    assert_eq!(s[0], b'"');
    let mut out = Vec::new();
    let mut i = 1;
    loop {
        match s[i] {
            b'"' => return (out, &s[i + 1..]),
            b'\\' => {
                i += 1;
                match s[i] {
                    b'"' => out.push(b'"'),
                    b'\\' => out.push(b'\\'),
                    b't' => out.push(b'\t'),
                    b'n' => out.push(b'\n'),
                    b'v' => out.push(0x0b),
                    b'f' => out.push(0x0c),
                    b'r' => out.push(b'\r'),
                    b'0'..=b'7' => {
                        let mut v: u32 = 0;
                        let mut n = 0;
                        while n < 3 && (b'0'..=b'7').contains(&s[i]) {
                            v = v * 8 + (s[i] - b'0') as u32;
                            i += 1;
                            n += 1;
                        }
                        assert!(v <= 0xff);
                        // Fewer than three digits only when the next byte is not
                        // an octal digit (else it would join them).
                        if n < 3 {
                            assert!(!(b'0'..=b'7').contains(&s[i]), "ambiguous octal");
                        }
                        out.push(v as u8);
                        continue;
                    }
                    other => panic!("unknown escape \\{}", other as char),
                }
                i += 1;
            }
            c => {
                assert!((0x20..=0x7e).contains(&c), "raw byte {c:#x} in data");
                out.push(c);
                i += 1;
            }
        }
    }
}

fn check_line(line: &[u8]) {
    assert!(line.len() <= LINE_MAX, "line of {} bytes", line.len());
    let text = std::str::from_utf8(line).expect("line not UTF-8");
    assert!(text.ends_with('\n'));
    let body = &text[..text.len() - 1];
    assert!(
        !body.chars().any(|c| c.is_control()),
        "control character in {body:?}"
    );
    // A whole line is at most 508 bytes and its newline (the buffer keeps 4 for
    // `...` and the newline); only a cut one is longer.
    if line.len() > LINE_MAX - 3 {
        // Only a cut line comes this close to the end of the buffer.
        assert!(body.ends_with("..."), "long line not marked cut: {body:?}");
    }
}

fn check_send_line(line: &[u8], data: &[u8], strsize: usize) {
    let body = &line[..line.len() - 1];
    let Some(at) = body.iter().position(|&b| b == b'"') else {
        panic!("no data in {}", lossy(body));
    };
    assert!(body.starts_with(b"send("));
    // A cut line may stop inside the data: check what is there.
    if body.ends_with(b"...") {
        return;
    }
    let tail = &body[at..];
    let (shown, rest) = c_string(tail);
    let want = &data[..data.len().min(strsize)];
    assert_eq!(shown, want);
    let more = rest.starts_with(b"...");
    assert_eq!(more, data.len() > strsize, "{}", lossy(body));
    let rest = if more { &rest[3..] } else { rest };
    let len = format!(", {}, ", data.len());
    assert!(rest.starts_with(len.as_bytes()), "{}", lossy(body));
}

fuzz_target!(|input: Input| {
    let strsize = if input.huge {
        usize::MAX - 1
    } else {
        input.strsize as usize % 700
    };
    let (a, b) = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0).unwrap();
    trace::set_strsize(strsize);
    trace::enable();
    for call in input.calls.iter().take(8) {
        trace::capture(sink, || match call {
            Call::Send(data, cap) => {
                let data = &data[..data.len().min(4096)];
                let ret = send(&a, data, MSG_DONTWAIT);
                let lines = take_lines();
                assert_eq!(lines.len(), 1);
                check_line(&lines[0]);
                if ret.is_ok() {
                    check_send_line(&lines[0], data, strsize);
                }
                let mut buf = vec![0u8; *cap as usize % 4096];
                let _ = recv(&b, &mut buf, MSG_DONTWAIT);
            }
            Call::SendTo(data, addr) => {
                let addr = addr_of(addr);
                let ret = sendto(&a, data, MSG_DONTWAIT, &addr);
                if addr.len() > 0 {
                    assert_eq!(ret, Err(Errno::EISCONN));
                }
            }
            Call::SendMsg(bufs, addr) => {
                let iov: Vec<IoSlice<'_>> = bufs.iter().take(8).map(|b| IoSlice::new(b)).collect();
                let addr = addr.as_deref().map(addr_of);
                let ret = sendmsg(
                    &a,
                    &MsgHdr::new(addr.as_ref(), &iov, Control::NONE),
                    MSG_DONTWAIT,
                );
                if addr.is_some_and(|a| a.len() > 0) {
                    assert_eq!(ret, Err(Errno::EISCONN));
                }
            }
            Call::NameInfo(addr, scope) => {
                let addr = addr_of(addr);
                let flags = if *scope {
                    NI_NUMERICHOST | NI_NUMERICSERV | NiFlags::from_raw(libc::NI_DGRAM)
                } else {
                    NI_NUMERICHOST | NI_NUMERICSERV
                };
                let _ = getnameinfo(&addr, flags);
            }
            Call::Pton(text, six) => {
                let t = String::from_utf8_lossy(text);
                if *six {
                    let mut d: in6_addr = zeroed();
                    let _ = inet_pton(AF_INET6, &*t, &mut d);
                } else {
                    let mut d: in_addr = zeroed();
                    let _ = inet_pton(AF_INET, &*t, &mut d);
                }
            }
            Call::Aton(text) => {
                let mut d: in_addr = zeroed();
                let _ = inet_aton(&*String::from_utf8_lossy(text), &mut d);
            }
            Call::Gai(node, service) => {
                let mut hints = AddrInfoHints::default();
                hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_CANONNAME;
                let node = String::from_utf8_lossy(node);
                let service = String::from_utf8_lossy(service);
                let _ = getaddrinfo(&*node, &*service, Some(&hints));
            }
        });
        for line in take_lines() {
            check_line(&line);
        }
    }
    // Drain what the sends left, untraced.
    trace::disable();
    let mut sink_buf = [0u8; 65536];
    while recv(&b, &mut sink_buf, MSG_DONTWAIT).is_ok_and(|n| n > 0) {}
});
