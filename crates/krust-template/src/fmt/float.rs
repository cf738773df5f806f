//! Float formatting as Go's `strconv.FormatFloat` does it ('e', 'f', 'g', shortest or with
//! a precision). Digits come from Rust's formatter, which is exact and shortest like Go's.

/// Decimal digits (no trailing zeros) and the decimal point position: the value is
/// `0.DIGITS × 10^dp`. Zero has no digits and dp 0.
struct Decimal {
    digits: Vec<u8>,
    dp: i32,
}

fn parse_sci(s: &str) -> Decimal {
    // s is like "1.2345e-7" or "5e3" (from `{:e}` / `{:.Ne}`), without sign.
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.is_empty() {
        return Decimal { digits, dp: 0 };
    }
    Decimal {
        digits,
        dp: exp + 1,
    }
}

fn shortest(f: f64) -> Decimal {
    if f == 0.0 {
        return Decimal {
            digits: Vec::new(),
            dp: 0,
        };
    }
    parse_sci(&format!("{:e}", f.abs()))
}

fn rounded(f: f64, sig: usize) -> Decimal {
    if f == 0.0 {
        return Decimal {
            digits: Vec::new(),
            dp: 0,
        };
    }
    parse_sci(&format!("{:.*e}", sig.saturating_sub(1), f.abs()))
}

fn digit(d: &Decimal, i: i32) -> u8 {
    if i < 0 {
        return b'0';
    }
    d.digits.get(i as usize).copied().unwrap_or(b'0')
}

/// %e with `prec` digits after the point.
fn fmt_e(out: &mut String, d: &Decimal, prec: i32, e: char) {
    out.push(digit(d, 0) as char);
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(digit(d, i) as char);
        }
    }
    out.push(e);
    let exp = if d.digits.is_empty() { 0 } else { d.dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
}

/// %f with `prec` digits after the point.
fn fmt_f(out: &mut String, d: &Decimal, prec: i32) {
    if d.dp > 0 {
        for i in 0..d.dp {
            out.push(digit(d, i) as char);
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            out.push(digit(d, d.dp + i) as char);
        }
    }
}

/// Go's `fmtX`: hexadecimal mantissa and binary exponent (`0x1.8p+01`).
fn fmt_x(out: &mut String, f: f64, prec: i32, upper: bool) {
    let bits = f.abs().to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    exp -= 1023;
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    out.push('0');
    out.push(if upper { 'X' } else { 'x' });
    out.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if upper { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
}

/// Go's `fmtB`: decimal mantissa and binary exponent (`4503599627370496p-52`).
fn fmt_b(out: &mut String, f: f64) {
    let bits = f.abs().to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    exp -= 1023 + 52;
    out.push_str(&mant.to_string());
    out.push('p');
    if exp >= 0 {
        out.push('+');
    }
    out.push_str(&exp.to_string());
}

/// `strconv.FormatFloat(f, fmt, prec, 64)` for fmt in `b e E f F g G x X`; `prec < 0` is
/// shortest. Infinities and NaN print `+Inf`, `-Inf`, `NaN`.
pub fn format_float(f: f64, fmt: char, prec: i32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    let shortest_mode = prec < 0;
    match fmt {
        'x' | 'X' => fmt_x(&mut out, f, prec, fmt == 'X'),
        'b' => fmt_b(&mut out, f),
        'e' | 'E' => {
            let d = if shortest_mode {
                shortest(f)
            } else {
                rounded(f, prec as usize + 1)
            };
            let p = if shortest_mode {
                d.digits.len().max(1) as i32 - 1
            } else {
                prec
            };
            fmt_e(&mut out, &d, p, fmt);
        }
        'f' | 'F' => {
            if shortest_mode {
                let d = shortest(f);
                let p = (d.digits.len() as i32 - d.dp).max(0);
                fmt_f(&mut out, &d, p);
            } else {
                out.push_str(&format!("{:.*}", prec as usize, f.abs()));
            }
        }
        _ => {
            let (d, mut p) = if shortest_mode {
                let d = shortest(f);
                let n = d.digits.len() as i32;
                (d, n)
            } else {
                let p = if prec == 0 { 1 } else { prec };
                (rounded(f, p as usize), p)
            };
            let nd = d.digits.len() as i32;
            let mut eprec = p;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest_mode {
                eprec = 6;
            }
            let exp = d.dp - 1;
            let e = if fmt == 'G' { 'E' } else { 'e' };
            if !d.digits.is_empty() && (exp < -4 || exp >= eprec) {
                if p > nd {
                    p = nd;
                }
                fmt_e(&mut out, &d, (p - 1).max(0), e);
            } else {
                if p > d.dp {
                    p = nd;
                }
                fmt_f(&mut out, &d, (p - d.dp).max(0));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn shortest_g_matches_go() {
        for (f, want) in [
            (1e6, "1e+06"),
            (100000.0, "100000"),
            (2.75, "2.75"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (0.0, "0"),
            (-0.0, "-0"),
            (123456789.0, "1.23456789e+08"),
            (1.5, "1.5"),
            (1e21, "1e+21"),
        ] {
            assert_eq!(format_float(f, 'g', -1), want, "{f}");
        }
    }

    #[test]
    fn precision_forms_match_go() {
        assert_eq!(format_float(4.56789, 'f', 2), "4.57");
        assert_eq!(format_float(2.5, 'f', 0), "2");
        assert_eq!(format_float(1234.5678, 'e', 3), "1.235e+03");
        assert_eq!(format_float(1234.5678, 'g', 3), "1.23e+03");
        assert_eq!(format_float(0.000012345, 'g', 3), "1.23e-05");
        assert_eq!(format_float(100.0, 'g', 3), "100");
        assert_eq!(format_float(1.0, 'e', 6), "1.000000e+00");
        assert_eq!(format_float(0.0, 'e', 2), "0.00e+00");
        assert_eq!(format_float(3.0, 'x', -1), "0x1.8p+01");
        assert_eq!(format_float(1.0, 'b', -1), "4503599627370496p-52");
        assert_eq!(format_float(1e21, 'b', -1), "7629394531250000p+17");
        assert_eq!(format_float(1.0, 'x', -1), "0x1p+00");
        assert_eq!(format_float(0.0, 'x', -1), "0x0p+00");
        assert_eq!(format_float(1.0 / 3.0, 'X', 3), "0X1.555P-02");
    }
}
