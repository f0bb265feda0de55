//! The generated surfaces: written from the core's model descriptions (`meetergo_core::describe`) and this crate's
//! table of error classes into marked regions of the Python and JavaScript sources. `make generate` writes them
//! (`cargo run -p meetergo-bind --bin meetergo-generate`); the tests fail when a checked-in region is not what this
//! module writes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use meetergo_core::EventType;
use meetergo_core::PAYLOAD_MODELS;
use meetergo_core::describe::{FieldInfo, ModelInfo};

use crate::report::CLASSES;

/// One generated region: the file (relative to the workspace root), its marker, and what goes between the markers.
#[derive(Debug, Clone)]
pub struct Region {
    /// The file, relative to the workspace root.
    pub file: &'static str,
    /// The region's name (`<generated:NAME>`).
    pub name: &'static str,
    /// The comment leader of the file's language (`//` or `#`).
    pub comment: &'static str,
    /// The region's text.
    pub text: String,
}

/// Every generated region.
pub fn regions() -> Vec<Region> {
    vec![
        Region {
            file: "node/lib/shared.js",
            name: "errors",
            comment: "//",
            text: js_errors(),
        },
        Region {
            file: "node/index.d.ts",
            name: "event-types",
            comment: "//",
            text: ts_event_types(),
        },
        Region {
            file: "node/index.d.ts",
            name: "models",
            comment: "//",
            text: ts_models(),
        },
        Region {
            file: "python/meetergo/_errors.py",
            name: "classes",
            comment: "#",
            text: py_errors(),
        },
        Region {
            file: "python/meetergo/_types.py",
            name: "event-types",
            comment: "#",
            text: py_event_types(),
        },
        Region {
            file: "python/meetergo/_native.pyi",
            name: "models",
            comment: "#",
            text: pyi_models(),
        },
        Region {
            file: "node/index.mjs",
            name: "exports",
            comment: "//",
            text: js_exports(false, "meetergo"),
        },
        Region {
            file: "node/web/index.js",
            name: "exports",
            comment: "//",
            text: js_exports(true, "api"),
        },
        Region {
            file: "node/web/index.d.ts",
            name: "exports",
            comment: "//",
            text: web_dts_exports(),
        },
        Region {
            file: "python/meetergo/__init__.py",
            name: "errors",
            comment: "#",
            text: py_error_imports(),
        },
        Region {
            file: "python/meetergo/__init__.py",
            name: "all",
            comment: "#",
            text: py_all(),
        },
        Region {
            file: "bindings/python/src/generated.rs",
            name: "models",
            comment: "//",
            text: rs_python_models(),
        },
    ]
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `text` with the region replaced by `region.text` (the markers stay), or `None` when the markers are missing.
pub fn apply(text: &str, region: &Region) -> Option<String> {
    let open = format!("{} <generated:{}>", region.comment, region.name);
    let close = format!("{} </generated:{}>", region.comment, region.name);
    let start = text.find(&open)?;
    let body = text[start..].find('\n')? + start + 1;
    let end = text[body..].find(&close)? + body;
    // The closing marker's line, indentation included, stays as it is.
    let end = text[..end]
        .rfind('\n')
        .map_or(end, |newline| newline + 1)
        .max(body);
    Some(format!("{}{}{}", &text[..body], region.text, &text[end..]))
}

fn doc_lines(doc: &str) -> impl Iterator<Item = &str> {
    doc.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn js_errors() -> String {
    let mut out = String::from("function defineErrors() {\n");
    for class in &CLASSES {
        let _ = writeln!(out, "  /** {} */", class.docs().1);
        match class.parent {
            None => out.push_str(
                "  class MeetergoError extends Error {\n    constructor(message, options) {\n      super(message, options);\n      this.name = new.target.name;\n      /** Stable code, e.g. `MEETERGO_NOT_FOUND`. */\n      this.code = new.target.code;\n    }\n  }\n",
            ),
            Some(parent) => {
                let _ = writeln!(out, "  class {} extends {parent} {{}}", class.name);
            }
        }
        let _ = writeln!(out, "  {}.code = '{}';", class.name, class.code);
    }
    out.push_str("  return {\n");
    for class in &CLASSES {
        let _ = writeln!(out, "    {},", class.name);
    }
    out.push_str("  };\n}\n");
    out
}

/// The npm package's values besides the error classes, in export order, and whether the browser build
/// (`meetergo/web`) has them too. The CommonJS entry (`index.js`) defines them; the ES module entries and the browser
/// build's types list them, written from here.
const JS_VALUES: [(&str, bool); 14] = [
    ("Client", false),
    ("Webhooks", false),
    ("parseEvent", true),
    ("idempotencyKey", true),
    ("eventClass", true),
    ("isKnownEvent", true),
    ("validateWebhook", true),
    ("Deduplicator", false),
    ("Inbox", false),
    ("PathSecret", false),
    ("setLogger", false),
    ("EventType", true),
    ("MAX_WEBHOOKS_PER_COMPANY", true),
    ("CORE_VERSION", true),
];

/// The types of `index.d.ts` that `meetergo/web` re-exports besides the event classes and the payload models.
const WEB_TYPES: [&str; 9] = [
    "Event",
    "KnownEvent",
    "EventTypeName",
    "KnownEventType",
    "EventClassName",
    "ErrorCode",
    "FieldError",
    "ParseOptions",
    "WebhookDefinition",
];

/// The values an entry point exports: the package's own (the browser build's, when `web`), then the error classes.
fn js_values(web: bool) -> impl Iterator<Item = &'static str> {
    JS_VALUES
        .iter()
        .filter(move |(_, in_web)| *in_web || !web)
        .map(|(name, _)| *name)
        .chain(CLASSES.iter().map(|c| c.name))
}

/// `head`, one line per name (`item` of it), then `tail`: the shape of every generated export list.
fn list<'a>(
    head: &str,
    names: impl IntoIterator<Item = &'a str>,
    item: impl Fn(&str) -> String,
    tail: &str,
) -> String {
    let mut out = String::from(head);
    for name in names {
        out.push_str(&item(name));
        out.push('\n');
    }
    out.push_str(tail);
    out
}

/// The payload models that are objects inside an event (not an event's own fields).
fn nested_models() -> impl Iterator<Item = &'static str> {
    PAYLOAD_MODELS
        .iter()
        .map(|m| m.name)
        .filter(|name| !EVENT_MODELS.contains(name))
}

/// `export const { ... } = object;`: the ES module entry (`index.mjs`) or the browser build's (`web/index.js`).
fn js_exports(web: bool, object: &str) -> String {
    let tail = format!("}} = {object};\n");
    list(
        "export const {\n",
        js_values(web),
        |n| format!("  {n},"),
        &tail,
    )
}

/// The browser build's declarations: its values and types, re-exported from `index.d.ts`.
fn web_dts_exports() -> String {
    let types = crate::event::CLASS_NAMES
        .iter()
        .copied()
        .chain(nested_models())
        .chain(WEB_TYPES);
    let item = |n: &str| format!("  {n},");
    list(
        "export {\n",
        js_values(true),
        item,
        "} from '../index.js';\n",
    ) + &list("export type {\n", types, item, "} from '../index.js';\n")
}

/// The Python package's names besides the error classes, the event classes and the payload models (`__all__`).
const PY_NAMES: [&str; 22] = [
    "MAX_WEBHOOKS_PER_COMPANY",
    "Accepted",
    "AsyncClient",
    "AsyncWebhooks",
    "AttendeeList",
    "Claim",
    "Client",
    "Deduplicator",
    "Inbox",
    "InboxWorker",
    "Event",
    "PathSecret",
    "EventType",
    "HostList",
    "RateLimit",
    "SyncAction",
    "Webhook",
    "WebhookSpec",
    "Webhooks",
    "__version__",
    "parse_event",
    "validate_webhook",
];

/// `from meetergo._errors import (...)` in `__init__.py`.
fn py_error_imports() -> String {
    let mut names: Vec<&str> = CLASSES.iter().map(|c| c.name).collect();
    names.sort_unstable();
    // ruff's isort keeps a blank line between an import and a comment.
    list(
        "from meetergo._errors import (\n",
        names,
        |n| format!("    {n},"),
        ")\n\n",
    )
}

/// `__all__` of `__init__.py`, in the order ruff's RUF022 keeps (constants, classes, the rest; each by code point).
fn py_all() -> String {
    let mut names: Vec<&str> = PY_NAMES
        .iter()
        .copied()
        .chain(CLASSES.iter().map(|c| c.name))
        .chain(crate::event::CLASS_NAMES)
        .chain(nested_models())
        .collect();
    let group = |name: &str| {
        if name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
        {
            0
        } else if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            1
        } else {
            2
        }
    };
    names.sort_unstable_by(|a, b| (group(a), a).cmp(&(group(b), b)));
    names.dedup();
    list("__all__ = [\n", names, |n| format!("    \"{n}\","), "]\n")
}

fn py_errors() -> String {
    let mut out = String::new();
    for class in CLASSES.iter().skip(1) {
        let (builtin, doc) = class.docs();
        let parent = class.parent.unwrap_or("MeetergoError");
        let bases = match builtin {
            Some(b) => format!("{parent}, builtins.{b}"),
            None => parent.to_owned(),
        };
        let doc = doc.replace('`', "``");
        let _ = write!(
            out,
            "\n\nclass {}({bases}):\n    \"\"\"{doc}\"\"\"\n\n    code = \"{}\"\n",
            class.name, class.code
        );
    }
    out.push_str("\n\n_CLASSES: dict[str, type[MeetergoError]] = {\n    cls.__name__: cls\n    for cls in (\n");
    for class in &CLASSES {
        let _ = writeln!(out, "        {},", class.name);
    }
    out.push_str("    )\n}\n");
    out
}

fn ts_event_types() -> String {
    let mut out = String::from(
        "/** The event types meetergo documents, as sent on the wire. */\nexport declare const EventType: {\n",
    );
    for t in EventType::KNOWN {
        let _ = writeln!(
            out,
            "  readonly {}: '{}';",
            t.as_str().to_uppercase(),
            t.as_str()
        );
    }
    out.push_str("};\n/** The stable codes of the SDK's errors. */\nexport type ErrorCode =\n");
    for code in CLASSES
        .iter()
        .map(|c| c.code)
        .chain(crate::report::OTHER_CODES)
    {
        let _ = writeln!(out, "  | '{code}'");
    }
    out.pop();
    out.push_str(";\n/** The class names of parsed events. */\nexport type EventClassName =\n");
    for name in crate::event::CLASS_NAMES {
        let _ = writeln!(out, "  | '{name}'");
    }
    out.pop();
    out.push_str(";\n");
    out
}

fn py_event_types() -> String {
    let mut out = String::new();
    for t in EventType::KNOWN {
        let _ = writeln!(
            out,
            "    {} = \"{}\"",
            t.as_str().to_uppercase(),
            t.as_str()
        );
    }
    out
}

/// The inner type of `Option<T>` / `Vec<T>`, and which wrapper it was.
fn unwrap(ty: &str) -> (&str, &str) {
    let ty = ty.trim();
    for wrapper in ["Option", "Vec"] {
        if let Some(inner) = ty
            .strip_prefix(wrapper)
            .map(str::trim)
            .and_then(|t| t.strip_prefix('<'))
        {
            return (wrapper, inner.strip_suffix('>').unwrap_or(inner).trim());
        }
    }
    ("", ty)
}

fn ts_type(ty: &str) -> String {
    let (wrapper, inner) = unwrap(ty);
    let base = match inner.replace(' ', "").as_str() {
        "Str" | "String" | "Secret" | "DateTime<FixedOffset>" => "string".to_owned(),
        "bool" => "boolean".to_owned(),
        "u64" => "number".to_owned(),
        "Map<String,Value>" => "Record<string, unknown>".to_owned(),
        other => other.to_owned(),
    };
    match wrapper {
        "Option" => format!("{base} | null"),
        "Vec" => format!("{base}[]"),
        _ => base,
    }
}

fn py_type(ty: &str) -> String {
    let (wrapper, inner) = unwrap(ty);
    let base = match inner.replace(' ', "").as_str() {
        "Str" | "String" | "Secret" => "str".to_owned(),
        "DateTime<FixedOffset>" => "datetime".to_owned(),
        "bool" => "bool".to_owned(),
        "u64" => "int".to_owned(),
        "Map<String,Value>" => "dict[str, Any]".to_owned(),
        other => other.to_owned(),
    };
    match (wrapper, base.as_str()) {
        ("Option", _) => format!("{base} | None"),
        ("Vec", "str") => "list[str]".to_owned(),
        ("Vec", _) => format!("{base}List"),
        _ => base,
    }
}

fn ts_fields(out: &mut String, fields: &[FieldInfo]) {
    for f in fields {
        for line in doc_lines(f.doc) {
            let _ = writeln!(out, "  /** {line} */");
        }
        let _ = writeln!(out, "  {}: {};", f.wire, ts_type(f.ty));
    }
    out.push_str("  /** Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received. */\n  extra: Record<string, unknown>;\n");
}

fn model(name: &str) -> &'static ModelInfo {
    PAYLOAD_MODELS
        .iter()
        .find(|m| m.name == name)
        .unwrap_or(&PAYLOAD_MODELS[0])
}

/// Event models (the top-level payloads) versus the objects inside them.
const EVENT_MODELS: [&str; 3] = ["Booking", "NewEmployee", "FormSubmission"];

fn ts_models() -> String {
    let mut out = String::new();
    for m in PAYLOAD_MODELS
        .iter()
        .filter(|m| !EVENT_MODELS.contains(&m.name))
    {
        let _ = writeln!(out, "export interface {} {{", m.name);
        ts_fields(&mut out, m.fields);
        out.push_str("}\n\n");
    }
    for (name, fields) in [
        ("BookingFields", "Booking"),
        ("NewEmployeeFields", "NewEmployee"),
        ("FormSubmissionFields", "FormSubmission"),
    ] {
        let _ = writeln!(out, "interface {name} extends EventBase {{");
        ts_fields(&mut out, model(fields).fields);
        out.push_str("}\n\n");
    }
    out.pop();
    out
}

fn pyi_models() -> String {
    let mut out = String::new();
    for m in PAYLOAD_MODELS
        .iter()
        .filter(|m| !EVENT_MODELS.contains(&m.name))
    {
        let _ = writeln!(out, "@final\nclass {}:", m.name);
        for f in m.fields {
            let _ = writeln!(
                out,
                "    @property\n    def {}(self) -> {}: ...",
                f.name,
                py_type(f.ty)
            );
        }
        out.push_str("    @property\n    def extra(self) -> dict[str, Any]: ...\n    def to_dict(self) -> dict[str, Any]: ...\n\n");
    }
    for (name, m) in [
        ("_BookingFields", "Booking"),
        ("_NewEmployeeFields", "NewEmployee"),
        ("_FormSubmissionFields", "FormSubmission"),
    ] {
        let _ = writeln!(out, "class {name}:");
        for f in model(m).fields {
            let ty = py_type(f.ty);
            let _ = writeln!(out, "    @property\n    def {}(self) -> {ty}: ...", f.name);
        }
        out.push_str("    @property\n    def extra(self) -> dict[str, Any]: ...\n\n");
    }
    out
}

/// The Python binding's views: one `model!` per nested object whose fields are all plain values, one
/// `event_fields!` per event model (the getters of its plain fields).
/// A field the Python views read with `Field::to_py` (a value, not a nested object or list of objects).
fn python_plain(f: &FieldInfo) -> bool {
    let (wrapper, inner) = unwrap(f.ty);
    let inner = inner.replace(' ', "");
    match wrapper {
        "Vec" => inner == "Str",
        _ => matches!(
            inner.as_str(),
            "Str" | "u64" | "bool" | "DateTime<FixedOffset>" | "Secret" | "Map<String,Value>"
        ),
    }
}

/// `[#[doc = "..."] name, ...]`: the plain fields of a model with their docstrings.
fn python_fields(m: &ModelInfo) -> String {
    let fields: Vec<String> = m
        .fields
        .iter()
        .filter(|f| python_plain(f))
        .map(|f| {
            let doc = doc_lines(f.doc).collect::<Vec<_>>().join(" ");
            format!("#[doc = {doc:?}] {}", f.name)
        })
        .collect();
    format!("[{}]", fields.join(", "))
}

fn rs_python_models() -> String {
    let mut out = String::new();
    for m in PAYLOAD_MODELS
        .iter()
        .filter(|m| !EVENT_MODELS.contains(&m.name))
    {
        if m.fields.iter().all(python_plain) {
            let _ = writeln!(
                out,
                "model!({}, core::{}, {});",
                m.name,
                m.name,
                python_fields(m)
            );
        } else {
            // Nested objects are views made by hand (`events.rs`); the plain fields' getters are generated.
            let _ = writeln!(
                out,
                "getters!({}, this => this.inner.get(), {});",
                m.name,
                python_fields(m)
            );
        }
    }
    for class in ["BookingCreated", "BookingCancelled", "BookingRescheduled"] {
        let _ = writeln!(
            out,
            "getters!({class}, this => this.b()?, {});",
            python_fields(model("Booking"))
        );
    }
    for m in ["NewEmployee", "FormSubmission"] {
        let _ = writeln!(out, "event_fields!({m}, {m}, {});", python_fields(model(m)));
    }
    out
}
