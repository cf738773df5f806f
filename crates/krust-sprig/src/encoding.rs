//! Go's `encoding/base64` and `encoding/base32` standard encodings, with
//! their decode error texts (sprig's `b64dec`/`b32dec` return the error
//! text as the result), and the digests sprig exposes.

use std::borrow::Cow;
use std::fmt::Write as _;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Go's `base64.StdEncoding`: padding written and required; not `Strict()`, so the unused
/// low bits of a last symbol may be set.
const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// `base64.StdEncoding.EncodeToString`.
pub fn b64_encode(data: &[u8]) -> String {
    GO_STD.encode(data)
}

/// `base64.StdEncoding.DecodeString`; `Err` is Go's
/// `illegal base64 data at input byte N`. Go skips `\r` and `\n` anywhere in the input.
pub fn b64_decode(s: &str) -> Result<Vec<u8>, String> {
    let symbols: Cow<'_, [u8]> = if s.contains(['\r', '\n']) {
        Cow::Owned(s.bytes().filter(|&c| c != b'\r' && c != b'\n').collect())
    } else {
        Cow::Borrowed(s.as_bytes())
    };
    GO_STD.decode(symbols).map_err(|_| {
        format!(
            "illegal base64 data at input byte {}",
            go_corrupt_at(s.as_bytes())
        )
    })
}

/// The offset Go's `StdEncoding.Decode` reports for input it rejects: its
/// `decodeQuantum` walked over the raw input (newlines skipped but counted in offsets).
fn go_corrupt_at(src: &[u8]) -> usize {
    let newline = |c: &u8| *c == b'\r' || *c == b'\n';
    let skip_newlines = |mut si: usize| {
        while src.get(si).is_some_and(newline) {
            si += 1;
        }
        si
    };
    let mut si = 0;
    loop {
        let mut j = 0;
        while j < 4 {
            let Some(&c) = src.get(si) else {
                // The input ends inside a quantum (at its start it is no error at all).
                return if j == 0 { si } else { si - j };
            };
            si += 1;
            if alphabet::STANDARD.as_str().as_bytes().contains(&c) {
                j += 1;
                continue;
            }
            if newline(&c) {
                continue;
            }
            if c != b'=' || j < 2 {
                return si - 1;
            }
            if j == 2 {
                // `==` is expected.
                si = skip_newlines(si);
                match src.get(si) {
                    None => return src.len(),
                    Some(b'=') => si += 1,
                    Some(_) => return si - 1,
                }
            }
            // Anything but newlines after the padding is trailing garbage.
            return skip_newlines(si);
        }
    }
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
    // Quanta of 8 symbols of 5 bits; `\r` and `\n` are skipped as Go does.
    const BITS: u32 = 5;
    const QUANTUM: usize = 8;
    let index = |c: u8| B32.iter().position(|&x| x == c);
    let bad = |i: usize| format!("illegal base32 data at input byte {i}");
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
            let in_q = i % QUANTUM;
            let pad = chars[i..].iter().take_while(|x| x.1 == b'=').count();
            let want = match in_q {
                2 => 6,
                4 => 4,
                5 => 3,
                7 => 1,
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
        acc = (acc << BITS) | v as u64;
        nbits += BITS;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
        i += 1;
    }
    if chars.len() % QUANTUM != 0 {
        let start = chars.len() / QUANTUM * QUANTUM;
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
        // helm v4.1.4: padding may be split by newlines; unused low bits may be set.
        assert_eq!(b64_decode("aG=\n=").unwrap(), b"h");
        assert_eq!(b64_decode("aGl=").unwrap(), b"hi");
        assert_eq!(b64_decode("").unwrap(), b"");
        assert_eq!(b32_encode(b"hello"), "NBSWY3DP");
        assert_eq!(b32_encode(b"a"), "ME======");
        assert_eq!(b32_decode("ME======").unwrap(), b"a");
        assert_eq!(adler32(b"Wikipedia"), 300_286_872);
        // Offsets from helm v4.1.4 (`b64dec`); newlines are skipped but count in offsets.
        for (input, at) in [
            ("aGVsbG8==", 8),
            ("aGVs=G8=", 4),
            ("a", 0),
            ("aGk", 0),
            ("gw=Qgw Q+", 2),
            ("a/Q\r", 1),
            ("g\r\r\n\r\r", 5),
            ("wa\r=\nw ", 4),
            ("aG=\nx", 3),
            ("aGk=\n\nx", 6),
        ] {
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
