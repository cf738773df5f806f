//! Mapping keys in go-yaml v2's "natural" order (`sorter.go`).
//!
//! Keys are compared rune by rune; at the first difference a letter sorts after a
//! non-letter, two letters compare by code point, and otherwise the digit runs starting
//! there are compared as numbers (`a2` before `a10`), then by run length.
//!
//! Limitation: Go's `unicode.IsLetter`/`IsDigit` are approximated for non-ASCII characters
//! from Rust's `is_alphabetic`/`is_numeric` (they still differ on rare classes such as
//! combining vowel signs, which Rust counts as alphabetic).
//!
//! The order is not always transitive (`12:30` < `1e3` < `9?` < `12:30`). v2 sorts the keys
//! in Go's map iteration order, which is random, so for such keys kustomize's own output
//! changes from run to run; krust prints one fixed order (a stable sort of the insertion
//! order).

use std::cmp::Ordering;

/// Go `unicode.IsLetter` (category L). Rust's `is_alphabetic` also holds for letter
/// numbers (Nl, e.g. `Ⅻ`), which are numeric too, so those are taken out.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic() && !c.is_numeric()
    }
}

/// Go `unicode.IsDigit` (category Nd). Rust's `is_numeric` is any N: letter numbers are
/// taken out as above, and the common "other numbers" (No: superscripts, subscripts,
/// fractions, circled and parenthesised numbers) by range.
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    c.is_numeric()
        && !c.is_alphabetic()
        && !matches!(
            c,
            '\u{b2}'
                | '\u{b3}'
                | '\u{b9}'
                | '\u{bc}'..='\u{be}'
                | '\u{2070}'..='\u{209f}'
                | '\u{2150}'..='\u{218f}'
                | '\u{2460}'..='\u{24ff}'
                | '\u{2776}'..='\u{2793}'
                | '\u{3192}'..='\u{3195}'
                | '\u{3220}'..='\u{3229}'
                | '\u{3248}'..='\u{324f}'
                | '\u{3251}'..='\u{325f}'
                | '\u{3280}'..='\u{3289}'
                | '\u{32b1}'..='\u{32bf}'
                | '\u{1f100}'..='\u{1f10c}'
        )
}

/// v2 `keyList.Less` for two string keys.
pub(super) fn key_less(a: &str, b: &str) -> bool {
    let mut ai = a.chars();
    let mut bi = b.chars();
    // Whether the digit run ending just before the current position (the common prefix)
    // holds a non-zero digit: v2 scans backwards for it when a '0' is involved.
    let mut run_nonzero = false;
    loop {
        let (ra, rb) = match (ai.clone().next(), bi.clone().next()) {
            (Some(x), Some(y)) => (x, y),
            (None, Some(_)) => return true,
            _ => return false,
        };
        if ra == rb {
            if is_digit(ra) {
                run_nonzero |= ra != '0';
            } else {
                run_nonzero = false;
            }
            ai.next();
            bi.next();
            continue;
        }
        let al = is_letter(ra);
        let bl = is_letter(rb);
        if al && bl {
            return ra < rb;
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if (ra == '0' || rb == '0') && run_nonzero {
            an = 1;
            bn = 1;
        }
        let (an, alen) = digit_run(ai.clone(), an);
        let (bn, blen) = digit_run(bi.clone(), bn);
        if an != bn {
            return an < bn;
        }
        if alen != blen {
            return alen < blen;
        }
        return ra < rb;
    }
}

/// Accumulates a run of digits the way v2 does (`n*10 + (r - '0')`, wrapping like Go).
fn digit_run(it: std::str::Chars<'_>, mut n: i64) -> (i64, usize) {
    let mut len = 0;
    for c in it.take_while(|&c| is_digit(c)) {
        n = n
            .wrapping_mul(10)
            .wrapping_add(i64::from(u32::from(c)) - i64::from(u32::from('0')));
        len += 1;
    }
    (n, len)
}

/// An ordering from [`key_less`] that never panics, whatever the relation does.
fn key_cmp(a: &str, b: &str) -> Ordering {
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// Sorts `items` by key, stably, with sorts of our own (the standard library's sorts may
/// panic when a comparator is not a total order, and v2's natural order need not be one).
pub(super) fn sort_by_key<K: AsRef<str>, T>(items: &mut Vec<(K, T)>) {
    let less = |a: &(K, T), b: &(K, T)| key_cmp(a.0.as_ref(), b.0.as_ref()) == Ordering::Less;
    if items.windows(2).all(|w| !less(&w[1], &w[0])) {
        return;
    }
    if items.len() <= 16 {
        // Insertion sort in place: no allocation for the common small mapping.
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 && less(&items[j], &items[j - 1]) {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let taken = std::mem::take(items);
    *items = merge_sort(taken);
}

fn merge_sort<K: AsRef<str>, T>(mut v: Vec<(K, T)>) -> Vec<(K, T)> {
    if v.len() <= 1 {
        return v;
    }
    let right = v.split_off(v.len() / 2);
    let left = merge_sort(v);
    let right = merge_sort(right);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    loop {
        let take_right = match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => key_cmp(b.0.as_ref(), a.0.as_ref()) == Ordering::Less,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right { r.next() } else { l.next() };
        if let Some(x) = next {
            out.push(x);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(keys: &[&'static str]) -> Vec<&'static str> {
        let mut v: Vec<(&str, ())> = keys.iter().map(|k| (*k, ())).collect();
        sort_by_key(&mut v);
        v.into_iter().map(|(k, ())| k).collect()
    }

    #[test]
    fn natural_order() {
        assert_eq!(sorted(&["a10", "a2", "a1"]), ["a1", "a2", "a10"]);
        assert_eq!(
            sorted(&["b", "a", "A", "1", "_x"]),
            ["_x", "1", "A", "a", "b"]
        );
        assert_eq!(
            sorted(&["aaa", "a\nb", "a", "b"]),
            ["a", "a\nb", "aaa", "b"]
        );
        assert_eq!(sorted(&["a01", "a1"]), ["a1", "a01"]);
        // Checked against kubectl kustomize: superscripts, fractions, circled and Roman
        // numerals are neither letters nor digits; other scripts' digits are digits.
        let want = [
            "²", "Ⅻ", "１", "a_", "a²", "a²b", "a½", "aⅫ", "a①", "a0", "a00", "a2", "a3", "a10",
            "a٣", "a٣٣", "a１", "a１０", "aZ", "ab", "aé", "a中",
        ];
        let mut shuffled = want;
        shuffled.reverse();
        assert_eq!(sorted(&shuffled), want);
        assert_eq!(
            sorted(&["spec", "metadata", "kind", "apiVersion"]),
            ["apiVersion", "kind", "metadata", "spec"]
        );
    }
}
