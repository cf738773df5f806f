//! Reader tests on small inputs written for krust.

use super::*;
use crate::{Data, Error, Style};

fn one(src: &str) -> Value {
    parse_document(src, "t.yaml", Typing::Kyaml).expect("parses")
}
fn one11(src: &str) -> Value {
    parse_document(src, "t.yaml", Typing::Yaml11).expect("parses")
}

#[test]
fn marks_and_styles() {
    let v = one("a: 1\nb:\n  - 'x'\n  - [y, \"z\"]\nc: |\n  text\nd:\ne: >\n  f\n");
    let a = v.get("a").expect("a");
    assert_eq!(a.mark, Mark::new(1, 4));
    assert_eq!(a.style, Style::Plain);
    let b = v.get("b").expect("b");
    assert_eq!(b.style, Style::Block);
    assert_eq!(b.mark, Mark::new(3, 3));
    let x = b.get_index(0).expect("x");
    assert_eq!((x.style, x.mark), (Style::SingleQuoted, Mark::new(3, 5)));
    let flow = b.get_index(1).expect("flow");
    assert_eq!(flow.style, Style::Flow);
    assert_eq!(
        flow.get_index(1).map(|z| z.style),
        Some(Style::DoubleQuoted)
    );
    assert_eq!(v.get("c").map(|c| c.style), Some(Style::Literal));
    assert_eq!(v.str_at(&["c"]), Some("text\n"));
    let d = v.get("d").expect("d");
    assert!(d.is_null());
    assert_eq!(d.style, Style::Empty);
    assert_eq!(v.get("e").map(|e| e.style), Some(Style::Folded));
    assert_eq!(v.style, Style::Block);
    assert_eq!(v.mark, Mark::new(1, 1));
}

#[test]
fn block_scalar_mark_is_the_indicator() {
    let v = one("a: |-  # c |\n\n  text\nb:\n  - >\n    x\n\"k |\": |\n  y\n");
    assert_eq!(v.get("a").map(|a| a.mark), Some(Mark::new(1, 4)));
    assert_eq!(v.str_at(&["a"]), Some("\ntext"));
    assert_eq!(
        v.path(&["b"]).and_then(|b| b.get_index(0)).map(|x| x.mark),
        Some(Mark::new(5, 5))
    );
    assert_eq!(v.get("k |").map(|a| a.mark), Some(Mark::new(7, 8)));
}

#[test]
fn anchored_flow_collection_is_flow() {
    let v = one("a: &x {k: v}\nb: &y [1]\n");
    assert_eq!(v.get("a").map(|a| a.style), Some(Style::Flow));
    assert_eq!(v.get("b").map(|b| b.style), Some(Style::Flow));
}

#[test]
fn explicit_null_is_not_empty() {
    let v = one("a: null\nb: ~\nc: ''\n");
    assert_eq!(v.get("a").map(|a| a.style), Some(Style::Plain));
    assert_eq!(v.get("b").map(|b| b.style), Some(Style::Plain));
    assert_eq!(v.str_at(&["c"]), Some(""));
}

#[test]
fn kyaml_typing() {
    let v = one("a: yes\nb: on\nc: 012\nd: 0x1F\ne: 1e3\nf: \"12\"\ng: !!str 12\nh: !!int \"12\"\ni: 2001-12-14\nj: 1_000\nk: !!float 3\nl: 99999999999999999999\nm: 18446744073709551615\n");
    assert_eq!(v.str_at(&["a"]), Some("yes"));
    assert_eq!(v.str_at(&["b"]), Some("on"));
    assert_eq!(v.get("c").and_then(Value::as_i64), Some(10));
    assert_eq!(v.get("d").and_then(Value::as_i64), Some(31));
    assert!(matches!(v.get("e").map(|e| &e.data), Some(Data::Float(f)) if *f == 1000.0));
    assert_eq!(v.str_at(&["f"]), Some("12"));
    assert_eq!(v.str_at(&["g"]), Some("12"));
    assert_eq!(v.get("h").and_then(Value::as_i64), Some(12));
    assert_eq!(v.str_at(&["i"]), Some("2001-12-14T00:00:00Z"));
    assert_eq!(v.get("j").and_then(Value::as_i64), Some(1000));
    assert!(matches!(v.get("k").map(|e| &e.data), Some(Data::Float(f)) if *f == 3.0));
    assert!(matches!(v.get("l").map(|e| &e.data), Some(Data::Float(_))));
    assert!(matches!(
        v.get("m").map(|e| &e.data),
        Some(Data::Uint(u64::MAX))
    ));
}

#[test]
fn yaml11_typing() {
    let v = one11(
        "a: yes\nb: off\nc: y\nd: 2001-12-14\n012: octal key\ntrue: bool key\n1.5: float key\n",
    );
    assert_eq!(v.get("a").and_then(Value::as_bool), Some(true));
    assert_eq!(v.get("b").and_then(Value::as_bool), Some(false));
    assert_eq!(v.get("c").and_then(Value::as_bool), Some(true));
    assert_eq!(v.str_at(&["d"]), Some("2001-12-14"));
    assert_eq!(v.str_at(&["10"]), Some("octal key"));
    assert_eq!(v.str_at(&["true"]), Some("bool key"));
    assert_eq!(v.str_at(&["1.5"]), Some("float key"));
}

#[test]
fn nan_and_inf_are_read_as_floats() {
    let v = one("a: .nan\nb: -.Inf\n");
    assert!(matches!(v.get("a").map(|e| &e.data), Some(Data::Float(f)) if f.is_nan()));
    assert!(matches!(v.get("b").map(|e| &e.data), Some(Data::Float(f)) if *f == f64::NEG_INFINITY));
}

#[test]
fn binary_is_decoded() {
    let v = one("a: !!binary aGVsbG8=\n");
    assert_eq!(v.str_at(&["a"]), Some("hello"));
    assert!(parse_stream("a: !!binary '*'\n", "t", Typing::Kyaml).is_err());
}

#[test]
fn wrong_explicit_tag_fails() {
    let e = parse_stream("a: !!int abc\n", "f.yaml", Typing::Kyaml).expect_err("bad int");
    assert!(
        matches!(e, Error::Invalid { ref file, mark, .. } if file == "f.yaml" && mark == Mark::new(1, 4))
    );
}

#[test]
fn custom_tags_are_strings() {
    let v = one("a: !foo 12\n");
    assert_eq!(v.str_at(&["a"]), Some("12"));
}

#[test]
fn aliases_share_subtrees() {
    let v = one("a: &x {k: [1, 2]}\nb: *x\n");
    let (Some(Data::Map(a)), Some(Data::Map(b))) =
        (v.get("a").map(|a| &a.data), v.get("b").map(|b| &b.data))
    else {
        panic!("maps expected");
    };
    assert!(std::sync::Arc::ptr_eq(a, b));
    assert_eq!(v.get("b").map(|b| b.mark), Some(Mark::new(2, 4)));
}

#[test]
fn merge_keys_kyaml() {
    let v = one("base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\nm:\n  x: 0\n  <<: [*b, *o]\n");
    let m = v.get("m").expect("m");
    assert_eq!(m.get("x").and_then(Value::as_i64), Some(0));
    assert_eq!(m.get("y").and_then(Value::as_i64), Some(2));
    assert_eq!(m.get("z").and_then(Value::as_i64), Some(4));
    assert!(m.get("<<").is_none());
    // Explicit keys win even when written after the merge.
    let v = one("b: &b {x: 1}\nm:\n  <<: *b\n  x: 2\n");
    assert_eq!(
        v.get("m").and_then(|m| m.get("x")).and_then(Value::as_i64),
        Some(2)
    );
    // A quoted "<<" is not a merge key (and kyaml drops it: see below).
    let v = one("m:\n  '<<': {x: 1}\n");
    assert!(v.path(&["m", "x"]).is_none());
    // In YAML 1.1 reading it is an ordinary key.
    let v = one11("m:\n  '<<': 1\n");
    assert_eq!(v.path(&["m", "<<"]).and_then(Value::as_i64), Some(1));
}

#[test]
fn merge_keys_yaml11_apply_in_order() {
    let v = one11("b: &b {p: 1, q: 1}\nm:\n  p: 0\n  <<: *b\n  q: 2\n");
    let m = v.get("m").expect("m");
    assert_eq!(m.get("p").and_then(Value::as_i64), Some(1));
    assert_eq!(m.get("q").and_then(Value::as_i64), Some(2));
    // `y` is a YAML 1.1 boolean, so as a key it becomes "true".
    assert_eq!(one11("y: 1\n").get("true").and_then(Value::as_i64), Some(1));
}

#[test]
fn merge_of_a_scalar_fails() {
    assert!(parse_stream("m:\n  <<: 3\n", "t", Typing::Kyaml).is_err());
    assert!(parse_stream("m:\n  <<: 3\n", "t", Typing::Yaml11).is_err());
}

#[test]
fn duplicate_keys_fail_in_kyaml() {
    let e = parse_stream("a: 1\nb: 2\na: 3\n", "d.yaml", Typing::Kyaml).expect_err("duplicate");
    assert!(
        matches!(e, Error::DuplicateKey { ref key, mark, .. } if key == "a" && mark == Mark::new(3, 1))
    );
    // go-yaml compares the written text: 1 and "1" collide.
    assert!(parse_stream("x:\n  1: a\n  \"1\": b\n", "d", Typing::Kyaml).is_err());
}

#[test]
fn non_string_keys_kyaml() {
    // At the root, go-yaml decodes any scalar key as its text.
    let v = one("apiVersion: v1\n1: one\n");
    assert_eq!(v.str_at(&["1"]), Some("one"));
    // Below the root the key stays in the tree, marked, so a strategic merge can still
    // match it against a string key; the object cannot become JSON, so printing fails.
    let v = one("a:\n  1: one\n");
    let inner = v.get("a").and_then(Value::as_map).expect("map");
    let (key, _) = inner.get_index(0).expect("one entry");
    assert!(key.is_non_string());
    assert_eq!(v.str_at(&["a", "1"]), Some("one"));
    assert!(crate::to_yaml(&v).is_err());
    assert!(parse_stream("a:\n  [1]: one\n", "t", Typing::Kyaml).is_err());
    let v = one("a:\n  \"1\": one\n  !!str 2: two\n");
    assert_eq!(v.str_at(&["a", "2"]), Some("two"));
}

#[test]
fn documents() {
    let docs = parse_stream(
        "a: 1\n---\n# only a comment\n---\nb: 2\n",
        "t",
        Typing::Kyaml,
    )
    .expect("parses");
    assert_eq!(docs.len(), 3);
    assert!(docs[1].is_null());
    assert_eq!(docs[1].style, Style::Empty);
    assert_eq!(docs[2].get("b").and_then(Value::as_i64), Some(2));
    assert!(parse_stream("", "t", Typing::Kyaml)
        .expect("empty")
        .is_empty());
    assert!(parse_document("", "t", Typing::Kyaml)
        .expect("empty")
        .is_null());
    let docs = parse_stream("x\n--- 3\n", "t", Typing::Yaml11).expect("scalars");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1].as_i64(), Some(3));
}

#[test]
fn kyaml_splits_documents_like_kyaml() {
    // Content after a separator is an error, a comment is fine.
    let e = parse_stream("a: 1\n--- 3\n", "s.yaml", Typing::Kyaml).expect_err("separator");
    assert!(
        matches!(e, Error::Syntax { mark, .. } if mark == Mark::new(2, 1)),
        "{e:?}"
    );
    assert!(parse_stream("a: 1\n----\nb: 2\n", "s", Typing::Kyaml).is_err());
    let docs = parse_stream("a: 1\n--- # next\nb: 2\n", "s", Typing::Kyaml).expect("comment");
    assert_eq!(docs.len(), 2);
    // Marks count lines of the whole file.
    assert_eq!(docs[1].get("b").map(|b| b.mark), Some(Mark::new(3, 4)));
    // Only the first document of a piece is read: text after `...` is ignored.
    let docs = parse_stream("a: 1\n...\nb: [\n", "s", Typing::Kyaml).expect("end marker");
    assert_eq!(docs.len(), 1);
    // A leading `---` is part of the first piece; a final `---` without a line break too.
    let docs = parse_stream("---\na: 1\n---", "s", Typing::Kyaml).expect("leading");
    assert_eq!(docs.len(), 1);
    // Directives end up alone in a piece, which go-yaml rejects.
    assert!(parse_stream("%YAML 1.1\n---\na: 1\n", "s", Typing::Kyaml).is_err());
    // CRLF line breaks.
    let docs = parse_stream("a: |\r\n  x\r\n---\r\nb: 2\r\n", "s", Typing::Kyaml).expect("crlf");
    assert_eq!(docs[0].str_at(&["a"]), Some("x\n"));
    assert_eq!(docs[1].get("b").and_then(Value::as_i64), Some(2));
    // A quoted scalar cut by a separator line is broken.
    assert!(parse_stream("a: \"x\n---\n y\"\n", "s", Typing::Kyaml).is_err());
}

#[test]
fn syntax_errors_name_the_place() {
    let e = parse_stream("a: [1, 2\nb: 3\n", "bad.yaml", Typing::Kyaml).expect_err("unclosed");
    assert!(matches!(e, Error::Syntax { ref file, .. } if file == "bad.yaml"));
    assert!(e.mark().line >= 1);
    let e = parse_stream("a: *nope\n", "bad.yaml", Typing::Kyaml).expect_err("unknown anchor");
    assert_eq!(e.mark().line, 1);
    assert!(e.to_string().starts_with("bad.yaml:1:"));
}

#[test]
fn alias_bomb_fails_fast() {
    let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        src.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let e = parse_stream(&src, "bomb.yaml", Typing::Kyaml).expect_err("bomb");
    assert!(matches!(e, Error::Limit { .. }));
}

fn on_small_stack(src: String) -> Result<(), Error> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || parse_stream(&src, "deep.yaml", Typing::Kyaml).map(|_| ()))
        .expect("thread")
        .join()
        .expect("no stack overflow")
}

#[test]
fn deep_nesting_fails_without_overflow() {
    // saphyr-parser itself stops flow nesting at 255 levels.
    let depth = 200_000;
    let r = on_small_stack(format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
    assert!(matches!(r, Err(Error::Syntax { .. })), "{r:?}");
    // Block nesting is bounded by the reader.
    let r = on_small_stack(format!("{}x\n", "- ".repeat(50_000)));
    assert!(matches!(r, Err(Error::Limit { .. })), "{r:?}");
    assert!(on_small_stack(format!("{}x\n", "- ".repeat(500))).is_ok());
    let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert!(parse_stream(&ok, "t", Typing::Kyaml).is_ok());
}

#[test]
fn comments_outside_scalars() {
    let src = "# head\na: 1 # tail\nb: \"x # in\"\nc: |\n  # in block\n  y\nd: e#f\n  # indented\n";
    let (_, comments) = parse_stream_with_comments(src, "t", Typing::Kyaml).expect("parses");
    let got: Vec<(u32, u32, &str)> = comments
        .iter()
        .map(|c| (c.mark.line, c.mark.col, c.text.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![(1, 1, "head"), (2, 6, "tail"), (8, 3, "indented")]
    );
}

#[test]
fn schema_comment_text() {
    let src = "spec:\n  items: # {\"$ref\": \"#/definitions/x\"}\n    - a\n";
    let (_, comments) = parse_stream_with_comments(src, "t", Typing::Kyaml).expect("parses");
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].text, "{\"$ref\": \"#/definitions/x\"}");
    assert_eq!(comments[0].mark, Mark::new(2, 10));
}

#[test]
fn non_ascii_positions() {
    let v = one("é: ü\nb: [1] # ç\n");
    assert_eq!(
        v.get("b").map(|b| (b.style, b.mark)),
        Some((Style::Flow, Mark::new(2, 4)))
    );
    let (_, c) = parse_stream_with_comments("é: ü # ç\n", "t", Typing::Kyaml).expect("parses");
    assert_eq!(
        c.first().map(|c| (c.mark, c.text.as_str())),
        Some((Mark::new(1, 6), "ç"))
    );
}

mod prop {
    use super::super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let s = String::from_utf8_lossy(&bytes);
            let _ = parse_stream_with_comments(&s, "p", Typing::Kyaml);
            let _ = parse_stream(&s, "p", Typing::Yaml11);
        }

        #[test]
        fn never_panics_on_yamlish(s in "[-:\\[\\]{}&*!|>'\"#,?<. \n\tab0-9xe_+~]{0,120}") {
            let _ = parse_stream_with_comments(&s, "p", Typing::Kyaml);
            let _ = parse_stream(&s, "p", Typing::Yaml11);
        }

        #[test]
        fn never_panics_on_indented_lines(lines in proptest::collection::vec((0usize..8, "(- |[a-c]{1,3}: |&a |\\*a |<<: |\\? |'x\\\\' |\"y\\\\' |\\[|\\]|\\{|\\}|, |# c|\\||>|---|\\.\\.\\.|0x1|2001-1-1 1:1:1|~|\t){0,6}"), 0..24)) {
            let src: String = lines.iter().map(|(n, l)| format!("{}{}\n", " ".repeat(*n), l)).collect();
            let _ = parse_stream_with_comments(&src, "p", Typing::Kyaml);
            let _ = parse_stream_with_comments(&src, "p", Typing::Yaml11);
        }

        #[test]
        fn never_panics_with_escapes_and_unicode(s in "[-: \n\t\\'\"\\[\\]{}#&*<%@éü\u{2028}\u{85}\u{feff}\r0-9ax]{0,160}") {
            let _ = parse_stream_with_comments(&s, "p", Typing::Kyaml);
            let _ = parse_stream(&s, "p", Typing::Yaml11);
        }
    }
}

#[test]
fn timestamps_with_a_time_stay_text_in_flow_collections() {
    let v = one("a: [2001-12-14 21:59:43, 2001-12-14, 0x1F]\nb: {c: 2001-12-14T21:59:43Z}\nd: 2001-12-14 21:59:43\n");
    assert_eq!(v.str_at(&["d"]), Some("2001-12-14T21:59:43Z"));
    let a = v.get("a").and_then(Value::as_seq).expect("a");
    assert_eq!(a[0].as_str(), Some("2001-12-14 21:59:43"));
    assert_eq!(a[1].as_str(), Some("2001-12-14T00:00:00Z"));
    assert_eq!(a[2].as_i64(), Some(31));
    assert_eq!(v.str_at(&["b", "c"]), Some("2001-12-14T21:59:43Z"));
}

#[test]
fn timestamp_offset_of_a_day_fails() {
    assert!(parse_stream("a: 2001-12-14T21:59:43+24:00\n", "t", Typing::Kyaml).is_err());
    assert!(parse_stream("a: [2001-12-14T21:59:43+24:00]\n", "t", Typing::Kyaml).is_ok());
}

#[test]
fn empty_scalars_in_flow_collections_are_empty_strings() {
    let v = one("a: {b, c: }\nd: [x, ~]\ne:\n");
    assert_eq!(v.str_at(&["a", "b"]), Some(""));
    assert_eq!(v.str_at(&["a", "c"]), Some(""));
    assert!(v
        .path(&["d"])
        .and_then(|d| d.get_index(1))
        .is_some_and(Value::is_null));
    assert!(v.get("e").is_some_and(Value::is_null));
    // YAML 1.1 reading has no such round trip.
    assert!(one11("a: {b}\n")
        .path(&["a", "b"])
        .is_some_and(Value::is_null));
}

#[test]
fn quoted_merge_key_is_dropped_in_kyaml() {
    let v = one("m:\n  '<<': {x: 1}\n  y: 2\n");
    assert_eq!(v.get("m").and_then(Value::as_map).map(|m| m.len()), Some(1));
    assert!(v.path(&["m", "<<"]).is_none());
}

#[test]
fn merge_of_an_alias_to_a_sequence_fails() {
    let src = "a: &a [{x: 1}]\nm:\n  <<: *a\n";
    assert!(parse_stream(src, "t", Typing::Kyaml).is_err());
    assert!(parse_stream(src, "t", Typing::Yaml11).is_err());
    let src = "a: &a [{x: 1}]\nm:\n  <<: [*a]\n";
    assert!(parse_stream(src, "t", Typing::Kyaml).is_err());
    // An alias to a map inside the merge list is fine.
    let v = one("a: &a {x: 1}\nm:\n  <<: [*a, {y: 2}]\n");
    assert_eq!(v.path(&["m", "y"]).and_then(Value::as_i64), Some(2));
}

#[test]
fn slash_escape_is_unknown_to_go_yaml() {
    assert!(matches!(
        parse_stream("a: \"x\\/y\"\n", "t", Typing::Kyaml),
        Err(Error::Syntax { .. })
    ));
    let v = one("a: \"x\\\\/y\"\nb: 'x\\/y'\n");
    assert_eq!(v.str_at(&["a"]), Some("x\\/y"));
    assert_eq!(v.str_at(&["b"]), Some("x\\/y"));
}

#[test]
fn merge_bomb_fails_fast() {
    let mut src = String::from("a0: &a0 {k0: [x, x, x, x, x, x, x, x, x, x]}\n");
    for i in 1..12 {
        let p = i - 1;
        src.push_str(&format!("a{i}: &a{i}\n"));
        for j in 0..10 {
            src.push_str(&format!("  k{j}: {{<<: *a{p}}}\n"));
        }
    }
    for typing in [Typing::Kyaml, Typing::Yaml11] {
        let e = parse_stream(&src, "bomb.yaml", typing).expect_err("bomb");
        assert!(matches!(e, Error::Limit { .. }), "{e:?}");
    }
}

#[test]
fn comments_know_their_owner() {
    let src = "a: 1\nspec:\n  # head of containers\n  containers: # {\"x\": 1}\n  - name: c # on name\n    image: i\n# foot\n---\nb: 2 # in doc 1\n";
    let (docs, comments) = parse_stream_with_comments(src, "t", Typing::Kyaml).expect("parses");
    assert_eq!(docs.len(), 2);
    let key = |s: &str| PathStep::Key(s.into());
    let summary: Vec<(&str, usize, Option<Vec<PathStep>>, bool)> = comments
        .iter()
        .map(|c| (c.text.as_str(), c.doc, c.owner.clone(), c.trailing))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "head of containers",
                0,
                Some(vec![key("spec"), key("containers")]),
                false
            ),
            (
                "{\"x\": 1}",
                0,
                Some(vec![key("spec"), key("containers")]),
                true
            ),
            (
                "on name",
                0,
                Some(vec![
                    key("spec"),
                    key("containers"),
                    PathStep::Index(0),
                    key("name")
                ]),
                true
            ),
            ("foot", 1, Some(vec![key("b")]), false),
            ("in doc 1", 1, Some(vec![key("b")]), true),
        ]
    );
    assert_eq!(comments[1].mark, Mark::new(4, 15));
}

#[test]
fn comment_owner_keys_are_tree_keys_in_yaml11() {
    let (_, comments) =
        parse_stream_with_comments("yes: 1 # c\n", "t", Typing::Yaml11).expect("parses");
    assert_eq!(comments[0].owner, Some(vec![PathStep::Key("true".into())]));
}

#[test]
fn empty_keys_are_empty_strings_in_kyaml() {
    let v = one("? \n: v\nm:\n  ? \n  : w\n");
    assert_eq!(v.str_at(&[""]), Some("v"));
    assert_eq!(v.str_at(&["m", ""]), Some("w"));
    assert!(parse_stream("? \n: v\n", "t", Typing::Yaml11).is_err());
}

#[test]
fn lax_indentation_go_yaml_accepts() {
    // Flow continuation lines and quoted continuation lines at the key's indentation.
    let src =
        "spec:\n  command: [\"sh\", \"-c\",\n  \"echo hi\"]\n  msg: \"a\n  b\"\n  after: 1 # c\n";
    let (docs, comments) = parse_stream_with_comments(src, "t", Typing::Kyaml).expect("lax");
    let v = &docs[0];
    let cmd = v
        .path(&["spec", "command"])
        .and_then(Value::as_seq)
        .expect("command");
    assert_eq!(cmd.len(), 3);
    assert_eq!(cmd[2].as_str(), Some("echo hi"));
    assert_eq!(cmd[2].mark, Mark::new(3, 3));
    assert_eq!(v.str_at(&["spec", "msg"]), Some("a b"));
    assert_eq!(
        v.path(&["spec", "after"]).map(|a| a.mark),
        Some(Mark::new(6, 10))
    );
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].mark, Mark::new(6, 12));
    // A tab after a colon separates.
    assert_eq!(one("a:\tb\n").str_at(&["a"]), Some("b"));
    // Broken block indentation stays an error.
    assert!(parse_stream("a:\n  b: 1\n c: 2\n", "t", Typing::Kyaml).is_err());
}

#[test]
fn control_characters_are_refused() {
    for bad in [
        "a: b\u{1}c\n",
        "a: b\u{7f}\n",
        "a: \"\u{90}\"\n",
        "a: \u{fffe}\n",
    ] {
        let e = parse_stream(bad, "t", Typing::Kyaml).expect_err(bad);
        assert!(
            matches!(e, Error::Syntax { mark, .. } if mark == Mark::new(1, 5) || mark == Mark::new(1, 4)),
            "{e:?}"
        );
    }
    assert!(parse_stream("a: \"x\u{85}\"\nb: \"\u{feff}é\t\"\n", "t", Typing::Kyaml).is_ok());
    assert!(parse_stream("a: b\u{2028}c\n", "t", Typing::Kyaml).is_err());
}

#[test]
fn control_characters_are_found_in_any_block() {
    // The scan skips 64-byte blocks of printable ASCII: a refused character is found at
    // either side of a block boundary, and a two-byte one split across it.
    let find = super::control_character;
    for at in [0, 1, 62, 63, 64, 65, 127, 128, 200] {
        let mut s = "a".repeat(at);
        s.push('\u{1}');
        s.push_str(&"b".repeat(100));
        assert_eq!(find(&s), Some(at), "at {at}");
        let mut s = "é".repeat(at / 2) + &"a".repeat(at % 2);
        s.push('\u{9f}');
        s.push_str(&"b".repeat(70));
        assert_eq!(find(&s), Some(at), "C1 at {at}");
    }
    assert_eq!(find(&"a\tb\r\n~ é\u{85}".repeat(40)), None);
    assert_eq!(find(&format!("{}\u{ffff}", "x".repeat(62))), Some(62));
}

#[test]
fn escaped_apostrophe_as_go_yaml_reads_it() {
    let v = one("a: \"it\\'s \\'x\\'\" # c\nb: 1\n");
    assert_eq!(v.str_at(&["a"]), Some("it's 'x'"));
    let (_, c) = parse_stream_with_comments("a: \"it\\'s\" # c\nb: \"\\'\"\n", "t", Typing::Kyaml)
        .expect("parses");
    assert_eq!(c.first().map(|c| c.mark), Some(Mark::new(1, 12)));
    let v = one("a: [\"\\'\", x]\n");
    assert_eq!(
        v.path(&["a"]).and_then(|a| a.get_index(1)).map(|x| x.mark),
        Some(Mark::new(1, 11))
    );
    // Other unknown escapes stay errors.
    assert!(parse_stream("a: \"\\q\"\n", "t", Typing::Kyaml).is_err());
}

#[test]
fn comments_after_quoted_scalars_with_escapes() {
    let src = "a: \"x\\ty\" # one\nb: 'it''s' # two\nc: &k \"q\\n\" # three\n";
    let (_, c) = parse_stream_with_comments(src, "t", Typing::Kyaml).expect("parses");
    let texts: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, vec!["one", "two", "three"]);
}

#[test]
fn non_ascii_comments_and_styles_on_many_lines() {
    let src = "é: \"ü\" # a\nb: [ç] # b\nc: &x {ü: 1} # c\nd: |\n  日本\ne: 1 # e\n";
    let (docs, c) = parse_stream_with_comments(src, "t", Typing::Kyaml).expect("parses");
    let got: Vec<(u32, u32, &str)> = c
        .iter()
        .map(|c| (c.mark.line, c.mark.col, c.text.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![(1, 8, "a"), (2, 8, "b"), (3, 14, "c"), (6, 6, "e")]
    );
    assert_eq!(docs[0].get("c").map(|c| c.style), Some(Style::Flow));
    assert_eq!(docs[0].str_at(&["d"]), Some("日本\n"));
}

#[test]
fn parse_document_skips_empty_pieces() {
    let v =
        parse_document("\n---\n# c\n---\na: 1\n---\nb: [\n", "t", Typing::Kyaml).expect("first");
    assert_eq!(v.get("a").and_then(Value::as_i64), Some(1));
    let v = parse_document("# c\n---\na: 1\n", "t", Typing::Yaml11).expect("first");
    assert_eq!(v.get("a").and_then(Value::as_i64), Some(1));
    assert!(parse_document("# only\n", "t", Typing::Kyaml)
        .expect("none")
        .is_null());
}

#[test]
fn big_documents_without_aliases_are_not_limited() {
    let mut src = String::from("items:\n");
    // Two nodes a line: past the expansion bound, but nothing is expanded.
    for i in 0..550_000 {
        src.push_str(&format!("- [{i}]\n"));
    }
    let v = parse_document(&src, "big.yaml", Typing::Kyaml).expect("big");
    assert_eq!(
        v.get("items").and_then(Value::as_seq).map(Vec::len),
        Some(550_000)
    );
    let mut many = String::from("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb:\n");
    for _ in 0..100_001 {
        many.push_str("- *a\n");
    }
    assert!(matches!(
        parse_stream(&many, "t", Typing::Kyaml),
        Err(Error::Limit { .. })
    ));
}

#[test]
fn non_string_scalars_keep_their_source_text() {
    let v = parse_document(
        "a: 0x1F\nb: 1e300\nc: ~\nd: null\ne: 1.0\nf: True\ng:\nh: text\ni: [1, {j: 0o7}]\n",
        "t.yaml",
        Typing::Kyaml,
    )
    .expect("parses");
    let text = |k: &str| v.get(k).and_then(Value::source_text);
    assert_eq!(text("a"), Some("0x1F"));
    assert_eq!(text("b"), Some("1e300"));
    assert_eq!(text("c"), Some("~"));
    assert_eq!(text("d"), Some("null"));
    assert_eq!(text("e"), Some("1.0"));
    assert_eq!(text("f"), Some("True"));
    assert_eq!(text("g"), Some(""));
    assert_eq!(text("h"), None, "strings have none");
    let i = v.get("i").and_then(Value::as_seq).expect("i is a list");
    assert_eq!(i[0].clone().source_text(), Some("1"));
    assert_eq!(i[1].get("j").and_then(Value::source_text), Some("0o7"));
    assert_eq!(Value::from(31i64).source_text(), None, "made in code");
    let y11 = parse_document("a: yes\n", "t.yaml", Typing::Yaml11).expect("parses");
    assert_eq!(y11.get("a").and_then(Value::source_text), Some("yes"));
}

#[test]
fn dates_keep_their_source_text() {
    let v = parse_document(
        "a: 2001-12-14\nb: 2001-12-14 21:59:43.10\nc: '2001-12-14'\n",
        "t.yaml",
        Typing::Kyaml,
    )
    .expect("parses");
    let a = v.get("a").expect("a");
    assert_eq!(a.as_str(), Some("2001-12-14T00:00:00Z"));
    assert_eq!(a.source_text(), Some("2001-12-14"));
    let b = v.get("b").and_then(Value::source_text);
    assert_eq!(b, Some("2001-12-14 21:59:43.10"));
    assert_eq!(v.get("c").and_then(Value::source_text), None, "quoted");
    let y11 = parse_document("a: 2001-12-14\n", "t.yaml", Typing::Yaml11).expect("parses");
    assert_eq!(
        y11.get("a").and_then(Value::source_text),
        None,
        "v2 keeps the text"
    );
}

#[test]
fn empty_flow_values_are_empty_strings_marked_empty() {
    let v = parse_document("m: {x: , y: ''}\n", "t.yaml", Typing::Kyaml).expect("parses");
    let x = v.get("m").and_then(|m| m.get("x")).expect("x");
    assert_eq!(x.as_str(), Some(""));
    assert_eq!(x.style, Style::Empty);
    let y = v.get("m").and_then(|m| m.get("y")).expect("y");
    assert_eq!(y.style, Style::SingleQuoted);
}

#[test]
fn duplicate_keys_error_or_first_wins() {
    use crate::{parse_stream_with, DuplicateKeys, ReadOptions};
    let src = "a: 1\nb:\n  c: x\n  c: y\na: 2\n";
    assert!(parse_document(src, "t.yaml", Typing::Kyaml).is_err());
    let opts = ReadOptions::default().duplicate_keys(DuplicateKeys::FirstWins);
    let docs = parse_stream_with(src, "t.yaml", Typing::Kyaml, opts).expect("parses");
    assert_eq!(docs[0].get("a").and_then(Value::as_i64), Some(1));
    assert_eq!(docs[0].str_at(&["b", "c"]), Some("x"));
    assert_eq!(docs[0].as_map().map(|m| m.len()), Some(2));
}

#[test]
fn block_scalar_ending_the_file_without_newline_has_no_final_break() {
    // kubectl kustomize v1.32 (kustomize v5.5.0) prints these as `|-` with "x\ny".
    let v = one("a: |\n  x\n  y");
    assert_eq!(v.str_at(&["a"]), Some("x\ny"));
    let docs =
        parse_stream("a: |\n  x\n---\nb: |\n  x\n  y", "t.yaml", Typing::Kyaml).expect("parses");
    assert_eq!(docs[0].str_at(&["a"]), Some("x\n"));
    assert_eq!(docs[1].str_at(&["b"]), Some("x\ny"));
    assert_eq!(one("a: |\n  x\n  y\n").str_at(&["a"]), Some("x\ny\n"));
    assert_eq!(one("a: >\n  x\n  y").str_at(&["a"]), Some("x y"));
}

#[test]
fn limits_are_configurable() {
    let with = |l: Limits| ReadOptions::default().limits(l);
    let read = |src: &str, l: Limits| parse_stream_with(src, "l.yaml", Typing::Kyaml, with(l));
    // Depth: three levels of collections.
    let deep = "a:\n  b:\n    c: 1\n";
    assert!(read(deep, Limits::default().max_depth(3)).is_ok());
    let e = read(deep, Limits::default().max_depth(2)).expect_err("depth");
    assert!(
        matches!(&e, Error::Limit { mark, message, .. } if *mark == Mark::new(3, 5) && message.contains("2 levels")),
        "{e:?}"
    );
    // Expansion: 1 + 3 (a) + 1 + 3 (the alias, counted expanded) + ... nodes.
    let alias = "a: &x [1, 2]\nb: *x\nc: *x\n";
    assert!(read(alias, Limits::default()).is_ok());
    let e = read(alias, Limits::default().max_nodes(6)).expect_err("nodes");
    assert!(matches!(e, Error::Limit { .. }), "{e:?}");
    // Size.
    let e = read("a: 1\n", Limits::default().max_bytes(4)).expect_err("size");
    assert!(
        matches!(&e, Error::Limit { mark, .. } if *mark == Mark::new(1, 1)),
        "{e:?}"
    );
    assert!(read("a: 1\n", Limits::default().max_bytes(5)).is_ok());
    // Repairs: go-yaml takes a tab after `:` as a separator, saphyr-parser needs a repair.
    let lax = "a:\t1\nb:\t2\n";
    assert!(read(lax, Limits::default()).is_ok());
    assert!(read(lax, Limits::default().max_repairs(2)).is_ok());
    let e = read(lax, Limits::default().max_repairs(1)).expect_err("repairs");
    assert!(matches!(e, Error::Limit { .. }), "{e:?}");
    assert_eq!(Limits::default(), Limits::DEFAULT);
    assert_eq!(Limits::DEFAULT.max_nodes, 1_000_000);
    assert_eq!(Limits::DEFAULT.max_depth, 1_000);
    assert_eq!(Limits::DEFAULT.max_repairs, 200);
}

/// Same data, marks, styles, source texts and key kinds, in the same order.
fn same_tree(a: &Value, b: &Value, at: &str) -> Result<(), String> {
    if a.mark != b.mark || a.style != b.style || a.source_text() != b.source_text() {
        return Err(format!(
            "{at}: {:?}/{:?}/{:?} vs {:?}/{:?}/{:?}",
            a.mark,
            a.style,
            a.source_text(),
            b.mark,
            b.style,
            b.source_text()
        ));
    }
    match (&a.data, &b.data) {
        (Data::Map(x), Data::Map(y)) => {
            if x.len() != y.len() {
                return Err(format!("{at}: {} vs {} entries", x.len(), y.len()));
            }
            for ((ka, va), (kb, vb)) in x.iter().zip(y.iter()) {
                if ka.as_str() != kb.as_str() || ka.is_non_string() != kb.is_non_string() {
                    return Err(format!("{at}: key {ka:?} vs {kb:?}"));
                }
                same_tree(va, vb, &format!("{at}/{ka}"))?;
            }
            Ok(())
        }
        (Data::Seq(x), Data::Seq(y)) => {
            if x.len() != y.len() {
                return Err(format!("{at}: {} vs {} items", x.len(), y.len()));
            }
            for (i, (va, vb)) in x.iter().zip(y.iter()).enumerate() {
                same_tree(va, vb, &format!("{at}/{i}"))?;
            }
            Ok(())
        }
        (x, y) if x == y => Ok(()),
        (x, y) => Err(format!("{at}: {x:?} vs {y:?}")),
    }
}

fn slow<T>(f: impl FnOnce() -> T) -> T {
    NO_FAST.with(|c| c.set(true));
    let r = f();
    NO_FAST.with(|c| c.set(false));
    r
}

fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

/// The fast scanner against saphyr-parser on every YAML file of the project's corpora and
/// the shared conformance data, both typings: the same values or the same error.
#[test]
fn fast_scanner_reads_what_saphyr_reads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for d in ["testdata", "../shared", "crates"] {
        yaml_files(&root.join(d), &mut files);
    }
    let mut compared = 0;
    let mut fast_read = 0;
    let mut failures = Vec::new();
    for f in &files {
        let Ok(src) = std::fs::read_to_string(f) else {
            continue;
        };
        fast_read += usize::from(super::fast::events(&src).is_some());
        for typing in [Typing::Kyaml, Typing::Yaml11] {
            let name = f.display().to_string();
            let fast = parse_stream(&src, &name, typing);
            let slow = slow(|| parse_stream(&src, &name, typing));
            compared += 1;
            let r = match (&fast, &slow) {
                (Ok(a), Ok(b)) if a.len() == b.len() => a
                    .iter()
                    .zip(b)
                    .enumerate()
                    .try_for_each(|(i, (x, y))| same_tree(x, y, &format!("doc {i}"))),
                (Err(a), Err(b)) if a == b => Ok(()),
                _ => Err(format!(
                    "{:?} vs {:?}",
                    fast.as_ref().map(Vec::len),
                    slow.as_ref().map(Vec::len)
                )),
            };
            if let Err(e) = r {
                failures.push(format!("{name} ({typing:?}): {e}"));
            }
        }
    }
    assert!(compared > 100, "only {compared} files found");
    // Most files are in the fast scanner's subset, so the comparison means something.
    assert!(
        fast_read * 2 > compared / 2,
        "{fast_read} of {} files read fast",
        compared / 2
    );
    eprintln!(
        "{fast_read} of {} files read by the fast scanner",
        compared / 2
    );
    assert!(
        failures.is_empty(),
        "{} of {compared} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
    /// Random arrangements of block-YAML lines read the same with and without the fast
    /// scanner (values with marks and styles, or the same error).
    #[test]
    fn fast_scanner_agrees_on_random_block_yaml(
        lines in proptest::collection::vec(0usize..34, 1..14)
    ) {
        const POOL: [&str; 34] = [
            "a:", "a: 1", "b: x y", "- x", "-", "  b: 2", "  - y", "    c:", "k: |", "  lit",
            "", "# c", "  # c", "x: 'q'", "y: \"z\"", "- a: 1", "  - b", "z: w # c", "   d: e",
            "- |-", "    t", "  ", "-   ", "  k: |", "    l", "      m", "    ", "'q': r",
            "c: ''", "- 'x' # c", " - n", "  e:", "d: a:b", "- - x",
        ];
        let src: String = lines.iter().map(|&i| format!("{}\n", POOL[i])).collect();
        let fast = parse_stream(&src, "p.yaml", Typing::Kyaml);
        let slow = slow(|| parse_stream(&src, "p.yaml", Typing::Kyaml));
        let r = match (&fast, &slow) {
            (Ok(a), Ok(b)) if a.len() == b.len() => a
                .iter()
                .zip(b)
                .try_for_each(|(x, y)| same_tree(x, y, "")),
            (Err(a), Err(b)) if a == b => Ok(()),
            _ => Err(format!("{fast:?} vs {slow:?}")),
        };
        proptest::prop_assert!(r.is_ok(), "{src:?}: {r:?}");
    }
}
