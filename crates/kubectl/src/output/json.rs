//! `-o json` (encoding/json): fields in Go struct order, 4-space indent, HTML-safe escapes.

use super::go_fields::go_fields;
use serde_json::Value as Json;

/// `-o json`: encoding/json's MarshalIndent with 4 spaces, fields in Go struct order.
pub fn to_kubectl_json(v: &Json) -> String {
    go_json(v, true)
}

/// The object as Go's encoding/json writes it: compact, or indented by 4 spaces.
pub(crate) fn go_json(v: &Json, pretty: bool) -> String {
    let ty = v.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    let mut out = String::new();
    write_go_json(v, ty, pretty, 0, &mut out);
    out
}

fn write_go_json(v: &Json, ty: &str, pretty: bool, depth: usize, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        if pretty {
            out.push('\n');
            for _ in 0..depth {
                out.push_str("    ");
            }
        }
    };
    match v {
        Json::Object(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            let fields = go_fields(ty);
            let mut keys: Vec<(&String, &'static str)> = Vec::new();
            for (f, child) in fields {
                if let Some((k, _)) = m.get_key_value(*f) {
                    keys.push((k, child));
                }
            }
            for k in m.keys() {
                if !fields.iter().any(|(f, _)| f == k) {
                    keys.push((k, ""));
                }
            }
            out.push('{');
            for (i, (k, child)) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                go_json_string(k, out);
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                write_go_json(&m[k.as_str()], child, pretty, depth + 1, out);
            }
            newline(out, depth);
            out.push('}');
        }
        Json::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_go_json(item, ty, pretty, depth + 1, out);
            }
            newline(out, depth);
            out.push(']');
        }
        Json::String(s) => go_json_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

/// encoding/json's string escaping (HTML-safe: `<`, `>`, `&` as \u003c, \u003e, \u0026).
fn go_json_string(s: &str, out: &mut String) {
    const HEX: &[u8] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{0}'..='\u{1f}' => {
                let b = c as u32 as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}
