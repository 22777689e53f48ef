//! How [`CompactEvent`](crate::compact_event::CompactEvent) keeps each record: four ranges of
//! its kept text and a byte of flags, 36 bytes. A 6 MB event holds thousands of records, and
//! their array is alive at the peak, beside the event's bytes; what a record rarely has (why its
//! ordering key or the record itself cannot be read) is kept apart, in record order.

use std::ops::Range;

/// A range of the kept text, or none; 32-bit offsets, as no event is 4 GiB.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Kept {
    start: u32,
    end: u32,
}

impl Kept {
    /// No field: a range no text has, as a range's start is never past its end.
    pub(crate) const NONE: Self = Self {
        start: u32::MAX,
        end: 0,
    };

    /// The range `range` of the kept text.
    pub(crate) fn of_range(range: Range<usize>) -> Self {
        Self {
            start: u32::try_from(range.start).unwrap_or(u32::MAX),
            end: u32::try_from(range.end).unwrap_or(u32::MAX),
        }
    }

    /// The kept field in `text`, the kept text; `None` for [`NONE`](Self::NONE).
    pub(crate) fn of(self, text: &str) -> Option<&str> {
        (self != Self::NONE).then(|| {
            text.get(self.start as usize..self.end as usize)
                .unwrap_or_default()
        })
    }
}

/// Where a record's kept fields are in the kept text.
#[derive(Clone)]
pub(crate) struct KeptRecord {
    pub(crate) id: Kept,
    /// The ordering field as written; with [`KeptRecord::KEY_KNOWN`], the ordering key itself
    /// ([`BatchSource::compact_key`](crate::source::BatchSource::compact_key)).
    pub(crate) ordering: Kept,
    pub(crate) payload: Kept,
    pub(crate) old_payload: Kept,
    pub(crate) flags: u8,
}

impl KeptRecord {
    /// The payload is kept decoded
    /// ([`BatchSource::read_compact_header`](crate::source::BatchSource::read_compact_header)).
    pub(crate) const PAYLOAD_DECODED: u8 = 1;
    /// `ordering` holds the ordering key, read while the event was read.
    pub(crate) const KEY_KNOWN: u8 = 2;
    /// The ordering key cannot be read: the next reason kept apart says why.
    pub(crate) const KEY_UNREADABLE: u8 = 4;
    /// The record cannot be read: the next reason kept apart (after the key's) says why.
    pub(crate) const MALFORMED: u8 = 8;

    pub(crate) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_takes_36_bytes() {
        assert_eq!(std::mem::size_of::<KeptRecord>(), 36);
    }

    #[test]
    fn none_is_no_field_and_an_empty_range_is_an_empty_one() {
        let text = "abcdef";
        assert_eq!(Kept::NONE.of(text), None);
        assert_eq!(Kept::of_range(2..2).of(text), Some(""));
        assert_eq!(Kept::of_range(1..4).of(text), Some("bcd"));
        assert_eq!(Kept::of_range(4..9).of(text), Some(""));
    }
}
