//! Helm's `--set` grammar (`helm/pkg/strvals`), as helm-controller uses it for
//! `valuesFrom[].targetPath` (flux-semantics §1.4).
//!
//! The parser works in place on a Go-like value tree (`gval::G`) so that writes through
//! shared maps and lists behave as they do in Go. Error texts follow Helm's. Two bounds
//! protect us where Go would only run out of memory or stack: list nesting (`a[0][0]…`)
//! is capped at [`MAX_LIST_NESTING`], and the number of list slots allocated by one parse
//! at [`LIST_SLOT_BUDGET`].

use krust_yaml::Value;

use crate::gval::{map_to_value, GList, GMap, G};

/// Helm's `MaxIndex`.
pub const MAX_INDEX: i64 = 65536;
/// Helm's `MaxNestedNameLevel`.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;
/// krust's bound on `[i][j]…` nesting (Helm has none; Go's stack grows).
pub const MAX_LIST_NESTING: usize = 512;
/// krust's bound on list slots allocated (copied or padded) by one parse.
pub const LIST_SLOT_BUDGET: usize = 1 << 24;

/// A `--set` parse or assignment failure, with Helm's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SetError(pub String);

/// How scalar values are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetMode {
    /// `strvals.ParseInto`: `true`/`false`/`null`/integers are typed.
    Typed,
    /// `strvals.ParseIntoString`: every scalar stays a string.
    String,
}

/// Applies `name=value[,name=value…]` to the mapping `dest` in place, as Helm's
/// `strvals.ParseInto` (typed) or `ParseIntoString` does. A `dest` that is not a mapping is
/// treated as an empty one.
pub fn parse_into(assignments: &str, dest: &mut Value, mode: SetMode) -> Result<(), SetError> {
    let root = match dest.as_map() {
        Some(m) => G::map_from(m),
        None => G::new_map(),
    };
    let result = parse_into_g(assignments, &root, mode);
    // Like Go, whatever was written before an error stays written.
    *dest = Value::from_map(map_to_value(&root));
    result
}

/// The parser on the shared-node model.
pub(crate) fn parse_into_g(s: &str, dest: &GMap, mode: SetMode) -> Result<(), SetError> {
    let mut p = Parser {
        chars: s.chars().collect(),
        pos: 0,
        string_mode: mode == SetMode::String,
        nesting: 0,
        budget: LIST_SLOT_BUDGET,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => continue,
            Err(e) if e.is_eof() => return Ok(()),
            Err(e) => return Err(SetError(e.text())),
        }
    }
}

/// Parser errors. Go distinguishes `io.EOF` (possibly wrapped with `%w`), which ends the
/// parse successfully, from every other error; and a failed type assertion panics up to
/// the nearest `key()` frame, skipping the assignments between.
#[derive(Debug)]
enum PErr {
    Eof,
    /// An error that wraps `io.EOF` (`errors.Is(err, io.EOF)` holds).
    WrappedEof(String),
    Msg(String),
    /// A Go panic on its way to `key()`'s `recover`.
    Panic(String),
}

impl PErr {
    fn is_eof(&self) -> bool {
        matches!(self, PErr::Eof | PErr::WrappedEof(_))
    }

    fn text(&self) -> String {
        match self {
            PErr::Eof => "EOF".to_string(),
            PErr::WrappedEof(m) | PErr::Msg(m) => m.clone(),
            PErr::Panic(m) => format!("unable to parse key: {m}"),
        }
    }

    /// `fmt.Errorf(prefix + "%w", self)`.
    fn wrap(self, prefix: &str) -> PErr {
        match self {
            PErr::Eof => PErr::WrappedEof(format!("{prefix}EOF")),
            PErr::WrappedEof(m) => PErr::WrappedEof(format!("{prefix}{m}")),
            PErr::Msg(m) => PErr::Msg(format!("{prefix}{m}")),
            PErr::Panic(m) => PErr::Panic(m),
        }
    }
}

/// Outcome of `valList`.
enum ListErr {
    Eof,
    NotList,
    Msg(String),
}

fn conversion_panic(found: &G, want: &str) -> PErr {
    PErr::Panic(format!(
        "interface conversion: interface {{}} is {}, not {want}",
        found.go_type()
    ))
}

const GO_MAP: &str = "map[string]interface {}";
const GO_LIST: &str = "[]interface {}";

struct Parser {
    chars: Vec<char>,
    pos: usize,
    string_mode: bool,
    nesting: usize,
    budget: usize,
}

impl Parser {
    fn next(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    /// `runesUntil`: reads up to the first unescaped rune of `stop`. `Ok((text, stop))`, or
    /// `Err(text)` at the end of input. A backslash makes the next rune literal.
    fn runes_until(&mut self, stop: &[char]) -> Result<(String, char), String> {
        let mut v = String::new();
        loop {
            match self.next() {
                None => return Err(v),
                Some(c) if stop.contains(&c) => return Ok((v, c)),
                Some('\\') => match self.next() {
                    None => return Err(v),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn key(&mut self, data: &GMap, level: usize) -> Result<(), PErr> {
        match self.runes_until(&['=', '[', ',', '.']) {
            Err(k) => {
                if k.is_empty() {
                    Err(PErr::Eof)
                } else {
                    Err(PErr::Msg(format!("key {} has no value", go_quote(&k))))
                }
            }
            Ok((k, '[')) => {
                let i = self
                    .key_index()
                    .map_err(|e| e.wrap("error parsing index: "))?;
                let existing = data.borrow().get(k.as_str()).cloned();
                let list = match existing {
                    None => G::new_list(Vec::new()),
                    Some(G::List(l)) => l,
                    Some(other) => return Err(panic_to_msg(conversion_panic(&other, GO_LIST))),
                };
                let (list, res) = self.list_item(list, i, level);
                if let Err(PErr::Panic(_)) = &res {
                    return res.map_err(panic_to_msg);
                }
                set(data, &k, G::List(list));
                res
            }
            Ok((k, '=')) => match self.val_list() {
                Ok(items) => {
                    set(data, &k, G::List(G::new_list(items)));
                    Ok(())
                }
                Err(ListErr::Eof) => {
                    set(data, &k, G::Str("".into()));
                    Err(PErr::Eof)
                }
                Err(ListErr::NotList) => {
                    let rs = self.val();
                    let v = self.typed(rs);
                    set(data, &k, v);
                    Ok(())
                }
                Err(ListErr::Msg(m)) => Err(PErr::Msg(m)),
            },
            Ok((k, ',')) => {
                set(data, &k, G::Str("".into()));
                Err(PErr::Msg(format!(
                    "key {} has no value (cannot end with ,)",
                    go_quote(&k)
                )))
            }
            Ok((k, _dot)) => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(PErr::Msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let existing = data.borrow().get(k.as_str()).cloned();
                let inner = match existing {
                    None => G::new_map(),
                    Some(G::Map(m)) => m,
                    Some(other) => return Err(panic_to_msg(conversion_panic(&other, GO_MAP))),
                };
                let res = self.key(&inner, level);
                let empty = inner.borrow().is_empty();
                if res.is_ok() && empty {
                    return Err(PErr::Msg(format!("key map {} has no value", go_quote(&k))));
                }
                if !empty {
                    set(data, &k, G::Map(inner));
                }
                res
            }
        }
    }

    /// `keyIndex`: the digits up to `]`, read with `strconv.Atoi`.
    fn key_index(&mut self) -> Result<i64, PErr> {
        let v = self.runes_until(&[']']).map_err(|_| PErr::Eof)?;
        atoi(&v.0).map_err(PErr::Msg)
    }

    fn list_item(&mut self, list: GList, i: i64, level: usize) -> (GList, Result<(), PErr>) {
        if i < 0 {
            return (
                list,
                Err(PErr::Msg(format!("negative {i} index not allowed"))),
            );
        }
        let len = list.borrow().len();
        let in_range = usize::try_from(i).is_ok_and(|i| i < len);
        match self.runes_until(&['[', '.', '=']) {
            Ok((k, _)) | Err(k) if !k.is_empty() => (
                list,
                Err(PErr::Msg(format!(
                    "unexpected data at end of array index: {}",
                    go_quote(&k)
                ))),
            ),
            Err(_) => (list, Err(PErr::Eof)),
            Ok((_, '=')) => match self.val_list() {
                Ok(items) => self.set_index(list, i, G::List(G::new_list(items))),
                Err(ListErr::Eof) => self.set_index(list, i, G::Str("".into())),
                Err(ListErr::NotList) => {
                    let rs = self.val();
                    let v = self.typed(rs);
                    self.set_index(list, i, v)
                }
                Err(ListErr::Msg(m)) => (list, Err(PErr::Msg(m))),
            },
            Ok((_, '[')) => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e.wrap("error parsing index: "))),
                };
                let current = if in_range {
                    list.borrow().get(i as usize).cloned()
                } else {
                    None
                };
                let crt = match current {
                    None | Some(G::Null) => G::new_list(Vec::new()),
                    Some(G::List(l)) => l,
                    Some(other) => return (list, Err(conversion_panic(&other, GO_LIST))),
                };
                if self.nesting >= MAX_LIST_NESTING {
                    return (
                        list,
                        Err(PErr::Msg(format!(
                            "list nesting is deeper than krust's limit of {MAX_LIST_NESTING}"
                        ))),
                    );
                }
                self.nesting += 1;
                let (list2, res) = self.list_item(crt, next_i, level);
                self.nesting -= 1;
                if res.is_err() {
                    return (list, res);
                }
                self.set_index(list, i, G::List(list2))
            }
            Ok((_, _dot)) => {
                let inner = if in_range {
                    let current = list.borrow().get(i as usize).cloned();
                    match current {
                        Some(G::Map(m)) => m,
                        _ => {
                            // Indices out of order: Helm replaces the element in place.
                            let m = G::new_map();
                            if let Some(slot) = list.borrow_mut().get_mut(i as usize) {
                                *slot = G::Map(m.clone());
                            }
                            m
                        }
                    }
                } else {
                    G::new_map()
                };
                let res = self.key(&inner, level);
                if res.is_err() {
                    return (list, res);
                }
                self.set_index(list, i, G::Map(inner))
            }
        }
    }

    /// `setIndex`: writes in place when the index is in range, else builds a longer list.
    fn set_index(&mut self, list: GList, index: i64, val: G) -> (GList, Result<(), PErr>) {
        if index < 0 {
            return (
                list,
                Err(PErr::Msg(format!("negative {index} index not allowed"))),
            );
        }
        if index > MAX_INDEX {
            return (
                list,
                Err(PErr::Msg(format!(
                    "index of {index} is greater than maximum supported index of {MAX_INDEX}"
                ))),
            );
        }
        let idx = index as usize;
        let len = list.borrow().len();
        if idx < len {
            if let Some(slot) = list.borrow_mut().get_mut(idx) {
                *slot = val;
            }
            return (list, Ok(()));
        }
        if idx + 1 > self.budget {
            return (
                list,
                Err(PErr::Msg(format!(
                    "lists grow past krust's budget of {LIST_SLOT_BUDGET} slots in one assignment"
                ))),
            );
        }
        self.budget -= idx + 1;
        let mut items = Vec::with_capacity(idx + 1);
        items.extend(list.borrow().iter().cloned());
        items.resize(idx + 1, G::Null);
        items[idx] = val; // idx < len == idx + 1, by the resize above
        (G::new_list(items), Ok(()))
    }

    /// `val`: the text up to the first unescaped `,` (consumed) or the end.
    fn val(&mut self) -> String {
        match self.runes_until(&[',']) {
            Ok((v, _)) | Err(v) => v,
        }
    }

    /// `valList`: a `{a,b,c}` list, or `NotList` (nothing consumed) when the value does not
    /// start with `{`.
    fn val_list(&mut self) -> Result<Vec<G>, ListErr> {
        match self.next() {
            None => return Err(ListErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(ListErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            match self.runes_until(&[',', '}']) {
                Err(_) => return Err(ListErr::Msg("list must terminate with '}'".to_string())),
                Ok((rs, '}')) => {
                    if self.chars.get(self.pos) == Some(&',') {
                        self.pos += 1;
                    }
                    list.push(self.typed(rs));
                    return Ok(list);
                }
                Ok((rs, _comma)) => list.push(self.typed(rs)),
            }
        }
    }

    fn typed(&self, s: String) -> G {
        if self.string_mode {
            G::Str(s.into())
        } else {
            typed_val(s)
        }
    }
}

fn panic_to_msg(e: PErr) -> PErr {
    match e {
        PErr::Panic(_) => PErr::Msg(e.text()),
        other => other,
    }
}

fn set(data: &GMap, key: &str, val: G) {
    if key.is_empty() {
        return;
    }
    data.borrow_mut().insert(key.into(), val);
}

/// Helm's `typedVal` in typed mode.
fn typed_val(s: String) -> G {
    if go_equal_fold(&s, "true") {
        return G::Bool(true);
    }
    if go_equal_fold(&s, "false") {
        return G::Bool(false);
    }
    if go_equal_fold(&s, "null") {
        return G::Null;
    }
    if s == "0" {
        return G::Int(0);
    }
    if !s.is_empty() && !s.starts_with('0') {
        if let Ok(i) = s.parse::<i64>() {
            return G::Int(i);
        }
    }
    G::Str(s.into())
}

/// The value `s` takes at a `targetPath` in typed mode (for tables and tests).
pub fn typed_scalar(s: &str) -> Value {
    typed_val(s.to_string()).to_value()
}

/// Go's `strings.EqualFold` against an ASCII lowercase word: simple Unicode case folding,
/// where `ſ` (U+017F) folds to `s` and the Kelvin sign (U+212A) to `k`.
fn go_equal_fold(s: &str, word: &str) -> bool {
    let mut a = s.chars();
    let mut b = word.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) => {
                let same = x.to_ascii_lowercase() == y
                    || (y == 's' && x == '\u{17F}')
                    || (y == 'k' && x == '\u{212A}');
                if !same {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// `strconv.Atoi` with Go's error texts.
fn atoi(s: &str) -> Result<i64, String> {
    s.parse::<i64>().map_err(|e| {
        let why = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                "value out of range"
            }
            _ => "invalid syntax",
        };
        format!("strconv.Atoi: parsing {}: {why}", go_quote(s))
    })
}

/// Go's `%q` of a string (close enough for error texts).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust_yaml::Data;

    fn run(s: &str, mode: SetMode) -> Result<Value, SetError> {
        let mut v = Value::map();
        parse_into(s, &mut v, mode).map(|()| v)
    }

    fn at<'a>(v: &'a Value, p: &str) -> Option<&'a Value> {
        v.pointer(p)
    }

    #[test]
    fn typing_follows_helm() {
        assert_eq!(typed_scalar("TRUE"), Value::from(true));
        assert_eq!(typed_scalar("nULL"), Value::null());
        assert_eq!(typed_scalar("fal\u{17F}e"), Value::from(false));
        assert_eq!(typed_scalar("+12"), Value::from(12i64));
        assert_eq!(typed_scalar("-0"), Value::from(0i64));
        assert_eq!(typed_scalar("012"), Value::from("012"));
        assert_eq!(typed_scalar("1.0"), Value::from("1.0"));
        assert_eq!(
            typed_scalar("9223372036854775808"),
            Value::from("9223372036854775808")
        );
        assert_eq!(typed_scalar("yes"), Value::from("yes"));
    }

    #[test]
    fn nested_keys_indices_and_escapes() {
        let v = run("a.b\\.c[1].d=x,e={1,two}", SetMode::Typed).unwrap();
        assert_eq!(at(&v, "/a/b.c/0"), Some(&Value::null()));
        assert_eq!(at(&v, "/a/b.c/1/d").and_then(Value::as_str), Some("x"));
        assert_eq!(at(&v, "/e/0"), Some(&Value::from(1i64)));
        assert_eq!(at(&v, "/e/1").and_then(Value::as_str), Some("two"));
    }

    #[test]
    fn string_mode_keeps_strings() {
        let v = run("a=1,b=true,c={1}", SetMode::String).unwrap();
        assert_eq!(at(&v, "/a").and_then(Value::as_str), Some("1"));
        assert_eq!(at(&v, "/b").and_then(Value::as_str), Some("true"));
        assert_eq!(at(&v, "/c/0").and_then(Value::as_str), Some("1"));
    }

    #[test]
    fn helm_error_texts() {
        assert_eq!(
            run("x=a,b", SetMode::Typed).unwrap_err().0,
            "key \"b\" has no value"
        );
        assert_eq!(
            run("a,b", SetMode::Typed).unwrap_err().0,
            "key \"a\" has no value (cannot end with ,)"
        );
        assert_eq!(run("a=x,", SetMode::Typed).map(|_| ()), Ok(()));
        assert_eq!(
            run("a={x", SetMode::Typed).unwrap_err().0,
            "list must terminate with '}'"
        );
        assert_eq!(
            run("a[x]=1", SetMode::Typed).unwrap_err().0,
            "error parsing index: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            run("a[65537]=1", SetMode::Typed).unwrap_err().0,
            "index of 65537 is greater than maximum supported index of 65536"
        );
        assert_eq!(
            run("a[-1]=1", SetMode::Typed).unwrap_err().0,
            "negative -1 index not allowed"
        );
        assert_eq!(
            run("a[0]x=1", SetMode::Typed).unwrap_err().0,
            "unexpected data at end of array index: \"x\""
        );
        let deep = format!("{}=1", vec!["k"; 32].join("."));
        assert!(run(&deep, SetMode::Typed)
            .unwrap_err()
            .0
            .starts_with("value name nested level"));
    }

    #[test]
    fn descending_through_a_scalar_or_null_fails() {
        let mut v = Value::map();
        v.insert("a", Value::from("s"));
        let e = parse_into("a.b=1", &mut v, SetMode::Typed).unwrap_err();
        assert_eq!(e.0, "unable to parse key: interface conversion: interface {} is string, not map[string]interface {}");
        let mut v = Value::map();
        v.insert("a", Value::null());
        assert!(parse_into("a[0]=1", &mut v, SetMode::Typed).is_err());
    }

    #[test]
    fn eof_inside_an_index_is_not_an_error() {
        // Helm wraps io.EOF with %w, and its parse loop treats that as the end of input.
        assert!(run("a[1", SetMode::Typed).is_ok());
        let v = run("a=", SetMode::Typed).unwrap();
        assert_eq!(at(&v, "/a").and_then(Value::as_str), Some(""));
    }

    #[test]
    fn element_of_wrong_type_is_replaced_by_a_map() {
        let mut v = Value::map();
        v.insert("l", Value::from_seq(vec![Value::from("s")]));
        parse_into("l[0].k=1", &mut v, SetMode::Typed).unwrap();
        assert_eq!(at(&v, "/l/0/k"), Some(&Value::from(1i64)));
    }

    #[test]
    fn growing_pads_with_null() {
        let v = run("l[2]=x", SetMode::Typed).unwrap();
        let l = at(&v, "/l").and_then(Value::as_seq).unwrap();
        assert_eq!(l.len(), 3);
        assert!(matches!(l[0].data, Data::Null));
    }

    #[test]
    fn list_nesting_is_bounded() {
        let s = format!("a{}=1", "[0]".repeat(MAX_LIST_NESTING + 10));
        assert!(run(&s, SetMode::Typed).is_err());
        let s = format!("a{}=1", "[0]".repeat(20));
        assert!(run(&s, SetMode::Typed).is_ok());
    }
}
