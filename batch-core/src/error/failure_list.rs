//! The bounded list of failures that [`BatchError`](super::BatchError)'s `Display` prints: a
//! batch of 10,000 failed records must not make a megabyte-long Lambda `errorMessage`.

use std::fmt::{self, Write};

use super::RecordFailure;

/// How many failures `Display` names; the rest are counted in one last line.
pub const MAX_NAMED_FAILURES: usize = 10;

/// The longest a named failure's line may be, in bytes, before it is cut.
pub const MAX_FAILURE_LINE_BYTES: usize = 512;

/// Ends a failure line that was cut at [`MAX_FAILURE_LINE_BYTES`].
pub const TRUNCATION_MARKER: &str = " ... (truncated)";

/// Writes `- <failure>` for each of the first [`MAX_NAMED_FAILURES`] failures, one a line, each cut
/// at [`MAX_FAILURE_LINE_BYTES`], then `... and N more` when there are more.
pub(super) fn write(f: &mut fmt::Formatter<'_>, failures: &[RecordFailure]) -> fmt::Result {
    for failure in failures.iter().take(MAX_NAMED_FAILURES) {
        f.write_str("\n- ")?;
        let mut line = Capped {
            out: &mut *f,
            left: MAX_FAILURE_LINE_BYTES,
            cut: false,
        };
        write!(line, "{failure}")?;
        if line.cut {
            f.write_str(TRUNCATION_MARKER)?;
        }
    }
    let unnamed = failures.len().saturating_sub(MAX_NAMED_FAILURES);
    if unnamed > 0 {
        write!(f, "\n... and {unnamed} more")?;
    }
    Ok(())
}

/// Passes text on until `left` bytes have been written, then drops the rest, cutting on a
/// character boundary; `cut` tells whether anything was dropped.
struct Capped<'a, W> {
    out: &'a mut W,
    left: usize,
    cut: bool,
}

impl<W: Write> Write for Capped<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.cut {
            return Ok(());
        }
        if s.len() <= self.left {
            self.left -= s.len();
            return self.out.write_str(s);
        }
        let mut end = self.left;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        self.left = 0;
        self.cut = true;
        self.out.write_str(&s[..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capped(pieces: &[&str], left: usize) -> (String, bool) {
        let mut out = String::new();
        let mut capped = Capped {
            out: &mut out,
            left,
            cut: false,
        };
        for piece in pieces {
            capped.write_str(piece).unwrap();
        }
        let cut = capped.cut;
        (out, cut)
    }

    #[test]
    fn text_within_the_cap_passes_whole() {
        assert_eq!(capped(&["abc", "de"], 5), ("abcde".to_owned(), false));
    }

    #[test]
    fn text_past_the_cap_is_cut_across_pieces() {
        assert_eq!(capped(&["abc", "def", "g"], 4), ("abcd".to_owned(), true));
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        // "é" is two bytes: a cap of 2 falls inside it and keeps only "a".
        assert_eq!(capped(&["aé"], 2), ("a".to_owned(), true));
        assert_eq!(capped(&["aé"], 3), ("aé".to_owned(), false));
    }
}
