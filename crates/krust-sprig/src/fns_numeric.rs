//! sprig's numeric functions (numeric.go): integer math through cast's
//! `ToInt64` with Go's wrapping arithmetic, float math through
//! shopspring/decimal (exact decimal add/sub/mul, 16-place division), and
//! the `until`/`seq` generators.

use krust_template::{FuncError, Type, Value};

use crate::conv::{arg, arg_int, arg_str, err, to_float64, to_int64};
use crate::Reg;

use Type::{Float64, Int, Interface, String as S};

/// Longest list `until`/`untilStep`/`seq` build (charts count replicas).
pub(crate) const MAX_LIST: usize = 1 << 20;

/// A decimal `m × 10^e`, as shopspring/decimal holds one.
#[derive(Clone, Copy, Debug)]
struct Dec {
    m: i128,
    e: i32,
}

impl Dec {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `f`.
    fn from_f64(f: f64) -> Result<Dec, FuncError> {
        if f.is_nan() {
            return Err(err("Cannot create a Decimal from NaN"));
        }
        if f.is_infinite() {
            return Err(err(if f > 0.0 {
                "Cannot create a Decimal from +Inf"
            } else {
                "Cannot create a Decimal from -Inf"
            }));
        }
        let t = format!("{f:e}");
        let (mant, exp) = t.split_once('e').unwrap_or((&t, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let digits = format!("{int}{frac}");
        let m: i128 = digits.parse().unwrap_or(0);
        Ok(Dec {
            m,
            e: exp - frac.len() as i32,
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(0.0)
    }

    fn pow10(n: u32) -> Option<i128> {
        10i128.checked_pow(n)
    }

    fn align(a: Dec, b: Dec) -> Option<(i128, i128, i32)> {
        let e = a.e.min(b.e);
        let am = a.m.checked_mul(Self::pow10((a.e - e) as u32)?)?;
        let bm = b.m.checked_mul(Self::pow10((b.e - e) as u32)?)?;
        Some((am, bm, e))
    }
}

#[derive(Clone, Copy)]
enum DecOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// One decimal operation; outside i128's reach the float result stands in.
fn dec_op(a: Dec, b: Dec, op: DecOp) -> Result<Dec, FuncError> {
    let exact = match op {
        DecOp::Add => Dec::align(a, b).and_then(|(x, y, e)| {
            Some(Dec {
                m: x.checked_add(y)?,
                e,
            })
        }),
        DecOp::Sub => Dec::align(a, b).and_then(|(x, y, e)| {
            Some(Dec {
                m: x.checked_sub(y)?,
                e,
            })
        }),
        DecOp::Mul => a.m.checked_mul(b.m).map(|m| Dec { m, e: a.e + b.e }),
        DecOp::Div => {
            if b.m == 0 {
                return Err(err("decimal division by 0"));
            }
            // DivRound(b, 16): the quotient rounded half away from zero to
            // 16 decimal places.
            let shift = a.e - b.e + 16;
            let num = if shift >= 0 {
                Dec::pow10(shift as u32).and_then(|p| a.m.checked_mul(p))
            } else {
                Dec::pow10((-shift) as u32).map(|p| a.m / p)
            };
            num.map(|n| {
                let q = n / b.m;
                let r = n % b.m;
                let q = if 2 * r.abs() >= b.m.abs() {
                    q + if (n < 0) != (b.m < 0) { -1 } else { 1 }
                } else {
                    q
                };
                Dec { m: q, e: -16 }
            })
        }
    };
    match exact {
        Some(d) => Ok(d),
        None => {
            let (x, y) = (a.to_f64(), b.to_f64());
            let f = match op {
                DecOp::Add => x + y,
                DecOp::Sub => x - y,
                DecOp::Mul => x * y,
                DecOp::Div => x / y,
            };
            Dec::from_f64(f)
        }
    }
}

fn exec_decimal(first: &Value, rest: &[Value], op: DecOp) -> Result<Value, FuncError> {
    let mut acc = Dec::from_f64(to_float64(first))?;
    for x in rest {
        acc = dec_op(acc, Dec::from_f64(to_float64(x))?, op)?;
    }
    Ok(Value::Float(acc.to_f64()))
}

/// sprig's `untilStep`.
pub(crate) fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let (a, b, st) = (i128::from(start), i128::from(stop), i128::from(step));
    let count = if stop < start {
        if step >= 0 {
            return Ok(Vec::new());
        }
        (a - b - st - 1) / -st
    } else {
        if step <= 0 {
            return Ok(Vec::new());
        }
        (b - a + st - 1) / st
    };
    if count as u128 > MAX_LIST as u128 {
        return Err(err(format!(
            "until: {count} elements exceed krust's limit of {MAX_LIST}"
        )));
    }
    let mut v = Vec::with_capacity(count as usize);
    let mut i = start;
    while (stop < start && i > stop) || (stop >= start && i < stop) {
        v.push(i);
        i = match i.checked_add(step) {
            Some(n) => n,
            None => break,
        };
    }
    Ok(v)
}

fn int_list(v: Vec<i64>) -> Value {
    Value::typed_list(Type::Int, v.into_iter().map(Value::Int).collect())
}

/// sprig's `seq`: like GNU seq, space-separated.
fn seq(p: &[i64]) -> Result<String, FuncError> {
    let join = |v: Vec<i64>| v.iter().map(i64::to_string).collect::<Vec<_>>().join(" ");
    Ok(match p {
        [end] => {
            let start = 1;
            let inc = if *end < start { -1 } else { 1 };
            join(until_step(start, end.wrapping_add(inc), inc)?)
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            join(until_step(*start, end.wrapping_add(step), step)?)
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if *step > 0 {
                    return Ok(String::new());
                }
            }
            join(until_step(*start, end.wrapping_add(inc), *step)?)
        }
        _ => String::new(),
    })
}

/// sprig's `round`.
fn round(a: f64, places: f64, round_on: f64) -> f64 {
    let pow = 10f64.powf(places);
    let digit = pow * a;
    let frac = digit - digit.trunc();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    r / pow
}

/// Go's `strconv.Atoi`.
fn atoi(s: &str) -> i64 {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    s.parse().unwrap_or(0)
}

fn int_err(msg: &str) -> FuncError {
    err(format!("runtime error: {msg}"))
}

pub(crate) fn register(r: &mut Reg<'_>) {
    r.f("atoi", &[S], |a| Ok(Value::Int(atoi(arg_str(a, 0)))));
    r.f("int64", &[Interface], |a| {
        Ok(Value::Int64(to_int64(arg(a, 0))))
    });
    r.f("int", &[Interface], |a| Ok(Value::Int(to_int64(arg(a, 0)))));
    r.f("float64", &[Interface], |a| {
        Ok(Value::Float(to_float64(arg(a, 0))))
    });
    r.v("seq", &[], Int, |a| {
        let p: Vec<i64> = a.iter().map(to_int64).collect();
        Ok(Value::str(seq(&p)?))
    });
    r.f("toDecimal", &[Interface], |a| {
        let t = arg(a, 0).to_string();
        let body = t.strip_prefix(['+', '-']).unwrap_or(&t);
        let ok = !body.is_empty() && body.bytes().all(|b| (b'0'..=b'7').contains(&b));
        let v = if ok {
            i64::from_str_radix(&t, 8).unwrap_or(0)
        } else {
            0
        };
        Ok(Value::Int64(v))
    });
    r.f("until", &[Int], |a| {
        let n = arg_int(a, 0);
        Ok(int_list(until_step(0, n, if n < 0 { -1 } else { 1 })?))
    });
    r.f("untilStep", &[Int, Int, Int], |a| {
        Ok(int_list(until_step(
            arg_int(a, 0),
            arg_int(a, 1),
            arg_int(a, 2),
        )?))
    });
    r.f("add1", &[Interface], |a| {
        Ok(Value::Int64(to_int64(arg(a, 0)).wrapping_add(1)))
    });
    r.v("add", &[], Interface, |a| {
        Ok(Value::Int64(
            a.iter().fold(0i64, |s, v| s.wrapping_add(to_int64(v))),
        ))
    });
    r.f("sub", &[Interface, Interface], |a| {
        Ok(Value::Int64(
            to_int64(arg(a, 0)).wrapping_sub(to_int64(arg(a, 1))),
        ))
    });
    r.f("div", &[Interface, Interface], |a| {
        let d = to_int64(arg(a, 1));
        if d == 0 {
            return Err(int_err("integer divide by zero"));
        }
        Ok(Value::Int64(to_int64(arg(a, 0)).wrapping_div(d)))
    });
    r.f("mod", &[Interface, Interface], |a| {
        let d = to_int64(arg(a, 1));
        if d == 0 {
            return Err(int_err("integer divide by zero"));
        }
        Ok(Value::Int64(to_int64(arg(a, 0)).wrapping_rem(d)))
    });
    r.v("mul", &[Interface], Interface, |a| {
        let first = to_int64(arg(a, 0));
        Ok(Value::Int64(
            a.iter()
                .skip(1)
                .fold(first, |s, v| s.wrapping_mul(to_int64(v))),
        ))
    });
    r.f("randInt", &[Int, Int], |a| {
        let (min, max) = (arg_int(a, 0), arg_int(a, 1));
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(err("invalid argument to Intn"));
        }
        Ok(Value::Int(
            crate::fns_crypto::rand_below(n as u64) as i64 + min,
        ))
    });
    r.f("add1f", &[Interface], |a| {
        exec_decimal(arg(a, 0), &[Value::Int(1)], DecOp::Add)
    });
    r.v("addf", &[], Interface, |a| {
        exec_decimal(&Value::Float(0.0), a, DecOp::Add)
    });
    r.v("subf", &[Interface], Interface, |a| {
        exec_decimal(arg(a, 0), a.get(1..).unwrap_or_default(), DecOp::Sub)
    });
    r.v("divf", &[Interface], Interface, |a| {
        exec_decimal(arg(a, 0), a.get(1..).unwrap_or_default(), DecOp::Div)
    });
    r.v("mulf", &[Interface], Interface, |a| {
        exec_decimal(arg(a, 0), a.get(1..).unwrap_or_default(), DecOp::Mul)
    });
    r.v("max", &[Interface], Interface, |a| {
        let first = to_int64(arg(a, 0));
        Ok(Value::Int64(
            a.iter().skip(1).map(to_int64).fold(first, i64::max),
        ))
    });
    r.alias("biggest", "max");
    r.v("min", &[Interface], Interface, |a| {
        let first = to_int64(arg(a, 0));
        Ok(Value::Int64(
            a.iter().skip(1).map(to_int64).fold(first, i64::min),
        ))
    });
    r.v("maxf", &[Interface], Interface, |a| {
        let first = to_float64(arg(a, 0));
        Ok(Value::Float(
            a.iter().skip(1).map(to_float64).fold(first, go_max),
        ))
    });
    r.v("minf", &[Interface], Interface, |a| {
        let first = to_float64(arg(a, 0));
        Ok(Value::Float(
            a.iter().skip(1).map(to_float64).fold(first, go_min),
        ))
    });
    r.f("ceil", &[Interface], |a| {
        Ok(Value::Float(to_float64(arg(a, 0)).ceil()))
    });
    r.f("floor", &[Interface], |a| {
        Ok(Value::Float(to_float64(arg(a, 0)).floor()))
    });
    r.v("round", &[Interface, Int], Float64, |a| {
        let on = match a.get(2) {
            Some(v) => to_float64(v),
            None => 0.5,
        };
        Ok(Value::Float(round(
            to_float64(arg(a, 0)),
            arg_int(a, 1) as f64,
            on,
        )))
    });
}

/// Go's `math.Max` (NaN wins; +0 beats -0).
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { b } else { a };
    }
    a.max(b)
}

/// Go's `math.Min`.
fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { a } else { b };
    }
    a.min(b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(f: f64) -> Dec {
        Dec::from_f64(f).unwrap()
    }

    // Expected values from helm v4.1.4 and sprig's numeric_test.go.
    #[test]
    fn decimal_ops() {
        assert_eq!(dec_op(d(0.1), d(0.2), DecOp::Add).unwrap().to_f64(), 0.3);
        assert_eq!(
            dec_op(d(1.0), d(3.0), DecOp::Div).unwrap().to_f64(),
            0.3333333333333333
        );
        assert_eq!(dec_op(d(1.1), d(3.0), DecOp::Mul).unwrap().to_f64(), 3.3);
        assert_eq!(round(123.5555, 3.0, 0.5), 123.556);
        assert_eq!(round(123.55555, 3.0, 0.5), 123.556);
        assert_eq!(round(123.5, 0.0, 0.6), 123.0);
    }

    #[test]
    fn sequences() {
        assert_eq!(until_step(0, 3, 1).unwrap(), vec![0, 1, 2]);
        assert_eq!(until_step(3, 0, -1).unwrap(), vec![3, 2, 1]);
        assert_eq!(seq(&[3]).unwrap(), "1 2 3");
        assert_eq!(seq(&[2, -2]).unwrap(), "2 1 0 -1 -2");
        assert_eq!(seq(&[0, 2, 10]).unwrap(), "0 2 4 6 8 10");
        assert_eq!(seq(&[0, -1]).unwrap(), "0 -1");
        assert!(until_step(0, 100_000_000, 1).is_err());
        assert!(until_step(i64::MAX, i64::MIN, -1).is_err());
        assert!(until_step(i64::MIN, i64::MAX, i64::MAX).is_ok());
        assert_eq!(seq(&[i64::MAX]).unwrap(), "");
    }
}
