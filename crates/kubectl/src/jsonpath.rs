//! kubectl's JSONPath templates (`-o jsonpath='{.items[*].metadata.name}'`), including
//! `{range ...}{end}`, string literals, `[*]`, `[n]`, `[a:b]`, `..` and `[?(@.k=="v")]`
//! filters; and `-o custom-columns=NAME:.metadata.name,...`.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    All,
    Recursive(String),
    Filter(Vec<Step>, String, Value),
}

/// Parses a template. Errors use kubectl's wording where it has one.
fn parse(t: &str) -> Result<Vec<Node>, String> {
    let mut nodes = Vec::new();
    let mut stack: Vec<(Vec<Step>, Vec<Node>)> = Vec::new();
    let mut rest = t;
    while !rest.is_empty() {
        let Some(open) = rest.find('{') else {
            push(&mut nodes, &mut stack, Node::Text(rest.to_string()));
            break;
        };
        if open > 0 {
            push(&mut nodes, &mut stack, Node::Text(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let close = find_close(after).ok_or_else(|| format!("error parsing jsonpath {t}, unclosed action"))?;
        let inner = after[..close].trim();
        rest = &after[close + 1..];
        if inner == "end" {
            let (steps, body) =
                stack.pop().ok_or_else(|| format!("error parsing jsonpath {t}, not in range, nothing to end"))?;
            push(&mut nodes, &mut stack, Node::Range(steps, body));
        } else if let Some(r) = inner.strip_prefix("range ") {
            stack.push((steps(r.trim())?, Vec::new()));
        } else if inner.starts_with('"') && inner.ends_with('"') && inner.len() >= 2 {
            let lit = inner[1..inner.len() - 1].replace("\\n", "\n").replace("\\t", "\t").replace("\\\"", "\"");
            push(&mut nodes, &mut stack, Node::Text(lit));
        } else {
            push(&mut nodes, &mut stack, Node::Path(steps(inner)?));
        }
    }
    if !stack.is_empty() {
        return Err(format!("error parsing jsonpath {t}, unclosed range"));
    }
    Ok(nodes)
}

fn push(nodes: &mut Vec<Node>, stack: &mut [(Vec<Step>, Vec<Node>)], n: Node) {
    match stack.last_mut() {
        Some((_, body)) => body.push(n),
        None => nodes.push(n),
    }
}

fn find_close(s: &str) -> Option<usize> {
    let mut in_str = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_str = !in_str,
            '}' if !in_str => return Some(i),
            _ => {}
        }
    }
    None
}

fn steps(p: &str) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    let mut s = p.trim();
    if s == "@" || s.is_empty() {
        return Ok(out);
    }
    s = s.strip_prefix('@').unwrap_or(s);
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if i + 1 < chars.len() && chars[i + 1] == '.' {
                    i += 2;
                    let start = i;
                    while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                        i += 1;
                    }
                    out.push(Step::Recursive(chars[start..i].iter().collect()));
                    continue;
                }
                i += 1;
                let start = i;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                if name == "*" {
                    out.push(Step::All);
                } else if !name.is_empty() {
                    out.push(Step::Field(name));
                }
            }
            '[' => {
                let start = i + 1;
                let mut depth = 1;
                i += 1;
                while i < chars.len() && depth > 0 {
                    match chars[i] {
                        '[' => depth += 1,
                        ']' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                if depth > 0 {
                    // client-go's jsonpath parser on a `[` that never closes.
                    return Err("unclosed array expect ]".into());
                }
                let inner: String = chars[start..i - 1].iter().collect();
                let inner = inner.trim();
                if inner == "*" {
                    out.push(Step::All);
                } else if let Some(f) = inner.strip_prefix("?(").and_then(|x| x.strip_suffix(')')) {
                    let (lhs, rhs) = f.split_once("==").ok_or_else(|| format!("unrecognized filter {f}"))?;
                    let rhs = rhs.trim();
                    let v: Value = if let Some(q) = rhs
                        .strip_prefix('"')
                        .and_then(|x| x.strip_suffix('"'))
                        .or_else(|| rhs.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                    {
                        Value::String(q.to_string())
                    } else {
                        serde_json::from_str(rhs).unwrap_or(Value::String(rhs.to_string()))
                    };
                    out.push(Step::Filter(steps(lhs.trim())?, "==".into(), v));
                } else if let Some((a, b)) = inner.split_once(':') {
                    out.push(Step::Slice(a.trim().parse().ok(), b.trim().parse().ok()));
                } else if let Ok(n) = inner.parse::<i64>() {
                    out.push(Step::Index(n));
                } else {
                    out.push(Step::Field(inner.trim_matches(|c| c == '\'' || c == '"').to_string()));
                }
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                out.push(Step::Field(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

fn eval(vals: Vec<Value>, steps: &[Step]) -> Vec<Value> {
    let mut cur = vals;
    for st in steps {
        let mut next = Vec::new();
        for v in cur {
            match st {
                Step::Field(f) => {
                    if let Some(x) = v.get(f) {
                        next.push(x.clone());
                    }
                }
                Step::Index(n) => {
                    if let Value::Array(a) = &v {
                        let i = if *n < 0 { a.len() as i64 + n } else { *n };
                        if let Some(x) = a.get(i.max(0) as usize).filter(|_| i >= 0) {
                            next.push(x.clone());
                        }
                    }
                }
                Step::Slice(a, b) => {
                    if let Value::Array(arr) = &v {
                        let len = arr.len() as i64;
                        let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                        let (s, e) = (norm(a.unwrap_or(0)), norm(b.unwrap_or(len)));
                        for x in arr.iter().take(e.max(0) as usize).skip(s.max(0) as usize) {
                            next.push(x.clone());
                        }
                    }
                }
                Step::All => match v {
                    Value::Array(a) => next.extend(a),
                    Value::Object(m) => next.extend(m.into_iter().map(|(_, x)| x)),
                    _ => {}
                },
                Step::Recursive(f) => collect(&v, f, &mut next),
                Step::Filter(lhs, _, want) => {
                    if let Value::Array(a) = v {
                        for item in a {
                            if eval(vec![item.clone()], lhs).first() == Some(want) {
                                next.push(item);
                            }
                        }
                    }
                }
            }
        }
        cur = next;
    }
    cur
}

fn collect(v: &Value, f: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(f) {
                out.push(x.clone());
            }
            for x in m.values() {
                collect(x, f, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, f, out)),
        _ => {}
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn render(nodes: &[Node], ctx: &Value, out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Path(steps) => {
                let vals = eval(vec![ctx.clone()], steps);
                out.push_str(&vals.iter().map(text).collect::<Vec<_>>().join(" "));
            }
            Node::Range(steps, body) => {
                for v in eval(vec![ctx.clone()], steps) {
                    render(body, &v, out);
                }
            }
        }
    }
}

/// Evaluates a kubectl JSONPath template against `v`.
pub fn jsonpath(template: &str, v: &Value) -> Result<String, String> {
    let t = template.trim_matches(|c| c == '\'');
    let nodes = parse(t)?;
    let mut out = String::new();
    render(&nodes, v, &mut out);
    Ok(out)
}

/// `-o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image`.
pub fn custom_columns(spec: &str, items: &[Value], no_headers: bool) -> Result<String, String> {
    let mut cols = Vec::new();
    for c in spec.split(',') {
        let (h, p) = c
            .split_once(':')
            .ok_or_else(|| format!("unexpected custom-columns spec: {c}, expected <header>:<json-path-expr>"))?;
        cols.push((h.to_string(), steps(p.trim().trim_start_matches('{').trim_end_matches('}'))?));
    }
    let mut text_out = String::new();
    if !no_headers {
        text_out.push_str(&cols.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>().join("\t"));
        text_out.push('\n');
    }
    for item in items {
        let row: Vec<String> = cols
            .iter()
            .map(|(_, st)| {
                let vals = eval(vec![item.clone()], st);
                if vals.is_empty() {
                    "<none>".to_string()
                } else {
                    vals.iter().map(text).collect::<Vec<_>>().join(",")
                }
            })
            .collect();
        text_out.push_str(&row.join("\t"));
        text_out.push('\n');
    }
    Ok(crate::tabwriter::format(&text_out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_evaluate_like_kubectl() {
        let v = json!({"kind": "List", "items": [
            {"metadata": {"name": "a"}, "spec": {"ports": [{"nodePort": 30080}]}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "b"}, "spec": {"ports": [{"nodePort": 30081}]}, "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
        ]});
        let cases = [
            ("{.items[*].metadata.name}", "a b"),
            ("{.items[0].spec.ports[0].nodePort}", "30080"),
            ("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}", "a\tTrue\nb\tFalse\n"),
            ("{.items[-1:].metadata.name}", "b"),
            ("{..nodePort}", "30080 30081"),
            ("'{.kind}'", "List"),
        ];
        for (t, want) in cases {
            assert_eq!(jsonpath(t, &v).unwrap(), want, "{t}");
        }
        assert!(jsonpath("{.items[0]", &v).is_err());
    }
}
