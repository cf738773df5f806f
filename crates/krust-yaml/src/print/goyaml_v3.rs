//! What kyaml's go-yaml v3 text round trip does to a value.
//!
//! kustomize turns a resource into JSON with kyaml's `RNode.MarshalJSON`: the node is
//! written as YAML text by go-yaml v3's emitter, that text is read back into Go values,
//! and those are marshalled to JSON. It does so when it prints a resource
//! (`Resource.AsYAML`) and when it applies a JSON 6902 patch, which also reads the patched
//! JSON back (`UnmarshalJSON`: JSON numbers become `float64`, which go-yaml v3 writes with
//! `strconv.FormatFloat(f, 'g', -1, 64)`, and every node loses its style). Two effects of
//! that trip are visible in kubectl's output and are reproduced here, in this one place:
//!
//! - **go-yaml v3's folded-scalar bug** ([`folded_round_trip`]). `yaml_emitter_write_folded_scalar`
//!   decides whether a line break needs an extra blank line by looking at the scalar's
//!   *first* character instead of the character after the break (go-yaml issue 827; libyaml's
//!   `string` pointer moves, the Go port's `k := 0` does not). A folded (`>`) value with
//!   more-indented lines therefore reads back changed: `x(` / `  y` / `)` becomes
//!   `"x(\n\n  y\n)"`, and a value starting with a blank loses the breaks between its plain
//!   lines (`  x` / `y` / blank / `z` becomes `"  x\ny z"`).
//! - **numbers after a JSON 6902 patch** ([`json_round_trip`]): their text is Go's `'g'`
//!   form of the `float64` (`1e+06`, `1.5e-07`, `9.223372036854776e+18`), which is what an
//!   annotation value reads afterwards.

use super::number::go_g;
use crate::{Data, Style, Typing, Value};

/// go-yaml v3 `best_width`.
const BEST_WIDTH: usize = 80;
/// kyaml's encoder indent (`SetIndent(2)`).
const BEST_INDENT: usize = 2;

/// go-yaml v3 `is_printable` for one character (tab is handled apart).
fn printable(c: char) -> bool {
    matches!(c, '\n' | '\x20'..='\x7e' | '\u{a0}'..='\u{d7ff}')
        || (('\u{e000}'..='\u{fffd}').contains(&c) && c != '\u{feff}')
}

/// Whether go-yaml v3 may write `value` as a block scalar (`block_allowed` of
/// `yaml_emitter_analyze_scalar`); when it may not, a folded node is double-quoted, which
/// reads back unchanged.
pub(super) fn block_allowed(value: &str) -> bool {
    if value.is_empty() || value.ends_with(' ') || value.contains(" \n") {
        return false;
    }
    value.chars().all(|c| c == '\t' || printable(c))
}

/// The value a folded (`>`) scalar has after go-yaml v3 writes it with its content at
/// column `indent` and reads it back, or `None` when the trip leaves it unchanged.
///
/// This is the emitter's `yaml_emitter_write_folded_scalar` (v3.0.1, with the bug) followed
/// by the scanner's folding of the lines it wrote (`yaml_parser_scan_block_scalar`). Lines
/// longer than 80 columns are wrapped at a space, which reads back as a line break when the
/// line is more indented. Values holding a line break other than `\n` are left alone (the
/// reader never produces one in a folded scalar).
pub(super) fn folded_round_trip(value: &str, indent: usize) -> Option<String> {
    if !block_allowed(value) || value.contains(['\r', '\u{85}', '\u{2028}', '\u{2029}']) {
        return None;
    }
    let lines = emit_folded(value, indent);
    let out = read_folded(&lines, value);
    (out != value).then_some(out)
}

/// One line the emitter writes after the `>` header: `None` for an empty line, else the
/// text after the indentation.
type Line = Option<String>;

/// `yaml_emitter_write_folded_scalar`: the lines written, content at column `indent`.
fn emit_folded(value: &str, indent: usize) -> Vec<Line> {
    // Whether the value's first character, after any leading breaks, is blank or the end:
    // the bug's `k := 0` looks there for every break.
    let first_blank = value
        .trim_start_matches('\n')
        .chars()
        .next()
        .is_none_or(|c| matches!(c, ' ' | '\t'));
    let mut lines: Vec<Line> = Vec::new();
    // The line being written. The header (`>2-`) is always followed by a break (the fork
    // kyaml links fixes go-yaml issue 755 so), so writing starts on a fresh line.
    let mut cur: Option<String> = None;
    let mut column = 0usize;
    let mut breaks = true;
    let mut leading_spaces = true;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            if !breaks && !leading_spaces && !first_blank {
                lines.push(cur.take());
            }
            lines.push(cur.take());
            column = 0;
            breaks = true;
            continue;
        }
        if breaks {
            // write_indent right after a break only pads.
            column = indent;
            leading_spaces = matches!(c, ' ' | '\t');
        }
        if !breaks && c == ' ' && chars.peek() != Some(&' ') && column > BEST_WIDTH {
            // write_indent breaks the line; the space is dropped.
            lines.push(cur.take());
            column = indent;
        } else {
            cur.get_or_insert_with(String::new).push(c);
            column += 1;
        }
        breaks = false;
    }
    // Whatever follows the scalar starts on a new line.
    if cur.is_some() {
        lines.push(cur);
    }
    lines
}

/// go-yaml v3's scanner folding the `lines` of a `>` scalar whose chomping indicator the
/// emitter chose from `value` (`-` when it does not end with a break, `+` when it ends with
/// two or is one break, none otherwise).
fn read_folded(lines: &[Line], value: &str) -> String {
    let strip = !value.ends_with('\n');
    let keep = value == "\n" || value.ends_with("\n\n");
    let mut s = String::with_capacity(value.len() + 8);
    let mut leading_break = false;
    let mut trailing_breaks = 0usize;
    let mut leading_blank = false;
    for line in lines {
        let Some(text) = line else {
            trailing_breaks += 1;
            continue;
        };
        let trailing_blank = text.starts_with([' ', '\t']);
        if !leading_blank && !trailing_blank && leading_break {
            if trailing_breaks == 0 {
                s.push(' ');
            }
        } else if leading_break {
            s.push('\n');
        }
        for _ in 0..trailing_breaks {
            s.push('\n');
        }
        trailing_breaks = 0;
        leading_blank = trailing_blank;
        s.push_str(text);
        leading_break = true;
    }
    if !strip && leading_break {
        s.push('\n');
    }
    if keep {
        for _ in 0..trailing_breaks {
            s.push('\n');
        }
    }
    s
}

/// What kyaml's JSON round trip of a JSON 6902 patch leaves of a value: the effect on
/// `target` of `RNode.MarshalJSON` followed by `UnmarshalJSON`.
///
/// - folded scalars read back as go-yaml v3's emitter wrote them (`folded_round_trip`, at
///   the column the resource's encoding puts them);
/// - numbers are `float64`s written by go-yaml v3: their text is Go's `'g'` form, and they
///   are typed again by that text (`16` is an integer, `1e+06` a float);
/// - null reads as `null`; other scalars forget the text they were written with (`0x1F` is
///   `31`, `True` is `true`, a date is its RFC 3339 string);
/// - no node keeps a style.
///
/// kustomize makes this trip before the operations run (the folded scalars) and reads the
/// patched JSON back after them (the rest); calling this before and after applying the
/// operations reproduces both.
///
/// ```
/// use krust_yaml::{json_round_trip, parse_document, Typing};
/// let mut v = parse_document("a: 1000000\nb: >-\n  x(\n    y\n  )\n", "f", Typing::Kyaml).unwrap();
/// json_round_trip(&mut v);
/// assert_eq!(v.get("a").and_then(|a| a.source_text()), Some("1e+06"));
/// assert_eq!(v.get("b").and_then(|b| b.as_str()), Some("x(\n\n  y\n)"));
/// ```
pub fn json_round_trip(target: &mut Value) {
    match &target.data {
        Data::Map(_) => walk_map(target, 0),
        Data::Seq(_) => walk_seq(target, 0),
        _ => scalar(target, BEST_INDENT),
    }
}

/// A mapping whose keys are at column `keys`. kyaml's encoder (`CompactSeqIndent`) writes
/// a sequence value's `- ` at its key's column, a nested mapping's keys and a scalar's
/// block content 2 further.
fn walk_map(m: &mut Value, keys: usize) {
    if let Some(entries) = m.as_map_mut() {
        for (_, e) in entries.iter_mut() {
            match &e.data {
                Data::Map(_) => walk_map(e, keys + BEST_INDENT),
                Data::Seq(_) => walk_seq(e, keys),
                _ => scalar(e, keys + BEST_INDENT),
            }
        }
    }
    m.style = Style::Any;
}

/// A sequence whose `- ` is at column `dash`: an item's mapping keys, nested `- ` and block
/// content are 2 further.
fn walk_seq(s: &mut Value, dash: usize) {
    if let Some(items) = s.as_seq_mut() {
        for e in items.iter_mut() {
            match &e.data {
                Data::Map(_) => walk_map(e, dash + BEST_INDENT),
                Data::Seq(_) => walk_seq(e, dash + BEST_INDENT),
                _ => scalar(e, dash + BEST_INDENT),
            }
        }
    }
    s.style = Style::Any;
}

/// One scalar whose block content would sit at column `content`; it keeps no style.
fn scalar(v: &mut Value, content: usize) {
    match &v.data {
        Data::String(s) => {
            if v.style == Style::Folded {
                if let Some(out) = folded_round_trip(s, content) {
                    let mark = v.mark;
                    *v = Value::string(out).at(mark);
                    return;
                }
            }
            v.clear_source_text();
        }
        Data::Null => {
            // A JSON null comes back as a node whose text is `null`.
            let mark = v.mark;
            *v = retyped("null").at(mark);
        }
        Data::Bool(_) => v.clear_source_text(),
        Data::Int(i) => {
            // Below a million 'g' writes an integral float64 as the integer.
            if i.unsigned_abs() >= 1_000_000 {
                let mark = v.mark;
                *v = retyped(&go_g(*i as f64)).at(mark);
            } else {
                v.clear_source_text();
            }
        }
        Data::Uint(u) => {
            let mark = v.mark;
            *v = retyped(&go_g(*u as f64)).at(mark);
        }
        Data::Float(f) => {
            let mark = v.mark;
            *v = retyped(&go_g(*f)).at(mark);
        }
        Data::Seq(_) | Data::Map(_) => {}
    }
    v.style = Style::Any;
}

/// The node go-yaml v3 (as kyaml reads) makes of a plain scalar `text`.
fn retyped(text: &str) -> Value {
    crate::parse_document(text, "", Typing::Kyaml).unwrap_or_else(|_| Value::string(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trip(value: &str, indent: usize) -> String {
        folded_round_trip(value, indent).unwrap_or_else(|| value.to_string())
    }

    // Expected values: kubectl v1.32 (kustomize v5.5.0) and kubectl 1.35 (v5.7.1), a
    // ConfigMap `data: {a: >...}` (content at column 4) built with `kubectl kustomize`.
    #[test]
    fn more_indented_line_after_a_plain_one_gets_a_blank_line() {
        assert_eq!(trip("x(\n  y\n)", 4), "x(\n\n  y\n)");
        assert_eq!(trip("y\n\tx\ny", 4), "y\n\n\tx\ny");
    }

    #[test]
    fn value_starting_with_a_blank_loses_its_breaks() {
        assert_eq!(trip("  x\ny\nz", 4), "  x\ny z");
    }

    #[test]
    fn plain_folded_values_are_unchanged() {
        assert_eq!(folded_round_trip("a b\nc", 4), None);
        assert_eq!(folded_round_trip("a\n\nb\n", 4), None);
        assert_eq!(folded_round_trip("trailing ", 4), None);
    }
}
