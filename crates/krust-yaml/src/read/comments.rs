//! Finding `#` comments, which saphyr-parser skips.
//!
//! A `#` starts a comment at the start of a line or after a space or tab, unless it lies
//! inside a scalar; the parser's scalar spans say where the scalars are.

use super::build::{ByteSpan, Entry};
use super::Comment;
use crate::Mark;

/// Comments of `src` in source order. `scalars` are the byte spans of every scalar, in
/// parse order; `entries` where mapping keys and sequence items start.
pub(crate) fn scan(src: &str, scalars: &[ByteSpan], mut entries: Vec<Entry>) -> Vec<Comment> {
    entries.sort_by_key(|e| e.mark);
    let mut out = find(src, scalars);
    for c in &mut out {
        // The first entry at or after the comment's line.
        let i = entries.partition_point(|e| e.mark.line < c.mark.line);
        match entries.get(i) {
            Some(e) if e.mark.line == c.mark.line && e.mark.col < c.mark.col => {
                c.owner = Some(e.path.clone());
                c.doc = e.doc;
                c.trailing = true;
            }
            Some(e) => {
                c.owner = Some(e.path.clone());
                c.doc = e.doc;
            }
            None => c.doc = entries.last().map_or(0, |e| e.doc),
        }
    }
    out
}

fn find(src: &str, scalars: &[ByteSpan]) -> Vec<Comment> {
    let mut spans: Vec<ByteSpan> = scalars.iter().copied().filter(|(a, b)| b > a).collect();
    spans.sort_unstable();
    let mut out = Vec::new();
    let mut next_span = 0;
    let mut line_start = 0;
    for (line_no, line) in src.split_inclusive('\n').enumerate() {
        let mut prev_blank = true;
        for (off, c) in line.char_indices() {
            let at = line_start + off;
            if c == '#' && prev_blank {
                // Skip spans that end before this position.
                while spans.get(next_span).is_some_and(|&(_, end)| end <= at) {
                    next_span += 1;
                }
                let inside = spans[next_span..]
                    .iter()
                    .take_while(|&&(start, _)| start <= at)
                    .any(|&(start, end)| start <= at && at < end);
                if !inside {
                    let col = line[..off].chars().count() + 1;
                    let text = line[off..]
                        .trim_start_matches('#')
                        .trim_start_matches([' ', '\t']);
                    let text = text.trim_end_matches(['\n', '\r']);
                    out.push(Comment {
                        mark: Mark::new(
                            u32::try_from(line_no + 1).unwrap_or(u32::MAX),
                            u32::try_from(col).unwrap_or(u32::MAX),
                        ),
                        text: text.to_string(),
                        doc: 0,
                        owner: None,
                        trailing: false,
                    });
                    break;
                }
            }
            prev_blank = c == ' ' || c == '\t';
        }
        line_start += line.len();
    }
    out
}
