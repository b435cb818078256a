//! Names the spec gives Rust items: snake_case, not a keyword rustc refuses even raw, and
//! distinct once converted (inputs, fields, claims, environments).

use super::Checker;
use crate::load::raw;
use crate::names::{NOT_RAW, NOT_RAW_REASON, snake_case};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

impl<'b> Checker<'_, 'b> {
    pub(super) fn identifier(&mut self, name: &Spanned<String>, what: &str) -> bool {
        if !snake_case(&name.value) {
            self.error(
                name.referenced,
                format!("{what} `{}` is not a snake_case name", name.value),
                "use lower-case ASCII letters, digits and single underscores, starting with a letter",
            );
            return false;
        }
        if NOT_RAW.contains(&name.value.as_str()) {
            self.error(
                name.referenced,
                format!("{what} `{}` {NOT_RAW_REASON}", name.value),
                "pick another name",
            );
            return false;
        }
        true
    }

    /// The keys of one mapping as Rust names: each snake_case and usable, none the same as
    /// another after case conversion (snake_case, and UpperCamelCase when `camel` says the name
    /// also becomes a type or variant). `rename` is the key that keeps a wire name (`from`,
    /// `claim`) when the Rust name has to differ from it.
    pub(super) fn identifiers<'k>(
        &mut self,
        keys: impl IntoIterator<Item = &'k raw::Str>,
        what: &str,
        camel: bool,
        rename: Option<&str>,
    ) {
        let keys: Vec<&raw::Str> = keys.into_iter().collect();
        // `self` cannot be an identifier: offer `self_field`, `self_claim`...
        let suffix = what.rsplit(' ').next().unwrap_or(what);
        let usable = |snake: String| {
            if NOT_RAW.contains(&snake.as_str()) {
                format!("{snake}_{suffix}")
            } else {
                snake
            }
        };
        let mut snake_seen: BTreeMap<String, &str> = BTreeMap::new();
        let mut camel_seen: BTreeMap<String, &str> = BTreeMap::new();
        for key in &keys {
            let name = key.value.as_str();
            let snake = name.to_snake_case();
            if !snake_case(name) {
                let taken = keys.iter().any(|k| k.value == snake)
                    || snake_seen.get(&snake).is_some_and(|other| *other != name);
                let keep = rename.map_or(String::new(), |r| format!(" and add `{r}: {name}`"));
                if taken {
                    self.error(
                        key.referenced,
                        format!(
                            "{what} `{name}` is `{snake}` after snake_case conversion, a name another {what} already has"
                        ),
                        "give each a distinct snake_case name",
                    );
                } else if snake_case(&snake) {
                    self.error(
                        key.referenced,
                        format!("{what} `{name}` is not a snake_case name"),
                        format!("name it `{}`{keep}", usable(snake.clone())),
                    );
                } else {
                    self.identifier(key, what);
                }
                snake_seen.insert(snake, name);
                continue;
            }
            snake_seen.insert(snake, name);
            if NOT_RAW.contains(&name) {
                let hint = match rename {
                    Some(r) => format!(
                        "name it `{}` and add `{r}: {name}`",
                        usable(name.to_owned())
                    ),
                    None => "pick another name".to_owned(),
                };
                self.error(
                    key.referenced,
                    format!("{what} `{name}` cannot be a Rust identifier, not even a raw one"),
                    hint,
                );
                continue;
            }
            if camel {
                let upper = name.to_upper_camel_case();
                if let Some(other) = camel_seen.insert(upper.clone(), name) {
                    self.error(
                        key.referenced,
                        format!(
                            "{what} `{name}` and `{other}` are both `{upper}` in UpperCamelCase"
                        ),
                        format!("the generated code names a type or variant after each {what}: rename one"),
                    );
                }
            }
        }
    }
}
