//! The fast reader against the full one: wherever the fast reader gives an answer, it is
//! the full reader's answer.

use std::path::Path;

use super::*;
use crate::values::{json_numbers, to_go};

/// The full reader's `fromYaml` tree (`None` when it fails).
fn full_decode(src: &str) -> Option<Option<Go>> {
    let docs = krust_yaml::parse_stream(src, "t", Typing::Yaml11).ok()?;
    Some(docs.first().map(|d| to_go(&json_numbers(d))))
}

/// What sort_manifests reads with the full reader (`None`: fails or not a mapping).
fn full_head(src: &str) -> Option<Head> {
    let v = krust_yaml::parse_document(src, "t", Typing::Yaml11).ok()?;
    if !v.is_map() {
        return None;
    }
    Some(Head {
        kind: v.str_at(&["kind"]).map(str::to_string),
        hook: v
            .path(&["metadata", "annotations", "helm.sh/hook"])
            .and_then(|v| v.as_str().map(str::to_string)),
    })
}

fn same(a: &Go, b: &Go) -> bool {
    match (a, b) {
        (Go::Nil, Go::Nil) => true,
        (Go::Bool(x), Go::Bool(y)) => x == y,
        (Go::Float(x), Go::Float(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (Go::Int(x), Go::Int(y)) | (Go::Int64(x), Go::Int64(y)) => x == y,
        (Go::String(x), Go::String(y)) => x == y,
        (Go::List(x), Go::List(y)) => {
            x.items.len() == y.items.len()
                && x.items.iter().zip(y.items.iter()).all(|(p, q)| same(p, q))
        }
        (Go::Map(x), Go::Map(y)) => {
            let (x, y) = (x.read(), y.read());
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        _ => false,
    }
}

/// Asserts agreement; returns whether the fast reader answered.
fn check(src: &str) -> bool {
    let mut answered = false;
    if let Ok(fast) = decode(src) {
        answered = true;
        let full = full_decode(src)
            .unwrap_or_else(|| panic!("fast reader accepts what the full one rejects: {src:?}"));
        let ok = match (&fast, &full) {
            (None, None) => true,
            (None, Some(Go::Nil)) => true,
            (Some(a), Some(b)) => same(a, b),
            _ => false,
        };
        assert!(
            ok,
            "decode differs for {src:?}:\nfast {fast:?}\nfull {full:?}"
        );
    }
    if let Ok(fast) = values(src) {
        answered = true;
        let docs = krust_yaml::parse_stream(src, "t", Typing::Yaml11)
            .unwrap_or_else(|_| panic!("fast values accepts what the full one rejects: {src:?}"));
        let full = docs.first().filter(|d| !d.is_null()).map(json_numbers);
        let ok = match (&fast, &full) {
            (None, None) => true,
            (Some(a), Some(b)) => b.is_map() && same(&to_go(a), &to_go(b)),
            _ => false,
        };
        assert!(
            ok,
            "values differ for {src:?}:\nfast {fast:?}\nfull {full:?}"
        );
    }
    if let Ok(h) = head(src) {
        answered = true;
        let full = full_head(src)
            .unwrap_or_else(|| panic!("fast head accepts what the full one rejects: {src:?}"));
        assert_eq!(h, full, "head differs for {src:?}");
    }
    answered
}

#[test]
fn supported_inputs_agree() {
    let cases = [
        "a: 1\nb: two\nc: 1.5\nd: true\ne: ~\nf: null\ng: yes\nh: 0x1F\ni: 1e3\nj: -5\nk: .inf\n",
        "kind: Deployment\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: pre-install,post-install\n",
        "kind: \"Job\"\nmetadata:\n  annotations:\n    \"helm.sh/hook\": 'test'\n",
        "kind: 5\n",
        "kind: [x]\n",
        "kind: {}\nmetadata: []\n",
        "kind: A\nkind: B\n",
        "metadata:\n  annotations:\n    helm.sh/hook: test\nmetadata:\n  name: x\n",
        "list:\n- a\n- b: 1\n  c: 2\n- - x\n  - y\n-\n- \"q\"\nnext: 1\n",
        "list:\n  - a\n  -   b\n  - c # comment\n",
        "a: |\n  line1\n  line2\n\nb: >\n  folded\n  text\n\n  para\n   more\n  back\nc: |-\n  strip\n\n\nd: |+\n  keep\n\n\ne: x\n",
        "a: |\n    deep\n  x: 1\n",
        "a: |\n\n  after blank\n",
        "a: |\nb: 1\n",
        "a: >-\n  one\n  two\n",
        "a: >\n  one\n\n\n  two\n",
        "a: |\n  tab\there\n",
        "a: \"esc \\\" \\\\ \\n \\t \\u00e9 \\x41 \\U0001F600\"\nb: 'it''s'\n",
        "a: \"\"\nb: ''\nc: []\nd: {}\n",
        "a: b:c\nd: http://x/y\ne: a#b\nf: a #comment\ng: -x\nh: --flag=1\n",
        "# head\n\n---\na: 1\n",
        "---\n",
        "",
        "# only a comment\n",
        "- 1\n- two\n",
        "  a: 1\n  b:\n    c: 2\n",
        "a:\n  b:\n    c:\n      d: e\n",
        "key: é ü 日本\n",
        "a: 2001-12-14\nb: 1_000\nc: 012\nd: +1\ne: .5\nf: 1:20\n",
        "echo \"a: b\"\n",
        "a: |\n  x\n# c\nb: 1\n",
        "a: |\n  x\n  # not a comment\n",
        "a: |\n  last line without newline",
        "a: |+\n  kept\n\n",
        "a: >\n  x\n    more\n  y\n",
        "a: |\n  x\n     \n  y\n",
        "a:\n- x\nb:\n- y\n",
        "a: 1 # c\nb: 'x' # c\nc: \"y\" # c\n",
        "a: [1, 2]\nb: {c: 1, d: [x, \"y\", 'z']}\ne: [ ]\nf: [a, b, ]\ng: {k: {}}\n",
        "a: multi\n  line\n\n  para\nb: x\n",
        "- multi\n  line plain\n- next\n",
        "a:\n  {}\nb:\n  [x]\nc:\n  \"q\"\nd:\n  plain\n  more\n",
        "a: [1, 2]\n",
        "a: {b: 1}\n",
        "a: \"multi\n  line\n\n  with  gaps \\\n  joined\\n\"\nb: 'single\n   quoted ''x''\n\n\n   end'\nc: x\n",
        "- \"a\n  b\" # c\n- 'c\n  d'\n",
        "a: \"x   \n   y\"\n",
    ];
    let mut answered = 0;
    for c in cases {
        if check(c) {
            answered += 1;
        }
    }
    assert!(answered >= 30, "fast reader answered only {answered} cases");
}

#[test]
fn outside_the_subset_is_unsupported() {
    let cases = [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "<<: {a: 1}\n",
        "a: |2\n  x\n",
        "a:\tb\n",
        "a: b\r\n",
        "1: x\n",
        "true: x\n",
        "a: b: c\n",
        "a: 1\n---\nb: 2\n",
        "%YAML 1.1\n---\na: 1\n",
        "? a\n: b\n",
        "just a scalar\n",
        "a: 1\n b: 2\n",
        "- a\nb: 1\n",
        "a: 1\n- b\n",
        "a: \"x\" y\n",
        "a: \u{FEFF}x\n",
        "a: [1,\n  2]\n",
        "a: [b: c]\n",
        "a: {b}\n",
        "a: [a,,b]\n",
        "a: 'multi\nline'\n",
        "a: \"x\n\ty\"\n",
    ];
    for c in cases {
        assert!(decode(c).is_err(), "decode should not answer {c:?}");
        assert!(head(c).is_err(), "head should not answer {c:?}");
        check(c);
    }
}

/// Deterministic pseudo-random numbers (a 64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Small edits of `src` at random places (characters YAML cares about).
fn mutations(src: &str, rng: &mut Lcg, count: usize) -> Vec<String> {
    const INSERTS: &[&str] = &[
        " ", ":", ": ", "-", "- ", "#", " #", "\"", "'", "|", ">", "\n", "\n ", "  ", "\t", "[",
        "{", "}", "]", "&a ", "*a", "!", "?", ",", "\\", "''", "|-", "---\n", "~", "1",
    ];
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    if chars.is_empty() {
        return out;
    }
    for _ in 0..count {
        let (at, _) = chars[rng.next(chars.len())];
        let mut s = src.to_string();
        match rng.next(3) {
            0 => {
                let ins = INSERTS[rng.next(INSERTS.len())];
                s.insert_str(at, ins);
            }
            1 => {
                let end = s[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                s.replace_range(at..end, "");
            }
            _ => {
                let ins = INSERTS[rng.next(INSERTS.len())];
                let end = s[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                s.replace_range(at..end, ins);
            }
        }
        out.push(s);
    }
    out
}

#[test]
fn mutated_inputs_agree() {
    let seeds = [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: test\ndata:\n  a: |\n    line\n    more\n  b: \"q\"\n  c: 'r'\nlist:\n- a\n- b: 1\n  c: [] # c\n",
        "a: >-\n  folded\n  text\n\n  para\nb:\n  - x\n  - k: 1\n    z: 2\n",
        "a: \"multi\n  line \\\"q\\\" \\\n  x\"\nb: 'it''s\n\n  more'\n",
        "a: [x, \"y\", {k: v, l: [1, 2]}, 'z']\nb: multi\n  line\n\n  text\nc:\n  {}\n",
        "spec:\n  template:\n    spec:\n      containers:\n        - name: c\n          args: [\"x\"]\n          env:\n          - name: A\n            value: \"1\"\n",
    ];
    let mut rng = Lcg(7);
    for s in seeds {
        assert!(check(s), "seed not answered: {s:?}");
        for m in mutations(s, &mut rng, 3000) {
            check(&m);
        }
    }
}

/// Every manifest of the shared helm-template corpus and every YAML file of its charts,
/// and mutations of them (skipped when ../shared is absent).
#[test]
fn corpus_documents_agree() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/helm-template");
    if !root.is_dir() {
        eprintln!("skipped: no corpus at {}", root.display());
        return;
    }
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut rng = Lcg(11);
    let (mut docs, mut answered) = (0usize, 0usize);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let pieces = if f.ends_with("expected.yaml") {
            crate::manifest::split_manifests(&text)
        } else {
            vec![text]
        };
        for p in pieces {
            docs += 1;
            if check(&p) {
                answered += 1;
            }
            if p.len() < 20_000 {
                for m in mutations(&p, &mut rng, 20) {
                    check(&m);
                }
            }
        }
    }
    eprintln!("fast reader answered {answered} of {docs} corpus documents");
    assert!(answered * 10 >= docs * 8, "answered {answered} of {docs}");
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml")
            && !p.components().any(|c| c.as_os_str() == "templates")
        {
            out.push(p);
        }
    }
}

/// Diagnostic: lists the corpus documents the fast reader leaves to the full one, with
/// the line it stopped at, in $FASTYAML_REPORT (run with `--ignored`).
#[test]
#[ignore]
fn report_unanswered() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/helm-template");
    let Ok(report) = std::env::var("FASTYAML_REPORT") else {
        return;
    };
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut out = String::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let pieces = if f.ends_with("expected.yaml") {
            crate::manifest::split_manifests(&text)
        } else {
            vec![text]
        };
        for p in pieces {
            if head(&p).is_err() && decode(&p).is_err() {
                let n = fail_line(&p).unwrap_or(0);
                let line = p.lines().nth(n).unwrap_or("<eof>");
                out.push_str(&format!("{} {} line {n}: {line}\n", f.display(), p.len()));
            }
        }
    }
    std::fs::write(report, out).unwrap_or_default();
}
