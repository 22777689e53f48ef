//! A quick reader of the common image: one pass over the bytes, no serde machinery.
//!
//! It reads only what it is sure of: well-formed DynamoDB JSON, not too deeply nested. On
//! anything else (a syntax error, an unknown or repeated type tag, a value of the wrong JSON
//! type, bad base64, an escaped type tag, deep nesting) it gives up and returns `None`, and the
//! caller reads the text with `serde_json` ([`super::tree`]), which decides, so that what is
//! accepted and every error stay exactly `serde_json`'s and `serde_dynamo`'s.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::tree::{Attr, Map, Text, dedupe};
use crate::scan;

/// Nesting (objects and arrays) beyond which the reader leaves the text to `serde_json`, well
/// within its recursion limit of 128.
const MAX_DEPTH: usize = 96;

/// The image's attributes, or `None` to have `serde_json` read the text.
pub(crate) fn parse(text: &str) -> Option<Map<'_>> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let map = reader.map()?;
    reader.skip_ws();
    (reader.pos == reader.bytes.len()).then_some(map)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// Skips white space, then `byte` if it comes next.
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> bool {
        // DynamoDB writes no white space: look for `byte` first.
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            return true;
        }
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn enter(&mut self, open: u8) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH && self.eat(open)).then_some(())
    }

    /// After an element: `true` when another follows (a comma), `false` at `close`.
    fn next_or_close(&mut self, close: u8) -> Option<bool> {
        let mut byte = *self.bytes.get(self.pos)?;
        if byte <= b' ' {
            self.skip_ws();
            byte = *self.bytes.get(self.pos)?;
        }
        self.pos += 1;
        match byte {
            b',' => Some(true),
            _ if byte == close => {
                self.depth -= 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// A string, borrowed when it holds no escape.
    #[inline(always)]
    fn string(&mut self) -> Option<Text<'a>> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.pos;
        let stop = scan::string_stop(self.bytes, start)?;
        if self.bytes[stop] != b'"' {
            return self.escaped_string(start, stop);
        }
        self.pos = stop + 1;
        // Two one-sided slices: each checks one end, and both stay inline.
        Some(Text(Cow::Borrowed(self.text.get(..stop)?.get(start..)?)))
    }

    /// The rest of a string that starts at `start` and stops at `stop` on a backslash or a
    /// control character. Out of line, as few strings hold an escape.
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self, start: usize, mut stop: usize) -> Option<Text<'a>> {
        while self.bytes[stop] == b'\\' {
            stop = scan::string_stop(self.bytes, stop + 2)?;
        }
        if self.bytes[stop] != b'"' {
            return None;
        }
        self.pos = stop + 1;
        // Decoded as `serde_json` decodes a string; an escape it would refuse (a lone
        // surrogate) hands the whole image over to it.
        let decoded = scan::unescape(self.text.get(start..stop)?).ok()?;
        Some(Text(Cow::Owned(decoded)))
    }

    /// An attribute's type tag: at most four characters, none of them escaped; anything else,
    /// valid or not, is left to `serde_json`.
    fn tag(&mut self) -> Option<&'a [u8]> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.pos;
        let len = self
            .bytes
            .get(start..)?
            .iter()
            .take(5)
            .position(|&b| b == b'"')?;
        self.pos = start + len + 1;
        self.bytes.get(start..start + len)
    }

    fn boolean(&mut self) -> Option<bool> {
        self.skip_ws();
        let rest = self.bytes.get(self.pos..)?;
        if rest.starts_with(b"true") {
            self.pos += 4;
            Some(true)
        } else if rest.starts_with(b"false") {
            self.pos += 5;
            Some(false)
        } else {
            None
        }
    }

    fn binary(&mut self) -> Option<Vec<u8>> {
        BASE64.decode(self.string()?.0.as_bytes()).ok()
    }

    /// `[item, ...]`, each item read by `item`.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.enter(b'[')?;
        let mut items = Vec::new();
        if self.eat(b']') {
            self.depth -= 1;
            return Some(items);
        }
        loop {
            items.push(item(self)?);
            if !self.next_or_close(b']')? {
                return Some(items);
            }
        }
    }

    /// `{"name": attribute, ...}`.
    fn map(&mut self) -> Option<Map<'a>> {
        self.enter(b'{')?;
        let mut entries = Vec::with_capacity(8);
        if self.eat(b'}') {
            self.depth -= 1;
            return Some(entries);
        }
        loop {
            let name = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            entries.push((name, self.attribute()?));
            if !self.next_or_close(b'}')? {
                break;
            }
        }
        dedupe(&mut entries);
        Some(entries)
    }

    /// `{"TAG": value}`.
    fn attribute(&mut self) -> Option<Attr<'a>> {
        // DynamoDB writes `{"S":` with no white space: the opening, a one-letter tag and the
        // colon are checked at once. Anything else takes the longer way.
        let tag = match self.bytes.get(self.pos..self.pos + 5) {
            Some(shape @ &[b'{', b'"', _, b'"', b':']) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return None;
                }
                self.pos += 5;
                &shape[2..3]
            }
            _ => {
                self.enter(b'{')?;
                let tag = self.tag()?;
                if !self.eat(b':') {
                    return None;
                }
                tag
            }
        };
        // Matched byte by byte: a tag is at most four bytes, where comparing strings would call
        // `memcmp` for each.
        let value = match tag {
            [b'N'] => Attr::N(self.string()?),
            [b'S'] => Attr::S(self.string()?),
            [b'M'] => Attr::M(self.map()?),
            [b'L'] => Attr::L(self.list(Self::attribute)?),
            [b'B'] => Attr::B(self.binary()?),
            [b'B', b'O', b'O', b'L'] => Attr::Bool(self.boolean()?),
            [b'N', b'U', b'L', b'L'] => Attr::Null(self.boolean()?),
            [b'S', b'S'] => Attr::Ss(self.list(Self::string)?),
            [b'N', b'S'] => Attr::Ns(self.list(Self::string)?),
            [b'B', b'S'] => Attr::Bs(self.list(Self::binary)?),
            _ => return None,
        };
        if !self.eat(b'}') {
            return None;
        }
        self.depth -= 1;
        Some(value)
    }
}
