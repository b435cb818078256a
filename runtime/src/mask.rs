//! Hiding secrets that a server echoes back: in the `error_description` of an RFC 6749 §5.2
//! error, in an HTML error page, in a reflected request body or `Authorization` header.
//!
//! A [`SecretMask`] holds the secret values one request carried (client secret, refresh
//! token, API key, ...) and the literal forms they took on the wire (the base64 of HTTP Basic
//! credentials). [`SecretMask::hide`] replaces every *whole* occurrence of them in a text by
//! `***`, in whatever encoding the server echoed them:
//!
//! - as is, and each literal form (the Basic credentials, in the RFC 6749 §2.3.1 form and raw);
//! - percent-encoded or form-urlencoded (RFC 3986 §2.1, `+` for a space as in
//!   `application/x-www-form-urlencoded`);
//! - JSON-escaped (RFC 8259 §7: `\"`, `\/`, `\u002B`, surrogate pairs);
//! - HTML character references (`&amp;`, `&#43;`, `&#x2B;`, `&quot;`, every named one).
//!
//! The text is decoded once per encoding into a *view* that remembers where each decoded byte
//! came from, so a secret is found however its characters were escaped (all, some or none),
//! and the `***` replaces exactly the echoed bytes.
//!
//! **Whole occurrences only.** Plain substring replacement corrupts text and points at the
//! secret: with a secret `x`, `application/x-www-form-urlencoded` would print as
//! `application/***-www-form-urlencoded`. An occurrence is hidden only when neither neighbour
//! could continue it: a letter, digit, `-`, `_`, `~`, `+` or `%` next to it (or a `.` followed
//! by one, as inside a JWT or a host name) means the text is some other, longer value. Quotes,
//! spaces, `=`, `&`, `:`, `,`, `;`, `/`, brackets and the ends of the text delimit a value.
//!
//! **Long secrets** (at least [`MIN_ANYWHERE_CHARS`] characters, and the base64 of Basic
//! credentials) are hidden wherever they occur, glued to other text or not: no other value
//! contains so long a sequence by chance, so such an occurrence is the secret itself, and
//! leaving it would show all of it (`client secret 0123456789abcdef.Try again`,
//! `key=0123456789abcdef_rejected`).
//!
//! **Short secrets** (under [`MIN_WORD_CHARS`] characters) are hidden only where they stand as
//! a whole *value*: between quotes, after `=` and before `&` (a form or query value), or as the
//! whole text (a JSON string). Hiding every word `a` or `x` of prose would not protect a
//! three-character secret, and would show a reader what it is.
//!
//! **Cut text.** [`SecretMask::excerpt`] hides before it cuts, and then hides a tail of the cut
//! text that begins any form of a secret and is at least [`MIN_PARTIAL_CHARS`] long: no part of
//! a secret that long is shown at the cut.

use aho_corasick::AhoCorasick;
use base64::Engine as _;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

/// What a hidden value prints as.
pub const MASK: &str = "***";

/// Secrets shorter than this many characters are hidden only as whole values (see the module
/// documentation).
pub const MIN_WORD_CHARS: usize = 4;

/// Secrets (and literals) at least this many characters long are hidden wherever they occur,
/// not only as whole values (see the module documentation).
pub const MIN_ANYWHERE_CHARS: usize = 16;

/// The shortest beginning of a secret that [`SecretMask::excerpt`] hides at the cut.
pub const MIN_PARTIAL_CHARS: usize = 4;

/// RFC 3986 §2.3 unreserved characters stay as they are; everything else is percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The secret values of a request, and the text-hiding built from them. `Debug` shows only
/// how many values it holds.
#[derive(Clone, Default)]
pub struct SecretMask {
    /// Values as the caller gave them: found as is and in every decoded view of a text.
    secrets: Vec<String>,
    /// Forms found only literally: the base64 of Basic credentials.
    literals: Vec<String>,
    /// Built on first use, so that a mask nobody asks to hide anything costs nothing.
    searcher: OnceLock<Option<Searcher>>,
}

impl fmt::Debug for SecretMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretMask")
            .field("secrets", &self.secrets.len())
            .field("literals", &self.literals.len())
            .finish()
    }
}

impl SecretMask {
    /// A mask that hides nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether there is nothing to hide.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.literals.is_empty()
    }

    /// Hides `secret` in every encoding (see the module documentation).
    pub fn add_secret(&mut self, secret: &str) {
        if !secret.is_empty() && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_owned());
            self.searcher = OnceLock::new();
        }
    }

    /// Hides `literal` exactly as written (no decoding), such as a credential header value.
    pub fn add_literal(&mut self, literal: &str) {
        if !literal.is_empty() && !self.literals.iter().any(|s| s == literal) {
            self.literals.push(literal.to_owned());
            self.searcher = OnceLock::new();
        }
    }

    /// Hides HTTP Basic credentials (RFC 7617 §2): the password, and the base64 of
    /// `user:password` both as RFC 6749 §2.3.1 sends it (each part form-urlencoded first) and
    /// raw (curl `-u` style), with and without base64 padding. The user name alone is not
    /// secret.
    pub fn add_basic(&mut self, user: &str, password: &str) {
        self.add_secret(password);
        let form = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        for pair in [
            format!("{}:{}", form(user), form(password)),
            format!("{user}:{password}"),
        ] {
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            self.add_literal(encoded.trim_end_matches('='));
            self.add_literal(&encoded);
        }
    }

    /// Adds everything `other` hides.
    pub fn extend(&mut self, other: &SecretMask) {
        for secret in &other.secrets {
            self.add_secret(secret);
        }
        for literal in &other.literals {
            self.add_literal(literal);
        }
    }

    fn searcher(&self) -> Option<&Searcher> {
        self.searcher
            .get_or_init(|| Searcher::new(&self.secrets, &self.literals))
            .as_ref()
    }

    /// `text` with every whole occurrence of a secret, in any encoding, replaced by `***`.
    pub fn hide<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(searcher) = self.searcher() else {
            return Cow::Borrowed(text);
        };
        let mut found: Vec<Range<usize>> = Vec::new();
        let raw = View::raw(text);
        searcher.collect(&searcher.all, &raw, &mut found);
        // Each decoding only where the text holds what it decodes.
        if let Some(secrets) = &searcher.secrets {
            if text.contains(['%', '+']) {
                searcher.collect(secrets, &View::percent(text), &mut found);
            }
            if text.contains('\\') {
                searcher.collect(secrets, &View::json(text), &mut found);
            }
            if text.contains('&') {
                searcher.collect(secrets, &View::html(text), &mut found);
            }
        }
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        Cow::Owned(replace(text, found))
    }

    /// `text` cut after its last character that could begin a secret: a tail of at least
    /// [`MIN_PARTIAL_CHARS`] characters that is the beginning of a secret in any form (as is,
    /// percent- or form-encoded, JSON- or HTML-escaped, or a literal) is replaced by `***`.
    /// For text that was cut elsewhere; whole occurrences are [`hide`](Self::hide)'s.
    pub fn hide_tail<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(searcher) = self.searcher() else {
            return Cow::Borrowed(text);
        };
        let mut start = None;
        for form in &searcher.prefix_forms {
            // Longest first: the earliest start wins.
            let boundaries: Vec<usize> = form.char_indices().map(|(i, _)| i).skip(1).collect();
            let ends = boundaries.into_iter().chain([form.len()]).rev();
            for end in ends {
                let prefix = &form[..end];
                if prefix.chars().count() < MIN_PARTIAL_CHARS {
                    break;
                }
                if let Some(head) = text.strip_suffix(prefix)
                    && !continues_left(head)
                {
                    let at = head.len();
                    start = Some(start.map_or(at, |s: usize| s.min(at)));
                    break;
                }
            }
        }
        match start {
            Some(at) => Cow::Owned(format!("{}{MASK}", &text[..at])),
            None => Cow::Borrowed(text),
        }
    }

    /// The first `max_chars` characters of `text` with secrets hidden before the cut and at it;
    /// `…` marks a cut.
    pub fn excerpt(&self, text: &str, max_chars: usize) -> String {
        let hidden = self.hide(text);
        match hidden.char_indices().nth(max_chars) {
            None => hidden.into_owned(),
            Some((cut, _)) => {
                let mut out = self.hide_tail(&hidden[..cut]).into_owned();
                out.push('…');
                out
            }
        }
    }

    /// Hides secrets in every string of `value` (object keys are kept).
    pub fn hide_json(&self, value: &mut Value) {
        if self.is_empty() {
            return;
        }
        match value {
            Value::String(s) => {
                if let Cow::Owned(hidden) = self.hide(s) {
                    *s = hidden;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.hide_json(v)),
            Value::Object(map) => self.hide_map(map),
            _ => {}
        }
    }

    /// Hides secrets in every string value of `map`.
    pub fn hide_map(&self, map: &mut Map<String, Value>) {
        map.values_mut().for_each(|v| self.hide_json(v));
    }
}

/// The automata and prefix forms of one set of secrets.
#[derive(Clone)]
struct Searcher {
    /// Secrets then literals, searched in the text as is.
    all: AhoCorasick,
    /// Secrets only, searched in decoded views; `None` when there are only literals.
    secrets: Option<AhoCorasick>,
    /// Per pattern of `all` (secrets first): how it must stand to be hidden.
    kinds: Vec<Kind>,
    /// Every form a secret can take in text, for [`SecretMask::hide_tail`].
    prefix_forms: Vec<String>,
}

impl Searcher {
    fn new(secrets: &[String], literals: &[String]) -> Option<Searcher> {
        if secrets.is_empty() && literals.is_empty() {
            return None;
        }
        let all = AhoCorasick::new(secrets.iter().chain(literals)).ok()?;
        let secrets_only = if secrets.is_empty() {
            None
        } else {
            Some(AhoCorasick::new(secrets).ok()?)
        };
        let kinds = secrets
            .iter()
            .chain(literals)
            .map(|s| match s.chars().count() {
                n if n < MIN_WORD_CHARS => Kind::Short,
                n if n < MIN_ANYWHERE_CHARS => Kind::Word,
                _ => Kind::Long,
            })
            .collect();
        let mut prefix_forms: Vec<String> = Vec::new();
        for secret in secrets {
            let json = serde_json::to_string(secret).unwrap_or_default();
            prefix_forms.extend([
                secret.clone(),
                form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
                utf8_percent_encode(secret, COMPONENT).to_string(),
                utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string(),
                json.get(1..json.len().saturating_sub(1))
                    .unwrap_or_default()
                    .to_owned(),
                html_escape::encode_safe(secret).into_owned(),
            ]);
        }
        prefix_forms.extend(literals.iter().cloned());
        prefix_forms.sort();
        prefix_forms.dedup();
        Some(Searcher {
            all,
            secrets: secrets_only,
            kinds,
            prefix_forms,
        })
    }

    /// Adds to `found` the original byte ranges of the whole occurrences `automaton` finds in
    /// `view`. Pattern indices of `automaton` are those of `all` (secrets come first in both).
    fn collect(&self, automaton: &AhoCorasick, view: &View<'_>, found: &mut Vec<Range<usize>>) {
        for m in automaton.find_overlapping_iter(view.bytes.as_ref()) {
            let range = m.range();
            let kind = self
                .kinds
                .get(m.pattern().as_usize())
                .copied()
                .unwrap_or(Kind::Short);
            if view.counts(&range) && view.whole(&range, kind) {
                found.push(view.original(&range));
            }
        }
    }
}

/// How an occurrence of a secret must stand to be hidden (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Under [`MIN_WORD_CHARS`]: only as a whole value.
    Short,
    /// Only where no neighbour continues it.
    Word,
    /// At least [`MIN_ANYWHERE_CHARS`]: anywhere.
    Long,
}

/// A text as decoded by one encoding, with where each decoded byte came from.
struct View<'a> {
    bytes: Cow<'a, [u8]>,
    /// For decoded views: per decoded byte, its original byte range and the escape that
    /// produced it. Empty for the text as is.
    origin: Vec<(Range<usize>, Escape)>,
}

/// How a decoded byte was written in the text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Escape {
    /// As is.
    None,
    /// `+` for a space: only form-urlencoded text means that, and a `+` is as often part of a
    /// base64 value, so it counts only inside a match (a secret with a space in it).
    Plus,
    /// A percent-encoding, JSON escape or character reference.
    Code,
}

impl<'a> View<'a> {
    fn raw(text: &'a str) -> Self {
        View {
            bytes: Cow::Borrowed(text.as_bytes()),
            origin: Vec::new(),
        }
    }

    fn decoded() -> Self {
        View {
            bytes: Cow::Owned(Vec::new()),
            origin: Vec::new(),
        }
    }

    fn push(&mut self, bytes: &[u8], from: Range<usize>, escape: Escape) {
        self.bytes.to_mut().extend_from_slice(bytes);
        self.origin
            .extend(bytes.iter().map(|_| (from.clone(), escape)));
    }

    /// Percent-decoded, `+` as a space (RFC 3986 §2.1; HTML's form-urlencoded serializer).
    fn percent(text: &str) -> View<'static> {
        let bytes = text.as_bytes();
        let mut view = View::decoded();
        let mut i = 0;
        while i < bytes.len() {
            let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
            let escape = match (bytes[i], hex(i + 1), hex(i + 2)) {
                (b'%', Some(high), Some(low)) => u8::try_from(high * 16 + low)
                    .ok()
                    .map(|byte| (byte, 3, Escape::Code)),
                (b'+', ..) => Some((b' ', 1, Escape::Plus)),
                _ => None,
            };
            match escape {
                Some((byte, len, kind)) => {
                    view.push(&[byte], i..i + len, kind);
                    i += len;
                }
                None => {
                    view.push(&bytes[i..=i], i..i + 1, Escape::None);
                    i += 1;
                }
            }
        }
        view
    }

    /// JSON string escapes decoded (RFC 8259 §7).
    fn json(text: &str) -> View<'static> {
        let bytes = text.as_bytes();
        let mut view = View::decoded();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\\'
                && let Some((c, len)) = json_escape(&text[i..])
            {
                let mut buf = [0; 4];
                view.push(c.encode_utf8(&mut buf).as_bytes(), i..i + len, Escape::Code);
                i += len;
            } else {
                view.push(&bytes[i..=i], i..i + 1, Escape::None);
                i += 1;
            }
        }
        view
    }

    /// HTML character references decoded (named, decimal and hexadecimal, with `;`).
    fn html(text: &str) -> View<'static> {
        let bytes = text.as_bytes();
        let mut view = View::decoded();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'&'
                && let Some(len) = entity_len(&bytes[i..])
            {
                let reference = &text[i..i + len];
                let decoded = html_escape::decode_html_entities(reference);
                if decoded != reference {
                    view.push(decoded.as_bytes(), i..i + len, Escape::Code);
                    i += len;
                    continue;
                }
            }
            view.push(&bytes[i..=i], i..i + 1, Escape::None);
            i += 1;
        }
        view
    }

    /// Whether a match in this view is this view's to judge: in a decoded view, only where
    /// something in or next to it was decoded (elsewhere the text as is says the same).
    fn counts(&self, range: &Range<usize>) -> bool {
        if self.origin.is_empty() {
            return true;
        }
        let inside = self
            .origin
            .get(range.clone())
            .is_some_and(|o| o.iter().any(|(_, e)| *e != Escape::None));
        let code = |at: Option<usize>| {
            at.and_then(|at| self.origin.get(at))
                .is_some_and(|(_, e)| *e == Escape::Code)
        };
        inside || code(range.start.checked_sub(1)) || code(Some(range.end))
    }

    /// The original byte range of decoded `range`.
    fn original(&self, range: &Range<usize>) -> Range<usize> {
        if self.origin.is_empty() {
            return range.clone();
        }
        let start = self.origin.get(range.start).map_or(0, |o| o.0.start);
        let end = range
            .end
            .checked_sub(1)
            .and_then(|last| self.origin.get(last))
            .map_or(start, |o| o.0.end);
        start..end
    }

    /// Whether the match at `range` is a whole occurrence (see the module documentation).
    fn whole(&self, range: &Range<usize>, kind: Kind) -> bool {
        let before = self.bytes.get(..range.start).unwrap_or_default();
        let after = self.bytes.get(range.end..).unwrap_or_default();
        if kind == Kind::Long {
            return true;
        }
        if kind == Kind::Short {
            let opens = last_char(before).is_none_or(|c| matches!(c, '"' | '\'' | '=' | '`' | '>'));
            let closes = first_char(after)
                .is_none_or(|c| matches!(c, '"' | '\'' | '&' | '`' | '<' | '#' | ';'));
            return opens && closes;
        }
        !continues_left_bytes(before) && !continues_right_bytes(after)
    }
}

/// Characters that can be part of a secret-like value: next to an occurrence, they make it
/// part of some longer value.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '~' | '+' | '%')
}

/// Whether the text before an occurrence continues it.
fn continues_left(head: &str) -> bool {
    continues_left_bytes(head.as_bytes())
}

fn continues_left_bytes(before: &[u8]) -> bool {
    match last_char(before) {
        None => false,
        Some('.') => last_char(&before[..before.len() - 1]).is_some_and(is_word),
        Some(c) => is_word(c),
    }
}

fn continues_right_bytes(after: &[u8]) -> bool {
    match first_char(after) {
        None => false,
        Some('.') => first_char(&after[1..]).is_some_and(is_word),
        Some(c) => is_word(c),
    }
}

/// The first character of `bytes`; a byte that starts no valid UTF-8 character counts as a
/// letter (a decoded view may hold any bytes), so that it never splits a value.
fn first_char(bytes: &[u8]) -> Option<char> {
    let first = *bytes.first()?;
    let width = match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return Some('a'),
    };
    bytes
        .get(..width)
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|s| s.chars().next())
        .or(Some('a'))
}

/// The last character of `bytes` (see [`first_char`]).
fn last_char(bytes: &[u8]) -> Option<char> {
    bytes.last()?;
    let mut start = bytes.len() - 1;
    while start > 0 && bytes.len() - start < 4 && bytes[start] & 0xc0 == 0x80 {
        start -= 1;
    }
    std::str::from_utf8(&bytes[start..])
        .ok()
        .and_then(|s| s.chars().next_back())
        .or(Some('a'))
}

/// The character and length of the JSON escape at the start of `text` (which starts with a
/// backslash), if it is one.
fn json_escape(text: &str) -> Option<(char, usize)> {
    let bytes = text.as_bytes();
    let simple = match bytes.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = |at: usize| {
                text.get(at..at + 4)
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|h| u16::from_str_radix(h, 16).ok())
            };
            let high = unit(2)?;
            if (0xd800..0xdc00).contains(&high)
                && text.get(6..8) == Some("\\u")
                && let Some(low) = unit(8)
                && let Some(Ok(c)) = char::decode_utf16([high, low]).next()
            {
                return Some((c, 12));
            }
            return char::from_u32(u32::from(high)).map(|c| (c, 6));
        }
        _ => return None,
    };
    Some((simple, 2))
}

/// The length of a character reference candidate at the start of `bytes` (`&`, a name or
/// `#` number of at most 32 characters, `;`), if it looks like one.
fn entity_len(bytes: &[u8]) -> Option<usize> {
    let end = bytes
        .iter()
        .take(34)
        .skip(1)
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'#'))?
        + 1;
    (end > 1 && bytes.get(end) == Some(&b';')).then_some(end + 1)
}

/// `text` with `ranges` (byte ranges on character boundaries) replaced by `***`, overlapping
/// and touching ranges merged.
fn replace(text: &str, mut ranges: Vec<Range<usize>>) -> String {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut iter = ranges.into_iter().peekable();
    while let Some(mut range) = iter.next() {
        while let Some(next) = iter.peek() {
            if next.start > range.end {
                break;
            }
            range.end = range.end.max(next.end);
            iter.next();
        }
        if range.start < done
            || !text.is_char_boundary(range.start)
            || !text.is_char_boundary(range.end)
        {
            continue;
        }
        out.push_str(&text[done..range.start]);
        out.push_str(MASK);
        done = range.end;
    }
    out.push_str(&text[done..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(secrets: &[&str]) -> SecretMask {
        let mut mask = SecretMask::new();
        for s in secrets {
            mask.add_secret(s);
        }
        mask
    }

    #[test]
    fn hides_every_encoding() {
        let m = mask(&["p%41ss+w:rd/x&y\"z"]);
        for (echo, hidden) in [
            ("secret p%41ss+w:rd/x&y\"z!", "secret ***!"),
            (
                "client_secret=p%2541ss%2Bw%3Ard%2Fx%26y%22z&a=1",
                "client_secret=***&a=1",
            ),
            ("{\"d\":\"p%41ss+w:rd\\/x&y\\\"z\"}", "{\"d\":\"***\"}"),
            ("<p>p%41ss&#43;w:rd/x&amp;y&quot;z</p>", "<p>***</p>"),
            ("<p>p%41ss&#x2B;w&colon;rd/x&amp;y&#34;z</p>", "<p>***</p>"),
            ("p%41ss\\u002bw:rd/x&y\\u0022z", "***"),
        ] {
            assert_eq!(m.hide(echo), hidden, "{echo}");
        }
        let m = mask(&["a b"]);
        assert_eq!(m.hide("error=a+b"), "error=***");
    }

    #[test]
    fn only_whole_occurrences() {
        let m = mask(&["x", "sec-ret"]);
        let text = "content-type: application/x-www-form-urlencoded; sec-rets sec-ret. x";
        assert_eq!(
            m.hide(text),
            "content-type: application/x-www-form-urlencoded; sec-rets ***. x"
        );
        // A short secret is hidden as a whole value only, never as a word of prose.
        assert_eq!(m.hide("\"x\""), "\"***\"");
        assert_eq!(m.hide("x"), "***");
        assert_eq!(m.hide("a=x&b=y"), "a=***&b=y");
        assert_eq!(m.hide("take x and y"), "take x and y");
        // A long secret goes wherever it stands: glued to other text it is still all of it.
        let m = mask(&["0123456789abcdef"]);
        assert_eq!(
            m.hide("secret 0123456789abcdef.Try again, key=x0123456789abcdef_no"),
            "secret ***.Try again, key=x***_no"
        );
        assert_eq!(m.hide("p%2B0123456789abcdef%2B"), "p%2B***%2B");
        // Inside a longer token (JWT, host name, base64) nothing shorter is hidden.
        let m = mask(&["abcd"]);
        assert_eq!(m.hide("abcd.efg zabcd abcd+1"), "abcd.efg zabcd abcd+1");
        // Followed by an encoded space, it is whole.
        assert_eq!(m.hide("abcd%20is abcd\\nx"), "***%20is ***\\nx");
        assert_eq!(
            m.hide("(abcd), 'abcd'. abcd: /abcd/"),
            "(***), '***'. ***: /***/"
        );
    }

    #[test]
    fn basic_credentials_in_both_encodings() {
        let mut m = SecretMask::new();
        m.add_basic("id:1", "p%41ss+w:rd");
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let raw = b64("id:1:p%41ss+w:rd");
        let form = b64("id%3A1:p%2541ss%2Bw%3Ard");
        assert_eq!(
            m.hide(&format!("Authorization: Basic {raw}")),
            "Authorization: Basic ***"
        );
        assert_eq!(m.hide(&format!("\"Basic {form}\"")), "\"Basic ***\"");
        assert_eq!(
            m.hide(&format!("Basic {}", form.trim_end_matches('='))),
            "Basic ***"
        );
        let debug = format!("{m:?}");
        assert!(
            debug.starts_with("SecretMask { secrets: 1, literals: "),
            "{debug}"
        );
        assert!(
            !debug.contains("p%41ss") && !debug.contains(&raw[..8]),
            "{debug}"
        );
    }

    #[test]
    fn excerpts_show_no_part_of_a_secret() {
        let m = mask(&["0123456789abcdef"]);
        let text = format!("{}key 0123456789abcdef end", "-".repeat(20));
        for cut in 20..text.len() {
            let excerpt = m.excerpt(&text, cut);
            assert!(!excerpt.contains("0123"), "{cut}: {excerpt}");
        }
        // Hidden before the cut: the cut falls after the mask.
        assert_eq!(m.excerpt(&text, 27), format!("{}key ***…", "-".repeat(20)));
        // Text cut elsewhere: a tail that begins the secret goes, a shorter one stays.
        assert_eq!(m.hide_tail("key 01234"), "key ***");
        assert_eq!(m.hide_tail("key 012"), "key 012");
        assert_eq!(m.hide_tail("key x01234"), "key x01234");
        assert_eq!(m.hide_tail("key%3D0123%34"), "key%3D0123%34");
    }

    #[test]
    fn nothing_to_hide_borrows() {
        let m = SecretMask::new();
        assert!(matches!(m.hide("abc"), Cow::Borrowed(_)));
        let m = mask(&["abcd"]);
        assert!(matches!(m.hide("no secret here"), Cow::Borrowed(_)));
        let mut v = serde_json::json!({"abcd": ["abcd", 1], "k": "x abcd"});
        m.hide_json(&mut v);
        assert_eq!(v, serde_json::json!({"abcd": ["***", 1], "k": "x ***"}));
    }
}
