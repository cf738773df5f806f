//! Repairs for text go-yaml accepts and saphyr-parser rejects.
//!
//! go-yaml does not check how far the continuation lines of a flow collection or a quoted
//! scalar are indented, and takes a tab after `:` as a separator; saphyr-parser follows YAML
//! 1.2 more strictly. When the parser stops on one of those errors, the text is mended
//! (indentation that carries no meaning there is added, a tab becomes a space) and parsed
//! again. Added spaces are recorded so positions still refer to the original text.

/// Characters added to the text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Inserts {
    items: Vec<Insert>,
}

#[derive(Clone, Copy, Debug)]
struct Insert {
    /// Byte offset in the mended text.
    at: usize,
    /// 1-based line.
    line: usize,
    /// 0-based column (in characters, in the mended text) where the characters were added.
    col: usize,
    count: usize,
}

impl Inserts {
    /// Columns added before column `col0` of `line` (both in the mended text).
    pub(crate) fn cols(&self, line: usize, col0: usize) -> usize {
        self.items
            .iter()
            .filter(|i| i.line == line && i.col < col0)
            .map(|i| i.count)
            .sum()
    }

    /// The original byte offset of a byte offset of the mended text.
    pub(crate) fn original(&self, pos: usize) -> usize {
        let before: usize = self
            .items
            .iter()
            .filter(|i| i.at < pos)
            .map(|i| i.count)
            .sum();
        pos.saturating_sub(before)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn add(&mut self, at: usize, line: usize, col: usize, count: usize) {
        // Later insertions move the offsets (and columns) of earlier ones after them.
        for i in &mut self.items {
            if i.at >= at {
                i.at += count;
                if i.line == line {
                    i.col += count;
                }
            }
        }
        self.items.push(Insert {
            at,
            line,
            col,
            count,
        });
    }
}

/// A parse error's message and position (byte offset, 1-based line) in the parsed text.
pub(crate) struct ScanFailure<'m> {
    pub(crate) message: &'m str,
    pub(crate) byte: usize,
    pub(crate) line: usize,
}

/// Mends `text` for the error, or `None` when the error is not one go-yaml tolerates.
pub(crate) fn repair(text: &str, err: &ScanFailure<'_>, inserts: &mut Inserts) -> Option<String> {
    let m = err.message;
    if m.contains("must be followed by a valid YAML whitespace") {
        return tab_after_colon(text, err.byte);
    }
    if m.contains("invalid indentation in quoted scalar") {
        return indent_quoted(text, err.byte, inserts);
    }
    if m == "invalid indentation" || m.contains("invalid indentation in flow construct") {
        return indent_flow_line(text, err.byte, err.line, inserts);
    }
    if m.contains("unknown escape character") {
        return escaped_apostrophe(text, err.byte, err.line, inserts);
    }
    if m.contains("comments must be separated from other tokens by whitespace") {
        return comment_after_token(text, err.byte, inserts);
    }
    None
}

/// go-yaml starts a comment at a `#` right after a quoted scalar or a flow collection's end
/// (`a: 'x'#c` is `a: x`; kubectl v1.32 and 1.35); saphyr-parser wants a blank before it:
/// one is added.
fn comment_after_token(text: &str, at: usize, inserts: &mut Inserts) -> Option<String> {
    let rest = text.get(at..)?;
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let hash = at + rest.get(..line_end)?.find('#')?;
    let prev = text.get(..hash)?.chars().next_back()?;
    if !matches!(prev, '\'' | '"' | ']' | '}') {
        return None;
    }
    let col = text.get(line_start(text, hash)..hash)?.chars().count();
    let mut out = String::with_capacity(text.len() + 1);
    out.push_str(text.get(..hash)?);
    inserts.add(out.len(), line_no(text, hash), col, 1);
    out.push(' ');
    out.push_str(text.get(hash..)?);
    Some(out)
}

/// go-yaml takes `\'` in a double-quoted scalar for `'`: it is spelled `\x27` instead.
fn escaped_apostrophe(
    text: &str,
    quote: usize,
    line: usize,
    inserts: &mut Inserts,
) -> Option<String> {
    if text.as_bytes().get(quote) != Some(&b'"') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut i = quote + 1;
    let mut line = line;
    let mut line_start = line_start(text, quote);
    let mut out = String::with_capacity(text.len() + 8);
    let mut last = 0;
    // Characters this pass added earlier on the current line.
    let mut added = 0;
    loop {
        match bytes.get(i)? {
            b'\\' => {
                if bytes.get(i + 1) == Some(&b'\'') {
                    out.push_str(text.get(last..i + 1)?);
                    let col = text.get(line_start..i + 1)?.chars().count() + added;
                    inserts.add(out.len(), line, col, 2);
                    added += 2;
                    out.push_str("x27");
                    last = i + 2;
                }
                i += 2;
            }
            b'\n' => {
                line += 1;
                i += 1;
                line_start = i;
                added = 0;
            }
            b'"' => break,
            _ => i += 1,
        }
    }
    if last == 0 {
        return None;
    }
    out.push_str(text.get(last..)?);
    Some(out)
}

/// `key:\tvalue`: the tabs become spaces.
fn tab_after_colon(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at)?;
    let tabs = before.len() - before.trim_end_matches('\t').len();
    if tabs == 0 || !before.trim_end_matches('\t').ends_with(':') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(before.get(..before.len() - tabs)?);
    out.extend(std::iter::repeat_n(' ', tabs));
    out.push_str(text.get(at..)?);
    Some(out)
}

fn line_start(text: &str, pos: usize) -> usize {
    text.get(..pos)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn line_no(text: &str, pos: usize) -> usize {
    text.get(..pos)
        .map_or(0, |t| t.bytes().filter(|&b| b == b'\n').count())
        + 1
}

/// A quoted scalar starting at `quote` whose continuation lines are indented no deeper than
/// its first line: they get one space more than that line (leading blanks of continuation
/// lines are not content).
fn indent_quoted(text: &str, quote: usize, inserts: &mut Inserts) -> Option<String> {
    let q = *text.as_bytes().get(quote)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let first = line_start(text, quote);
    let need = indentation(text.get(first..quote)?) + 1;
    // Find the closing quote.
    let bytes = text.as_bytes();
    let mut i = quote + 1;
    let end = loop {
        match bytes.get(i)? {
            b'\\' if q == b'"' => i += 2,
            b'\'' if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            &c if c == q => break i,
            _ => i += 1,
        }
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    let mut pos = quote;
    let mut line = line_no(text, quote);
    while let Some(nl) = text
        .get(pos..end)
        .and_then(|t| t.find('\n'))
        .map(|o| pos + o)
    {
        let start = nl + 1;
        line += 1;
        let this = text.get(start..)?.split('\n').next()?;
        let have = indentation(this);
        if !this.trim().is_empty() && have < need {
            out.push_str(text.get(last..start)?);
            let add = need - have;
            inserts.add(out.len(), line, 0, add);
            out.extend(std::iter::repeat_n(' ', add));
            last = start;
        }
        pos = start;
    }
    if last == 0 {
        return None;
    }
    out.push_str(text.get(last..)?);
    Some(out)
}

/// A line inside a flow collection indented no deeper than the block around it: it gets
/// one space more than the line before it.
fn indent_flow_line(text: &str, at: usize, line: usize, inserts: &mut Inserts) -> Option<String> {
    let start = line_start(text, at);
    if !inside_flow(text.get(..start)?) {
        return None;
    }
    let this = text.get(start..)?.split('\n').next()?;
    let have = indentation(this);
    let prev = text
        .get(..start.checked_sub(1)?)?
        .rsplit('\n')
        .find(|l| !l.trim().is_empty())?;
    let need = indentation(prev) + 1;
    if have >= need {
        return None;
    }
    let add = need - have;
    let mut out = String::with_capacity(text.len() + add);
    out.push_str(text.get(..start)?);
    inserts.add(start, line, 0, add);
    out.extend(std::iter::repeat_n(' ', add));
    out.push_str(text.get(start..)?);
    Some(out)
}

/// Whether `text` ends inside an open `[` or `{`: a rough scan that skips quoted scalars and
/// comments.
fn inside_flow(text: &str) -> bool {
    let mut depth = 0i64;
    let mut chars = text.chars().peekable();
    let mut prev_blank = true;
    while let Some(c) = chars.next() {
        match c {
            '#' if prev_blank => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
                depth = depth.max(0);
                prev_blank = true;
                continue;
            }
            '"' if depth > 0 => {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '\'' if depth > 0 => {
                while let Some(d) = chars.next() {
                    if d == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '[' | '{' => depth += 1,
            ']' | '}' => depth = (depth - 1).max(0),
            _ => {}
        }
        prev_blank = c == ' ' || c == '\t' || c == '\n';
    }
    depth > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_after_colons() {
        assert_eq!(tab_after_colon("a:\tb", 3).as_deref(), Some("a: b"));
        assert_eq!(tab_after_colon("a\tb", 2), None);
    }

    #[test]
    fn quoted_continuations() {
        let mut ins = Inserts::default();
        let t = "m:\n  a: \"x\n  y\"\n";
        let q = t.find('"').unwrap_or(0);
        assert_eq!(
            indent_quoted(t, q, &mut ins).as_deref(),
            Some("m:\n  a: \"x\n   y\"\n")
        );
        assert_eq!(ins.cols(3, 3), 1);
        assert_eq!(ins.original(14), 13);
    }

    #[test]
    fn flow_lines() {
        let mut ins = Inserts::default();
        let t = "m:\n  a: [x,\n  y]\n";
        let at = t.rfind('y').unwrap_or(0);
        assert_eq!(
            indent_flow_line(t, at, 3, &mut ins).as_deref(),
            Some("m:\n  a: [x,\n   y]\n")
        );
        // Not inside a flow collection: left alone.
        let t = "m:\n  a: x\n b: y\n";
        let at = t.rfind('b').unwrap_or(0);
        assert_eq!(indent_flow_line(t, at, 3, &mut ins), None);
    }
}
