//! The identifiers of a batch's outcomes, kept in one text.
//!
//! Every [`RecordOutcome`](crate::RecordOutcome) carries its record's identifier, and a batch
//! has up to 10,000 records: one `String` each is an allocation and a free per record.
//! [`RecordId::share`] writes them all into one shared text instead, and each outcome keeps its
//! range of it.

use std::sync::Arc;

/// One record's identifier: a range of the text shared by a batch's outcomes.
#[derive(Clone)]
pub(crate) struct RecordId {
    ids: Arc<str>,
    start: u32,
    end: u32,
}

impl RecordId {
    /// The identifier.
    pub(crate) fn as_str(&self) -> &str {
        self.ids
            .get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }

    /// Each of `ids` (records without one give `None`), in order, kept in one text.
    pub(crate) fn share<'a>(
        ids: impl Iterator<Item = Option<&'a str>> + Clone,
    ) -> impl Iterator<Item = Option<RecordId>> {
        let len = ids.clone().flatten().map(str::len).sum();
        let mut text = String::with_capacity(len);
        text.extend(ids.clone().flatten());
        // Identifiers are short and an event is at most a few megabytes, so the offsets fit in
        // 32 bits; past that, the identifier reads as empty rather than wrong.
        let ids_text: Arc<str> = Arc::from(text);
        let mut at = 0usize;
        ids.map(move |id| {
            id.map(|id| {
                let start = at;
                at += id.len();
                RecordId {
                    ids: Arc::clone(&ids_text),
                    start: u32::try_from(start).unwrap_or(u32::MAX),
                    end: u32::try_from(at).unwrap_or(u32::MAX),
                }
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_record_reads_its_own_identifier() {
        let ids = [Some("a-1"), None, Some(""), Some("é😀"), Some("a-1")];
        let shared: Vec<Option<RecordId>> = RecordId::share(ids.iter().copied()).collect();
        let read: Vec<Option<&str>> = shared
            .iter()
            .map(|id| id.as_ref().map(RecordId::as_str))
            .collect();
        assert_eq!(read, ids);
    }
}
