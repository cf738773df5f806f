//! Hostile templates end in a clear error (or finish fast), never a hang or an
//! allocation of gigabytes: sprig's generators have limits real charts never reach.

use std::time::{Duration, Instant};

use krust_template::{Set, Value};

fn run(t: &str) -> Result<String, String> {
    let mut set = Set::new();
    set.add_funcs(krust_sprig::func_map());
    set.parse("t", t).map_err(|e| e.to_string())?;
    set.execute("t", &Value::map(Default::default()))
        .map_err(|e| e.to_string())
}

fn fails_fast(t: &str, needle: &str) {
    let start = Instant::now();
    let e = run(t).expect_err(t);
    assert!(e.contains(needle), "{t}: {e}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{t} took {:?}",
        start.elapsed()
    );
}

#[test]
fn generators_have_limits() {
    fails_fast("{{ until 100000000 }}", "exceed krust's limit");
    fails_fast("{{ untilStep 0 2000000000 1 }}", "exceed krust's limit");
    fails_fast("{{ seq 100000000 }}", "exceed krust's limit");
    fails_fast(
        "{{ repeat 100000000 \"xxxxxxxxxx\" }}",
        "exceeds krust's limit",
    );
    fails_fast("{{ randAlphaNum 1000000000 }}", "exceeds krust's limit");
    fails_fast("{{ randBytes 1000000000 }}", "exceed krust's limit");
    fails_fast("{{ indent 100000000 \"a\\nb\" }}", "exceeds krust's limit");
}

#[test]
fn regex_bombs_are_linear() {
    let start = Instant::now();
    let out = run(
        r#"{{ regexMatch "^(a+)+$" (print (repeat 5000 "a") "b") }} {{ regexMatch "(x+x+)+y" (repeat 20000 "x") }}"#,
    );
    assert_eq!(out.as_deref(), Ok("false false"));
    assert!(start.elapsed() < Duration::from_secs(5));
    // A pattern too large to compile is an error, not an allocation.
    let e = run(r#"{{ mustRegexMatch "((a{1000}){1000}){1000}" "a" }}"#).expect_err("too large");
    assert!(e.contains("error parsing regexp"), "{e}");
}

#[test]
fn uniq_of_a_long_list_is_fast() {
    let start = Instant::now();
    let out = run("{{ until 500000 | uniq | len }}");
    assert_eq!(out.as_deref(), Ok("500000"));
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn self_containing_maps_end_in_errors() {
    let d = r#"{{ $d := dict "a" 1 }}{{ $_ := set $d "self" $d }}"#;
    let e = run(&format!("{d}{{{{ deepCopy $d }}}}")).expect_err("cycle");
    assert!(e.contains("nested deeper than 256"), "{e}");
    let e = run(&format!("{d}{{{{ toRawJson $d }}}}")).expect_err("cycle");
    assert!(e.contains("encountered a cycle"), "{e}");
    assert_eq!(
        run(&format!("{d}{{{{ has $d (list $d) }}}}")).as_deref(),
        Ok("true")
    );
    assert_eq!(
        run(&format!("{d}{{{{ deepEqual $d (dict \"a\" 1) }}}}")).as_deref(),
        Ok("false")
    );
    assert_eq!(
        run(&format!("{d}{{{{ merge $d $d | len }}}}")).as_deref(),
        Ok("2")
    );
    assert_eq!(
        run(&format!("{d}{{{{ mergeOverwrite $d $d | len }}}}")).as_deref(),
        Ok("2")
    );
    assert_eq!(
        run(&format!("{d}{{{{ toJson $d | len }}}}")).as_deref(),
        Ok("0")
    );
}
