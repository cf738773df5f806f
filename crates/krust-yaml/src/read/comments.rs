//! Finding `#` comments, which saphyr-parser skips.
//!
//! A `#` starts a comment at the start of a line or after a space or tab, unless it lies
//! inside a scalar; the parser's scalar spans say where the scalars are.

use super::build::ByteSpan;
use super::Comment;
use crate::Mark;

/// Comments of `src` in source order. `scalars` are the byte spans of every scalar, in
/// parse order.
pub(crate) fn scan(src: &str, scalars: &[ByteSpan]) -> Vec<Comment> {
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
