//! Every shape error of a file: a walk of its YAML, with locations, against the JSON Schema of
//! the spec types (`crate::load::schema`, committed as `specs/schema.json`).
//!
//! serde stops at a file's first shape error. The walk goes on: it reads the file as YAML events
//! (the parser serde-saphyr itself uses, re-exported by it), builds a located tree, and checks
//! every mapping and value against the schema as serde would: unknown keys, missing keys,
//! duplicate keys, wrong types and unknown values. Whether a scalar is a number or true/false is
//! asked of serde-saphyr itself, so the walk and serde agree on `yes`, `0x10` or `"1"`.

use super::Source;
use super::parse::list;
use crate::diagnostic::{Diagnostic, Kind, did_you_mean};
use crate::load::raw;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_saphyr::Location;
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span, StructureStyle};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::OnceLock;

/// Where a node is: 1-based line and character column, and its length in bytes (0: mark one
/// character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct At {
    line: u64,
    column: u64,
    len: usize,
}

/// A YAML node with its location.
#[derive(Debug)]
struct Node {
    kind: NodeKind,
    at: At,
}

#[derive(Debug)]
enum NodeKind {
    Scalar { value: String, style: ScalarStyle },
    List(Vec<Rc<Node>>),
    Map(Vec<(Rc<Node>, Rc<Node>)>),
}

impl Node {
    /// Whether serde-saphyr reads this node as null (`~`, `null`, nothing).
    fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain }
            if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// Whether the node is nothing at all (`key:` with no value).
    fn is_empty(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if value.is_empty())
    }

    fn scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// What the node is, in words: a list, a mapping, nothing, or the scalar itself.
    fn found(&self) -> String {
        match &self.kind {
            NodeKind::List(_) => "a list".to_owned(),
            NodeKind::Map(_) => "a mapping".to_owned(),
            NodeKind::Scalar { .. } if self.is_empty() => "nothing".to_owned(),
            NodeKind::Scalar { value, .. } => {
                let first = value.lines().next().unwrap_or("");
                let mut shown: String = first.chars().take(40).collect();
                if shown.len() < value.len() {
                    shown.push('…');
                }
                format!("`{shown}`")
            }
        }
    }
}

/// The first document of `text` as a located tree (`Some(None)` when there is no document);
/// `None` when the text is not YAML (serde's error says why).
fn tree(text: &str) -> Option<Option<Rc<Node>>> {
    /// A collection being read: where it starts, its anchor, whether it is a flow one (`[...]`,
    /// `{...}`), and its items (a mapping's keys and values alternate).
    struct Open {
        at: At,
        start: Option<usize>,
        anchor: usize,
        flow: bool,
        map: bool,
        items: Vec<Rc<Node>>,
    }
    let at = |span: &Span, whole: bool| -> At {
        let start = span.start.byte_offset();
        let end = span.end.byte_offset();
        let len = match (start, end) {
            (Some(s), Some(e)) if whole && e > s => e - s,
            _ => 0,
        };
        At {
            line: span.start.line() as u64,
            column: span.start.col() as u64 + 1,
            len,
        }
    };
    let mut anchors: HashMap<usize, Rc<Node>> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut documents = 0;
    let mut root = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.ok()?;
        let (node, anchor) = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    break;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, _) => {
                let at = at(&span, true);
                // The parser reads nothing at all (`key:`) as `~`; it has no length.
                let nothing = style == ScalarStyle::Plain && at.len == 0;
                let node = Node {
                    kind: NodeKind::Scalar {
                        value: if nothing {
                            String::new()
                        } else {
                            value.into_owned()
                        },
                        style,
                    },
                    at,
                };
                (Rc::new(node), anchor)
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(node) => (Rc::clone(node), 0),
                None => return None,
            },
            Event::SequenceStart(style, anchor, _) | Event::MappingStart(style, anchor, _) => {
                stack.push(Open {
                    at: at(&span, false),
                    start: span.start.byte_offset(),
                    anchor,
                    flow: style == StructureStyle::Flow,
                    map: matches!(event, Event::MappingStart(..)),
                    items: Vec::new(),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let open = stack.pop()?;
                let mut at = open.at;
                // A flow collection on one line is marked whole, `[true]`; others by their start.
                if let (true, Some(start), Some(end)) = (
                    open.flow && span.end.line() as u64 == at.line,
                    open.start,
                    span.end.byte_offset(),
                ) {
                    at.len = end.saturating_sub(start);
                }
                let kind = if open.map {
                    let mut entries = Vec::new();
                    let mut items = open.items.into_iter();
                    while let (Some(k), Some(v)) = (items.next(), items.next()) {
                        entries.push((k, v));
                    }
                    NodeKind::Map(entries)
                } else {
                    NodeKind::List(open.items)
                };
                (Rc::new(Node { kind, at }), open.anchor)
            }
            _ => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, Rc::clone(&node));
        }
        match stack.last_mut() {
            Some(open) => open.items.push(node),
            None => {
                root.get_or_insert(node);
            }
        }
    }
    Some(root)
}

/// Every shape error of `source` (unknown, missing and duplicate keys, wrong types, unknown
/// values), each at its place, sorted; empty when the text is not YAML at all (serde's error
/// then says where) or when its shape is right.
///
/// The walk checks what serde checks: the JSON Schema is read as serde reads the types, so the
/// schema's hints for editors that serde does not enforce (the four grant keys, the four
/// placements of `credentials.preferred`) are left to `validate`, which reports them with
/// messages of their own.
pub fn shape_errors(source: &Source) -> Vec<Diagnostic> {
    let Some(root) = tree(&source.text) else {
        return Vec::new();
    };
    let root = root.unwrap_or_else(|| {
        Rc::new(Node {
            kind: NodeKind::Scalar {
                value: String::new(),
                style: ScalarStyle::Plain,
            },
            at: At {
                line: 1,
                column: 1,
                len: 0,
            },
        })
    });
    let schema = spec_schema();
    let mut walk = Walk {
        root: schema,
        file: &source.path,
        found: Vec::new(),
        steps: 0,
    };
    if root.is_null() {
        walk.error(
            root.at,
            "the file holds no spec".to_owned(),
            "start from a skeleton: `cargo run -p tokenspec -- new <provider>`".to_owned(),
        );
    } else {
        walk.check(&root, schema, Some(SPEC), None);
    }
    let mut found = walk.found;
    found.sort();
    found.dedup();
    found
}

/// The definition name of the root type, for its key order.
const SPEC: &str = "Spec";

/// The most nodes and merged entries one walk visits (aliases can make a small file huge).
const MAX_STEPS: usize = 100_000;

/// The spec schema as serde reads the raw types (see [`shape_errors`]).
fn spec_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = crate::load::schema::schema();
        // `grants` is a map of grants keyed by any string for serde; `validate` names the
        // unknown grant.
        if let Some(grants) = schema.pointer_mut("/properties/grants") {
            let grant = grants
                .pointer("/properties/client_credentials")
                .cloned()
                .unwrap_or(Value::Bool(true));
            *grants = serde_json::json!({ "type": "object", "additionalProperties": grant });
        }
        // `preferred` is any string for serde; `validate` says which placements are accepted.
        if let Some(Value::Object(preferred)) =
            schema.pointer_mut("/definitions/Credentials/properties/preferred")
        {
            preferred.remove("enum");
        }
        // So is a grant's `credentials` (spec format 1.2): `validate` names the placements.
        if let Some(Value::Object(credentials)) =
            schema.pointer_mut("/definitions/Grant/properties/credentials")
        {
            credentials.remove("enum");
        }
        schema
    })
}

/// The keys of each struct of the spec types in declaration order (as serde lists them), keyed
/// by schema definition name: the order of "keys here" in help lines (the schema's own order is
/// alphabetical).
fn key_orders() -> &'static HashMap<String, &'static [&'static str]> {
    fn entry<T: schemars::JsonSchema + DeserializeOwned>() -> (String, &'static [&'static str]) {
        (T::schema_name().into_owned(), fields_of::<T>())
    }
    static ORDERS: OnceLock<HashMap<String, &'static [&'static str]>> = OnceLock::new();
    ORDERS.get_or_init(|| {
        [
            entry::<raw::Spec>(),
            entry::<raw::Environment>(),
            entry::<raw::Input>(),
            entry::<raw::Credentials>(),
            entry::<raw::Accepted>(),
            entry::<raw::HeaderCredential>(),
            entry::<raw::BasicCredential>(),
            entry::<raw::JwtCredential>(),
            entry::<raw::TlsCredential>(),
            entry::<raw::ClaimValue>(),
            entry::<raw::GrantAssertion>(),
            entry::<raw::Request>(),
            entry::<raw::Grant>(),
            entry::<raw::Authorize>(),
            entry::<raw::Rename>(),
            entry::<raw::Param>(),
            entry::<raw::HeaderValue>(),
            entry::<raw::Scopes>(),
            entry::<raw::Response>(),
            entry::<raw::Field>(),
            entry::<raw::Claim>(),
            entry::<raw::Errors>(),
            entry::<raw::Token>(),
        ]
        .into_iter()
        .collect()
    })
}

/// The field names serde's derive gives a struct (a deserializer that only records them).
fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};
    struct Record<'a>(&'a mut &'static [&'static str]);
    impl<'de> de::Deserializer<'de> for Record<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("recorded"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Record(&mut fields));
    fields
}

/// What a schema allows, flattened: `$ref`, `allOf`, `anyOf` and `oneOf` resolved.
#[derive(Default)]
struct Allowed<'s> {
    /// Anything at all (a schema without constraints).
    any: bool,
    /// Null (an optional value).
    null: bool,
    /// A mapping, with the object schema and its definition name (for the key order).
    object: Option<(&'s serde_json::Map<String, Value>, Option<&'s str>)>,
    /// A list, with the schema of its items.
    list: Option<&'s Value>,
    string: bool,
    unsigned: bool,
    integer: bool,
    number: bool,
    boolean: bool,
    /// Allowed values, in declaration order.
    values: Vec<&'s str>,
}

impl<'s> Allowed<'s> {
    fn of(root: &'s Value, schema: &'s Value, name: Option<&'s str>) -> Self {
        let mut allowed = Allowed::default();
        allowed.add(root, schema, name, 0);
        allowed
    }

    fn add(&mut self, root: &'s Value, schema: &'s Value, name: Option<&'s str>, depth: u8) {
        let Value::Object(map) = schema else {
            // `true` allows anything, `false` nothing.
            self.any |= schema == &Value::Bool(true);
            return;
        };
        if depth > 16 {
            self.any = true;
            return;
        }
        if let Some(Value::String(r)) = map.get("$ref") {
            let def = r.strip_prefix("#/definitions/");
            let target = def.and_then(|d| root.get("definitions")?.get(d));
            match target {
                Some(target) => self.add(root, target, def, depth + 1),
                None => self.any = true,
            }
            return;
        }
        let mut constrained = false;
        for combinator in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(parts)) = map.get(combinator) {
                constrained = true;
                for part in parts {
                    self.add(root, part, None, depth + 1);
                }
            }
        }
        if let Some(Value::String(c)) = map.get("const") {
            self.values.push(c);
            return;
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            self.values.extend(values.iter().filter_map(Value::as_str));
            return;
        }
        let types: Vec<&str> = match map.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for t in &types {
            match *t {
                "null" => self.null = true,
                "object" => self.object = Some((map, name)),
                "array" => self.list = Some(map.get("items").unwrap_or(&Value::Bool(true))),
                "string" => self.string = true,
                "integer" => {
                    let unsigned = map
                        .get("minimum")
                        .and_then(Value::as_f64)
                        .is_some_and(|m| m >= 0.0);
                    if unsigned {
                        self.unsigned = true;
                    } else {
                        self.integer = true;
                    }
                }
                "number" => self.number = true,
                "boolean" => self.boolean = true,
                _ => self.any = true,
            }
        }
        if types.is_empty() && !constrained {
            self.any = true;
        }
    }

    /// What is allowed, in words: "a mapping", "true or false", "one of `a`, `b`"...
    fn words(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        if self.object.is_some() {
            words.push("a mapping".into());
        }
        if self.list.is_some() {
            words.push("a list".into());
        }
        if self.string {
            // Any scalar is a string.
            words.push("a single value".into());
        } else {
            if self.boolean {
                words.push("true or false".into());
            }
            if self.unsigned {
                words.push("a whole number (0 or more)".into());
            }
            if self.integer {
                words.push("a whole number".into());
            }
            if self.number {
                words.push("a number".into());
            }
            if !self.values.is_empty() {
                words.push(format!("one of {}", list(&self.values)));
            }
        }
        if words.is_empty() {
            words.push("nothing".into());
        }
        words.join(" or ")
    }
}

/// A mapping's entries with YAML merge keys (`<<: *base`) expanded as serde-saphyr expands
/// them: the mapping's own entries, then merged ones it does not set itself. Each entry says
/// whether it was merged (a merged key may repeat an own one).
fn entries<'n>(
    map: &'n [(Rc<Node>, Rc<Node>)],
    steps: &mut usize,
) -> Vec<(&'n Node, &'n Node, bool)> {
    let is_merge = |k: &Node| matches!(&k.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if value == "<<");
    let mergeable = |v: &Node| match &v.kind {
        NodeKind::Map(_) => true,
        NodeKind::List(items) => items.iter().all(|i| matches!(i.kind, NodeKind::Map(_))),
        NodeKind::Scalar { .. } => false,
    };
    let mut out: Vec<(&Node, &Node, bool)> = Vec::new();
    let mut merged: Vec<(&Node, &Node, bool)> = Vec::new();
    for (k, v) in map {
        *steps += 1;
        if is_merge(k) && mergeable(v) {
            let sources: Vec<&Node> = match &v.kind {
                NodeKind::List(items) => items.iter().map(|i| &**i).collect(),
                _ => vec![&**v],
            };
            for source in sources {
                if let NodeKind::Map(inner) = &source.kind {
                    if *steps > MAX_STEPS {
                        break;
                    }
                    merged.extend(
                        entries(inner, steps)
                            .into_iter()
                            .map(|(k, v, _)| (k, v, true)),
                    );
                }
            }
        } else {
            out.push((k, v, false));
        }
    }
    // A set of the own keys, so that merging stays linear in the number of entries.
    let own: HashSet<&str> = out.iter().filter_map(|(k, _, _)| k.scalar()).collect();
    for (k, v, _) in merged {
        if !k.scalar().is_some_and(|k| own.contains(k)) {
            out.push((k, v, true));
        }
    }
    out
}

/// Whether serde-saphyr reads `node` (a scalar) as a `T`, asked of serde-saphyr itself.
fn reads_as<T: DeserializeOwned>(value: &str, style: ScalarStyle) -> bool {
    #[derive(Deserialize)]
    struct One<T> {
        #[allow(dead_code)]
        v: T,
    }
    if value.contains(['\n', '\r']) {
        return false;
    }
    let yaml = if style == ScalarStyle::Plain {
        format!("v: {value}")
    } else {
        // A JSON string is a YAML double-quoted scalar.
        format!("v: {}", serde_json::Value::from(value))
    };
    serde_saphyr::from_str::<One<T>>(&yaml).is_ok()
}

/// The walk: the schema root, the file, what it found so far, and how far it went.
struct Walk<'s> {
    root: &'s Value,
    file: &'s str,
    found: Vec<Diagnostic>,
    steps: usize,
}

const TYPE_HELP: &str = "see specs/schema.json (or a spec in specs/) for the expected type";

impl<'s> Walk<'s> {
    fn error(&mut self, at: At, message: String, hint: String) {
        self.found.push(
            Diagnostic::at(self.file, Location::UNKNOWN, message, hint)
                .span(at.line, at.column, at.len)
                .kind(Kind::Shape),
        );
    }

    /// Where to point for `node`, the value of `key`: at the key when the value is nothing.
    fn place(node: &Node, key: Option<&Node>) -> At {
        match key {
            Some(key) if node.is_empty() => key.at,
            _ => node.at,
        }
    }

    /// Checks `node`, the value of `key` (none for the root), against `schema`.
    fn check(&mut self, node: &Node, schema: &'s Value, name: Option<&'s str>, key: Option<&Node>) {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return;
        }
        let allowed = Allowed::of(self.root, schema, name);
        if allowed.any || (allowed.null && node.is_null()) {
            return;
        }
        let at = Self::place(node, key);
        match &node.kind {
            NodeKind::Scalar { value, style } => {
                let null = node.is_null();
                let fits = (allowed.string && !null)
                    || (allowed.boolean && reads_as::<bool>(value, *style))
                    || (allowed.unsigned && reads_as::<u64>(value, *style))
                    || (allowed.integer && reads_as::<i64>(value, *style))
                    || (allowed.number && reads_as::<f64>(value, *style))
                    || allowed.values.contains(&value.as_str());
                if fits {
                    return;
                }
                if !allowed.values.is_empty() && !node.is_empty() {
                    let hint = match did_you_mean(value, allowed.values.iter().copied()) {
                        Some(s) => {
                            format!(
                                "did you mean `{s}`? (values here: {})",
                                list(&allowed.values)
                            )
                        }
                        None => format!("use one of {}", list(&allowed.values)),
                    };
                    self.error(at, format!("unknown value `{value}`"), hint);
                } else {
                    self.type_error(at, &allowed, node);
                }
            }
            NodeKind::List(items) => match allowed.list {
                Some(item) => {
                    for i in items {
                        self.check(i, item, None, None);
                    }
                }
                None => self.type_error(at, &allowed, node),
            },
            NodeKind::Map(map) => {
                if let Some((object, name)) = allowed.object {
                    self.object(node, map, object, name, key);
                } else if !allowed.values.is_empty()
                    && map.len() == 1
                    && map[0].1.is_null()
                    && map[0]
                        .0
                        .scalar()
                        .is_some_and(|k| allowed.values.contains(&k))
                {
                    // `{form: ~}`: serde's other spelling of a unit variant.
                } else {
                    self.type_error(at, &allowed, node);
                }
            }
        }
    }

    fn type_error(&mut self, at: At, allowed: &Allowed<'_>, node: &Node) {
        let hint = if allowed.values.is_empty() || allowed.string {
            TYPE_HELP.to_owned()
        } else {
            format!("use one of {}", list(&allowed.values))
        };
        self.error(
            at,
            format!("expected {}, found {}", allowed.words(), node.found()),
            hint,
        );
    }

    /// Checks a mapping against an object schema: each key known (or allowed by
    /// `additionalProperties`), once, each value of its type, and every required key present.
    fn object(
        &mut self,
        node: &Node,
        map: &[(Rc<Node>, Rc<Node>)],
        object: &'s serde_json::Map<String, Value>,
        name: Option<&'s str>,
        key: Option<&Node>,
    ) {
        let properties = object.get("properties").and_then(Value::as_object);
        let additional = object.get("additionalProperties");
        let order: Vec<&str> = match name.and_then(|n| key_orders().get(n)) {
            Some(order) => order.to_vec(),
            None => properties
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default(),
        };
        // Keys seen so far and where: a map, so a mapping of thousands of keys is checked in
        // time linear in their number.
        let mut seen: HashMap<&str, At> = HashMap::new();
        // Keys that an unknown key of this mapping was taken for: not reported missing too.
        let mut suggested: HashSet<&str> = HashSet::new();
        for (k, v, merged) in entries(map, &mut self.steps) {
            let Some(field) = k.scalar() else {
                self.error(
                    k.at,
                    format!("expected a single value as key, found {}", k.found()),
                    "a key is a name: a single value, not a list or a mapping".to_owned(),
                );
                continue;
            };
            if let Some(first) = seen.get(field) {
                if !merged {
                    let first = first.line;
                    self.error(
                        k.at,
                        format!("duplicate key `{field}`"),
                        format!(
                            "`{field}` is first set on line {first}; each key may appear once in a mapping: remove or merge the repeat"
                        ),
                    );
                }
                continue;
            }
            seen.insert(field, k.at);
            match properties.and_then(|p| p.get(field)) {
                Some(schema) => self.check(v, schema, None, Some(k)),
                None => match additional {
                    Some(Value::Bool(false)) => {
                        let hint = match did_you_mean(field, order.iter().copied()) {
                            Some(s) => {
                                suggested.insert(s);
                                format!("did you mean `{s}`? (keys here: {})", list(&order))
                            }
                            None if order.is_empty() => "remove the key".to_owned(),
                            None => format!("remove it or use one of {}", list(&order)),
                        };
                        self.error(k.at, format!("unknown key `{field}`"), hint);
                    }
                    Some(schema) => {
                        if k.is_null() {
                            self.error(
                                k.at,
                                format!("expected a single value as key, found {}", k.found()),
                                "a key is a name: a single value, not a list or a mapping"
                                    .to_owned(),
                            );
                        } else {
                            self.check(v, schema, None, Some(k));
                        }
                    }
                    None => {}
                },
            }
        }
        let required = object.get("required").and_then(Value::as_array);
        for field in required.into_iter().flatten().filter_map(Value::as_str) {
            if seen.contains_key(field) || suggested.contains(&field) {
                continue;
            }
            let (at, hint) = match key {
                Some(key) => (
                    key.at,
                    format!(
                        "add `{field}:` to the mapping under this key; specs/schema.json describes what it holds"
                    ),
                ),
                None => (
                    At { len: 0, ..node.at },
                    format!(
                        "add `{field}:` to the top level of the file; specs/schema.json describes what it holds"
                    ),
                ),
            };
            self.error(at, format!("missing key `{field}`"), hint);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every struct of the spec types has its key order, with the schema's keys: a struct added
    /// to `raw` without an entry in `key_orders` would list its keys alphabetically.
    #[test]
    fn every_object_of_the_schema_has_its_key_order() {
        let schema = spec_schema();
        let mut objects = vec![(SPEC, schema)];
        let definitions = schema["definitions"].as_object().expect("definitions");
        objects.extend(
            definitions
                .iter()
                .filter(|(_, d)| d.get("properties").is_some())
                .map(|(name, d)| (name.as_str(), d)),
        );
        assert!(objects.len() >= 15, "{} objects", objects.len());
        for (name, object) in objects {
            let mut keys: Vec<&str> = object["properties"]
                .as_object()
                .expect("properties")
                .keys()
                .map(String::as_str)
                .collect();
            let mut order = key_orders()
                .get(name)
                .unwrap_or_else(|| panic!("no key order for `{name}`"))
                .to_vec();
            keys.sort_unstable();
            order.sort_unstable();
            assert_eq!(keys, order, "{name}");
        }
    }

    #[test]
    fn scalars_are_read_as_serde_reads_them() {
        assert!(reads_as::<u64>("0x10", ScalarStyle::Plain));
        assert!(reads_as::<u64>("1", ScalarStyle::DoubleQuoted));
        assert!(!reads_as::<u64>("-1", ScalarStyle::Plain));
        assert!(reads_as::<bool>("yes", ScalarStyle::Plain));
        assert!(!reads_as::<bool>("1", ScalarStyle::Plain));
        assert!(!reads_as::<u64>("1\n2", ScalarStyle::Plain));
    }
}
