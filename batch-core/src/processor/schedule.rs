//! Which record may start next: records that share an ordering key run one after another in
//! input order; among the records free to start, the earliest goes first.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// The start order of a batch's records.
#[derive(Debug)]
pub(crate) enum Schedule {
    /// One record at a time, in input order: no key can be overtaken.
    InOrder { next: usize, len: usize },
    /// Records chained by ordering key; `ready` holds the positions free to start.
    ByKey {
        /// For each position, the next position with the same ordering key.
        successor: Vec<Option<usize>>,
        ready: BinaryHeap<Reverse<usize>>,
    },
}

impl Schedule {
    pub(crate) fn in_order(len: usize) -> Self {
        Schedule::InOrder { next: 0, len }
    }

    /// Chains the records by key; a record without a key depends on nobody.
    pub(crate) fn by_key<'k>(keys: impl ExactSizeIterator<Item = Option<&'k str>>) -> Self {
        let mut successor = vec![None; keys.len()];
        let mut last_of_key: HashMap<&str, usize> = HashMap::new();
        let mut ready = BinaryHeap::with_capacity(keys.len());
        for (position, key) in keys.enumerate() {
            match key.and_then(|key| last_of_key.insert(key, position)) {
                Some(previous) => successor[previous] = Some(position),
                None => ready.push(Reverse(position)),
            }
        }
        Schedule::ByKey { successor, ready }
    }

    /// The earliest record free to start, if any.
    pub(crate) fn next_ready(&mut self) -> Option<usize> {
        match self {
            Schedule::InOrder { next, len } => (*next < *len).then(|| {
                *next += 1;
                *next - 1
            }),
            Schedule::ByKey { ready, .. } => ready.pop().map(|Reverse(position)| position),
        }
    }

    /// Notes that a record is done (ran or not), freeing the next record of its key.
    pub(crate) fn done(&mut self, position: usize) {
        if let Schedule::ByKey { successor, ready } = self
            && let Some(next) = successor[position]
        {
            ready.push(Reverse(next));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_hands_out_every_position_once() {
        let mut schedule = Schedule::in_order(3);
        let order: Vec<_> = std::iter::from_fn(|| schedule.next_ready()).collect();
        assert_eq!(order, [0, 1, 2]);
    }

    #[test]
    fn a_key_waits_for_its_predecessor() {
        let keys = [Some("a"), Some("b"), Some("a"), None, Some("b")];
        let mut schedule = Schedule::by_key(keys.into_iter());
        assert_eq!(schedule.next_ready(), Some(0));
        assert_eq!(schedule.next_ready(), Some(1));
        assert_eq!(schedule.next_ready(), Some(3));
        assert_eq!(schedule.next_ready(), None, "2 and 4 wait for 0 and 1");
        schedule.done(1);
        assert_eq!(schedule.next_ready(), Some(4));
        schedule.done(0);
        assert_eq!(schedule.next_ready(), Some(2));
        schedule.done(2);
        assert_eq!(schedule.next_ready(), None);
    }
}
