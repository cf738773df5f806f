//! Property: no sprig function panics, whatever strings and integers it is
//! given (each call ends in a value or an error).

use krust_template::{Set, Value};
use proptest::prelude::*;

/// Functions by argument shape: `s` a string, `i` an int, `l` a list and
/// `m` a dict built from the strings and ints.
const SHAPES: &[(&str, &str)] = &[
    ("abbrev", "is"),
    ("abbrevboth", "iis"),
    ("trunc", "is"),
    ("trim", "s"),
    ("upper", "s"),
    ("lower", "s"),
    ("title", "s"),
    ("untitle", "s"),
    ("substr", "iis"),
    ("repeat", "is"),
    ("trimAll", "ss"),
    ("trimSuffix", "ss"),
    ("trimPrefix", "ss"),
    ("nospace", "s"),
    ("initials", "s"),
    ("swapcase", "s"),
    ("shuffle", "s"),
    ("snakecase", "s"),
    ("camelcase", "s"),
    ("kebabcase", "s"),
    ("wrap", "is"),
    ("wrapWith", "iss"),
    ("contains", "ss"),
    ("quote", "s"),
    ("squote", "s"),
    ("indent", "is"),
    ("nindent", "is"),
    ("replace", "sss"),
    ("plural", "ssi"),
    ("sha256sum", "s"),
    ("adler32sum", "s"),
    ("atoi", "s"),
    ("int64", "s"),
    ("float64", "s"),
    ("toDecimal", "s"),
    ("split", "ss"),
    ("splitList", "ss"),
    ("splitn", "sis"),
    ("until", "i"),
    ("untilStep", "iii"),
    ("seq", "ii"),
    ("add", "ss"),
    ("sub", "si"),
    ("mul", "ss"),
    ("div", "si"),
    ("mod", "si"),
    ("addf", "ss"),
    ("mulf", "ss"),
    ("divf", "ss"),
    ("round", "si"),
    ("b64dec", "s"),
    ("b32dec", "s"),
    ("regexMatch", "ss"),
    ("regexFindAll", "ssi"),
    ("regexReplaceAll", "sss"),
    ("regexSplit", "ssi"),
    ("regexQuoteMeta", "s"),
    ("semverCompare", "ss"),
    ("semver", "s"),
    ("toDate", "ss"),
    ("date", "si"),
    ("dateInZone", "sis"),
    ("duration", "s"),
    ("durationRound", "s"),
    ("base", "s"),
    ("dir", "s"),
    ("clean", "s"),
    ("ext", "s"),
    ("urlParse", "s"),
    ("mustFromJson", "s"),
    ("fromJson", "s"),
    ("randAlphaNum", "i"),
    ("chunk", "is"),
    ("decryptAES", "ss"),
    ("htmlDateInZone", "is"),
    ("dateModify", "ss"),
    ("first", "l"),
    ("rest", "l"),
    ("initial", "l"),
    ("reverse", "l"),
    ("uniq", "l"),
    ("compact", "l"),
    ("sortAlpha", "l"),
    ("join", "sl"),
    ("has", "sl"),
    ("without", "ls"),
    ("slice", "lii"),
    ("concat", "ll"),
    ("pick", "ms"),
    ("omit", "ms"),
    ("merge", "mm"),
    ("mergeOverwrite", "mm"),
    ("dig", "ssm"),
    ("toJson", "m"),
    ("toPrettyJson", "l"),
    ("deepCopy", "m"),
    ("keys", "m"),
    ("values", "m"),
    ("pluck", "sm"),
    ("get", "ms"),
    ("set", "msi"),
    ("unset", "ms"),
    ("hasKey", "ms"),
    ("urlJoin", "m"),
    ("toStrings", "l"),
    ("deepEqual", "lm"),
    ("coalesce", "ls"),
    ("empty", "m"),
    ("typeOf", "l"),
    ("kindOf", "m"),
];

fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn call(name: &str, shape: &str, strs: &[String], ints: &[i64]) -> String {
    let mut args = Vec::new();
    let (mut si, mut ii) = (0, 0);
    for k in shape.chars() {
        let s = go_quote(&strs[si % strs.len()]);
        let i = ints[ii % ints.len()];
        match k {
            's' => {
                args.push(s);
                si += 1;
            }
            'i' => {
                args.push(i.to_string());
                ii += 1;
            }
            'l' => {
                args.push(format!("(list {s} {i} nil (list {s}) (dict {s} {i}))"));
                si += 1;
                ii += 1;
            }
            _ => {
                args.push(format!(
                    "(dict {s} (dict \"a\" {i}) \"b\" (list {s}) \"c\" nil)"
                ));
                si += 1;
                ii += 1;
            }
        }
    }
    // chunk's list argument and dateModify's time are built from the strings.
    let args = match name {
        "chunk" => format!("{} (splitList \",\" {})", args[0], args[1]),
        "dateModify" => format!("{} (toDate \"2006-01-02\" {})", args[0], args[1]),
        _ => args.join(" "),
    };
    format!("{{{{ {name} {args} }}}}")
}

fn arb_str() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ._/:,\\-]{0,12}",
        "\\PC{0,8}",
        prop::sample::select(vec![
            "(",
            "[",
            "a{1001}",
            "\\",
            "%zz",
            "::",
            ">=1.2 <",
            "1.2.3-01",
            "{\"a\":",
            "2006-01-02",
            "0x1p-2",
            "1e400",
            "-9223372036854775808",
            "ééé",
            "\u{1c5}",
            "a**",
            "M3.2.0",
            "",
        ])
        .prop_map(str::to_string),
    ]
}

fn arb_int() -> impl Strategy<Value = i64> {
    prop_oneof![
        -5i64..100,
        Just(i64::MAX),
        Just(i64::MIN),
        Just(0),
        Just(4_000_000_000)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]
    #[test]
    fn sprig_functions_never_panic(
        f in 0..SHAPES.len(),
        strs in prop::collection::vec(arb_str(), 3),
        ints in prop::collection::vec(arb_int(), 3),
    ) {
        let (name, shape) = SHAPES[f];
        let t = call(name, shape, &strs, &ints);
        let mut set = Set::new();
        set.add_funcs(krust_sprig::func_map());
        if set.parse("t", &t).is_ok() {
            // Ok or Err are both fine; a panic fails the property.
            let _ = set.execute("t", &Value::map(Default::default()));
        }
    }
}
