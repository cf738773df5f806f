//! sprig's date.go: `now`, `date`/`dateInZone` (times, or Unix seconds as
//! Go `int`/`int64`; anything else means now), `toDate`, `dateModify`,
//! `duration`/`durationRound` (only `string`, `int64` and times count,
//! exactly as sprig's type switches say), `ago`, `unixEpoch`.

use std::sync::OnceLock;
use std::time::Instant;

use krust_template::{FuncError, Type, Value};

use crate::conv::{arg, arg_str, err};
use crate::gotime::{self, duration_string, parse_duration, Time};
use crate::objects::{as_time, TimeObj};
use crate::Reg;

use Type::{Interface, String as S};

const TIME: Type = Type::Host("time.Time");

fn start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// `time.Now()` with its monotonic reading.
fn now() -> Value {
    let mono = start().elapsed().as_secs_f64();
    Value::object(TimeObj(Time::now(), Some(mono)))
}

/// The time sprig's `dateInZone` takes from its argument.
fn time_of(v: &Value) -> Time {
    match v {
        Value::Int(n) | Value::Int64(n) => Time::from_unix(*n, 0),
        v => as_time(v).cloned().unwrap_or_else(Time::now),
    }
}

fn date_in_zone(layout: &str, date: &Value, zone: &str) -> Value {
    Value::str(time_of(date).in_zone(zone).format(layout))
}

/// `Duration.Round(time.Second)`: half away from zero.
fn round_second(d: i64) -> i64 {
    let m = 1_000_000_000i64;
    let r = d % m;
    if d < 0 {
        let r = -r;
        if r + r < m {
            d + r
        } else {
            d.checked_sub(m - r).unwrap_or(i64::MIN)
        }
    } else if r + r < m {
        d - r
    } else {
        d.checked_add(m - r).unwrap_or(i64::MAX)
    }
}

fn time_arg(a: &[Value], i: usize) -> Result<Time, FuncError> {
    as_time(arg(a, i)).cloned().ok_or_else(|| {
        err(format!(
            "wrong type for value; expected time.Time; got {}",
            arg(a, i).type_name()
        ))
    })
}

/// sprig's `durationRound`: the largest unit only.
fn duration_round(v: &Value) -> String {
    let d: i64 = match v {
        Value::String(s) => parse_duration(s).unwrap_or(0),
        Value::Int64(n) => *n,
        v => match as_time(v) {
            Some(t) => t.until(&Time::now()),
            None => 0,
        },
    };
    let u = d.unsigned_abs();
    let second = 1_000_000_000u64;
    let (minute, hour) = (60 * second, 3600 * second);
    let (day, month, year) = (24 * hour, 30 * 24 * hour, 365 * 24 * hour);
    for (unit, suffix) in [
        (year, "y"),
        (month, "mo"),
        (day, "d"),
        (hour, "h"),
        (minute, "m"),
        (second, "s"),
    ] {
        if u > unit {
            return format!("{}{suffix}", u / unit);
        }
    }
    "0s".into()
}

pub(crate) fn register(r: &mut Reg<'_>) {
    r.f("now", &[], |_| Ok(now()));
    r.f("date", &[S, Interface], |a| {
        Ok(date_in_zone(arg_str(a, 0), arg(a, 1), "Local"))
    });
    r.f("htmlDate", &[Interface], |a| {
        Ok(date_in_zone("2006-01-02", arg(a, 0), "Local"))
    });
    r.f("htmlDateInZone", &[Interface, S], |a| {
        Ok(date_in_zone("2006-01-02", arg(a, 0), arg_str(a, 1)))
    });
    r.f("dateInZone", &[S, Interface, S], |a| {
        Ok(date_in_zone(arg_str(a, 0), arg(a, 1), arg_str(a, 2)))
    });
    r.alias("date_in_zone", "dateInZone");
    r.f("dateModify", &[S, TIME], |a| {
        let t = time_arg(a, 1)?;
        Ok(TimeObj::value(match parse_duration(arg_str(a, 0)) {
            Ok(d) => t.add(d),
            Err(_) => t,
        }))
    });
    r.alias("date_modify", "dateModify");
    r.f("mustDateModify", &[S, TIME], |a| {
        let t = time_arg(a, 1)?;
        let d = parse_duration(arg_str(a, 0)).map_err(err)?;
        Ok(TimeObj::value(t.add(d)))
    });
    r.alias("must_date_modify", "mustDateModify");
    r.f("ago", &[Interface], |a| {
        let t = match arg(a, 0) {
            Value::Int(n) | Value::Int64(n) => Time::from_unix(*n, 0),
            v => as_time(v).cloned().unwrap_or_else(Time::now),
        };
        Ok(Value::str(duration_string(round_second(
            t.until(&Time::now()),
        ))))
    });
    r.f("duration", &[Interface], |a| {
        let n: i64 = match arg(a, 0) {
            Value::String(s) => s.parse().unwrap_or(0),
            Value::Int64(n) => *n,
            _ => 0,
        };
        Ok(Value::str(duration_string(n.wrapping_mul(1_000_000_000))))
    });
    r.f("durationRound", &[Interface], |a| {
        Ok(Value::str(duration_round(arg(a, 0))))
    });
    r.f("toDate", &[S, S], |a| {
        Ok(TimeObj::value(
            gotime::parse(arg_str(a, 0), arg_str(a, 1)).unwrap_or_else(|_| Time::zero()),
        ))
    });
    r.f("mustToDate", &[S, S], |a| {
        Ok(TimeObj::value(
            gotime::parse(arg_str(a, 0), arg_str(a, 1)).map_err(err)?,
        ))
    });
    r.f("unixEpoch", &[TIME], |a| {
        Ok(Value::str(time_arg(a, 0)?.unix.to_string()))
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // Expected values from helm v4.1.4.
    #[test]
    fn durations() {
        assert_eq!(duration_round(&Value::str("2h10m")), "2h");
        assert_eq!(duration_round(&Value::Int(5)), "0s");
        assert_eq!(round_second(1_500_000_000), 2_000_000_000);
        assert_eq!(round_second(-1_500_000_000), -2_000_000_000);
    }

    #[test]
    fn zones() {
        let t = gotime::parse("2006-01-02", "2017-12-31").unwrap();
        let v = TimeObj::value(t);
        let ny = date_in_zone("2006-01-02 15:04 MST", &v, "America/New_York");
        if std::path::Path::new("/usr/share/zoneinfo/America/New_York").exists() {
            assert_eq!(ny.as_str(), Some("2017-12-30 19:00 EST"));
        }
        let p = date_in_zone("2006-01-02 15:04 MST", &Value::Int(0), "Europe/Paris");
        if std::path::Path::new("/usr/share/zoneinfo/Europe/Paris").exists() {
            assert_eq!(p.as_str(), Some("1970-01-01 01:00 CET"));
        }
    }
}
