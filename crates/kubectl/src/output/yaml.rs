//! `-o yaml` (sigs.k8s.io/yaml over go-yaml v2): natural key order, 80-column folding, and
//! plain / single / double / literal scalar styles chosen as go-yaml chooses them.

use crate::strconv::{go_parse_int, go_parse_uint};
use serde_json::Value as Json;

/// `-o yaml` as kubectl prints it: the JSON re-emitted by sigs.k8s.io/yaml, which is
/// go-yaml v2. Keys in go-yaml's natural order, 2-space indentation, sequences at their
/// key's indentation, plain scalars where they would read back as the same string, else
/// single quotes (when the text needs quoting but not escaping), double quotes (when it
/// would read back as another type, or needs escapes), or a literal block (multi-line
/// text); long scalars folded at 80 columns.
pub fn to_kubectl_yaml(v: &Json) -> String {
    let mut e = YamlEmitter { out: String::new(), column: 0, whitespace: true, indention: true };
    e.node(v, -1, false);
    e.write_indent(0);
    e.out
}

struct YamlEmitter {
    out: String,
    /// Characters on the current line.
    column: usize,
    /// The last thing written was whitespace (an indent, or nothing yet).
    whitespace: bool,
    /// Only indentation (and `- `) on the current line so far.
    indention: bool,
}

const BEST_WIDTH: usize = 80;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

impl YamlEmitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }
    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }
    fn write_indent(&mut self, indent: i64) {
        let indent = indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }
    fn write_indicator(&mut self, s: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in s.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// A node whose container is indented at `indent` (-1 at the root); `in_mapping` when it
    /// is a mapping's value.
    fn node(&mut self, v: &Json, indent: i64, in_mapping: bool) {
        match v {
            Json::Object(m) if !m.is_empty() => {
                let mut keys: Vec<&String> = m.keys().collect();
                kubelab_api::sort::by(&mut keys, |a, b| {
                    if yaml_key_less(a, b) {
                        std::cmp::Ordering::Less
                    } else if yaml_key_less(b, a) {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                });
                let inner = if indent < 0 { 0 } else { indent + 2 };
                for k in keys {
                    self.write_indent(inner);
                    self.string_scalar(k, inner, true);
                    self.write_indicator(":", false, false, false);
                    self.node(&m[k.as_str()], inner, true);
                }
            }
            Json::Array(items) if !items.is_empty() => {
                // A sequence that is a mapping's value is not indented (go-yaml's indentless).
                let inner = if indent < 0 {
                    0
                } else if in_mapping && !self.indention {
                    indent
                } else {
                    indent + 2
                };
                for item in items {
                    self.write_indent(inner);
                    self.write_indicator("-", true, false, true);
                    self.node(item, inner, false);
                }
            }
            Json::Object(_) => {
                self.write_indicator("{", true, true, false);
                self.write_indicator("}", false, false, false);
            }
            Json::Array(_) => {
                self.write_indicator("[", true, true, false);
                self.write_indicator("]", false, false, false);
            }
            Json::String(s) => self.string_scalar(s, indent, false),
            Json::Null => self.plain("null", indent, false),
            Json::Bool(b) => self.plain(if *b { "true" } else { "false" }, indent, false),
            Json::Number(n) => {
                let text = if let Some(f) = n.as_f64().filter(|_| !n.is_i64() && !n.is_u64()) {
                    if f.fract() == 0.0 && f.abs() < 1e21 {
                        format!("{}", f as i128)
                    } else {
                        format!("{f}")
                    }
                } else {
                    n.to_string()
                };
                self.plain(&text, indent, false);
            }
        }
    }

    fn plain(&mut self, s: &str, indent: i64, simple_key: bool) {
        let scalar_indent = if indent < 0 { 0 } else { indent + 2 };
        self.write_plain(s.as_bytes(), scalar_indent, !simple_key);
    }

    /// encoder.stringv, then the emitter's analysis and select_scalar_style.
    fn string_scalar(&mut self, s: &str, indent: i64, simple_key: bool) {
        let can_plain = yaml_resolves_to_string(s) && !is_base60_float(s);
        let requested = if s.contains('\n') {
            Style::Literal
        } else if can_plain {
            Style::Plain
        } else {
            Style::Double
        };
        let an = analyze_scalar(s.as_bytes());
        let mut style = requested;
        if simple_key && an.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!an.block_plain_allowed || (s.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !an.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!an.block_allowed || simple_key) {
            style = Style::Double;
        }
        // emit_scalar increases the indentation for the scalar's own continuation lines.
        let scalar_indent = if indent < 0 { 0 } else { indent + 2 };
        let b = s.as_bytes();
        match style {
            Style::Plain => self.write_plain(b, scalar_indent, !simple_key),
            Style::Single => self.write_single(b, scalar_indent, !simple_key),
            Style::Double => self.write_double(b, scalar_indent, !simple_key),
            Style::Literal => self.write_literal(b, scalar_indent),
        }
    }

    fn write_char(&mut self, b: &[u8], i: &mut usize) {
        let w = utf8_width(b[*i]);
        let end = (*i + w).min(b.len());
        self.out.push_str(std::str::from_utf8(&b[*i..end]).unwrap_or("\u{fffd}"));
        self.column += 1;
        *i = end;
    }

    fn write_break(&mut self, b: &[u8], i: &mut usize) {
        if b[*i] == b'\n' {
            self.put_break();
            *i += 1;
        } else {
            self.write_char(b, i);
            self.column = 0;
        }
    }

    fn write_plain(&mut self, b: &[u8], indent: i64, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let (mut spaces, mut breaks) = (false, false);
        let mut i = 0;
        while i < b.len() {
            if b[i] == b' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && b.get(i + 1) != Some(&b' ') {
                    self.write_indent(indent);
                    i += 1;
                } else {
                    self.write_char(b, &mut i);
                }
                spaces = true;
            } else if is_break(b, i) {
                if !breaks && b[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(b, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                self.write_char(b, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, b: &[u8], indent: i64, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let mut i = 0;
        while i < b.len() {
            if b[i] == b' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < b.len() - 1
                    && b.get(i + 1) != Some(&b' ')
                {
                    self.write_indent(indent);
                    i += 1;
                } else {
                    self.write_char(b, &mut i);
                }
                spaces = true;
            } else if is_break(b, i) {
                if !breaks && b[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(b, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                if b[i] == b'\'' {
                    self.put('\'');
                }
                self.write_char(b, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, b: &[u8], indent: i64, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let mut i = 0;
        while i < b.len() {
            if !is_printable(b, i) || is_bom(b, i) || is_break(b, i) || b[i] == b'"' || b[i] == b'\\' {
                let w = utf8_width(b[i]);
                let end = (i + w).min(b.len());
                let v: u32 = std::str::from_utf8(&b[i..end])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map(|c| c as u32)
                    .unwrap_or(0xfffd);
                i = end;
                self.put('\\');
                match v {
                    0x00 => self.put('0'),
                    0x07 => self.put('a'),
                    0x08 => self.put('b'),
                    0x09 => self.put('t'),
                    0x0a => self.put('n'),
                    0x0b => self.put('v'),
                    0x0c => self.put('f'),
                    0x0d => self.put('r'),
                    0x1b => self.put('e'),
                    0x22 => self.put('"'),
                    0x5c => self.put('\\'),
                    0x85 => self.put('N'),
                    0xa0 => self.put('_'),
                    0x2028 => self.put('L'),
                    0x2029 => self.put('P'),
                    _ => {
                        let (letter, digits) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..digits).rev() {
                            let d = (v >> (k * 4)) & 0xf;
                            self.put(std::char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if b[i] == b' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < b.len() - 1 {
                    self.write_indent(indent);
                    if b.get(i + 1) == Some(&b' ') {
                        self.put('\\');
                    }
                    i += 1;
                } else {
                    self.write_char(b, &mut i);
                }
                spaces = true;
            } else {
                self.write_char(b, &mut i);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, b: &[u8], indent: i64) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an indentation indicator when the text starts with a space or
        // a break; `-` without a trailing break, `+` with more than one.
        if !b.is_empty() && (b[0] == b' ' || is_break(b, 0)) {
            self.write_indicator("2", false, false, false);
        }
        let chomp = if b.is_empty() {
            Some("-")
        } else {
            let mut i = b.len() - 1;
            while i > 0 && b[i] & 0xC0 == 0x80 {
                i -= 1;
            }
            if !is_break(b, i) {
                Some("-")
            } else if i == 0 {
                Some("+")
            } else {
                let mut j = i - 1;
                while j > 0 && b[j] & 0xC0 == 0x80 {
                    j -= 1;
                }
                if is_break(b, j) {
                    Some("+")
                } else {
                    None
                }
            }
        };
        if let Some(c) = chomp {
            self.write_indicator(c, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut i = 0;
        while i < b.len() {
            if is_break(b, i) {
                self.write_break(b, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                self.write_char(b, &mut i);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

fn utf8_width(b: u8) -> usize {
    if b & 0x80 == 0 {
        1
    } else if b & 0xE0 == 0xC0 {
        2
    } else if b & 0xF0 == 0xE0 {
        3
    } else if b & 0xF8 == 0xF0 {
        4
    } else {
        1
    }
}

fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn is_break(b: &[u8], i: usize) -> bool {
    let c = at(b, i);
    c == b'\r'
        || c == b'\n'
        || (c == 0xC2 && at(b, i + 1) == 0x85)
        || (c == 0xE2 && at(b, i + 1) == 0x80 && (at(b, i + 2) == 0xA8 || at(b, i + 2) == 0xA9))
}

fn is_bom(b: &[u8], i: usize) -> bool {
    at(b, i) == 0xEF && at(b, i + 1) == 0xBB && at(b, i + 2) == 0xBF
}

fn is_blank(b: &[u8], i: usize) -> bool {
    at(b, i) == b' ' || at(b, i) == b'\t'
}

/// yaml_emitter's is_printable.
fn is_printable(b: &[u8], i: usize) -> bool {
    let c = at(b, i);
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (c == 0xC2 && at(b, i + 1) >= 0xA0)
        || (c > 0xC2 && c < 0xED)
        || (c == 0xED && at(b, i + 1) < 0xA0)
        || c == 0xEE
        || (c == 0xEF
            && !(at(b, i + 1) == 0xBB && at(b, i + 2) == 0xBF)
            && !(at(b, i + 1) == 0xBF && (at(b, i + 2) == 0xBE || at(b, i + 2) == 0xBF)))
}

struct ScalarAnalysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// yaml_emitter_analyze_scalar (block context).
fn analyze_scalar(b: &[u8]) -> ScalarAnalysis {
    if b.is_empty() {
        return ScalarAnalysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let (mut block_indicators, mut line_breaks, mut special) = (false, false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if b.len() >= 3 && (b.starts_with(b"---") || b.starts_with(b"...")) {
        block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut i = 0;
    while i < b.len() {
        let w = utf8_width(b[i]);
        let followed_by_whitespace = i + w >= b.len() || is_blank(b, i + w);
        if i == 0 {
            match b[i] {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%'
                | b'@' | b'`' => block_indicators = true,
                b'?' | b':' | b'-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match b[i] {
                b':' if followed_by_whitespace => block_indicators = true,
                b'#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(b, i) {
            special = true;
        }
        if b[i] == b' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + w == b.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(b, i) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + w == b.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(b, i) || is_break(b, i) || b[i] == 0;
        i += w;
    }
    let mut a = ScalarAnalysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.block_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// go-yaml v2's resolve(): would this text, unquoted, read back as a string?
fn yaml_resolves_to_string(s: &str) -> bool {
    const MAP: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false",
        "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf",
        ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    ];
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        _ => 0,
    };
    if hint == 0 {
        return true;
    }
    if MAP.contains(&s) {
        return false;
    }
    match hint {
        b'.' => !is_go_float_dot(s),
        b'D' | b'S' => {
            if is_yaml_timestamp(s) {
                return false;
            }
            let plain = s.replace('_', "");
            if go_parse_int(&plain, 0, 64).is_ok() || go_parse_uint(&plain, 0, 64).is_ok() {
                return false;
            }
            if is_yaml_style_float(&plain) {
                return false;
            }
            if let Some(bin) = plain.strip_prefix("0b") {
                if go_parse_uint(bin, 2, 64).is_ok() {
                    return false;
                }
            } else if let Some(bin) = plain.strip_prefix("-0b") {
                if go_parse_int(&format!("-{bin}"), 2, 64).is_ok() {
                    return false;
                }
            }
            true
        }
        _ => true,
    }
}

/// strconv.ParseFloat on text starting with `.`: `.5`, `.5e3`.
fn is_go_float_dot(s: &str) -> bool {
    let rest = &s[1..];
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if mant.is_empty() || !mant.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    match exp {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mant_ok = match mant.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && frac.chars().all(|c| c.is_ascii_digit()),
        Some((int, frac)) => {
            !int.is_empty() && int.chars().all(|c| c.is_ascii_digit()) && frac.chars().all(|c| c.is_ascii_digit())
        }
        None => !mant.is_empty() && mant.chars().all(|c| c.is_ascii_digit()),
    };
    let exp_ok = match exp {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        }
    };
    mant_ok && exp_ok
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$` (YAML 1.1 sexagesimal numbers).
fn is_base60_float(s: &str) -> bool {
    if !s.contains(':') || !s.starts_with(|c: char| c == '+' || c == '-' || c.is_ascii_digit()) {
        return false;
    }
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (body, frac) = match s.split_once('.') {
        Some((b, f)) => (b, Some(f)),
        None => (s, None),
    };
    if let Some(f) = frac {
        if !f.chars().all(|c| c.is_ascii_digit() || c == '_') {
            return false;
        }
    }
    let mut parts = body.split(':');
    let first = parts.next().unwrap_or("");
    if !first.starts_with(|c: char| c.is_ascii_digit()) || !first.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return false;
    }
    let mut any = false;
    for p in parts {
        any = true;
        let ok = match p.as_bytes() {
            [d] => d.is_ascii_digit(),
            [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    any
}

/// go-yaml v2's parseTimestamp: `2006-1-2`, `2006-1-2 15:4:5.999`, `2006-1-2T15:4:5.999Z07:00`.
fn is_yaml_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut i = 5;
    let num = |i: &mut usize, max_digits: usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && *i - start < max_digits && b[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == start {
            return None;
        }
        s[start..*i].parse().ok()
    };
    let year: i64 = s[..4].parse().unwrap_or(0);
    let Some(month) = num(&mut i, 2) else { return false };
    if at(b, i) != b'-' {
        return false;
    }
    i += 1;
    let Some(day) = num(&mut i, 2) else { return false };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            if leap {
                29
            } else {
                28
            }
        }
        _ => return false,
    };
    if day < 1 || day > days_in {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let sep = b[i];
    if !matches!(sep, b'T' | b't' | b' ') {
        return false;
    }
    i += 1;
    let Some(h) = num(&mut i, 2) else { return false };
    if at(b, i) != b':' {
        return false;
    }
    i += 1;
    let Some(m) = num(&mut i, 2) else { return false };
    if at(b, i) != b':' {
        return false;
    }
    i += 1;
    let Some(sec) = num(&mut i, 2) else { return false };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    if at(b, i) == b'.' && at(b, i + 1).is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if sep == b' ' {
        return i == b.len();
    }
    match &s[i..] {
        "Z" => true,
        zone => {
            let z = zone.as_bytes();
            z.len() == 6
                && (z[0] == b'+' || z[0] == b'-')
                && z[1].is_ascii_digit()
                && z[2].is_ascii_digit()
                && z[3] == b':'
                && z[4].is_ascii_digit()
                && z[5].is_ascii_digit()
        }
    }
}

/// go-yaml v2's keyList.Less for string keys: letters after other characters, runs of
/// digits compared as numbers.
fn yaml_key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}
