//! The Go host types sprig functions return: `time.Time`,
//! `*semver.Version` and sprig's `certificate` struct, with the methods and
//! fields templates reach (`(semver .X).Major`, `$ca.Cert`, `now.Unix`).

use std::any::Any;

use krust_template::{CallCtx, FuncError, Object, Signature, Type, Value};

use crate::gotime::Time;
use crate::semver::Version;

/// A Go `time.Time`; `mono` is the monotonic reading `time.Now()` carries
/// (printed as `m=+0.001234567` like Go).
#[derive(Debug, Clone)]
pub struct TimeObj(pub Time, pub Option<f64>);

impl TimeObj {
    /// A value without a monotonic reading.
    pub fn value(t: Time) -> Value {
        Value::object(TimeObj(t, None))
    }
}

/// The time inside `v`, if it is a `time.Time`.
pub fn as_time(v: &Value) -> Option<&Time> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<TimeObj>().map(|t| &t.0),
        _ => None,
    }
}

impl Object for TimeObj {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Unix" | "UnixMilli" | "UnixNano" | "Year" | "YearDay" | "Day" | "Hour" | "Minute"
            | "Second" | "Nanosecond" | "UTC" | "String" | "IsZero" | "Local" => {
                Some(Signature::new(&[]))
            }
            "Format" | "In" => Some(Signature::new(&[Type::String])),
            "Add" => Some(Signature::new(&[Type::Int64])),
            _ => None,
        }
    }

    fn call_method(
        &self,
        name: &str,
        args: &[Value],
        _ctx: &mut CallCtx<'_, '_>,
    ) -> Result<Value, FuncError> {
        let t = &self.0;
        let num =
            |layout: &str| -> Value { Value::Int(t.format(layout).trim().parse().unwrap_or(0)) };
        Ok(match name {
            "Unix" => Value::Int64(t.unix),
            "UnixMilli" => Value::Int64(t.unix.wrapping_mul(1000) + i64::from(t.nsec / 1_000_000)),
            "UnixNano" => Value::Int64(t.unix.wrapping_mul(1_000_000_000) + i64::from(t.nsec)),
            "Year" => num("2006"),
            "YearDay" => num("002"),
            "Day" => num("2"),
            "Hour" => num("15"),
            "Minute" => num("4"),
            "Second" => num("5"),
            "Nanosecond" => Value::Int(i64::from(t.nsec)),
            "UTC" | "Local" => TimeObj::value(t.in_zone("UTC")),
            "String" => Value::str(self.to_go_string()),
            "IsZero" => Value::Bool(*t == Time::zero()),
            "Format" => Value::str(t.format(crate::conv::arg_str(args, 0))),
            "In" => TimeObj::value(t.in_zone(crate::conv::arg_str(args, 0))),
            "Add" => TimeObj::value(t.add(crate::conv::arg_int(args, 0))),
            _ => return Err(FuncError::new(format!("method {name} not implemented"))),
        })
    }

    fn format(&self, out: &mut String) {
        out.push_str(&self.to_go_string());
    }

    fn kind(&self) -> &'static str {
        "struct"
    }

    fn truthy(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl TimeObj {
    fn to_go_string(&self) -> String {
        let mut s = self.0.go_string();
        if let Some(m) = self.1 {
            s.push_str(&format!(" m=+{m:.9}"));
        }
        s
    }
}

/// A `*semver.Version`.
#[derive(Debug, Clone)]
pub struct SemverObj(pub Version);

/// The version inside `v`, if it is a `*semver.Version`.
pub fn as_semver(v: &Value) -> Option<&Version> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<SemverObj>().map(|s| &s.0),
        _ => None,
    }
}

impl Object for SemverObj {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "Original" | "String"
            | "IncPatch" | "IncMinor" | "IncMajor" => Some(Signature::new(&[])),
            "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual" | "Equal"
            | "Compare" => Some(Signature::new(&[Type::Host("*semver.Version")])),
            _ => None,
        }
    }

    fn call_method(
        &self,
        name: &str,
        args: &[Value],
        _ctx: &mut CallCtx<'_, '_>,
    ) -> Result<Value, FuncError> {
        let v = &self.0;
        let other = || {
            args.first()
                .and_then(as_semver)
                .cloned()
                .ok_or_else(|| FuncError::new(crate::conv::NIL_DEREF))
        };
        let inc = |major: u64, minor: u64, patch: u64| {
            let mut n = v.clone();
            n.major = major;
            n.minor = minor;
            n.patch = patch;
            n.pre.clear();
            n.metadata.clear();
            let prefix = if v.original.starts_with('v') { "v" } else { "" };
            n.original = format!("{prefix}{n}");
            Value::object(SemverObj(n))
        };
        use std::cmp::Ordering::*;
        Ok(match name {
            "Major" => Value::Int64(v.major as i64),
            "Minor" => Value::Int64(v.minor as i64),
            "Patch" => Value::Int64(v.patch as i64),
            "Prerelease" => Value::str(v.pre.as_str()),
            "Metadata" => Value::str(v.metadata.as_str()),
            "Original" => Value::str(v.original.as_str()),
            "String" => Value::str(v.to_string()),
            "IncPatch" if !v.pre.is_empty() => inc(v.major, v.minor, v.patch),
            "IncPatch" => inc(v.major, v.minor, v.patch + 1),
            "IncMinor" => inc(v.major, v.minor + 1, 0),
            "IncMajor" => inc(v.major + 1, 0, 0),
            "LessThan" => Value::Bool(v.compare(&other()?) == Less),
            "LessThanEqual" => Value::Bool(v.compare(&other()?) != Greater),
            "GreaterThan" => Value::Bool(v.compare(&other()?) == Greater),
            "GreaterThanEqual" => Value::Bool(v.compare(&other()?) != Less),
            "Equal" => Value::Bool(v.compare(&other()?) == Equal),
            "Compare" => Value::Int(match v.compare(&other()?) {
                Less => -1,
                Equal => 0,
                Greater => 1,
            }),
            _ => return Err(FuncError::new(format!("method {name} not implemented"))),
        })
    }

    fn format(&self, out: &mut String) {
        out.push_str(&self.0.to_string());
    }

    fn truthy(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// sprig's `certificate` struct (`genCA`, `genSelfSignedCert`, ...):
/// PEM certificate and key.
#[derive(Debug, Clone)]
pub struct CertObj {
    /// PEM-encoded certificate.
    pub cert: String,
    /// PEM-encoded private key.
    pub key: String,
}

impl Object for CertObj {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(self.cert.as_str())),
            "Key" => Some(Value::str(self.key.as_str())),
            _ => None,
        }
    }

    fn format(&self, out: &mut String) {
        out.push('{');
        out.push_str(&self.cert);
        out.push(' ');
        out.push_str(&self.key);
        out.push('}');
    }

    fn kind(&self) -> &'static str {
        "struct"
    }

    fn truthy(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The certificate inside `v`, if it is one.
pub fn as_cert(v: &Value) -> Option<&CertObj> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<CertObj>(),
        _ => None,
    }
}
