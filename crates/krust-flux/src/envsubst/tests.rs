//! Cases restated from fluxcd/pkg `envsubst/eval_test.go` and `parse/parse_test.go`.

use std::collections::BTreeMap;

use super::{eval, EnvsubstError, Vars};

fn run(input: &str, vars: &[(&str, &str)], strict: bool) -> Result<String, EnvsubstError> {
    let m: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    eval(input, &Vars::new(&m, strict))
}

#[test]
fn functions() {
    let v = [
        ("v", "abcdEFGH28ij"),
        ("p", "/home/bozo/ideas/thoughts.for.today"),
        ("f", "bash.string.txt"),
    ];
    let cases = [
        ("${#v}", "12"),
        ("${v^}", "AbcdEFGH28ij"),
        ("${v^^}", "ABCDEFGH28IJ"),
        ("${v,,}", "abcdefgh28ij"),
        ("${p:11}", "ideas/thoughts.for.today"),
        ("${p:11:5}", "ideas"),
        ("${p:-3}", "/home/bozo/ideas/thoughts.for.today"),
        ("${p: -5}", "/home/bozo/ideas/thoughts.for.today"),
        ("${v:-4:2}", "abcdEFGH28ij"),
        ("${x:=a${v}b}", "aabcdEFGH28ijb"),
        ("${x:+y}", "y"),
        // Go's path.Match: `*` never matches `/` (unlike bash).
        ("${p##*/}", "home/bozo/ideas/thoughts.for.today"),
        ("${p##*.}", "/home/bozo/ideas/thoughts.for.today"),
        ("${p%.*}", "/home/bozo/ideas/thoughts.for"),
        ("${p%%.*}", "/home/bozo/ideas/thoughts"),
        ("${f#*.}", "string.txt"),
        ("${f##*.}", "txt"),
        ("${p//o/0}", "/h0me/b0z0/ideas/th0ughts.f0r.t0day"),
        ("${p/\\//-}", "-home/bozo/ideas/thoughts.for.today"),
        ("${p/#\\/home/~}", "~/bozo/ideas/thoughts.for.today"),
        (
            "${p/%today/tomorrow}",
            "/home/bozo/ideas/thoughts.for.tomorrow",
        ),
        ("${p/o/}", "/hme/bozo/ideas/thoughts.for.today"),
        ("a $$b $${v} ${v}", "a $b ${v} abcdEFGH28ij"),
        ("\\${v}", "\\abcdEFGH28ij"),
        ("$v", "$v"),
        ("a$$$", "a$$"),
    ];
    for (input, want) in cases {
        assert_eq!(run(input, &v, false).as_deref(), Ok(want), "{input}");
    }
}

#[test]
fn errors() {
    use EnvsubstError::*;
    for (input, want) in [
        ("${}", ParseVariableName),
        ("${ v }", ParseVariableName),
        ("${v-x}", MissingClosingBrace),
        ("${v[0]}", MissingClosingBrace),
        ("${v", MissingClosingBrace),
    ] {
        assert_eq!(run(input, &[], false), Err(want), "{input}");
    }
}

#[test]
fn strict_mode() {
    assert_eq!(
        run("${missing}", &[], true),
        Err(EnvsubstError::VariableNotSet("missing".into()))
    );
    assert_eq!(run("${missing:-d}", &[], true).as_deref(), Ok("d"));
    assert!(run("${a:=${b}}", &[("a", "x")], true).is_err());
    assert_eq!(run("${e}", &[("e", "")], true).as_deref(), Ok(""));
    assert_eq!(run("${missing}", &[], false).as_deref(), Ok(""));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let input = "${a:=".repeat(10_000);
    assert!(run(&input, &[], false).is_err());
}
