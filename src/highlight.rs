//! YAML syntax colouring for the editor: each line cut into tokens (keys, values, strings,
//! numbers, comments...). It reads a line at a time with a little state for block scalars
//! (`|`, `>`), never fails, and gives back every character of the text, so the coloured copy
//! lies exactly under the textarea.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Plain,
    Key,
    /// An unquoted scalar value.
    Value,
    /// A quoted string, or the lines of a block scalar.
    Str,
    Num,
    /// true, false, null, ~
    Literal,
    Comment,
    /// `-`, `:`, `|`, `>`, `{`, `[`...
    Punct,
    /// `---` and `...`
    Doc,
}

impl Tok {
    /// The CSS class the editor gives it.
    pub fn class(self) -> &'static str {
        match self {
            Tok::Plain => "",
            Tok::Key => "tok-key",
            Tok::Value => "tok-value",
            Tok::Str => "tok-str",
            Tok::Num => "tok-num",
            Tok::Literal => "tok-lit",
            Tok::Comment => "tok-comment",
            Tok::Punct => "tok-punct",
            Tok::Doc => "tok-doc",
        }
    }
}

pub type Line = Vec<(Tok, String)>;

/// The text's lines (split on `\n`), each as tokens whose texts join back to the line.
pub fn highlight(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    // Inside a block scalar: lines indented deeper than this are its content.
    let mut block: Option<usize> = None;
    for line in text.split('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(parent) = block {
            if line.trim().is_empty() || indent > parent {
                out.push(vec![(Tok::Str, line.to_string())]);
                continue;
            }
            block = None;
        }
        let (toks, opens_block) = tokens(line);
        if opens_block {
            block = Some(indent);
        }
        out.push(toks);
    }
    out
}

/// One line's tokens, and whether its value opens a block scalar.
fn tokens(line: &str) -> (Line, bool) {
    let mut toks: Line = Vec::new();
    let mut push = |t: Tok, s: &str| {
        if !s.is_empty() {
            toks.push((t, s.to_string()));
        }
    };
    let body = line.trim_start_matches(' ');
    let lead = &line[..line.len() - body.len()];
    push(Tok::Plain, lead);
    if body.starts_with('#') {
        push(Tok::Comment, body);
        return (toks, false);
    }
    let trimmed = body.trim_end();
    if trimmed == "---" || trimmed == "..." || body.starts_with("--- ") {
        let (mark, rest) = body.split_at(3);
        push(Tok::Doc, mark);
        let (v, c) = split_comment(rest);
        push(Tok::Plain, v);
        push(Tok::Comment, c);
        return (toks, false);
    }
    // List markers: `- `, `- - `.
    let mut rest = body;
    loop {
        if rest == "-" {
            push(Tok::Punct, "-");
            return (toks, false);
        }
        match rest.strip_prefix("- ") {
            Some(r) => {
                let spaces = r.len() - r.trim_start_matches(' ').len();
                push(Tok::Punct, "-");
                push(Tok::Plain, &rest[1..2 + spaces]);
                rest = &r[spaces..];
            }
            None => break,
        }
    }
    let (content, comment) = split_comment(rest);
    let opens_block = match key_end(content) {
        Some(k) => {
            push(Tok::Key, &content[..k]);
            push(Tok::Punct, ":");
            let after = &content[k + 1..];
            let value = after.trim_start();
            push(Tok::Plain, &after[..after.len() - value.len()]);
            value_tokens(value, &mut push)
        }
        None => value_tokens(content, &mut push),
    };
    push(Tok::Comment, comment);
    (toks, opens_block)
}

/// Colours a scalar or flow value; says whether it is a block scalar indicator.
fn value_tokens(value: &str, push: &mut impl FnMut(Tok, &str)) -> bool {
    let v = value.trim_end();
    let tail = &value[v.len()..];
    let block = matches!(v.chars().next(), Some('|' | '>'))
        && v.len() <= 3
        && v[1..].chars().all(|c| matches!(c, '-' | '+' | '1'..='9'));
    let tok = if v.is_empty() {
        Tok::Plain
    } else if block || v.starts_with(['{', '[']) || v == "}" || v == "]" {
        Tok::Punct
    } else if v.starts_with(['"', '\'']) {
        Tok::Str
    } else if matches!(v, "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "Null" | "NULL" | "~") {
        Tok::Literal
    } else if is_number(v) {
        Tok::Num
    } else {
        Tok::Value
    };
    // Flow collections (`{a: 1}`, `[80, 443]`) stay one token: simple and still readable.
    push(tok, v);
    push(Tok::Plain, tail);
    block
}

fn is_number(v: &str) -> bool {
    let s = v.strip_prefix(['-', '+']).unwrap_or(v);
    !s.is_empty()
        && s.chars().filter(|c| *c == '.').count() <= 1
        && s.chars().all(|c| c.is_ascii_digit() || c == '.')
        && s != "."
}

/// Where a mapping key ends (the index of its `:`), outside quotes: `name: x` → 4.
fn key_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    if s.starts_with(['{', '[']) {
        return None;
    }
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if i == 0 => quote = Some(c),
            (None, ':') => {
                let next = s[i + 1..].chars().next();
                if next.is_none() || next == Some(' ') {
                    return (i > 0).then_some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits off a trailing ` # comment` (a `#` at the start or after a space, outside quotes).
fn split_comment(s: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if prev == ' ' || prev == ':' || i == 0 => quote = Some(c),
            (None, '#') if prev == ' ' || i == 0 => return s.split_at(i),
            _ => {}
        }
        prev = c;
    }
    (s, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &Line) -> Vec<(Tok, &str)> {
        line.iter().map(|(t, s)| (*t, s.as_str())).collect()
    }

    #[test]
    fn every_character_comes_back_in_order() {
        let text = "apiVersion: v1\nkind: Pod # a pod\n---\nspec:\n  containers:\n  - name: \"web: 1\"\n    ports: [80, 443]\n    args:\n    - |\n      echo 'a: b'\n\n      # not a comment\n    image: nginx:1.25\n  x: -1.5\n  é: ü\n-\n  \t\n";
        let lines = highlight(text);
        let back: Vec<String> = lines.iter().map(|l| l.iter().map(|(_, s)| s.as_str()).collect()).collect();
        assert_eq!(back.join("\n"), text);
    }

    #[test]
    fn any_text_comes_back_whole_and_never_panics() {
        // Garbled YAML from a small alphabet of what matters to the tokenizer.
        let alphabet: Vec<char> = " -:#'\"|>{}[]\n\tab1.é😀".chars().collect();
        let mut x: u32 = 12345;
        for _ in 0..3000 {
            let len = (x % 40) as usize;
            let text: String = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    alphabet[(x >> 16) as usize % alphabet.len()]
                })
                .collect();
            let back: Vec<String> =
                highlight(&text).iter().map(|l| l.iter().map(|(_, s)| s.as_str()).collect()).collect();
            assert_eq!(back.join("\n"), text);
            for line in 0..=text.split('\n').count() {
                let _ = kubelab_kubectl::explain::field_at(&format!("kind: Pod\n{text}"), line);
            }
        }
    }

    #[test]
    fn keys_values_and_comments_are_told_apart() {
        let l = highlight("  - name: web # the app\n    replicas: 3\n    ready: true\n    image: \"nginx:1.25\"");
        assert_eq!(
            kinds(&l[0]),
            [
                (Tok::Plain, "  "),
                (Tok::Punct, "-"),
                (Tok::Plain, " "),
                (Tok::Key, "name"),
                (Tok::Punct, ":"),
                (Tok::Plain, " "),
                (Tok::Value, "web"),
                (Tok::Plain, " "),
                (Tok::Comment, "# the app")
            ]
        );
        assert_eq!(kinds(&l[1])[3..], [(Tok::Plain, " "), (Tok::Num, "3")]);
        assert_eq!(kinds(&l[2]).last(), Some(&(Tok::Literal, "true")));
        assert_eq!(kinds(&l[3]).last(), Some(&(Tok::Str, "\"nginx:1.25\"")));
    }

    #[test]
    fn a_block_scalar_is_a_string_until_the_indent_comes_back() {
        let l = highlight("data:\n  script: |\n    a: b\n    # c\n  next: 1");
        assert_eq!(kinds(&l[2]), [(Tok::Str, "    a: b")]);
        assert_eq!(kinds(&l[3]), [(Tok::Str, "    # c")]);
        assert_eq!(kinds(&l[4])[1], (Tok::Key, "next"));
    }

    #[test]
    fn a_colon_inside_a_value_or_url_is_not_a_key() {
        let l = highlight("image: nginx:1.25\nurl: http://x:80/y\n---\n# c");
        assert_eq!(kinds(&l[0])[0], (Tok::Key, "image"));
        assert_eq!(kinds(&l[0]).last(), Some(&(Tok::Value, "nginx:1.25")));
        assert_eq!(kinds(&l[1]).last(), Some(&(Tok::Value, "http://x:80/y")));
        assert_eq!(kinds(&l[2]), [(Tok::Doc, "---")]);
        assert_eq!(kinds(&l[3]), [(Tok::Comment, "# c")]);
    }
}
