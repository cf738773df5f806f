//! Encodings, digests, `path` functions, URLs, semver and the network stub.

use krust_template::{MapEntries, Type, Value};
use sha1::Digest;

use crate::conv::{arg, arg_str, as_map, err, kind};
use crate::encoding::{adler32, b32_decode, b32_encode, b64_decode, b64_encode, hex};
use crate::objects::SemverObj;
use crate::semver::{Constraints, Version};
use crate::Reg;

use Type::{InterfaceMap, String as S};

/// Go's `path.Clean`.
pub fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Go's `path.Base`.
pub fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `path.Dir`.
pub fn dir(p: &str) -> String {
    let i = p.rfind('/').map_or(0, |i| i + 1);
    clean(&p[..i])
}

/// Go's `path.Ext`.
pub fn ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        match c {
            '/' => break,
            '.' => return p[i..].to_string(),
            _ => {}
        }
    }
    String::new()
}

/// Whether net/url escapes `c` in a path (`encodePath`).
fn escape_path_byte(c: u8, fragment: bool) -> bool {
    if c.is_ascii_alphanumeric() || b"-_.~".contains(&c) {
        return false;
    }
    if b"$&+,/:;=@".contains(&c) {
        return false;
    }
    !(fragment && b"!()*?".contains(&c))
}

fn escape(s: &str, fragment: bool) -> String {
    let mut out = String::new();
    for &b in s.as_bytes() {
        if escape_path_byte(b, fragment) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(char::from(b));
        }
    }
    out
}

fn unescape(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match h {
                Some(v)
                    if s.as_bytes()[i + 1].is_ascii_hexdigit()
                        && s.as_bytes()[i + 2].is_ascii_hexdigit() =>
                {
                    out.push(v);
                    i += 3;
                    continue;
                }
                _ => {
                    let end = (i + 3).min(b.len());
                    return Err(format!("invalid URL escape {}", quote_bytes(&b[i..end])));
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `%q` of a byte string: valid UTF-8 as `strconv.Quote`, other
/// bytes as `\xNN`.
fn quote_bytes(b: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in b.utf8_chunks() {
        let q = crate::conv::go_quote(chunk.valid());
        out.push_str(&q[1..q.len() - 1]);
        for x in chunk.invalid() {
            out.push_str(&format!("\\x{x:02x}"));
        }
    }
    out.push('"');
    out
}

/// Whether net/url leaves `c` as is in a host (`shouldEscape` with
/// `encodeHost`).
fn host_byte_ok(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-_.~!$&'()*+,;=:[]<>\"".contains(&c)
}

/// `escape(host, encodeHost)`: `%` and non-ASCII bytes percent-encoded.
fn escape_host(h: &str) -> String {
    let mut out = String::new();
    for &b in h.as_bytes() {
        if host_byte_ok(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `unescape(s, encodeHost)`: only non-ASCII bytes (and `%25`) may be
/// percent-encoded, and ASCII must be valid host characters.
fn unescape_host(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            let end = (i + 3).min(b.len());
            if !ok || (b[i + 1] < b'8' && &b[i..end] != b"%25") {
                return Err(format!("invalid URL escape {}", quote_bytes(&b[i..end])));
            }
            i += 3;
        } else {
            if b[i] < 0x80 && !host_byte_ok(b[i]) && b[i] != b'%' {
                return Err(format!(
                    "invalid character {} in host name",
                    quote_bytes(&b[i..i + 1])
                ));
            }
            i += 1;
        }
    }
    unescape(s)
}

/// Go's `parseHost`: bracketed IPv6 with an optional `%25` zone, a port
/// of digits only, and host-mode unescaping.
fn parse_host(host: &str) -> Result<String, String> {
    let valid_port = |p: &str| {
        p.is_empty()
            || p.strip_prefix(':')
                .is_some_and(|d| d.bytes().all(|c| c.is_ascii_digit()))
    };
    if host.starts_with('[') {
        let i = host.rfind(']').ok_or("missing ']' in host")?;
        let port = &host[i + 1..];
        if !valid_port(port) {
            return Err(format!(
                "invalid port {} after host",
                crate::conv::go_quote(port)
            ));
        }
        if let Some(z) = host[..i].find("%25") {
            return Ok(format!(
                "{}{}{}",
                unescape_host(&host[..z])?,
                unescape(&host[z..i])?,
                unescape_host(&host[i..])?
            ));
        }
    } else if let Some(i) = host.rfind(':') {
        let port = &host[i..];
        if !valid_port(port) {
            return Err(format!(
                "invalid port {} after host",
                crate::conv::go_quote(port)
            ));
        }
    }
    unescape_host(host)
}

/// The parts of a URL as Go's `url.Parse` splits them.
#[derive(Debug, Default)]
struct Url {
    scheme: String,
    opaque: String,
    userinfo: Option<String>,
    host: String,
    path: String,
    query: String,
    fragment: String,
}

fn parse_url(raw: &str) -> Result<Url, String> {
    let (rest, frag) = match raw.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (raw, None),
    };
    let mut u = parse_main(rest)?;
    if let Some(f) = frag {
        u.fragment =
            unescape(f).map_err(|m| format!("parse {}: {m}", crate::conv::go_quote(raw)))?;
    }
    Ok(u)
}

/// `url.parse` of the text before `#`; errors name that text, as Go's do.
fn parse_main(rest: &str) -> Result<Url, String> {
    let wrap = |m: String| format!("parse {}: {m}", crate::conv::go_quote(rest));
    let mut u = Url::default();
    if rest.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(wrap("net/url: invalid control character in URL".into()));
    }
    // Scheme.
    let mut rest = rest;
    for (i, c) in rest.char_indices() {
        if c.is_ascii_alphabetic() {
            continue;
        }
        if i > 0 && (c.is_ascii_digit() || "+-.".contains(c)) {
            continue;
        }
        if c == ':' {
            if i == 0 {
                return Err(wrap("missing protocol scheme".into()));
            }
            u.scheme = rest[..i].to_ascii_lowercase();
            rest = &rest[i + 1..];
        }
        break;
    }
    let rest = match rest.split_once('?') {
        Some((r, q)) => {
            u.query = q.to_string();
            r
        }
        None => rest,
    };
    if !rest.starts_with('/') && !u.scheme.is_empty() {
        u.opaque = rest.to_string();
        return Ok(u);
    }
    let mut rest = rest;
    if let Some(r) = rest
        .strip_prefix("//")
        .filter(|_| !u.scheme.is_empty() || !rest.starts_with("///"))
    {
        let end = r.find('/').unwrap_or(r.len());
        let auth = &r[..end];
        rest = &r[end..];
        let host = match auth.rfind('@') {
            Some(at) => {
                u.userinfo = Some(auth[..at].to_string());
                &auth[at + 1..]
            }
            None => auth,
        };
        u.host = parse_host(host).map_err(wrap)?;
    } else if u.scheme.is_empty() {
        if let Some(colon) = rest.find(':') {
            if !rest[..colon].contains('/') {
                return Err(wrap(
                    "first path segment in URL cannot contain colon".into(),
                ));
            }
        }
    }
    u.path = unescape(rest).map_err(wrap)?;
    Ok(u)
}

fn hostname(host: &str) -> String {
    if let Some(h) = host.strip_prefix('[') {
        return h.split(']').next().unwrap_or("").to_string();
    }
    match host.rfind(':') {
        Some(i) if host[i + 1..].bytes().all(|b| b.is_ascii_digit()) => host[..i].to_string(),
        _ => host.to_string(),
    }
}

fn url_join(m: &krust_template::Map) -> Result<String, krust_template::FuncError> {
    let get = |k: &str| -> Result<String, krust_template::FuncError> {
        match crate::maps::get(m, k) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.to_string()),
            Some(v) => Err(err(format!(
                "unable to parse {k} key, must be of type string, but {} found",
                kind(&v)
            ))),
        }
    };
    let (scheme, host, path, query, opaque, fragment, user) = (
        get("scheme")?,
        get("host")?,
        get("path")?,
        get("query")?,
        get("opaque")?,
        get("fragment")?,
        get("userinfo")?,
    );
    let mut out = String::new();
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    if !opaque.is_empty() {
        out.push_str(&opaque);
    } else {
        if !scheme.is_empty() || !host.is_empty() || !user.is_empty() {
            if !host.is_empty() || !path.is_empty() || !user.is_empty() {
                out.push_str("//");
            }
            if !user.is_empty() {
                out.push_str(&user);
                out.push('@');
            }
            out.push_str(&escape_host(&host));
        }
        let p = escape(&path, false);
        if !p.is_empty() && !p.starts_with('/') && !host.is_empty() {
            out.push('/');
        }
        if out.is_empty() && p.split('/').next().is_some_and(|s| s.contains(':')) {
            out.push_str("./");
        }
        out.push_str(&p);
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(&escape(&fragment, true));
    }
    Ok(out)
}

pub(crate) fn register(r: &mut Reg<'_>) {
    r.f("b64enc", &[S], |a| {
        Ok(Value::str(b64_encode(arg_str(a, 0).as_bytes())))
    });
    r.f("b64dec", &[S], |a| {
        Ok(Value::str(match b64_decode(arg_str(a, 0)) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => e,
        }))
    });
    r.f("b32enc", &[S], |a| {
        Ok(Value::str(b32_encode(arg_str(a, 0).as_bytes())))
    });
    r.f("b32dec", &[S], |a| {
        Ok(Value::str(match b32_decode(arg_str(a, 0)) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => e,
        }))
    });
    r.f("sha1sum", &[S], |a| {
        Ok(Value::str(hex(&sha1::Sha1::digest(
            arg_str(a, 0).as_bytes(),
        ))))
    });
    r.f("sha256sum", &[S], |a| {
        Ok(Value::str(hex(&sha2::Sha256::digest(
            arg_str(a, 0).as_bytes(),
        ))))
    });
    r.f("sha512sum", &[S], |a| {
        Ok(Value::str(hex(&sha2::Sha512::digest(
            arg_str(a, 0).as_bytes(),
        ))))
    });
    r.f("adler32sum", &[S], |a| {
        Ok(Value::str(adler32(arg_str(a, 0).as_bytes()).to_string()))
    });
    for (n, os) in [
        ("base", "osBase"),
        ("dir", "osDir"),
        ("clean", "osClean"),
        ("ext", "osExt"),
    ] {
        let f = match n {
            "base" => base,
            "dir" => dir,
            "clean" => clean,
            _ => ext,
        };
        r.f(n, &[S], move |a| Ok(Value::str(f(arg_str(a, 0)))));
        r.alias(os, n);
    }
    r.f("isAbs", &[S], |a| {
        Ok(Value::Bool(arg_str(a, 0).starts_with('/')))
    });
    r.alias("osIsAbs", "isAbs");
    r.f("urlParse", &[S], |a| {
        let u = parse_url(arg_str(a, 0)).map_err(|e| err(format!("unable to parse url: {e}")))?;
        let mut m = MapEntries::new();
        m.insert("scheme".into(), Value::str(u.scheme));
        m.insert("hostname".into(), Value::str(hostname(&u.host)));
        m.insert("host".into(), Value::str(u.host));
        m.insert("path".into(), Value::str(u.path));
        m.insert("query".into(), Value::str(u.query));
        m.insert("opaque".into(), Value::str(u.opaque));
        m.insert("fragment".into(), Value::str(u.fragment));
        m.insert(
            "userinfo".into(),
            Value::str(u.userinfo.unwrap_or_default()),
        );
        Ok(Value::map(m))
    });
    r.f("urlJoin", &[InterfaceMap], |a| {
        let m = as_map(arg(a, 0)).ok_or_else(|| err(crate::conv::NIL_DEREF))?;
        Ok(Value::str(url_join(&m)?))
    });
    r.f("getHostByName", &[S], |a| {
        Err(err(format!(
            "getHostByName {}: krust renders offline and does not resolve host names",
            arg_str(a, 0)
        )))
    });
    r.f("semver", &[S], |a| {
        Ok(Value::object(SemverObj(
            Version::parse(arg_str(a, 0)).map_err(err)?,
        )))
    });
    r.f("semverCompare", &[S, S], |a| {
        let c = Constraints::parse(arg_str(a, 0)).map_err(err)?;
        let v = Version::parse(arg_str(a, 1)).map_err(err)?;
        Ok(Value::Bool(c.check(&v)))
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn paths_like_go() {
        assert_eq!(clean("a//b/../c/."), "a/c");
        assert_eq!(clean("/../x"), "/x");
        assert_eq!(clean("../../x"), "../../x");
        assert_eq!(base("/a/b/"), "b");
        assert_eq!(base(""), ".");
        assert_eq!(dir("/a/b"), "/a");
        assert_eq!(dir("a"), ".");
        assert_eq!(ext("x/a.tar.gz"), ".gz");
        assert_eq!(ext("a.b/c"), "");
    }

    #[test]
    fn urls_like_go() {
        let u = parse_url("https://user:pw@example.com:8080/p/a%20b?x=1#frag").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.host, "example.com:8080");
        assert_eq!(hostname(&u.host), "example.com");
        assert_eq!(u.path, "/p/a b");
        assert_eq!(u.query, "x=1");
        assert_eq!(u.userinfo.as_deref(), Some("user:pw"));
        assert_eq!(
            parse_url("::").unwrap_err(),
            "parse \"::\": missing protocol scheme"
        );
        let u = parse_url("mailto:x@y").unwrap();
        assert_eq!(u.opaque, "x@y");
    }
}
