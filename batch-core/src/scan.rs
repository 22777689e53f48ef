//! A fast reader of JSON text that is already known to be valid.
//!
//! The event is validated once (by serde, when it is deserialized); after that, records are split
//! and their few header fields found by this scanner, which only looks for the structure
//! (`"`, `\`, brackets) and skips everything else. It never panics: on text that is not valid
//! JSON it returns `None`, and the callers report the record as malformed.

use std::borrow::Cow;

/// The JSON type of a value, from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Bool,
    Null,
    Number,
}

impl Kind {
    pub(crate) fn of(value: &str) -> Kind {
        match value.as_bytes().first() {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            _ => Kind::Number,
        }
    }

    /// Describes the type for messages, without showing the value.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
            Kind::Number => "a number",
        }
    }
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// The end (one past the closing quote) of the string whose opening quote is at `pos`.
fn string_end(bytes: &[u8], mut pos: usize) -> Option<usize> {
    pos += 1;
    loop {
        let found = quote_or_backslash(bytes, pos)?;
        match bytes[found] {
            b'"' => return Some(found + 1),
            _ => pos = found + 2,
        }
    }
}

const ONES: u64 = u64::from_ne_bytes([1; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The bytes of `word` equal to `byte`, as their high bits: exact up to the first such byte
/// (a match can make a later byte look like one too), which is all the callers look at.
fn matches(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The position of the first `"` or `\` at or after `pos`, eight bytes at a time.
///
/// Strings that hold JSON (SQS bodies) have an escape every few bytes, where the set-up of a
/// vector search costs more than it saves; a word at a time also stays fast on long stretches.
fn quote_or_backslash(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(chunk);
        let found = matches(word, b'"') | matches(word, b'\\');
        if found != 0 {
            return Some(pos + found.trailing_zeros() as usize / 8);
        }
        pos += 8;
    }
    let tail = bytes.get(pos..)?;
    tail.iter()
        .position(|b| matches!(b, b'"' | b'\\'))
        .map(|at| pos + at)
}

/// The position of the first `"`, `\\` or control character (below 0x20, which JSON strings
/// may not hold raw) at or after `pos`, eight bytes at a time: where a run of plain string
/// content ends in text that has not been validated.
pub(crate) fn string_stop(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(chunk);
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        let found = matches(word, b'"') | matches(word, b'\\') | control;
        if found != 0 {
            return Some(pos + found.trailing_zeros() as usize / 8);
        }
        pos += 8;
    }
    let tail = bytes.get(pos..)?;
    tail.iter()
        .position(|&b| matches!(b, b'"' | b'\\') || b < 0x20)
        .map(|at| pos + at)
}

/// What a container's walk does at each byte: most bytes are skipped, quotes start strings and
/// brackets change the depth.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Structure {
    Other,
    Quote,
    Open,
    Close,
}

static STRUCTURE: [Structure; 256] = {
    let mut class = [Structure::Other; 256];
    class[b'"' as usize] = Structure::Quote;
    class[b'{' as usize] = Structure::Open;
    class[b'[' as usize] = Structure::Open;
    class[b'}' as usize] = Structure::Close;
    class[b']' as usize] = Structure::Close;
    class
};

/// The end of the value that starts at `pos` (no leading white space).
fn value_end(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'"' => string_end(bytes, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = pos;
            loop {
                match STRUCTURE[usize::from(*bytes.get(at)?)] {
                    Structure::Other => at += 1,
                    Structure::Quote => {
                        // A one-character string (a DynamoDB type tag, a short key) ends two
                        // bytes on, exactly where `string_end` would find its end; others are
                        // searched.
                        at = if bytes.get(at + 2) == Some(&b'"')
                            && !matches!(bytes[at + 1], b'"' | b'\\')
                        {
                            at + 3
                        } else {
                            string_end(bytes, at)?
                        };
                        // A key's colon or a member's comma most often comes next: stepped
                        // over here rather than by another turn of the loop.
                        if let Some(b':' | b',') = bytes.get(at) {
                            at += 1;
                        }
                    }
                    Structure::Open => {
                        depth += 1;
                        at += 1;
                    }
                    Structure::Close => {
                        depth -= 1;
                        at += 1;
                        if depth == 0 {
                            return Some(at);
                        }
                    }
                }
            }
        }
        _ => {
            let len = bytes[pos..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(bytes.len() - pos);
            (len > 0).then_some(pos + len)
        }
    }
}

/// The length of the value at the start of `rest` (the text may go on after it).
pub(crate) fn value_len(rest: &str) -> Option<usize> {
    value_end(rest.as_bytes(), 0)
}

/// Walks an array's elements when each element's length is found by reading it.
pub(crate) struct ArrayCursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> ArrayCursor<'a> {
    /// A cursor over `array` (trimmed, starting with `[`).
    pub(crate) fn new(array: &'a str) -> Self {
        Self {
            text: array,
            pos: 1,
        }
    }

    /// The text from the next element's start to the end of the array; `None` at the end.
    pub(crate) fn next_start(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let mut pos = skip_ws(bytes, self.pos);
        if bytes.get(pos) == Some(&b',') {
            pos = skip_ws(bytes, pos + 1);
        }
        match bytes.get(pos) {
            None | Some(b']') => None,
            Some(_) => {
                self.pos = pos;
                Some(&self.text[pos..])
            }
        }
    }

    /// Moves past the element [`next_start`](Self::next_start) returned, `len` bytes long.
    pub(crate) fn advance(&mut self, len: usize) {
        self.pos += len.max(1);
    }

    /// Once [`next_start`](Self::next_start) returned `None`: the array's length, closing
    /// bracket included.
    pub(crate) fn len(&self) -> usize {
        let bytes = self.text.as_bytes();
        let mut pos = skip_ws(bytes, self.pos);
        if bytes.get(pos) == Some(&b',') {
            pos = skip_ws(bytes, pos + 1);
        }
        (pos + 1).min(self.text.len())
    }
}

/// The single value `text` holds, without surrounding white space.
pub(crate) fn trim(text: &str) -> &str {
    text.trim_matches([' ', '\t', '\n', '\r'])
}

/// The members of the object `object` (trimmed, starting with `{`): raw keys (the text between
/// the quotes, escapes kept) and raw values. `None` items mean the text is not valid JSON.
pub(crate) fn fields(object: &str) -> Fields<'_> {
    Fields {
        text: object,
        pos: 1,
        done: !object.starts_with('{'),
        end: None,
        plain_key: true,
    }
}

/// Iterator of [`fields`].
pub(crate) struct Fields<'a> {
    text: &'a str,
    pos: usize,
    done: bool,
    end: Option<usize>,
    /// Whether the last key read is written without an escape.
    plain_key: bool,
}

impl<'a> Fields<'a> {
    /// Once every member was read: the length of the object, closing brace included (the text
    /// may go on after it).
    pub(crate) fn end(&self) -> Option<usize> {
        self.end
    }

    /// Reads the next member's key and stops at its value: the key, and the text from the
    /// value's start to the end of the text. Call [`skip_value`](Self::skip_value) with the value's length
    /// before going on. `None` at the end; `Some(None)` when the text is not valid JSON.
    pub(crate) fn next_key(&mut self) -> Option<Option<(&'a str, &'a str)>> {
        if self.done {
            return None;
        }
        let item = self.key_step();
        if !matches!(item, Some(Some(_))) {
            self.done = true;
        }
        item
    }

    /// Whether the key [`next_key`](Self::next_key) last gave is written without an escape,
    /// and so reads as it is written.
    pub(crate) fn key_is_plain(&self) -> bool {
        self.plain_key
    }

    /// Which of `names` the key [`next_key`](Self::next_key) last gave (`key`) is: as
    /// [`key_position`], which a key written without an escape does not need.
    pub(crate) fn key_position(&self, key: &str, names: &[&str]) -> Option<usize> {
        if self.plain_key {
            names.iter().position(|name| *name == key)
        } else {
            key_position(key, names)
        }
    }

    /// Moves past the value [`next_key`](Self::next_key) stopped at, `len` bytes long.
    pub(crate) fn skip_value(&mut self, len: usize) {
        self.pos += len;
    }

    fn key_step(&mut self) -> Option<Option<(&'a str, &'a str)>> {
        let bytes = self.text.as_bytes();
        let mut pos = skip_ws(bytes, self.pos);
        match bytes.get(pos) {
            Some(b'}') => {
                self.end = Some(pos + 1);
                return None;
            }
            Some(b',') => pos = skip_ws(bytes, pos + 1),
            Some(b'"') => {}
            _ => return Some(None),
        }
        if bytes.get(pos) != Some(&b'"') {
            return Some(None);
        }
        // Most keys hold no escape: the first quote or backslash after the opening quote is
        // then the closing quote, which also tells the key is plain.
        let Some(first) = quote_or_backslash(bytes, pos + 1) else {
            return Some(None);
        };
        self.plain_key = bytes[first] == b'"';
        let key_end = if self.plain_key {
            first + 1
        } else {
            let Some(end) = string_end(bytes, first - 1) else {
                return Some(None);
            };
            end
        };
        let key = &self.text[pos + 1..key_end - 1];
        let colon = skip_ws(bytes, key_end);
        if bytes.get(colon) != Some(&b':') {
            return Some(None);
        }
        let start = skip_ws(bytes, colon + 1);
        self.pos = start;
        Some(Some((key, &self.text[start..])))
    }

    fn step(&mut self) -> Option<Option<(&'a str, &'a str)>> {
        let (key, rest) = match self.key_step()? {
            Some(found) => found,
            None => return Some(None),
        };
        let Some(len) = value_end(rest.as_bytes(), 0) else {
            return Some(None);
        };
        self.pos += len;
        Some(Some((key, &rest[..len])))
    }
}

impl<'a> Iterator for Fields<'a> {
    /// `Some((key, value))`, or `None` once when the text is not valid JSON.
    type Item = Option<(&'a str, &'a str)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.step();
        if !matches!(item, Some(Some(_))) {
            self.done = true;
        }
        item
    }
}

/// The elements of the array `array` (trimmed, starting with `[`). `None` items mean the text
/// is not valid JSON.
#[cfg(test)]
pub(crate) fn elements(array: &str) -> Elements<'_> {
    Elements {
        text: array,
        pos: 1,
        done: !array.starts_with('['),
    }
}

/// Iterator of [`elements`].
#[cfg(test)]
pub(crate) struct Elements<'a> {
    text: &'a str,
    pos: usize,
    done: bool,
}

#[cfg(test)]
impl<'a> Iterator for Elements<'a> {
    /// `Some(value)`, or `None` once when the text is not valid JSON.
    type Item = Option<&'a str>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let bytes = self.text.as_bytes();
        let mut pos = skip_ws(bytes, self.pos);
        match bytes.get(pos) {
            Some(b']') => {
                self.done = true;
                return None;
            }
            Some(b',') => pos = skip_ws(bytes, pos + 1),
            _ => {}
        }
        match value_end(bytes, pos) {
            Some(end) => {
                self.pos = end;
                Some(Some(&self.text[pos..end]))
            }
            None => {
                self.done = true;
                Some(None)
            }
        }
    }
}

/// Why a raw JSON value gives no string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotAString {
    /// The value is of another JSON type.
    Kind(Kind),
    /// The string holds a `\uD800`-`\uDFFF` escape without its pair, which no Rust string can.
    LoneSurrogate,
    /// The string holds an escape that is not valid JSON.
    BadEscape,
}

impl NotAString {
    /// Says what the value is instead, without quoting it: `is a number, not a string`.
    pub(crate) fn describe(self) -> String {
        match self {
            NotAString::Kind(kind) => format!("is {}, not a string", kind.describe()),
            NotAString::LoneSurrogate => "holds a lone surrogate escape (a \\uD800-\\uDFFF \
                                          escape without its pair), which is not valid Unicode"
                .to_owned(),
            NotAString::BadEscape => "holds an escape that is not valid JSON".to_owned(),
        }
    }
}

/// The string a raw JSON string value holds, borrowed when it has no escapes; why not when the
/// value is not a string or holds an escape no Rust string can (a lone surrogate).
pub(crate) fn string(raw: &str) -> Result<Cow<'_, str>, NotAString> {
    let Some(inner) = raw.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return Err(NotAString::Kind(Kind::of(raw)));
    };
    if !inner.contains('\\') {
        return Ok(Cow::Borrowed(inner));
    }
    unescape(inner).map(Cow::Owned)
}

/// A raw key (escapes kept) decoded, borrowed when it has no escapes.
pub(crate) fn key(raw_key: &str) -> Option<Cow<'_, str>> {
    if raw_key.contains('\\') {
        unescape(raw_key).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(raw_key))
    }
}

/// Compares a raw key (escapes kept) with a plain name.
pub(crate) fn key_is(raw_key: &str, name: &str) -> bool {
    key_position(raw_key, &[name]).is_some()
}

/// Which of `names` a raw key (escapes kept) is, decoding its escapes at most once.
pub(crate) fn key_position(raw_key: &str, names: &[&str]) -> Option<usize> {
    // The names hold no escape, so a key written as one of them is that name; only a key that
    // is not, and is written longer than a name (an escape is longer than its character), is
    // searched for an escape.
    if let Some(found) = names.iter().position(|name| *name == raw_key) {
        return Some(found);
    }
    if !names.iter().any(|name| name.len() < raw_key.len()) || !has_backslash(raw_key) {
        return None;
    }
    let key = unescape(raw_key).ok()?;
    names.iter().position(|name| *name == key)
}

/// Whether a short text (a key) holds a backslash: a plain loop, as keys are too short for a
/// vector search to pay for its set-up.
fn has_backslash(text: &str) -> bool {
    text.bytes().any(|b| b == b'\\')
}

fn hex4(bytes: &[u8], at: usize) -> Result<u32, NotAString> {
    // Four hex digits, as JSON writes them (`from_str_radix` alone would take a sign too).
    let digits = bytes
        .get(at..at + 4)
        .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
        .and_then(|d| std::str::from_utf8(d).ok());
    digits
        .and_then(|d| u32::from_str_radix(d, 16).ok())
        .ok_or(NotAString::BadEscape)
}

/// Decodes the escapes of a JSON string's content (the text between its quotes).
pub(crate) fn unescape(inner: &str) -> Result<String, NotAString> {
    let bytes = inner.as_bytes();
    // The room `decode_until_quote` asks for: the output is never longer than the input, so it
    // never grows (it would grow to at least 256 bytes).
    let mut out = vec![0u8; bytes.len() + 16];
    let (mut read, mut write) = (0, 0);
    loop {
        (read, write) = decode_until_quote(bytes, read, &mut out, write)?;
        if read == bytes.len() {
            break;
        }
        // A quote that the content holds unescaped is kept as it is.
        out[write] = b'"';
        read += 1;
        write += 1;
    }
    out.truncate(write);
    // Valid UTF-8 copied in whole characters plus encoded escapes: this check cannot fail, and
    // keeps the crate free of `unsafe`.
    String::from_utf8(out).map_err(|_| NotAString::BadEscape)
}

/// Reads the JSON string that starts `raw` (at its opening quote; the text may go on after it)
/// and appends its content, escapes decoded, to `out`: what [`value_len`] and [`string`] do, in
/// one pass over the text. Returns the string's length in `raw`, quotes included; `None`, with
/// `out` as it was, when `raw` does not start with a string that [`string`] decodes.
///
/// `scratch` is kept from call to call, so that no string costs an allocation of its own. The
/// decoded text is checked as UTF-8 once as a whole.
pub(crate) fn decode_string_into(
    raw: &str,
    scratch: &mut Vec<u8>,
    out: &mut String,
) -> Option<usize> {
    let bytes = raw.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let (quote, len) = decode_until_quote(bytes, 1, scratch, 0).ok()?;
    if quote == bytes.len() {
        return None;
    }
    // Valid UTF-8 copied in whole characters plus encoded escapes: this check cannot fail, and
    // keeps the crate free of `unsafe`.
    out.push_str(std::str::from_utf8(&scratch[..len]).ok()?);
    Some(quote + 1)
}

/// The JSON string at the start of `raw` (the text may go on after it), decoded into a new
/// `String`, and its length; `None` when it is not a valid string. A string with no escape is
/// copied as it is written, found by one search for its end; others are decoded as
/// [`decode_string_into`] does, through `scratch`.
pub(crate) fn owned_string_at(raw: &str, scratch: &mut Vec<u8>) -> Option<(String, usize)> {
    let bytes = raw.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let stop = quote_or_backslash(bytes, 1)?;
    if bytes[stop] == b'"' {
        return Some((raw[1..stop].to_owned(), stop + 1));
    }
    let mut text = String::new();
    let len = decode_string_into(raw, scratch, &mut text)?;
    Some((text, len))
}

/// Copies string content from `bytes[read..]` to `out[write..]`, decoding its escapes, up to
/// the first quote that is not escaped or the end of `bytes`; returns where it stopped in both.
/// `out` grows as needed.
///
/// Bodies that hold JSON have an escape every few bytes, so the text is copied a word at a
/// time into a buffer with a word of room to spare: each word is written whole and the write
/// position moves only up to its first quote or backslash, which costs less than finding each
/// stretch's length first and copying it. The output is never longer than the input, so the
/// room is checked once per stretch that fits, not once per word ([`decode_words`]).
fn decode_until_quote(
    bytes: &[u8],
    mut read: usize,
    out: &mut Vec<u8>,
    mut write: usize,
) -> Result<(usize, usize), NotAString> {
    loop {
        // Room for a whole word and an escape's character at `write`.
        if out.len() < write + 16 {
            out.resize((write + 16).max(2 * out.len()).max(256), 0);
        }
        // `bytes` can be read up to `end` with `out` written as it goes: `write` moves no
        // further than `read` does.
        let end = bytes.len().min(read + (out.len() - write));
        (read, write) = decode_words(bytes, read, end, out, write);
        match bytes.get(read) {
            None | Some(b'"') => return Ok((read, write)),
            Some(b'\\') => {
                // Room for the escape's character, which the words before may have left short of.
                if out.len() < write + 4 {
                    out.resize(write + 16, 0);
                }
                match bytes.get(read + 1).map(|&b| SIMPLE_ESCAPES[usize::from(b)]) {
                    None => return Err(NotAString::BadEscape),
                    Some(0) => (read, write) = unicode_escape_into(bytes, read, out, write)?,
                    Some(decoded) => {
                        out[write] = decoded;
                        read += 2;
                        write += 1;
                    }
                }
            }
            // `end` was reached: make room and go on.
            Some(_) => {}
        }
    }
}

/// [`decode_until_quote`]'s inner loop, over `bytes[read..end]` where `out` has room for all of
/// it and a word more: copies and decodes one-character escapes until a quote, a `\uXXXX`
/// escape (or one that is not valid), or `end`.
#[inline(always)]
fn decode_words(
    bytes: &[u8],
    mut read: usize,
    end: usize,
    out: &mut [u8],
    mut write: usize,
) -> (usize, usize) {
    while read + 8 <= end {
        let Ok(chunk) = <[u8; 8]>::try_from(&bytes[read..read + 8]) else {
            break;
        };
        out[write..write + 8].copy_from_slice(&chunk);
        let word = u64::from_le_bytes(chunk);
        let found = matches(word, b'"') | matches(word, b'\\');
        if found == 0 {
            read += 8;
            write += 8;
            continue;
        }
        let in_word = found.trailing_zeros() as usize / 8;
        read += in_word;
        write += in_word;
        if bytes[read] == b'"' {
            return (read, write);
        }
        match bytes.get(read + 1).map(|&b| SIMPLE_ESCAPES[usize::from(b)]) {
            None | Some(0) => return (read, write),
            Some(decoded) => {
                out[write] = decoded;
                read += 2;
                write += 1;
            }
        }
    }
    while read < end {
        match bytes[read] {
            b'"' | b'\\' => return (read, write),
            byte => {
                out[write] = byte;
                read += 1;
                write += 1;
            }
        }
    }
    (read, write)
}

/// What each one-character escape (`\n`, `\"` ...) stands for; 0 for the others.
static SIMPLE_ESCAPES: [u8; 256] = {
    let mut decoded = [0; 256];
    decoded[b'"' as usize] = b'"';
    decoded[b'\\' as usize] = b'\\';
    decoded[b'/' as usize] = b'/';
    decoded[b'b' as usize] = 0x08;
    decoded[b'f' as usize] = 0x0c;
    decoded[b'n' as usize] = b'\n';
    decoded[b'r' as usize] = b'\r';
    decoded[b't' as usize] = b'\t';
    decoded
};

/// Writes the character of the `\uXXXX` escape at `bytes[read]` to `out[write..]`; returns the
/// positions after both. Any other escape is not valid JSON.
#[cold]
fn unicode_escape_into(
    bytes: &[u8],
    read: usize,
    out: &mut [u8],
    write: usize,
) -> Result<(usize, usize), NotAString> {
    if bytes.get(read + 1) != Some(&b'u') {
        return Err(NotAString::BadEscape);
    }
    let (decoded, len) = unicode_escape(bytes, read)?;
    let encoded = decoded.len_utf8();
    let target = out
        .get_mut(write..write + encoded)
        .ok_or(NotAString::BadEscape)?;
    decoded.encode_utf8(target);
    Ok((read + len, write + encoded))
}

/// The character of the `\uXXXX` escape at `at` (two escapes for a surrogate pair), and how
/// many bytes it takes.
fn unicode_escape(bytes: &[u8], at: usize) -> Result<(char, usize), NotAString> {
    let first = hex4(bytes, at + 2)?;
    if (0xD800..0xDC00).contains(&first) {
        // A high surrogate must be followed by an escaped low surrogate.
        if bytes.get(at + 6..at + 8) != Some(b"\\u") {
            return Err(NotAString::LoneSurrogate);
        }
        let second = hex4(bytes, at + 8)?;
        if !(0xDC00..0xE000).contains(&second) {
            return Err(NotAString::LoneSurrogate);
        }
        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
        Ok((char::from_u32(code).ok_or(NotAString::BadEscape)?, 12))
    } else {
        // Only a low surrogate (DC00-DFFF) is not a char here.
        Ok((char::from_u32(first).ok_or(NotAString::LoneSurrogate)?, 6))
    }
}

/// The value with white space outside strings removed, borrowed when it has none.
pub(crate) fn minify(raw: &str) -> Cow<'_, str> {
    let bytes = raw.as_bytes();
    if !bytes
        .iter()
        .any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut pos = 0;
    while pos < bytes.len() {
        match bytes[pos] {
            b'"' => {
                let end = string_end(bytes, pos).unwrap_or(bytes.len());
                out.push_str(&raw[pos..end]);
                pos = end;
            }
            b' ' | b'\t' | b'\n' | b'\r' => pos += 1,
            _ => {
                let next = bytes[pos..]
                    .iter()
                    .position(|b| matches!(b, b'"' | b' ' | b'\t' | b'\n' | b'\r'))
                    .map_or(bytes.len(), |n| pos + n);
                out.push_str(&raw[pos..next]);
                pos = next;
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn field_pairs(text: &str) -> Vec<(String, String)> {
        fields(trim(text))
            .map(|f| {
                let (k, v) = f.expect("valid JSON");
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }

    #[test]
    fn reads_fields_and_skips_nested_values() {
        let text = r#" { "a" : [1, {"b": "]}\"x"}], "c":"d\\", "e": -1.5e3 , "f":null,"g":{}} "#;
        assert_eq!(
            field_pairs(text),
            [
                ("a".into(), r#"[1, {"b": "]}\"x"}]"#.into()),
                ("c".into(), r#""d\\""#.into()),
                ("e".into(), "-1.5e3".into()),
                ("f".into(), "null".into()),
                ("g".into(), "{}".into()),
            ]
        );
        assert!(field_pairs("{}").is_empty());
        assert!(field_pairs("{ }").is_empty());
    }

    #[test]
    fn strings_end_at_their_closing_quote_whatever_their_length() {
        // Escapes at every position of strings up to 40 bytes long.
        for len in 0..40 {
            for escape_at in 0..len {
                let mut content = "x".repeat(len);
                content.replace_range(escape_at..=escape_at, "\\\"");
                let text = format!("\"{content}\",1");
                let expected = text.len() - 2;
                assert_eq!(string_end(text.as_bytes(), 0), Some(expected), "{text}");
                assert_eq!(value_len(&text), Some(expected), "{text}");
            }
        }
        assert_eq!(string_end(br#""abc"#, 0), None);
        assert_eq!(string_end(br#""abc\"#, 0), None);
    }

    #[test]
    fn reads_elements() {
        let all: Vec<_> = elements(r#"[ 1 ,"a,b" , [2,[3]], {"x":[]}, true ]"#)
            .map(Option::unwrap)
            .collect();
        assert_eq!(all, ["1", r#""a,b""#, "[2,[3]]", r#"{"x":[]}"#, "true"]);
        assert_eq!(elements("[]").count(), 0);
        assert_eq!(elements("[ ]").count(), 0);
    }

    #[test]
    fn broken_text_yields_none_and_stops() {
        assert_eq!(fields(r#"{"a": "unterminated"#).collect::<Vec<_>>(), [None]);
        assert_eq!(fields(r#"{"a" 1}"#).collect::<Vec<_>>(), [None]);
        assert_eq!(elements(r#"[{"a": 1"#).collect::<Vec<_>>(), [None]);
        assert_eq!(fields("[1]").count(), 0);
    }

    #[test]
    fn the_walk_of_members_knows_which_keys_hold_an_escape() {
        let names = ["body", "id"];
        let text = r#"{"body":1, "b\u006fdy":2,"\"":3,"x\\":4,"id\"":5, "idx":6,"id":7}"#;
        let mut fields = fields(text);
        let mut seen = Vec::new();
        while let Some(field) = fields.next_key() {
            let (key, value_on) = field.expect("valid JSON");
            let position = fields.key_position(key, &names);
            seen.push((key, fields.key_is_plain(), position));
            fields.skip_value(value_len(value_on).expect("a value"));
        }
        assert_eq!(
            seen,
            [
                ("body", true, Some(0)),
                (r"b\u006fdy", false, Some(0)),
                (r#"\""#, false, None),
                (r"x\\", false, None),
                (r#"id\""#, false, None),
                ("idx", true, None),
                ("id", true, Some(1)),
            ]
        );
        assert_eq!(fields.end(), Some(text.len()));
    }

    #[test]
    fn keys_are_found_written_plainly_or_with_escapes() {
        let names = ["body", "messageId", "id"];
        assert_eq!(key_position("body", &names), Some(0));
        assert_eq!(key_position("id", &names), Some(2));
        assert_eq!(key_position(r"\u0062ody", &names), Some(0));
        assert_eq!(key_position(r"message\u0049d", &names), Some(1));
        assert_eq!(key_position(r"\u0069d", &names), Some(2));
        assert_eq!(
            key_position(r"\u0069", &names),
            None,
            "a shorter name is no match"
        );
        assert_eq!(key_position("bodies", &names), None);
        assert_eq!(key_position("x", &names), None);
        assert_eq!(
            key_position(r"bo\dy", &names),
            None,
            "an escape that is not JSON"
        );
        assert_eq!(key_position(r"\u0062\u006f\u0064\u0079", &names), Some(0));
    }

    #[test]
    fn unescapes_like_serde() {
        for text in [
            r#""plain""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u4e2d\ud83d\ude00""#,
            r#""{\"item\": {\"laptop\": \"amd\"}}""#,
        ] {
            let ours = string(text).unwrap();
            let theirs: String = serde_json::from_str(text).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
        assert_eq!(
            string(r#""\ud83d""#),
            Err(NotAString::LoneSurrogate),
            "lone surrogate"
        );
        assert_eq!(
            string(r#""a\ud800b""#),
            Err(NotAString::LoneSurrogate),
            "lone high surrogate"
        );
        assert_eq!(
            string(r#""\udc00""#),
            Err(NotAString::LoneSurrogate),
            "lone low surrogate"
        );
        assert_eq!(
            string(r#""\ud83d\u0041""#),
            Err(NotAString::LoneSurrogate),
            "unpaired surrogate"
        );
        assert_eq!(string(r#""\x""#), Err(NotAString::BadEscape));
        assert_eq!(string(r#""\u12""#), Err(NotAString::BadEscape));
        assert_eq!(
            string(r#""\u+041""#),
            Err(NotAString::BadEscape),
            "a sign is no digit"
        );
        assert_eq!(string("12"), Err(NotAString::Kind(Kind::Number)));
        assert_eq!(string("{}"), Err(NotAString::Kind(Kind::Object)));
        assert_eq!(
            NotAString::LoneSurrogate.describe(),
            r"holds a lone surrogate escape (a \uD800-\uDFFF escape without its pair), which is not valid Unicode"
        );
    }

    #[test]
    fn keys_compare_after_unescaping() {
        assert!(key_is("messageId", "messageId"));
        assert!(key_is(r"message\u0049d", "messageId"));
        assert!(!key_is("messageid", "messageId"));
    }

    #[test]
    fn minifies_outside_strings_only() {
        assert!(matches!(minify(r#"{"N":"1"}"#), Cow::Borrowed(_)));
        assert_eq!(
            minify("{ \"S\" : \"a b\" ,\n \"N\": 1 }"),
            r#"{"S":"a b","N":1}"#
        );
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            // Exact binary fractions: serde_json's own float printing does not round-trip all.
            (-100_000i64..100_000).prop_map(|i| Value::from(i as f64 / 8.0)),
            ".*".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(".*", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Text that starts like a JSON string (mostly): plain runs, every kind of escape, valid or
    /// not, surrogates paired or lone, quotes, and text after the string.
    fn string_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-z {}:,é中😀]{0,12}",
            Just("\\\"".to_owned()),
            Just("\\\\".to_owned()),
            Just("\\n".to_owned()),
            Just("\\/".to_owned()),
            Just("\\u00e9".to_owned()),
            Just("\\ud83d\\ude00".to_owned()),
            Just("\\ud83d".to_owned()),
            Just("\\udc00".to_owned()),
            Just("\\u12".to_owned()),
            Just("\\u+041".to_owned()),
            Just("\\x".to_owned()),
            Just("\\".to_owned()),
            Just("\"".to_owned()),
        ];
        (
            prop_oneof![9 => Just("\""), 1 => Just(""), 1 => Just("{")],
            prop::collection::vec(piece, 0..12),
        )
            .prop_map(|(open, pieces)| format!("{open}{}", pieces.concat()))
    }

    /// A `\uXXXX` escape decodes wherever it falls against the scratch buffer's length, which
    /// starts at 256 bytes and doubles: a character of four bytes written near its end makes
    /// room rather than reading as a bad escape.
    #[test]
    fn an_escaped_character_decodes_at_every_offset_of_the_scratch_buffer() {
        for escape in ["\\ud83d\\ude00", "\\u00e9", "\\u20ac", "\\n"] {
            let expected: String = serde_json::from_str(&format!("\"{escape}\"")).unwrap();
            for before in 0..600 {
                let raw = format!("\"{}{escape}z\", \"next\": 1}}", "a".repeat(before));
                let mut scratch = Vec::new();
                let mut out = String::new();
                let len = decode_string_into(&raw, &mut scratch, &mut out);
                assert_eq!(
                    len,
                    Some(before + escape.len() + 3),
                    "{escape} after {before}"
                );
                assert_eq!(out, format!("{}{expected}z", "a".repeat(before)));
            }
        }
    }

    proptest! {
        /// The word-at-a-time searches find what a byte loop finds, from any start.
        #[test]
        fn word_searches_match_a_byte_loop(
            bytes in proptest::collection::vec(prop_oneof![Just(b'"'), Just(b'\\'), Just(b'a'), Just(0x01u8), Just(0x1fu8), Just(0x20u8), Just(b'#'), Just(0x5du8), Just(0x9fu8), any::<u8>()], 0..40),
            start in 0usize..44,
        ) {
            let naive = |stop: &dyn Fn(u8) -> bool| {
                bytes.get(start..).and_then(|tail| tail.iter().position(|b| stop(*b))).map(|at| start + at)
            };
            prop_assert_eq!(quote_or_backslash(&bytes, start), naive(&|b| b == b'"' || b == b'\\'));
            prop_assert_eq!(string_stop(&bytes, start), naive(&|b| b == b'"' || b == b'\\' || b < 0x20));
            // The end of a string opened at `start`: its first quote that no backslash escapes.
            let mut at = start + 1;
            let end = loop {
                match bytes.get(at) {
                    None => break None,
                    Some(b'"') => break Some(at + 1),
                    Some(b'\\') => at += 2,
                    Some(_) => at += 1,
                }
            };
            prop_assert_eq!(string_end(&bytes, start), end);
        }

        /// A container's length is the length of its text, whatever strings it holds: short
        /// ones (one character, empty, an escaped quote) where the walk takes a shortcut, and
        /// others; and the text may go on after it.
        #[test]
        fn a_container_ends_where_its_text_ends(
            items in proptest::collection::vec(
                prop_oneof![
                    Just(r#""a""#),
                    Just(r#""""#),
                    Just(r#""\"""#),
                    Just(r#""\\""#),
                    Just(r#""ab""#),
                    Just(r#"{"S":"x"}"#),
                    Just(r#"{"a":[]}"#),
                    Just("[1]"),
                    Just("7"),
                ],
                0..8,
            ),
            object in any::<bool>(),
        ) {
            let text = if object {
                let members: Vec<String> =
                    items.iter().map(|item| format!(r#""k":{item}"#)).collect();
                format!("{{{}}}", members.join(","))
            } else {
                format!("[{}]", items.join(","))
            };
            prop_assert_eq!(value_len(&format!("{text},\"b\"]")), Some(text.len()), "{}", text);
        }

        /// Decoding a string in the pass that finds its end gives what finding its end, then
        /// decoding it, gives: the same length and text, or `None` with nothing written. One
        /// scratch buffer serves both strings, so what the first left in it cannot leak.
        #[test]
        fn decoding_while_finding_the_end_matches_doing_both(
            first in string_like(),
            second in string_like(),
        ) {
            let mut scratch = Vec::new();
            for raw in [&first, &second] {
                let expected = value_len(raw)
                    .filter(|_| raw.starts_with('"'))
                    .and_then(|len| string(&raw[..len]).ok().map(|text| (len, text.into_owned())));
                let mut out = String::from("kept");
                let len = decode_string_into(raw, &mut scratch, &mut out);
                let actual = len.map(|len| (len, out["kept".len()..].to_owned()));
                prop_assert_eq!(&actual, &expected, "{:?}", raw);
                if actual.is_none() {
                    prop_assert_eq!(out, "kept");
                }
                // Both share the word-at-a-time loop, so serde_json has the last word on what
                // the string holds.
                if let Some(len) = value_len(raw).filter(|_| raw.starts_with('"')) {
                    let theirs = serde_json::from_str::<String>(&raw[..len]).ok();
                    prop_assert_eq!(actual.map(|(_, text)| text), theirs, "{:?}", raw);
                }
            }
        }

        /// On any valid JSON object, the scanner finds the same members as serde_json, pretty
        /// printed or not, and every value it returns parses to the member's value.
        #[test]
        fn agrees_with_serde(map in prop::collection::btree_map(".*", json_value(), 0..8), pretty in any::<bool>()) {
            let object = Value::Object(map.into_iter().collect());
            let text = if pretty { serde_json::to_string_pretty(&object) } else { serde_json::to_string(&object) }.unwrap();
            let found: Vec<(String, Value)> = fields(trim(&text))
                .map(|f| {
                    let (k, v) = f.expect("valid JSON");
                    (string(&format!("\"{k}\"")).unwrap().into_owned(), serde_json::from_str(v).unwrap())
                })
                .collect();
            let expected: Vec<(String, Value)> = object.as_object().unwrap().clone().into_iter().collect();
            prop_assert_eq!(found, expected);
        }

        /// Escapes every few bytes, as in a body that holds JSON, across word boundaries.
        #[test]
        fn dense_escapes_agree_with_serde(s in "[a\"\\\\\n/é😀\u{1}]{0,40}") {
            let text = serde_json::to_string(&s).unwrap();
            prop_assert_eq!(string(&text).unwrap(), s.as_str());
        }

        #[test]
        fn strings_agree_with_serde(s in ".*") {
            let text = serde_json::to_string(&s).unwrap();
            prop_assert_eq!(string(&text).unwrap(), s.as_str());
            let ascii = serde_json::to_string(&s).unwrap().chars().flat_map(|c| {
                if c.is_ascii() { vec![c] } else {
                    let mut buf = [0u16; 2];
                    c.encode_utf16(&mut buf).iter().flat_map(|u| format!("\\u{u:04x}").chars().collect::<Vec<_>>()).collect()
                }
            }).collect::<String>();
            prop_assert_eq!(string(&ascii).unwrap(), s.as_str());
        }
    }
}
