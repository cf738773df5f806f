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
    // Go's JSON encoder writes floats below 1e21 positionally (shortest digits); an integral
    // one then has no '.', and go-yaml v2 reads it as an integer if it fits.
    if f.fract() == 0.0 && f.abs() < 1e21 {
        let mut digits = NumBuf::new();
        // Cannot fail: at most 22 characters.
        let _ = write!(digits, "{f}");
        if let Ok(i) = digits.as_str().parse::<i64>() {
            let _ = write!(out, "{i}");
            return Ok(());
        }
        if let Ok(u) = digits.as_str().parse::<u64>() {
            let _ = write!(out, "{u}");
            return Ok(());
        }
    }
    format_g(out, f);
    Ok(())
}

/// Go `strconv.FormatFloat(f, 'g', -1, 64)` for a finite `f`.
fn format_g(out: &mut NumBuf, f: f64) {
    let mut e = NumBuf::new();
    // Shortest round-trip digits in the form `-d.ddde-7`; cannot overflow 40 bytes.
    let _ = write!(e, "{f:e}");
    let s = e.as_str();
    let (mantissa, exp) = match s.split_once('e') {
        Some((m, x)) => (m, x.parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    if (-4..6).contains(&exp) {
        let _ = write!(out, "{f}");
        return;
    }
    let _ = out.write_str(mantissa);
    let _ = out.write_str(if exp < 0 { "e-" } else { "e+" });
    let _ = write!(out, "{:02}", exp.unsigned_abs());
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
        assert_eq!(show(f64::NEG_INFINITY), "-Inf");
    }
}
