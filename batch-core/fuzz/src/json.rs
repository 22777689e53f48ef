//! A slow and obvious JSON reader for the reference model.
//!
//! `serde_json::Value` keeps only the last of two members with the same name, turns numbers
//! into `f64`, and refuses strings that hold a lone surrogate escape. The model needs all three
//! as they are written, so it reads the text with this: objects keep every member in order,
//! numbers keep their text, and a string that is not valid Unicode is kept as such.
//! It reads only text that serde_json has already accepted, so it is lenient on the grammar.

/// A JSON value as written.
#[derive(Debug)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    /// The number's text, exactly as written.
    Number(&'a str),
    String(Text<'a>),
    Array(Vec<Json<'a>>),
    /// Every member in order, duplicates included.
    Object(Vec<(Text<'a>, Json<'a>)>),
}

/// A string: its text between the quotes and its value.
#[derive(Debug)]
pub struct Text<'a> {
    pub raw: &'a str,
    /// `None` when it holds a lone surrogate escape (not valid Unicode).
    pub value: Option<String>,
}

impl Text<'_> {
    /// Whether this member name is `name`, however it is spelled.
    pub fn is(&self, name: &str) -> bool {
        self.value.as_deref() == Some(name)
    }

    /// What tells two member names apart: the value, or the raw text when there is none.
    pub fn identity(&self) -> &str {
        self.value.as_deref().unwrap_or(self.raw)
    }
}

/// Reads the value at the start of `text` (white space around allowed, text after it ignored,
/// as lambda_runtime's decoder ignores it). `None` when it cannot be read or nests deeper than
/// serde_json allows.
pub fn parse_prefix(text: &str) -> Option<Json<'_>> {
    let mut reader = Reader { text, pos: 0 };
    reader.value(0)
}

/// serde_json's recursion limit.
const MAX_DEPTH: usize = 128;

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Json<'a>> {
        self.skip_ws();
        match self.peek()? {
            b'{' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.pos += 1;
                let mut members = Vec::new();
                self.skip_ws();
                if self.peek()? == b'}' {
                    self.pos += 1;
                    return Some(Json::Object(members));
                }
                loop {
                    self.skip_ws();
                    let name = self.string()?;
                    self.eat(b':')?;
                    members.push((name, self.value(depth + 1)?));
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b'}' => {
                            self.pos += 1;
                            return Some(Json::Object(members));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.peek()? == b']' {
                    self.pos += 1;
                    return Some(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b']' => {
                            self.pos += 1;
                            return Some(Json::Array(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(Json::String),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            _ => {
                let start = self.pos;
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.pos += 1;
                }
                (self.pos > start).then(|| Json::Number(&self.text[start..self.pos]))
            }
        }
    }

    fn literal(&mut self, word: &str, value: Json<'a>) -> Option<Json<'a>> {
        self.text[self.pos..].starts_with(word).then(|| {
            self.pos += word.len();
            value
        })
    }

    /// A string at the current position (its opening quote).
    fn string(&mut self) -> Option<Text<'a>> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        let mut units: Vec<u16> = Vec::new();
        let mut at = start;
        let bytes = self.text.as_bytes();
        loop {
            match *bytes.get(at)? {
                b'"' => break,
                b'\\' => {
                    let escaped = *bytes.get(at + 1)?;
                    at += 2;
                    let unit = match escaped {
                        b'"' => u16::from(b'"'),
                        b'\\' => u16::from(b'\\'),
                        b'/' => u16::from(b'/'),
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => u16::from(b'\n'),
                        b'r' => u16::from(b'\r'),
                        b't' => u16::from(b'\t'),
                        b'u' => {
                            let hex = self.text.get(at..at + 4)?;
                            at += 4;
                            u16::from_str_radix(hex, 16).ok()?
                        }
                        _ => return None,
                    };
                    units.push(unit);
                }
                _ => {
                    // One whole character (the text is valid UTF-8).
                    let ch = self.text[at..].chars().next()?;
                    let mut buffer = [0u16; 2];
                    units.extend_from_slice(ch.encode_utf16(&mut buffer));
                    at += ch.len_utf8();
                }
            }
        }
        self.pos = at + 1;
        Some(Text {
            raw: &self.text[start..at],
            value: String::from_utf16(&units).ok(),
        })
    }
}

/// The members of an object named `name`, in order.
pub fn members<'j, 'a>(
    members: &'j [(Text<'a>, Json<'a>)],
    name: &'j str,
) -> impl Iterator<Item = &'j Json<'a>> + 'j {
    members
        .iter()
        .filter(move |(key, _)| key.is(name))
        .map(|(_, value)| value)
}

/// A member of a record as a reader of its header finds it.
pub enum Field<'j, 'a> {
    /// Missing or `null`.
    Absent,
    /// Named more than once (whatever the values).
    Twice,
    Present(&'j Json<'a>),
}

/// The member `name` of an object.
pub fn field<'j, 'a>(object: &'j [(Text<'a>, Json<'a>)], name: &'j str) -> Field<'j, 'a> {
    let mut found = members(object, name);
    match (found.next(), found.next()) {
        (Some(_), Some(_)) => Field::Twice,
        (Some(Json::Null), None) | (None, _) => Field::Absent,
        (Some(value), None) => Field::Present(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_duplicates_numbers_and_lone_surrogates() {
        let Some(Json::Object(members)) =
            parse_prefix(r#" {"a": 1.50, "\u0061" : "x\/\ud800", "b": [true, null]} tail"#)
        else {
            panic!("not an object")
        };
        assert_eq!(members.len(), 3);
        assert!(matches!(members[0].1, Json::Number("1.50")));
        assert!(members[1].0.is("a"));
        let Json::String(text) = &members[1].1 else {
            panic!("not a string")
        };
        assert_eq!(text.raw, r"x\/\ud800");
        assert!(text.value.is_none());
        assert!(matches!(field(&members, "a"), Field::Twice));
    }

    #[test]
    fn reads_surrogate_pairs_and_refuses_deep_nesting() {
        let Some(Json::String(text)) = parse_prefix(r#""\ud83d\ude00""#) else {
            panic!("not a string")
        };
        assert_eq!(text.value.as_deref(), Some("\u{1F600}"));
        assert!(parse_prefix(&"[".repeat(MAX_DEPTH + 1)).is_none());
    }
}
