//! krust-sprig: the [sprig v3.3](https://masterminds.github.io/sprig/) function
//! library, as Helm's engine exposes it, for krust-template.
//!
//! [`func_map`] returns every function of `sprig.TxtFuncMap()` with Go's
//! parameter types (so the template executor converts and rejects arguments
//! as Go's reflection does), Go's result types (`[]string`, `[]int`,
//! `map[string]string`, `int64`, `float64`, `time.Time`,
//! `*semver.Version`) and Go's error texts. Helm removes `env` and
//! `expandenv` and overrides a few (`toJson`, `fromJson`, ...) itself.
//!
//! ```
//! use krust_template::{Set, Value};
//!
//! let mut set = Set::new();
//! set.add_funcs(krust_sprig::func_map());
//! set.parse(
//!     "t",
//!     r#"{{ "web" | upper | quote }} {{ semverCompare ">=1.21-0" "v1.35.0" }} {{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }} {{ until 3 | toStrings | join "," }}"#,
//! )?;
//! let out = set.execute("t", &Value::map(Default::default()))?;
//! assert_eq!(out, r#""WEB" true map[a:1 b:2] 0,1,2"#);
//! # Ok::<(), krust_template::Error>(())
//! ```
//!
//! Modules other than the function registrations are public because they
//! are Go behaviour other crates may reuse: [`semver`] (Masterminds
//! constraints), [`gotime`] (Go time layouts and durations), [`json`]
//! (`encoding/json`), [`gostr`] (goutils/xstrings string algorithms),
//! [`mergo`], [`conv`] (spf13/cast), [`encoding`] (base64/base32 with Go's
//! errors).
//!
//! # Limitations
//! - `keys`, `values` and `omit` return key order; Go's map order is random
//!   (charts sort with `sortAlpha` anyway).
//! - `Local` time is UTC; `dateInZone` reads the system zoneinfo files (as
//!   Go's `LoadLocation` does) and falls back to UTC without them.
//! - `getHostByName` never resolves (krust renders offline): it fails with
//!   a clear error.
//! - Strings are UTF-8: where Go would cut a multi-byte rune (`trunc`,
//!   `substr`, `wrap` count bytes), the cut rune becomes U+FFFD.
//! - `(semver x).Major/Minor/Patch` are `int64` (Go: `uint64`; krust-template
//!   has no unsigned type) — same digits and comparisons, only `typeOf` differs.
//! - `deepCopy` of Helm's `.Values` returns a plain `map[string]interface {}`
//!   (Go keeps the named `common.Values` type).
//! - Generators stop with an error past limits no chart reaches: lists of
//!   2^20 items (`until`, `seq`), strings of 64 MiB (`repeat`, `indent`,
//!   random strings), values nested 256 deep (`deepCopy`, JSON, `merge`).
//!
//! Tests: `tests/cases.rs` runs the oracle cases in
//! `testdata/template-cases/sprig/` (expected outputs recorded from helm
//! v4.1.4 by `scripts/gen-template-cases.py`), `tests/no_panic.rs` is a
//! property over every function shape, `tests/hostile.rs` checks limits.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod conv;
pub mod gostr;
pub mod gotime;
pub mod json;
pub mod maps;
pub mod mergo;
pub mod objects;
pub mod semver;
mod tz;

mod certs;
pub mod encoding;

mod fns_crypto;
mod fns_data;
mod fns_dates;
mod fns_defaults;
mod fns_lists;
mod fns_misc;
mod fns_numeric;
mod fns_regex;
mod fns_strings;

use krust_template::{Func, FuncError, FuncMap, Signature, Type, Value};

/// Registers functions into a [`FuncMap`] with terse signatures.
pub(crate) struct Reg<'a>(&'a mut FuncMap);

impl Reg<'_> {
    /// A function with fixed parameters.
    pub(crate) fn f<F>(&mut self, name: &str, params: &[Type], body: F)
    where
        F: Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        self.0.insert(
            name.to_string(),
            Func::new(Signature::new(params), move |a, _| body(a)),
        );
    }

    /// A function with fixed parameters and a `...variadic` tail.
    pub(crate) fn v<F>(&mut self, name: &str, params: &[Type], variadic: Type, body: F)
    where
        F: Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        self.0.insert(
            name.to_string(),
            Func::new(Signature::variadic(params, variadic), move |a, _| body(a)),
        );
    }

    /// Registers `alias` as the same function as `name`.
    pub(crate) fn alias(&mut self, alias: &str, name: &str) {
        if let Some(f) = self.0.get(name).cloned() {
            self.0.insert(alias.to_string(), f);
        }
    }
}

/// Every function of sprig v3.3's `TxtFuncMap()` (including `env` and
/// `expandenv`, which Helm deletes).
pub fn func_map() -> FuncMap {
    // Built once: a render calls this per chart, the closures never change.
    static FUNCS: std::sync::LazyLock<FuncMap> = std::sync::LazyLock::new(|| {
        let mut m = FuncMap::default();
        register(&mut m);
        m
    });
    FUNCS.clone()
}

/// Adds every sprig function to `m`, replacing functions of the same name.
pub fn register(m: &mut FuncMap) {
    let mut r = Reg(m);
    fns_strings::register(&mut r);
    fns_numeric::register(&mut r);
    fns_defaults::register(&mut r);
    fns_lists::register(&mut r);
    fns_data::register(&mut r);
    fns_regex::register(&mut r);
    fns_dates::register(&mut r);
    fns_crypto::register(&mut r);
    fns_misc::register(&mut r);
}

#[cfg(test)]
mod tests {
    /// Every name in sprig v3.3.0's `genericMap` (functions.go).
    const SPRIG_NAMES: &[&str] = &[
        "abbrev",
        "abbrevboth",
        "add",
        "add1",
        "add1f",
        "addf",
        "adler32sum",
        "ago",
        "all",
        "any",
        "append",
        "atoi",
        "b32dec",
        "b32enc",
        "b64dec",
        "b64enc",
        "base",
        "bcrypt",
        "biggest",
        "buildCustomCert",
        "camelcase",
        "cat",
        "ceil",
        "chunk",
        "clean",
        "coalesce",
        "compact",
        "concat",
        "contains",
        "date",
        "dateInZone",
        "dateModify",
        "date_in_zone",
        "date_modify",
        "decryptAES",
        "deepCopy",
        "deepEqual",
        "default",
        "derivePassword",
        "dict",
        "dig",
        "dir",
        "div",
        "divf",
        "duration",
        "durationRound",
        "empty",
        "encryptAES",
        "env",
        "expandenv",
        "ext",
        "fail",
        "first",
        "float64",
        "floor",
        "fromJson",
        "genCA",
        "genCAWithKey",
        "genPrivateKey",
        "genSelfSignedCert",
        "genSelfSignedCertWithKey",
        "genSignedCert",
        "genSignedCertWithKey",
        "get",
        "getHostByName",
        "has",
        "hasKey",
        "hasPrefix",
        "hasSuffix",
        "hello",
        "htmlDate",
        "htmlDateInZone",
        "htpasswd",
        "indent",
        "initial",
        "initials",
        "int",
        "int64",
        "isAbs",
        "join",
        "kebabcase",
        "keys",
        "kindIs",
        "kindOf",
        "last",
        "list",
        "lower",
        "max",
        "maxf",
        "merge",
        "mergeOverwrite",
        "min",
        "minf",
        "mod",
        "mul",
        "mulf",
        "mustAppend",
        "mustChunk",
        "mustCompact",
        "mustDateModify",
        "mustDeepCopy",
        "mustFirst",
        "mustFromJson",
        "mustHas",
        "mustInitial",
        "mustLast",
        "mustMerge",
        "mustMergeOverwrite",
        "mustPrepend",
        "mustPush",
        "mustRegexFind",
        "mustRegexFindAll",
        "mustRegexMatch",
        "mustRegexReplaceAll",
        "mustRegexReplaceAllLiteral",
        "mustRegexSplit",
        "mustRest",
        "mustReverse",
        "mustSlice",
        "mustToDate",
        "mustToJson",
        "mustToPrettyJson",
        "mustToRawJson",
        "mustUniq",
        "mustWithout",
        "must_date_modify",
        "nindent",
        "nospace",
        "now",
        "omit",
        "osBase",
        "osClean",
        "osDir",
        "osExt",
        "osIsAbs",
        "pick",
        "pluck",
        "plural",
        "prepend",
        "push",
        "quote",
        "randAlpha",
        "randAlphaNum",
        "randAscii",
        "randBytes",
        "randInt",
        "randNumeric",
        "regexFind",
        "regexFindAll",
        "regexMatch",
        "regexQuoteMeta",
        "regexReplaceAll",
        "regexReplaceAllLiteral",
        "regexSplit",
        "repeat",
        "replace",
        "rest",
        "reverse",
        "round",
        "semver",
        "semverCompare",
        "seq",
        "set",
        "sha1sum",
        "sha256sum",
        "sha512sum",
        "shuffle",
        "slice",
        "snakecase",
        "sortAlpha",
        "split",
        "splitList",
        "splitn",
        "squote",
        "sub",
        "subf",
        "substr",
        "swapcase",
        "ternary",
        "title",
        "toDate",
        "toDecimal",
        "toJson",
        "toPrettyJson",
        "toRawJson",
        "toString",
        "toStrings",
        "trim",
        "trimAll",
        "trimPrefix",
        "trimSuffix",
        "trimall",
        "trunc",
        "tuple",
        "typeIs",
        "typeIsLike",
        "typeOf",
        "uniq",
        "unixEpoch",
        "unset",
        "until",
        "untilStep",
        "untitle",
        "upper",
        "urlJoin",
        "urlParse",
        "uuidv4",
        "values",
        "without",
        "wrap",
        "wrapWith",
    ];

    #[test]
    fn every_sprig_function_is_registered() {
        let m = super::func_map();
        let missing: Vec<&&str> = SPRIG_NAMES
            .iter()
            .filter(|n| !m.contains_key(**n))
            .collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
        assert_eq!(m.len(), SPRIG_NAMES.len(), "extra functions registered");
    }
}
