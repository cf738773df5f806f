//! Numbers as kustomize prints them.
//!
//! kustomize converts an object to JSON (Go `encoding/json`) and reads the JSON back with
//! go-yaml v2, which re-types every number: a float whose JSON text is integral becomes an
//! `int` (or a `uint64` above `i64::MAX`), anything else stays `float64` and is printed with
//! `strconv.FormatFloat(f, 'g', -1, 64)`. The functions here give the final text directly.

use std::fmt::{self, Write};

/// A small fixed buffer for formatting one number without a heap allocation.
pub(super) struct NumBuf {
    buf: [u8; 40],
    len: usize,
}

impl NumBuf {
    pub(super) fn new() -> Self {
        NumBuf {
            buf: [0; 40],
            len: 0,
        }
    }

    pub(super) fn as_str(&self) -> &str {
        // Only ASCII produced by `fmt` number formatting is ever written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }

    fn clear(&mut self) {
        self.len = 0;
    }
}

impl Write for NumBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Formats `f` as kustomize prints it into `out`; `Err` names the value JSON cannot carry.
pub(super) fn format_float(out: &mut NumBuf, f: f64) -> Result<(), &'static str> {
    if f.is_nan() {
        return Err("NaN");
    }
    if f.is_infinite() {
        return Err(if f > 0.0 { "+Inf" } else { "-Inf" });
    }
    out.clear();
    let (digits, exp) = shortest(f);
    let digits = digits.as_str();
    let neg = f.is_sign_negative() && f != 0.0;
    // Go's JSON encoder writes floats below 1e21 positionally (shortest digits); an integral
    // one then has no '.', and go-yaml v2 reads it back as an integer if it fits.
    if f.fract() == 0.0 && f.abs() < 1e21 {
        let mut text = NumBuf::new();
        if neg {
            let _ = text.write_str("-");
        }
        let _ = text.write_str(digits);
        for _ in digits.len() as i32..=exp {
            let _ = text.write_str("0");
        }
        if let Ok(i) = text.as_str().parse::<i64>() {
            let _ = write!(out, "{i}");
            return Ok(());
        }
        if let Ok(u) = text.as_str().parse::<u64>() {
            let _ = write!(out, "{u}");
            return Ok(());
        }
    }
    write_g(out, digits, exp, neg);
    Ok(())
}

/// Go `strconv.FormatFloat(f, 'g', -1, 64)` (`+Inf`, `-Inf`, `NaN` for those), which is how
/// go-yaml v3 writes a `float64`: the text every number has after kyaml's JSON round trip.
pub(crate) fn go_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let mut out = NumBuf::new();
    let (digits, exp) = shortest(f);
    write_g(&mut out, digits.as_str(), exp, f.is_sign_negative());
    out.as_str().to_string()
}

/// The `'g'` layout of shortest `digits` whose first digit has decimal exponent `exp`.
fn write_g(out: &mut NumBuf, digits: &str, exp: i32, neg: bool) {
    if neg {
        let _ = out.write_str("-");
    }
    let (first, rest) = digits.split_at(1.min(digits.len()));
    if !(-4..6).contains(&exp) {
        let _ = out.write_str(first);
        if !rest.is_empty() {
            let _ = out.write_str(".");
            let _ = out.write_str(rest);
        }
        let _ = out.write_str(if exp < 0 { "e-" } else { "e+" });
        let _ = write!(out, "{:02}", exp.unsigned_abs());
    } else if exp < 0 {
        let _ = out.write_str("0.");
        for _ in 0..(-exp - 1) {
            let _ = out.write_str("0");
        }
        let _ = out.write_str(digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            let _ = out.write_str(digits);
            for _ in digits.len()..int_len {
                let _ = out.write_str("0");
            }
        } else {
            let _ = out.write_str(&digits[..int_len]);
            let _ = out.write_str(".");
            let _ = out.write_str(&digits[int_len..]);
        }
    }
}

/// The shortest decimal digits that read back as `|f|`, and the decimal exponent of the
/// first digit. Among equally short candidates Go takes the nearest, ties to even; Rust's
/// shortest mode may round a tie up, so the digits are re-derived with exact formatting
/// (which rounds half to even) at the shortest length.
fn shortest(f: f64) -> (NumBuf, i32) {
    let f = f.abs();
    let mut e = NumBuf::new();
    // At most 17 digits, a point and a 4-character exponent: fits the buffer.
    let _ = write!(e, "{f:e}");
    let n = e
        .as_str()
        .split('e')
        .next()
        .map_or(1, |m| m.len() - usize::from(m.len() > 1));
    let mut exact = NumBuf::new();
    let _ = write!(exact, "{:.*e}", n.saturating_sub(1), f);
    let (mantissa, exp) = match exact.as_str().split_once('e') {
        Some((m, x)) => (m, x.parse::<i32>().unwrap_or(0)),
        None => (exact.as_str(), 0),
    };
    let mut digits = NumBuf::new();
    for c in mantissa.chars().filter(char::is_ascii_digit) {
        let _ = digits.write_char(c);
    }
    (digits, exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(f: f64) -> String {
        let mut b = NumBuf::new();
        format_float(&mut b, f)
            .map(|()| b.as_str().to_string())
            .unwrap_or_else(|e| e.into())
    }

    #[test]
    fn go_g_is_strconv_format_float_g() {
        // Expected texts: kubectl v1.32 prints these as annotation values after a JSON 6902
        // patch (go-yaml v3 writes float64 with 'g').
        assert_eq!(go_g(1e300), "1e+300");
        assert_eq!(go_g(1e20), "1e+20");
        assert_eq!(go_g(1e-7), "1e-07");
        assert_eq!(go_g(-0.0), "-0");
        assert_eq!(go_g(1.0), "1");
        assert_eq!(go_g(1e6), "1e+06");
        assert_eq!(go_g(123456.0), "123456");
        assert_eq!(go_g(12345678.9), "1.23456789e+07");
        assert_eq!(go_g(9223372036854775808.0), "9.223372036854776e+18");
        assert_eq!(go_g(123456789012345678901234.0), "1.2345678901234569e+23");
        assert_eq!(go_g(f64::INFINITY), "+Inf");
    }

    #[test]
    fn floats_print_like_go_through_json() {
        assert_eq!(show(1234567.5), "1.2345675e+06");
        assert_eq!(show(1000.0), "1000");
        assert_eq!(show(0.000001), "1e-06");
        assert_eq!(show(1e21), "1e+21");
        assert_eq!(show(1e20), "1e+20");
        assert_eq!(show(1e19), "10000000000000000000");
        assert_eq!(show(-0.0), "0");
        assert_eq!(show(0.5), "0.5");
        assert_eq!(show(123456.5), "123456.5");
        assert_eq!(show(0.0001), "0.0001");
        assert_eq!(show(0.00001), "1e-05");
        assert_eq!(show(-1.5e300), "-1.5e+300");
        assert_eq!(show(f64::NAN), "NaN");
        // A tie at 17 digits: Go rounds to even where Rust's shortest mode rounds up.
        // (The literal is the double 247908945866305.625 exactly.)
        assert_eq!(show(247_908_945_866_305.63), "2.4790894586630562e+14");
        assert_eq!(show(123456789012345678.0), "123456789012345680");
        assert_eq!(show(1152921504606846976.0), "1152921504606847000");
        assert_eq!(show(9.5e18), "9500000000000000000");
        assert_eq!(show(-1e20), "-1e+20");
        assert_eq!(show(1.5e-7), "1.5e-07");
        assert_eq!(show(100.25), "100.25");
        assert_eq!(show(-0.001), "-0.001");
        assert_eq!(show(f64::NEG_INFINITY), "-Inf");
    }
}
