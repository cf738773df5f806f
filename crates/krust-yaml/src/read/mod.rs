//! Reading YAML streams into [`Value`] trees.
//!
//! saphyr-parser produces the events; [`build`] turns them into values with go-yaml's
//! typing ([`resolve`]), expands aliases and merge keys, and bounds alias expansion and
//! nesting. [`comments`] finds `#` comments, which the parser does not report; [`repair`]
//! mends the few things go-yaml accepts and saphyr-parser does not.
//!
//! kustomize types a resource when it converts it to JSON: kyaml re-encodes the node with
//! go-yaml v3 and decodes that text. [`Typing::Kyaml`] reproduces what that round trip
//! does to the text as written (checked against `kubectl kustomize` v5.5):
//! - go-yaml v3 `resolve`: `012`, `0o12`, `0x1F`, `0b1`, `1_000` are ints, `1e3` a float,
//!   numbers past `u64` floats or strings as Go's `strconv` decides, `yes`/`on` strings;
//! - plain date-times become their RFC 3339 rendering (`2001-12-14` becomes
//!   `2001-12-14T00:00:00Z`), except inside flow collections when they contain a `:` (the
//!   encoder quotes those there);
//! - an empty plain scalar in a flow collection or as a key is `""`, elsewhere null;
//! - below the document root every key must be a string (else kustomize cannot make JSON);
//!   root keys are their text; duplicate keys (compared by text) fail;
//! - `<<` merges: explicit keys win, earlier maps of a list win; any key spelled `<<`,
//!   quoted or not, is dropped (kyaml's `DeAnchor`);
//! - the stream is cut at `---` lines as kyaml's `ByteReader` cuts it.
//!
//! # Limitations
//! - Typing happens at read time, from the text and its context in this file; kustomize
//!   types at output, so a value moved into a flow collection by a patch is not re-typed.
//! - Positions are 1-based lines and columns in characters; a block scalar's position is its
//!   `|`/`>` indicator, a collection's is its first entry (block) or bracket (flow).
//! - go-yaml accepts a few inputs saphyr-parser rejects and the repairs do not cover
//!   (`*alias:` without a space, a byte order mark inside a document), and rejects a few
//!   that are read here (`{: x}`, block scalars inside flow collections).

mod build;
mod comments;
mod fast;
mod limits;
mod repair;
mod resolve;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

pub use build::decode_base64;
use build::ChunkStart;
pub use limits::Limits;

use crate::{Error, Mark, Value};

/// Which scalar resolution rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Typing {
    /// How kustomize types resources: go-yaml v3 as kyaml applies it.
    #[default]
    Kyaml,
    /// YAML 1.1 rules of sigs.k8s.io/yaml (go-yaml v2 `Unmarshal`): kustomization files,
    /// JSON 6902 patches written as YAML, Helm values documents. `yes`/`on`/`y` are
    /// booleans, timestamps stay text, keys become strings (`1.5` → `"1.5"`, `true` →
    /// `"true"`; null and `uint64` keys fail), `<<` applies where it is written, and a later
    /// duplicate key wins. Strategic-merge patches are typed like resources ([`Typing::Kyaml`]).
    Yaml11,
}

/// What the reader does with a key written twice in one mapping ([`Typing::Kyaml`] only;
/// YAML 1.1 reading always lets the later one win, as sigs.k8s.io/yaml does).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DuplicateKeys {
    /// go-yaml v3's error (`mapping key "a" already defined`): how resources are read.
    #[default]
    Error,
    /// Keep the first entry and ignore later ones: how `kubectl kustomize` ends up reading
    /// strategic-merge patch files.
    FirstWins,
}

/// Reader settings beyond [`Typing`], for [`parse_stream_with`] and
/// [`parse_document_with`]. `ReadOptions::default()` is what [`parse_stream`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Duplicate mapping keys.
    pub duplicate_keys: DuplicateKeys,
    /// Bounds on expansion, nesting, repairs and input size.
    pub limits: Limits,
}

impl ReadOptions {
    /// These options with `duplicate_keys` set.
    pub fn duplicate_keys(mut self, d: DuplicateKeys) -> Self {
        self.duplicate_keys = d;
        self
    }

    /// These options with `limits` set.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// A `#` comment found outside any scalar.
///
/// Comments are attached roughly as go-yaml attaches them: a comment after a mapping key or
/// sequence item on the same line belongs to that entry (`trailing`), a comment on a line of
/// its own belongs to the next entry (a head comment). Either way it is "a comment on the
/// field's key or value node" in kyaml's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Where the `#` is.
    pub mark: Mark,
    /// The text after the leading `#`s and spaces, without the line break.
    pub text: String,
    /// The document (index into what [`parse_stream`] returns) of the owner; for a comment
    /// with no owner, of the last entry before it.
    pub doc: usize,
    /// The path from the document root to the mapping entry or sequence item the comment
    /// belongs to; `None` when no entry follows the comment.
    pub owner: Option<Vec<PathStep>>,
    /// The comment is on its owner's line, after it.
    pub trailing: bool,
}

/// One step of a path into a value tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// A mapping key, as the value tree spells it.
    Key(crate::Str),
    /// A sequence index.
    Index(usize),
}

/// Reads every document of a multi-document stream. `file` names the source in errors.
///
/// With [`Typing::Kyaml`] the stream is cut into documents the way kyaml's `ByteReader`
/// cuts it: `\r\n` becomes `\n`, a line starting with `---` separates documents (text after
/// it other than a comment is an error), and only the first document of each piece is read
/// (so anything after a `...` end marker is ignored). A piece with no content (empty, or
/// only comments) is a null with [`crate::Style::Empty`]; a stream with no content at all
/// gives an empty vector.
pub fn parse_stream(src: &str, file: &str, typing: Typing) -> Result<Vec<Value>, Error> {
    parse_stream_with(src, file, typing, ReadOptions::default())
}

/// [`parse_stream`] with reader options.
///
/// ```
/// use krust_yaml::{parse_stream_with, DuplicateKeys, ReadOptions, Typing};
/// let opts = ReadOptions::default().duplicate_keys(DuplicateKeys::FirstWins);
/// let docs = parse_stream_with("a: 1\na: 2\n", "p.yaml", Typing::Kyaml, opts).unwrap();
/// assert_eq!(docs[0].get("a").and_then(|v| v.as_i64()), Some(1));
/// ```
pub fn parse_stream_with(
    src: &str,
    file: &str,
    typing: Typing,
    options: ReadOptions,
) -> Result<Vec<Value>, Error> {
    read(src, file, typing, false, false, options).map(|(docs, _, _)| docs)
}

/// [`parse_stream`], plus the stream's comments in source order.
pub fn parse_stream_with_comments(
    src: &str,
    file: &str,
    typing: Typing,
) -> Result<(Vec<Value>, Vec<Comment>), Error> {
    parse_stream_with_comments_with(src, file, typing, ReadOptions::default())
}

/// [`parse_stream_with_comments`] with reader options.
pub fn parse_stream_with_comments_with(
    src: &str,
    file: &str,
    typing: Typing,
    options: ReadOptions,
) -> Result<(Vec<Value>, Vec<Comment>), Error> {
    let (docs, (spans, entries), text) = read(src, file, typing, true, false, options)?;
    let comments = comments::scan(&text, &spans, entries);
    Ok((docs, comments))
}

/// The first document of a stream that has content; null when there is none. Like
/// go-yaml's `Unmarshal`, nothing after that document is read.
pub fn parse_document(src: &str, file: &str, typing: Typing) -> Result<Value, Error> {
    parse_document_with(src, file, typing, ReadOptions::default())
}

/// [`parse_document`] with reader options.
pub fn parse_document_with(
    src: &str,
    file: &str,
    typing: Typing,
    options: ReadOptions,
) -> Result<Value, Error> {
    Ok(read(src, file, typing, false, true, options)?
        .0
        .into_iter()
        .find(|d| !is_empty_doc(d))
        .unwrap_or_default())
}

/// A document with no content at all (not even `null`).
fn is_empty_doc(v: &Value) -> bool {
    v.is_null() && v.style == crate::Style::Empty
}

type Read<'s> = (Vec<Value>, build::Collected, Cow<'s, str>);

fn read<'s>(
    src: &'s str,
    file: &str,
    typing: Typing,
    want_spans: bool,
    first_only: bool,
    options: ReadOptions,
) -> Result<Read<'s>, Error> {
    if src.len() > options.limits.max_bytes {
        return Err(Error::Limit {
            file: file.to_string(),
            mark: Mark::new(1, 1),
            message: format!(
                "input of {} bytes is larger than the limit of {} bytes",
                src.len(),
                options.limits.max_bytes
            ),
        });
    }
    if typing == Typing::Yaml11 {
        let (docs, collected) = parse_chunk(
            src,
            file,
            typing,
            want_spans,
            ChunkStart::default(),
            first_only,
            options,
        )?;
        return Ok((docs, collected.unwrap_or_default(), Cow::Borrowed(src)));
    }
    let text: Cow<'s, str> = if src.contains("\r\n") {
        Cow::Owned(src.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(src)
    };
    let chunks = split_documents(&text, file)?;
    let mut docs = Vec::new();
    let mut spans = Vec::new();
    let mut entries = Vec::new();
    let several = chunks.len() > 1;
    for mut at in chunks {
        let end = at.end;
        let Some(chunk) = text.get(at.start.bytes..end) else {
            continue;
        };
        at.start.docs = docs.len();
        let (mut d, collected) =
            parse_chunk(chunk, file, typing, want_spans, at.start, true, options)?;
        if d.is_empty() && several {
            let line = u32::try_from(at.start.lines.saturating_add(1)).unwrap_or(u32::MAX);
            d.push(Value::with_mark(
                crate::Data::Null,
                Mark::new(line, 1),
                crate::Style::Empty,
            ));
        }
        docs.append(&mut d);
        if let Some((s, e)) = collected {
            spans.extend(s);
            entries.extend(e);
        }
        if first_only && docs.iter().any(|d| !is_empty_doc(d)) {
            break;
        }
    }
    Ok((docs, (spans, entries), text))
}

/// Parses one piece, mending what go-yaml tolerates and saphyr-parser does not
/// ([`repair`]).
fn parse_chunk(
    chunk: &str,
    file: &str,
    typing: Typing,
    want_spans: bool,
    at: ChunkStart,
    first_only: bool,
    options: ReadOptions,
) -> Result<(Vec<Value>, Option<build::Collected>), Error> {
    if let Some(pos) = control_character(chunk) {
        let before = chunk.get(..pos).unwrap_or("");
        let line = at.lines + before.bytes().filter(|&b| b == b'\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        return Err(Error::Syntax {
            file: file.to_string(),
            mark: Mark::new(
                u32::try_from(line).unwrap_or(u32::MAX),
                u32::try_from(col).unwrap_or(u32::MAX),
            ),
            message: "control characters are not allowed".into(),
        });
    }
    let swapped = swap_boms(chunk);
    let chunk = swapped.as_deref().unwrap_or(chunk);
    let mut inserts = repair::Inserts::default();
    if !want_spans && fast_enabled() {
        if let Some(events) = fast::events(chunk) {
            let mut b = build::Builder::new(chunk, file, typing, false, at, first_only, &inserts);
            b.boms_swapped = swapped.is_some();
            b.first_key_wins = options.duplicate_keys == DuplicateKeys::FirstWins;
            b.limits = options.limits;
            return b.run_events(events);
        }
    }
    let mut mended: Option<String> = None;
    let max_repairs = options.limits.max_repairs;
    for _ in 0..=max_repairs {
        let text = mended.as_deref().unwrap_or(chunk);
        let mut b = build::Builder::new(text, file, typing, want_spans, at, first_only, &inserts);
        b.boms_swapped = swapped.is_some();
        b.first_key_wins = options.duplicate_keys == DuplicateKeys::FirstWins;
        b.limits = options.limits;
        let (error, raw) = match b.run(text) {
            Ok(r) => return Ok(r),
            Err(e) => e,
        };
        let Some((message, byte, line)) = raw else {
            return Err(error);
        };
        let failure = repair::ScanFailure {
            message: &message,
            byte,
            line,
        };
        match repair::repair(text, &failure, &mut inserts) {
            Some(t) => mended = Some(t),
            None => return Err(error),
        }
    }
    Err(Error::Limit {
        file: file.to_string(),
        mark: Mark::new(u32::try_from(at.lines + 1).unwrap_or(u32::MAX), 1),
        message: format!("more than {max_repairs} lines need go-yaml's lax indentation"),
    })
}

/// What stands for a U+FEFF inside a line while saphyr-parser reads the text (a
/// noncharacter, printable to YAML, of the same UTF-8 length).
pub(crate) const BOM_STAND_IN: char = '\u{fdd0}';

/// go-yaml reads a byte order mark inside a line as content (`k: a\u{feff}b` is the string
/// `"a\u{feff}b"`; kubectl v1.32 and 1.35), where saphyr-parser rejects it: such marks are
/// swapped for [`BOM_STAND_IN`] (unless the text has that already), and the builder swaps
/// them back. A mark at the start of a line is left alone (go-yaml skips it there).
fn swap_boms(chunk: &str) -> Option<String> {
    if !chunk.contains('\u{feff}') || chunk.contains(BOM_STAND_IN) {
        return None;
    }
    let mut out = String::with_capacity(chunk.len());
    let mut line_start = true;
    let mut changed = false;
    for c in chunk.chars() {
        if c == '\u{feff}' && !line_start {
            out.push(BOM_STAND_IN);
            changed = true;
        } else {
            out.push(c);
        }
        line_start = c == '\n';
    }
    changed.then_some(out)
}

#[cfg(not(test))]
fn fast_enabled() -> bool {
    true
}

#[cfg(test)]
thread_local! {
    /// Tests turn the fast scanner off to compare it with saphyr-parser.
    static NO_FAST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn fast_enabled() -> bool {
    !NO_FAST.with(std::cell::Cell::get)
}

/// The byte offset of the first character go-yaml's reader refuses: C0 controls other than
/// tab and line breaks, DEL, C1 controls other than NEL, U+FFFE and U+FFFF.
fn control_character(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let refused = |i: usize, c: u8| match c {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        // U+0080..U+009F are C2 80..C2 9F; U+0085 (NEL) is allowed.
        0xc2 => matches!(b.get(i + 1), Some(&n) if (0x80..=0x9f).contains(&n) && n != 0x85),
        // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
        0xef => b.get(i + 1) == Some(&0xbf) && matches!(b.get(i + 2), Some(0xbe | 0xbf)),
        _ => false,
    };
    // Every refused sequence starts with a byte outside printable ASCII and the three
    // allowed controls, so blocks of only those are skipped with a check the compiler
    // vectorises; the byte loop runs only on the other blocks.
    let printable = |c: u8| (0x20..0x7f).contains(&c) | (c == b'\t') | (c == b'\n') | (c == b'\r');
    const BLOCK: usize = 64;
    for (k, blk) in b.chunks(BLOCK).enumerate() {
        if blk.iter().fold(true, |ok, &c| ok & printable(c)) {
            continue;
        }
        let base = k * BLOCK;
        if let Some(i) = (base..base + blk.len()).find(|&i| refused(i, b[i])) {
            return Some(i);
        }
    }
    None
}

/// A piece of a stream between document separators.
struct Chunk {
    start: ChunkStart,
    /// Byte offset just past the piece (its last line break included).
    end: usize,
}

/// kyaml's `splitDocuments`: separators are matches of `\n---.*\n`, found left to right
/// without overlapping.
fn split_documents(s: &str, file: &str) -> Result<Vec<Chunk>, Error> {
    let mut chunks = Vec::new();
    let mut start = ChunkStart::default();
    let mut search = 0;
    // Lines before `search`.
    let mut lines_before = 0;
    while let Some(off) = s.get(search..).and_then(|t| t.find("\n---")) {
        let nl = search + off;
        let Some(eol) = s
            .get(nl + 1..)
            .and_then(|t| t.find('\n'))
            .map(|e| nl + 1 + e)
        else {
            break;
        };
        let sep_lines_before = lines_before + count_lines(s.get(search..nl + 1).unwrap_or(""));
        let rest = s.get(nl + 4..eol).unwrap_or("").trim();
        if !rest.is_empty() && !rest.starts_with('#') {
            return Err(Error::Syntax {
                file: file.to_string(),
                mark: Mark::new(u32::try_from(sep_lines_before + 1).unwrap_or(u32::MAX), 1),
                message: format!(
                    "invalid document separator: {}",
                    s.get(nl + 1..eol).unwrap_or("").trim()
                ),
            });
        }
        chunks.push(Chunk { start, end: nl + 1 });
        start = ChunkStart {
            lines: sep_lines_before + 1,
            bytes: eol + 1,
            docs: 0,
        };
        search = eol + 1;
        lines_before = sep_lines_before + 1;
    }
    chunks.push(Chunk {
        start,
        end: s.len(),
    });
    Ok(chunks)
}

fn count_lines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}
