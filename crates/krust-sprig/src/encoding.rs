//! Go's `encoding/base64` and `encoding/base32` standard encodings, with
//! their decode error texts (sprig's `b64dec`/`b32dec` return the error
//! text as the result), and the digests sprig exposes.

use std::fmt::Write as _;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `base64.StdEncoding.EncodeToString`.
pub fn b64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base64.StdEncoding.DecodeString`; `Err` is Go's
/// `illegal base64 data at input byte N`.
pub fn b64_decode(s: &str) -> Result<Vec<u8>, String> {
    decode_generic(s, 6, 4, |c| B64.iter().position(|&x| x == c), "base64")
}

/// `base32.StdEncoding.EncodeToString`.
pub fn b32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut b = [0u8; 5];
        b[..chunk.len()].copy_from_slice(chunk);
        let n = b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(char::from(B32[((n >> (35 - 5 * i)) & 31) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base32.StdEncoding.DecodeString`.
pub fn b32_decode(s: &str) -> Result<Vec<u8>, String> {
    decode_generic(s, 5, 8, |c| B32.iter().position(|&x| x == c), "base32")
}

/// A padded decoder shared by both encodings: quanta of `quantum` chars
/// carrying `bits` each; `\r` and `\n` are skipped as Go does.
fn decode_generic(
    s: &str,
    bits: u32,
    quantum: usize,
    index: impl Fn(u8) -> Option<usize>,
    name: &str,
) -> Result<Vec<u8>, String> {
    let bad = |i: usize| format!("illegal {name} data at input byte {i}");
    let raw = s.as_bytes();
    // Positions of the characters that count (Go drops newlines).
    let chars: Vec<(usize, u8)> = raw
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, c)| c != b'\r' && c != b'\n')
        .collect();
    let mut out = Vec::new();
    let mut acc: u64 = 0;
    let mut nbits = 0u32;
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c == b'=' {
            // Padding: completes the quantum and ends the input.
            let in_q = i % quantum;
            let pad = chars[i..].iter().take_while(|x| x.1 == b'=').count();
            let want = match (quantum, in_q) {
                (4, 2) => 2,
                (4, 3) => 1,
                (8, 2) => 6,
                (8, 4) => 4,
                (8, 5) => 3,
                (8, 7) => 1,
                _ => return Err(bad(pos)),
            };
            let at = |j: usize| chars.get(j).map_or(raw.len(), |x| x.0);
            if pad < want {
                return Err(bad(at(i + pad)));
            }
            if pad > want {
                return Err(bad(at(i + want)));
            }
            if i + pad != chars.len() {
                return Err(bad(at(i + pad)));
            }
            return Ok(out);
        }
        let Some(v) = index(c) else {
            return Err(bad(pos));
        };
        acc = (acc << bits) | v as u64;
        nbits += bits;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
        i += 1;
    }
    if chars.len() % quantum != 0 {
        let start = chars.len() / quantum * quantum;
        return Err(bad(chars.get(start).map_or(raw.len(), |x| x.0)));
    }
    Ok(out)
}

/// Lower-case hex of bytes.
pub fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// `hash/adler32.Checksum`.
pub fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_errors() {
        assert_eq!(b64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(b64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(
            b64_decode("aGVsbG8").unwrap_err(),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(
            b64_decode("a!").unwrap_err(),
            "illegal base64 data at input byte 1"
        );
        assert_eq!(b32_encode(b"hello"), "NBSWY3DP");
        assert_eq!(b32_encode(b"a"), "ME======");
        assert_eq!(b32_decode("ME======").unwrap(), b"a");
        assert_eq!(adler32(b"Wikipedia"), 300_286_872);
        // Offsets from helm v4.1.4.
        for (input, at) in [("aGVsbG8==", 8), ("aGVs=G8=", 4), ("a", 0)] {
            assert_eq!(
                b64_decode(input).unwrap_err(),
                format!("illegal base64 data at input byte {at}")
            );
        }
        assert_eq!(
            b32_decode("ME=====").unwrap_err(),
            "illegal base32 data at input byte 7"
        );
        assert_eq!(
            b32_decode("M").unwrap_err(),
            "illegal base32 data at input byte 0"
        );
    }
}
