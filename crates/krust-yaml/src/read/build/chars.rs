//! Character positions to byte offsets.

/// Char index → byte offset (saphyr reports positions in characters). For non-ASCII text a
/// cursor walks from the last position asked for: the parser's positions mostly increase,
/// so the walks add up to one pass over the text.
pub(crate) struct CharIndex<'a> {
    pub(crate) src: &'a str,
    ascii: bool,
    /// (char index, byte offset) of the last lookup.
    cursor: std::cell::Cell<(usize, usize)>,
}

impl<'a> CharIndex<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        CharIndex {
            src,
            ascii: src.is_ascii(),
            cursor: std::cell::Cell::new((0, 0)),
        }
    }
    pub(crate) fn byte(&self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.src.len());
        }
        let (mut c, mut b) = self.cursor.get();
        if char_index < c / 2 {
            (c, b) = (0, 0);
        }
        while c < char_index {
            match self.src.get(b..).and_then(|t| t.chars().next()) {
                Some(ch) => b += ch.len_utf8(),
                None => break,
            }
            c += 1;
        }
        while c > char_index {
            match self.src.get(..b).and_then(|t| t.chars().next_back()) {
                Some(ch) => b -= ch.len_utf8(),
                None => break,
            }
            c -= 1;
        }
        self.cursor.set((c, b));
        b
    }
    pub(crate) fn char_at(&self, char_index: usize) -> Option<char> {
        self.src
            .get(self.byte(char_index)..)
            .and_then(|s| s.chars().next())
    }
}
