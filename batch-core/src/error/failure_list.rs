//! The bounded list of failures that [`BatchError`](super::BatchError)'s `Display` prints: a
//! batch of 10,000 failed records must not make a megabyte-long Lambda `errorMessage`.

use std::fmt::{self, Write};

use super::RecordFailure;

/// How many failures `Display` names; the rest are counted in one last line.
///
/// ```
/// use batch_core::error::MAX_NAMED_FAILURES;
/// use batch_core::{BatchError, RecordError, RecordFailure};
///
/// let failures = (0..25)
///     .map(|i| RecordFailure::new(i, Some(format!("m{i}")), RecordError::handler("down")))
///     .collect();
/// let message = BatchError::AllFailed { failures }.to_string();
/// // The header line, the named failures, then one line for the rest.
/// assert_eq!(message.lines().count(), 1 + MAX_NAMED_FAILURES + 1);
/// assert!(message.ends_with("... and 15 more"));
/// ```
pub const MAX_NAMED_FAILURES: usize = 10;

/// The longest a named failure's line may be, in bytes, before it is cut.
///
/// ```
/// use batch_core::error::{MAX_FAILURE_LINE_BYTES, TRUNCATION_MARKER};
/// use batch_core::{BatchError, RecordError, RecordFailure};
///
/// let long = RecordError::handler("x".repeat(2_000));
/// let failures = vec![RecordFailure::new(0, Some("m0".into()), long)];
/// let message = BatchError::AllFailed { failures }.to_string();
/// // Each named failure is listed as `- <failure>`; the failure's text is what is capped.
/// let failure = message.lines().nth(1).unwrap().strip_prefix("- ").unwrap();
/// let kept = failure.strip_suffix(TRUNCATION_MARKER).unwrap();
/// assert_eq!(kept.len(), MAX_FAILURE_LINE_BYTES);
/// assert!(kept.starts_with("record 0 (m0): xxx"));
/// ```
pub const MAX_FAILURE_LINE_BYTES: usize = 512;

/// Ends a failure line that was cut at [`MAX_FAILURE_LINE_BYTES`] (see its example).
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
