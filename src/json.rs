//! A small JSON reader for untrusted text, and the typed reading of its values.
//!
//! Why not `serde_json` here: API bodies are written by millions of people and pass
//! through two services, so reading must be tolerant where real encoders are sloppy and
//! must never trap, while the WebAssembly stays small. This reader:
//!
//! * never panics, whatever the input (checked indexing only; depth capped at
//!   [`MAX_DEPTH`], so hostile nesting cannot exhaust the stack);
//! * reads lone UTF-16 surrogates (`"\ud83d"`, text cut mid-emoji) as U+FFFD instead
//!   of failing the whole body;
//! * keeps numbers as their text, so 19-digit ids stay exact and no float parser is
//!   compiled in ([`Json::as_u64`] reads whole numbers);
//! * for duplicate keys, the last one wins, as in the engine's `JSON.parse`.
//!
//! [`Obj`] and the [`FromJson`] trait read typed values out of a parsed document, with
//! `null` meaning "absent" for every optional field, and errors that name the JSON path
//! that failed (`invitations[3].profile.firstName`).

use std::fmt;

/// The deepest nesting accepted; API bodies use four levels.
pub const MAX_DEPTH: usize = 64;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its text (`-12`, `7455891636745551899`, `1.5e3`).
    Num(String),
    /// A string, unescaped.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object's members, in document order.
    Obj(Vec<(String, Json)>),
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The byte offset where reading stopped.
    pub offset: usize,
    /// What was expected there.
    pub expected: &'static str,
}

impl ParseError {
    /// `expected … at byte …`: what `Display` writes (built without `format!`).
    pub fn describe(&self) -> String {
        ["expected ", self.expected, " at byte ", &decimal(self.offset as u64)].concat()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Parses a whole JSON text (surrounding whitespace allowed).
///
/// # Errors
/// [`ParseError`] for anything that is not one JSON value, or nesting deeper than
/// [`MAX_DEPTH`].
pub fn parse(text: &str) -> Result<Json, ParseError> {
    // A byte-order mark is not JSON, but some servers send one: skip it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser { text, bytes: text.as_bytes(), pos: 0 };
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.fail("the end of the text"));
    }
    Ok(value)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl Parser<'_> {
    fn fail(&self, expected: &'static str) -> ParseError {
        ParseError { offset: self.pos, expected }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, word: &'static str) -> Result<(), ParseError> {
        let end = self.pos.saturating_add(word.len());
        if self.bytes.get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(())
        } else {
            Err(self.fail(word))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.fail("less nesting"));
        }
        self.skip_ws();
        match self.peek() {
            Some(b'n') => self.eat("null").map(|()| Json::Null),
            Some(b't') => self.eat("true").map(|()| Json::Bool(true)),
            Some(b'f') => self.eat("false").map(|()| Json::Bool(false)),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'[') => self.array(depth),
            Some(b'{') => self.object(depth),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.fail("a JSON value")),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.pos += 1; // [
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Arr(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Arr(items));
                }
                _ => return Err(self.fail("',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.pos += 1; // {
        let mut members: Vec<(String, Json)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Obj(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.fail("a member name"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.fail("':'"));
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            // The last duplicate wins, as in JSON.parse.
            members.retain(|(k, _)| *k != key);
            members.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Obj(members));
                }
                _ => return Err(self.fail("',' or '}'")),
            }
        }
    }

    fn number(&mut self) -> Result<Json, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        self.digits();
        if self.pos == int_start {
            return Err(self.fail("a digit"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let frac = self.pos;
            self.digits();
            if self.pos == frac {
                return Err(self.fail("a digit"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            let exp = self.pos;
            self.digits();
            if self.pos == exp {
                return Err(self.fail("a digit"));
            }
        }
        // Every byte consumed is ASCII, so both ends are character boundaries.
        let text = self.text.get(start..self.pos).ok_or_else(|| self.fail("a number"))?;
        Ok(Json::Num(text.to_string()))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = self.peek().and_then(|b| char::from(b).to_digit(16)).ok_or_else(|| self.fail("4 hex digits"))?;
            n = n * 16 + d;
            self.pos += 1;
        }
        Ok(n)
    }

    /// A string; the opening quote is at `pos`.
    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1; // "
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote or backslash (both ASCII, so the run
            // ends on a character boundary of the valid UTF-8 input).
            let run = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(run..self.pos).ok_or_else(|| self.fail("text"))?);
            match self.peek() {
                None => return Err(self.fail("'\"'")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                _ => {
                    self.pos += 1; // backslash
                    let escape = self.peek().ok_or_else(|| self.fail("an escape"))?;
                    self.pos += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let c = self.unicode_escape()?;
                            out.push(c);
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.fail("a valid escape"));
                        }
                    }
                }
            }
        }
    }

    /// After `\u`: one code point, a surrogate pair, or U+FFFD for a lone surrogate.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        match first {
            0xD800..=0xDBFF => {
                // A high surrogate: a low one must follow as `\uDC00`..`\uDFFF`.
                let rest = self.bytes.get(self.pos..self.pos.saturating_add(2));
                if rest == Some(b"\\u".as_slice()) {
                    let save = self.pos;
                    self.pos += 2;
                    let second = self.hex4()?;
                    if (0xDC00..=0xDFFF).contains(&second) {
                        let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        return Ok(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    // Not a low surrogate: this one is lone; read the next escape anew.
                    self.pos = save;
                }
                Ok(char::REPLACEMENT_CHARACTER)
            }
            0xDC00..=0xDFFF => Ok(char::REPLACEMENT_CHARACTER),
            c => Ok(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
    }
}

impl Json {
    /// A short name of the value's type, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Num(_) => "a number",
            Json::Str(_) => "text",
            Json::Arr(_) => "a list",
            Json::Obj(_) => "an object",
        }
    }

    /// The member `key` of an object (`None` for other values).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A whole, non-negative number (or its text) that fits in a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Num(n) | Json::Str(n) => {
                let n = n.trim();
                (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then(|| n.parse().ok()).flatten()
            }
            _ => None,
        }
    }

    /// The elements of an array value.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(items) => Some(items),
            _ => None,
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Serializes back to JSON text (numbers as they were read).
    pub fn to_text(&self) -> String {
        self.to_json()
    }
}

impl ToJson for Json {
    fn write_json(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => b.write_json(out),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => write_string(out, s),
            Json::Arr(items) => items.write_json(out),
            Json::Obj(members) => {
                let mut o = JsonObject::new(out);
                for (k, v) in members {
                    o.field(k, v);
                }
                o.end();
            }
        }
    }
}

// ---- writing ---------------------------------------------------------------------------

/// A value handed to JavaScript as JSON text (then `JSON.parse`d by the engine): the
/// crate's own small writer, so no serializer framework is compiled into the
/// WebAssembly. Field names are the camelCase ones JavaScript reads; numbers are
/// written as whole numbers only (milliseconds through [`whole_ms`]), so no float
/// formatting is compiled in either. Strings are escaped as `serde_json` escapes them.
///
/// A new type writes its members with a [`JsonObject`]: [`JsonObject::field`] for a
/// member that is always present (`None` is `null`), [`JsonObject::opt`] for one left
/// out when `None`. Strings, `bool`, unsigned integers, `Option`, slices, `Vec`
/// and references already implement it.
///
/// ```
/// use pending_core::json::{JsonObject, ToJson};
///
/// struct Item {
///     item_id: String,
///     pages: u32,
///     note: Option<String>,
/// }
///
/// impl ToJson for Item {
///     fn write_json(&self, out: &mut String) {
///         let mut o = JsonObject::new(out);
///         o.field("itemId", &self.item_id);
///         o.field("pages", &self.pages);
///         o.opt("note", &self.note); // left out when None
///         o.end();
///     }
/// }
///
/// let item = Item { item_id: "7\"".into(), pages: 2, note: None };
/// assert_eq!(item.to_json(), r#"{"itemId":"7\"","pages":2}"#);
/// assert_eq!(vec![Some(1u32), None].to_json(), "[1,null]");
/// ```
pub trait ToJson {
    /// Appends this value's JSON text to `out`.
    fn write_json(&self, out: &mut String);

    /// This value's JSON text.
    fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

/// Writes one JSON object's members into a [`ToJson::write_json`] output: created with
/// the opening `{`, closed with [`JsonObject::end`].
#[derive(Debug)]
pub struct JsonObject<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> JsonObject<'a> {
    /// Starts an object in `out`.
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        JsonObject { out, first: true }
    }

    /// Writes the member `key` (`null` for `None`).
    pub fn field(&mut self, key: &str, value: &dyn ToJson) -> &mut Self {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_string(self.out, key);
        self.out.push(':');
        value.write_json(self.out);
        self
    }

    /// Writes the member `key` when `value` is `Some`, and leaves it out otherwise.
    pub fn opt<T: ToJson>(&mut self, key: &str, value: &Option<T>) -> &mut Self {
        if let Some(v) = value {
            self.field(key, v);
        }
        self
    }

    /// Closes the object.
    pub fn end(self) {
        self.out.push('}');
    }
}

/// Milliseconds as a whole, non-negative number (`NaN` and negatives are 0):
/// JavaScript reads them the same, and no float formatting is compiled in.
pub fn whole_ms(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        ms.round() as u64
    } else {
        0
    }
}

/// `n` in decimal. Text is built with `push_str` and this, never `format!`: the
/// WebAssembly then compiles in none of `core::fmt`'s argument and integer formatting.
pub fn decimal(n: u64) -> String {
    let mut out = String::new();
    write_u64(&mut out, n);
    out
}

fn write_u64(out: &mut String, n: u64) {
    if n >= 10 {
        write_u64(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

impl ToJson for u64 {
    fn write_json(&self, out: &mut String) {
        write_u64(out, *self);
    }
}

impl ToJson for u32 {
    fn write_json(&self, out: &mut String) {
        write_u64(out, u64::from(*self));
    }
}

impl ToJson for u16 {
    fn write_json(&self, out: &mut String) {
        write_u64(out, u64::from(*self));
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_string(out, self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_string(out, self);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            v.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

/// A JSON string, escaped as `serde_json` escapes it: `"`, `\\`, and the control
/// characters (`\b \f \n \r \t` by name, the others as `\u00XX`).
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // Every escaped byte is ASCII, so both ends of the run are character boundaries.
        out.push_str(s.get(run..i).unwrap_or(""));
        run = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            for d in [b >> 4, b & 0xF] {
                out.push(char::from_digit(u32::from(d), 16).unwrap_or('0'));
            }
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.get(run..).unwrap_or(""));
    out.push('"');
}

/// Where a value sits in a document, built on the stack while reading and turned into
/// text only when something fails.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    /// The document itself.
    Root,
    /// A member of the object at the parent path.
    Key(&'a Path<'a>, &'a str),
    /// An element of the array at the parent path.
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// `invitations[3].profile.firstName`; empty for the root.
    pub fn render(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Key(parent, key) => {
                let mut s = parent.render();
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(key);
                s
            }
            Path::Index(parent, i) => [parent.render().as_str(), "[", &decimal(*i as u64), "]"].concat(),
        }
    }
}

/// Why a value could not be read as the type asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The JSON path of the value (`invitations[3].profile.firstName`).
    pub path: String,
    /// What was wrong (`expected text, found a number`).
    pub message: String,
}

impl ReadError {
    /// A value at `path` of the wrong kind.
    pub fn expected(path: &Path<'_>, what: &str, found: &Json) -> ReadError {
        ReadError { path: path.render(), message: ["expected ", what, ", found ", found.kind()].concat() }
    }
}

impl ReadError {
    /// `path: message` (the message alone at the root): what `Display` writes.
    pub fn describe(&self) -> String {
        if self.path.is_empty() {
            self.message.clone()
        } else {
            [self.path.as_str(), ": ", &self.message].concat()
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A type read from a parsed JSON value.
pub trait FromJson: Sized {
    /// Reads `value`, found at `path`.
    ///
    /// # Errors
    /// [`ReadError`] naming the path of the first value that could not be read.
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError>;
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        match value {
            Json::Arr(items) => {
                items.iter().enumerate().map(|(i, v)| T::from_json(v, &Path::Index(path, i))).collect()
            }
            other => Err(ReadError::expected(path, "a list", other)),
        }
    }
}

/// The members of one object, read by name. Every optional reader treats a missing
/// member and `null` alike as absent.
#[derive(Debug, Clone, Copy)]
pub struct Obj<'a> {
    members: &'a [(String, Json)],
    path: &'a Path<'a>,
}

impl<'a> Obj<'a> {
    /// `value` as an object, or a [`ReadError`] at `path`.
    ///
    /// # Errors
    /// When `value` is not an object.
    pub fn new(value: &'a Json, path: &'a Path<'a>) -> Result<Obj<'a>, ReadError> {
        match value {
            Json::Obj(members) => Ok(Obj { members, path }),
            other => Err(ReadError::expected(path, "an object", other)),
        }
    }

    /// The member `key`, `None` when missing or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Json> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| !matches!(v, Json::Null))
    }

    fn fail(&self, key: &str, what: &str, found: &Json) -> ReadError {
        ReadError::expected(&Path::Key(self.path, key), what, found)
    }

    /// Optional text; blank text is absent. Any other kind of value is an error.
    ///
    /// # Errors
    /// When the member is neither text nor absent.
    pub fn text(&self, key: &str) -> Result<Option<String>, ReadError> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::Str(s)) => Ok((!s.trim().is_empty()).then(|| s.clone())),
            Some(other) => Err(self.fail(key, "text", other)),
        }
    }

    /// Optional text from the first of `keys` that has some.
    ///
    /// # Errors
    /// As [`Obj::text`], for any of the keys.
    pub fn text_of(&self, keys: &[&str]) -> Result<Option<String>, ReadError> {
        for key in keys {
            if let Some(t) = self.text(key)? {
                return Ok(Some(t));
            }
        }
        Ok(None)
    }

    /// An optional id: text, or a whole number kept as its digits; blank is absent.
    ///
    /// # Errors
    /// For any other value (a fraction, a boolean, an object).
    pub fn id(&self, key: &str) -> Result<Option<String>, ReadError> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::Str(s)) => Ok((!s.trim().is_empty()).then(|| s.clone())),
            Some(n @ Json::Num(_)) => match n.as_u64() {
                Some(v) => Ok(Some(decimal(v))),
                None => Err(self.fail(key, "an id (text or a whole number)", n)),
            },
            Some(other) => Err(self.fail(key, "an id (text or a whole number)", other)),
        }
    }

    /// A required id, as [`Obj::id`].
    ///
    /// # Errors
    /// When it is missing, blank or not an id.
    pub fn required_id(&self, key: &str) -> Result<String, ReadError> {
        self.id(key)?.ok_or_else(|| ReadError {
            path: Path::Key(self.path, key).render(),
            message: "missing id".into(),
        })
    }

    /// An optional boolean; `"true"`/`"false"` text too; anything else is absent (for
    /// informational flags whose absence is a safe reading).
    pub fn flag(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Json::Bool(b) => Some(*b),
            Json::Str(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// An optional whole number (or numeric text); anything else is absent (for
    /// informational envelope numbers that paging never trusts blindly).
    pub fn count(&self, key: &str) -> Option<u64> {
        self.get(key)?.as_u64()
    }

    /// An optional nested value read as `T`; `null` is absent.
    ///
    /// # Errors
    /// The nested value's [`ReadError`].
    pub fn nested<T: FromJson>(&self, key: &str) -> Result<Option<T>, ReadError> {
        match self.members.iter().find(|(k, _)| k == key).map(|(_, v)| v) {
            None | Some(Json::Null) => Ok(None),
            Some(v) => T::from_json(v, &Path::Key(self.path, key)).map(Some),
        }
    }

    /// The path of this object.
    pub fn path(&self) -> &'a Path<'a> {
        self.path
    }
}

// ---- the bridge to serde (while the crate moves to it) ---------------------------

/// Reads `T` with serde from a parsed [`Json`] value found at `path`: the path of a
/// failure is `path` followed by serde's path inside the value.
///
/// # Errors
/// [`ReadError`] naming the path of the first value that could not be read.
pub fn read_serde<T: serde::de::DeserializeOwned>(value: &Json, path: &Path<'_>) -> Result<T, ReadError> {
    let text = value.to_text();
    let mut de = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = path.render();
        let below = e.path().to_string();
        let path = match (inner.is_empty(), below == ".") {
            (_, true) => inner,
            (true, false) => below,
            (false, false) if below.starts_with('[') => [inner.as_str(), &below].concat(),
            (false, false) => [inner.as_str(), ".", &below].concat(),
        };
        ReadError { path, message: serde_message(e.inner()) }
    })
}

/// serde_json's message without its ` at line 1 column 5` (the path says where).
pub fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if e.line() == 0 {
        return text;
    }
    let suffix = [" at line ", &decimal(e.line() as u64), " column ", &decimal(e.column() as u64)].concat();
    text.strip_suffix(&suffix).map_or_else(|| text.clone(), str::to_string)
}

/// Writes `value` with serde (a serialization of the crate's own types cannot fail; an
/// impossible failure writes `null`).
pub fn write_serde<T: serde::Serialize + ?Sized>(value: &T, out: &mut String) {
    match serde_json::to_string(value) {
        Ok(text) => out.push_str(&text),
        Err(_) => out.push_str("null"),
    }
}

/// A parsed [`Json`] value as a `serde_json::Value` (the bridge for readers that
/// already take `serde_json::Value` while their callers still hold [`Json`]).
pub fn to_serde(value: &Json) -> serde_json::Value {
    serde_json::from_str(&value.to_text()).unwrap_or(serde_json::Value::Null)
}

/// A `serde_json::Value` as a parsed [`Json`] value (the other way of [`to_serde`]).
pub fn from_serde(value: &serde_json::Value) -> Json {
    parse(&value.to_string()).unwrap_or(Json::Null)
}

impl ToJson for serde_json::Value {
    fn write_json(&self, out: &mut String) {
        write_serde(self, out)
    }
}

/// Implements [`ToJson`] (and, with `read`, [`FromJson`]) through serde for types that
/// derive `Serialize` / `Deserialize`: the bridge while the crate moves to serde.
#[macro_export]
macro_rules! serde_bridge {
    (write: $($t:ty),+ $(,)?) => {
        $(impl $crate::json::ToJson for $t {
            fn write_json(&self, out: &mut String) {
                $crate::json::write_serde(self, out)
            }
        })+
    };
    (read: $($t:ty),+ $(,)?) => {
        $(impl $crate::json::FromJson for $t {
            fn from_json(value: &$crate::json::Json, path: &$crate::json::Path<'_>) -> Result<Self, $crate::json::ReadError> {
                $crate::json::read_serde(value, path)
            }
        })+
    };
    (both: $($t:ty),+ $(,)?) => {
        $crate::serde_bridge!(write: $($t),+);
        $crate::serde_bridge!(read: $($t),+);
    };
}

/// What a value writes, as a `serde_json::Value` (tests compare with `json!`).
#[cfg(test)]
pub(crate) fn to_value(v: &dyn ToJson) -> serde_json::Value {
    serde_json::from_str(&v.to_json()).unwrap()
}

/// Reads a `T` from a `serde_json::Value` (tests write their data with `json!`).
#[cfg(test)]
pub(crate) fn from_value<T: FromJson>(v: serde_json::Value) -> Result<T, ReadError> {
    let parsed = parse(&v.to_string()).map_err(|e| ReadError { path: String::new(), message: e.to_string() })?;
    T::from_json(&parsed, &Path::Root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Json {
        Json::Str(v.into())
    }

    #[test]
    fn parses_every_kind_of_value() {
        let v = parse(r#" {"a": [1, -2.5e3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9"], "b": {}} "#).unwrap();
        let a = v.get("a").unwrap();
        assert_eq!(
            *a,
            Json::Arr(vec![
                Json::Num("1".into()),
                Json::Num("-2.5e3".into()),
                Json::Bool(true),
                Json::Bool(false),
                Json::Null,
                s("x\"\\/\u{8}\u{c}\n\r\té")
            ])
        );
        assert_eq!(v.get("b"), Some(&Json::Obj(vec![])));
    }

    #[test]
    fn ids_keep_every_digit() {
        let v = parse(r#"{"id": 7455891636745551899}"#).unwrap();
        assert_eq!(v.get("id").unwrap().as_u64(), Some(7_455_891_636_745_551_899));
        assert_eq!(parse("1.5").unwrap().as_u64(), None);
        assert_eq!(parse("-1").unwrap().as_u64(), None);
        assert_eq!(parse("99999999999999999999999").unwrap().as_u64(), None, "too big for u64");
    }

    #[test]
    fn surrogates_pair_up_or_become_replacement_characters() {
        assert_eq!(parse(r#""\ud83d\ude00""#).unwrap(), s("😀"));
        assert_eq!(parse(r#""cut \ud83d""#).unwrap(), s("cut \u{fffd}"));
        assert_eq!(parse(r#""\ude00 low""#).unwrap(), s("\u{fffd} low"));
        assert_eq!(parse(r#""\ud83d\u0041""#).unwrap(), s("\u{fffd}A"));
        assert_eq!(parse(r#""\ud83d\ud83d\ude00""#).unwrap(), s("\u{fffd}😀"));
    }

    #[test]
    fn refuses_what_is_not_json_without_panicking() {
        for bad in [
            "", " ", "{", "[", "[1,", "{\"a\"", "{\"a\":", "{\"a\":1,}", "[1 2]", "nul", "tru", "-", "1.", "1e", "01x",
            "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud83d\\u12\"", "{1:2}", "<html>", "[]]",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse("\u{feff}{}").unwrap(), Json::Obj(vec![]), "a byte-order mark is skipped");
        let deep = "[".repeat(10_000);
        assert_eq!(parse(&deep).unwrap_err().expected, "less nesting");
        let e = parse("{\"a\": x}").unwrap_err();
        assert_eq!((e.offset, e.to_string().as_str()), (6, "expected a JSON value at byte 6"));
    }

    #[test]
    fn duplicate_keys_last_wins() {
        assert_eq!(parse(r#"{"a": 1, "a": 2}"#).unwrap().get("a"), Some(&Json::Num("2".into())));
    }

    #[test]
    fn text_round_trips() {
        let text = r#"{"a":[1,-2.5e3,true,null,"q\"\n\u0001é"],"b":{"c":"d"}}"#;
        let v = parse(text).unwrap();
        assert_eq!(parse(&v.to_text()).unwrap(), v);
    }

    #[test]
    fn object_readers_treat_null_as_absent_and_name_paths() {
        let v = parse(r#"{"name": "Ana", "blank": "  ", "nul": null, "num": 42, "id": 123, "frac": 1.5, "flag": "true", "n": "12"}"#)
            .unwrap();
        let root = Path::Root;
        let items = Path::Key(&root, "invitations");
        let item = Path::Index(&items, 3);
        let o = Obj::new(&v, &item).unwrap();
        assert_eq!(o.text("name").unwrap().as_deref(), Some("Ana"));
        assert_eq!(o.text("blank").unwrap(), None);
        assert_eq!(o.text("nul").unwrap(), None);
        assert_eq!(o.text("missing").unwrap(), None);
        let e = o.text("num").unwrap_err();
        assert_eq!(e.to_string(), "invitations[3].num: expected text, found a number");
        assert_eq!(o.id("id").unwrap().as_deref(), Some("123"));
        assert!(o.id("frac").is_err());
        assert_eq!(o.required_id("nul").unwrap_err().to_string(), "invitations[3].nul: missing id");
        assert_eq!((o.flag("flag"), o.flag("num"), o.count("n"), o.count("frac")), (Some(true), None, Some(12), None));
        assert!(Obj::new(&Json::Null, &root).is_err());
    }
}
