//! A Rust string made a C string in a caller's stack buffer (`cstr.rs`).

use core::ffi::CStr;
use core::mem::MaybeUninit;

const LO: u64 = u64::from_ne_bytes([0x01; 8]);
const HI: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether one of the eight bytes of `w` is 0. Exact: with no 0 byte no byte of
/// `w - LO` borrows from the next, and `(b - 1) & !b` has its high bit set only for
/// `b == 0`; the lowest 0 byte, which no borrow from below reaches, sets it.
#[inline(always)]
fn has_zero(w: u64) -> bool {
    (w.wrapping_sub(LO) & !w & HI) != 0
}

/// The `N` bytes of `bytes` at `at`.
#[inline(always)]
fn chunk<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[at..at + N]);
    out
}

/// `src` into `buf` at `at`.
#[inline(always)]
fn put(buf: &mut [MaybeUninit<u8>], at: usize, src: &[u8]) {
    for (slot, &b) in buf[at..at + src.len()].iter_mut().zip(src) {
        slot.write(b);
    }
}

/// `bytes` and a NUL, copied into `buf`, as the C string they make; `None` if a NUL
/// is among them, or they and the NUL do not fit.
///
/// One pass, a word at a time: each 8 bytes are tested for a 0 and stored; the last
/// word is the last 8 bytes, overlapping the one before (so a name of 9 bytes is two
/// words); a name of 4 to 7 bytes is two overlapping 4-byte halves, one of fewer
/// bytes is copied byte by byte. No byte of `buf` is written before it is copied.
#[inline]
pub(crate) fn copy_c_str<'b>(buf: &'b mut [MaybeUninit<u8>], bytes: &[u8]) -> Option<&'b CStr> {
    let len = bytes.len();
    if len >= buf.len() {
        return None;
    }
    if len >= 8 {
        let mut at = 0;
        while at + 8 < len {
            let word: [u8; 8] = chunk(bytes, at);
            if has_zero(u64::from_ne_bytes(word)) {
                return None;
            }
            put(buf, at, &word);
            at += 8;
        }
        let word: [u8; 8] = chunk(bytes, len - 8);
        if has_zero(u64::from_ne_bytes(word)) {
            return None;
        }
        put(buf, len - 8, &word);
    } else if len >= 4 {
        let lo: [u8; 4] = chunk(bytes, 0);
        let hi: [u8; 4] = chunk(bytes, len - 4);
        let both = u64::from(u32::from_ne_bytes(lo)) | (u64::from(u32::from_ne_bytes(hi)) << 32);
        if has_zero(both) {
            return None;
        }
        put(buf, 0, &lo);
        put(buf, len - 4, &hi);
    } else {
        for (slot, &b) in buf.iter_mut().zip(bytes) {
            if b == 0 {
                return None;
            }
            slot.write(b);
        }
    }
    buf[len].write(0);
    // SAFETY: `buf[..len]` holds `bytes`, every one written above (the words at
    // 0, 8, … below `len - 8`, then at `len - 8`, cover `0..len` for `len >= 8`; the
    // halves at 0 and `len - 4` cover it for 4 to 7; each byte for fewer), none of
    // them 0 (each word was tested before it was stored), and `buf[len]` is the 0
    // written just above: `len + 1` initialised bytes that end with the only NUL.
    Some(unsafe {
        CStr::from_bytes_with_nul_unchecked(core::slice::from_raw_parts(
            buf.as_ptr().cast::<u8>(),
            len + 1,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `copy_c_str` must give: the C string of `bytes` if it holds no NUL and,
    /// with its NUL, fits `cap` bytes.
    fn expected(bytes: &[u8], cap: usize) -> Option<std::ffi::CString> {
        if bytes.len() >= cap {
            return None;
        }
        std::ffi::CString::new(bytes).ok()
    }

    fn check<const N: usize>(bytes: &[u8]) {
        // A buffer that held other bytes before: none of them may show.
        let mut buf = [MaybeUninit::new(0xAAu8); N];
        let got = copy_c_str(&mut buf, bytes).map(CStr::to_owned);
        assert_eq!(got, expected(bytes, N), "{bytes:?} into {N}");
    }

    #[test]
    fn every_length_and_every_nul_position() {
        for len in 0..=80 {
            let text: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            check::<1>(&text);
            check::<4>(&text);
            check::<9>(&text);
            check::<64>(&text);
            for at in 0..len {
                for nul_like in [0u8, 1, 0x80, 0xFF] {
                    let mut t = text.clone();
                    t[at] = nul_like;
                    check::<64>(&t);
                    check::<16>(&t);
                }
            }
        }
    }

    #[test]
    fn the_word_test_is_exact() {
        // No 0 byte: never reported, whatever the borrows (0x01, 0x80, 0xFF bytes).
        for w in [LO, HI, !0u64, 0x0101_8080_FFFF_0101, 0x8001_8001_8001_8001] {
            assert!(!has_zero(w), "{w:#x}");
        }
        // One 0 byte anywhere, among any others: reported.
        for at in 0..8 {
            for fill in [0x01u8, 0x80, 0xFF, 0x7F] {
                let mut bytes = [fill; 8];
                bytes[at] = 0;
                assert!(has_zero(u64::from_ne_bytes(bytes)), "{bytes:?}");
            }
        }
    }
}
