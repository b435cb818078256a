//! URLs: `https` only, no user info or dot segments, `{variable}` templates that name declared
//! inputs, and the documentation link (which reaches generated docs).

use super::Checker;
use crate::diagnostic::Diagnostic;
use crate::model;
use serde_saphyr::{Location, Spanned};

impl<'b> Checker<'_, 'b> {
    /// `docs` becomes a link in the generated documentation and in `PROVIDERS.md`, so it must
    /// be one URL however it is read: https without user info, and none of the characters that
    /// can end a Markdown link or an HTML attribute (`text::check_link_url`).
    pub(super) fn docs_url(&mut self, url: &Spanned<String>) {
        use crate::text::LinkUrlError;
        let Err(e) = crate::text::check_link_url(&url.value) else {
            return;
        };
        let hint = match e {
            LinkUrlError::Character(_) => {
                "percent-encode it (RFC 3986 §2.1), e.g. `)` as `%29`, space as `%20`"
            }
            LinkUrlError::UserInfo => "give the page's public address, without user:password@",
            LinkUrlError::NotHttps(_) => "tokenspec only links to HTTPS pages",
            LinkUrlError::Invalid(_) | LinkUrlError::NoHost => {
                "write a full https:// URL of the provider's token documentation"
            }
        };
        self.error(url.referenced, format!("docs {e}"), hint);
    }

    pub(super) fn https_url(&mut self, url: &Spanned<String>, what: &str) -> bool {
        match url::Url::parse(&url.value) {
            Ok(u) if u.scheme() == "https" => true,
            Ok(u) => {
                self.error(
                    url.referenced,
                    format!("{what} uses {}, not https", u.scheme()),
                    "tokenspec only talks HTTPS",
                );
                false
            }
            Err(e) => {
                self.error(
                    url.referenced,
                    format!("{what} is not a URL: {e}"),
                    "write a full https:// URL",
                );
                false
            }
        }
    }

    pub(super) fn url_template(
        &mut self,
        url: &Spanned<String>,
        what: &str,
        inputs: &[model::InputSpec],
    ) {
        let text = &url.value;
        if text.matches('{').count() != text.matches('}').count() {
            self.error(
                url.referenced,
                format!("{what} has unbalanced braces"),
                "variables are written {input_name}",
            );
            return;
        }
        let host_end = host_end(text);
        let mut filled = String::new();
        let mut last = 0;
        for var in variables(text) {
            filled.push_str(&text[last..var.start]);
            filled.push('x');
            last = var.end;
            let needle = &text[var.start..var.end];
            if !self.input_ref_in(&var.name, url.referenced, Some(needle), inputs, what) {
                continue;
            }
            if var.start >= host_end {
                let before = &text[..var.start];
                let after = &text[var.end..];
                if !before.ends_with('/') || !(after.is_empty() || after.starts_with('/')) {
                    self.error_in(
                        url.referenced,
                        needle,
                        format!(
                            "path variable `{}` in {what} is not a whole path segment",
                            var.name
                        ),
                        "write it as /{name}/ so a value can never add or change segments",
                    );
                }
            }
        }
        filled.push_str(&text[last..]);
        let parsed = Spanned::new(filled, url.referenced, url.defined);
        if self.https_url(&parsed, what)
            && let Ok(u) = url::Url::parse(&parsed.value)
        {
            if u.query().is_some() || u.fragment().is_some() {
                self.error(
                    url.referenced,
                    format!("{what} has a query or fragment"),
                    "put fixed parameters under the grant's params",
                );
            }
            if !u.username().is_empty() || u.password().is_some() {
                self.user_info(url, what);
            }
        }
        self.dot_segments(url, what);
    }

    /// A URL with user info (`https://user:password@host/`, RFC 3986 §3.2.1, deprecated there
    /// for passwords): the runtime would not send it as credentials, yet `describe` and
    /// `--dry-run` would print it. Refused without ever showing it: neither the message nor
    /// the source line (redacted) holds it.
    pub(super) fn user_info(&mut self, url: &Spanned<String>, what: &str) {
        let text = &url.value;
        let authority_start = text.find("://").map_or(0, |i| i + 3);
        let authority = &text[authority_start..host_end(text)];
        let Some(at) = authority.rfind('@') else {
            return;
        };
        let user_info = &authority[..at];
        let mut d = Diagnostic::at(
            self.file,
            url.referenced,
            format!("{what} has user info (`…@`) before its host"),
            "credentials go under `credentials`, never in a URL (RFC 3986 §3.2.1): remove `user:password@`",
        );
        if let Some((line, column)) = self.locate(url.referenced, text, authority_start) {
            d = d
                .span(line, column, user_info.len() + 1)
                .redact(line, column, user_info.len());
        } else {
            // The value is not where its text is in the file (an escape in a quoted value):
            // show no source line at all rather than a password.
            d = Diagnostic::whole_file(self.file, d.message, d.hint).kind(d.kind);
        }
        self.diagnostics.push(d);
    }

    /// 1-based line and character column of byte `offset` of the file.
    pub(super) fn line_column(&self, offset: usize) -> (u64, u64) {
        self.lines
            .get_or_init(|| crate::diagnostic::LineIndex::new(self.text))
            .line_column(offset)
    }

    /// Line and column of byte `offset` of `value` in the file, when the value appears there
    /// verbatim at the located place.
    pub(super) fn locate(&self, at: Location, value: &str, offset: usize) -> Option<(u64, u64)> {
        let span = at.span();
        let start = usize::try_from(span.byte_offset()?).ok()?;
        let len = usize::try_from(span.byte_len()?).ok()?;
        let located = self.text.get(start..start.checked_add(len)?)?;
        let i = located.find(value)?;
        Some(self.line_column(start + i + offset))
    }

    /// Dot segments in a URL's path (`/..`, `/./`, also percent-encoded, `/%2e%2e`): the URL
    /// parser removes them (RFC 3986 §5.2.4), so `/{tenant}/..` silently drops the variable and
    /// the request goes elsewhere than the spec reads.
    pub(super) fn dot_segments(&mut self, url: &Spanned<String>, what: &str) {
        let text = &url.value;
        let path_start = host_end(text);
        let path_end = text[path_start..]
            .find(['?', '#'])
            .map_or(text.len(), |i| path_start + i);
        let path = &text[path_start..path_end];
        let segments: Vec<&str> = path.split('/').collect();
        for (i, segment) in segments.iter().enumerate().skip(1) {
            let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
            if decoded != "." && decoded != ".." {
                continue;
            }
            let needle = if i + 1 < segments.len() {
                format!("/{segment}/")
            } else {
                format!("/{segment}")
            };
            self.error_in(
                url.referenced,
                &needle,
                format!("{what} has a dot segment `{segment}` in its path"),
                "the URL parser removes `.` and `..` segments with what they refer to (RFC 3986 §5.2.4): write the path as it is meant",
            );
        }
    }
}

/// A `{variable}` of a URL template, with its byte range.
pub(super) struct Variable {
    pub(super) name: String,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Byte offset where a URL's host ends (the first `/` after `://`).
pub(super) fn host_end(url: &str) -> usize {
    let start = url.find("://").map_or(0, |i| i + 3);
    url[start..].find('/').map_or(url.len(), |i| start + i)
}

pub(super) fn variables(url: &str) -> Vec<Variable> {
    let mut out = Vec::new();
    let mut offset = 0;
    while let Some(open) = url[offset..].find('{') {
        let start = offset + open;
        let Some(close) = url[start..].find('}') else {
            break;
        };
        let end = start + close + 1;
        out.push(Variable {
            name: url[start + 1..end - 1].to_owned(),
            start,
            end,
        });
        offset = end;
    }
    out
}
