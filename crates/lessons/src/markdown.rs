//! The Markdown lessons use, parsed to plain data that the page renders as elements and
//! text nodes (never as HTML): headings (`#`, `##`, `###`), paragraphs, `-`/`*` and `1.`
//! lists, `>` notes, fenced code blocks, and inline `code`, **strong**, *emphasis* and
//! [links](https://...) (http and https only; anything else stays text).

#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(Vec<Inline>),
    Em(Vec<Inline>),
    Link { text: String, href: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Heading(u8, Vec<Inline>),
    Paragraph(Vec<Inline>),
    List { ordered: bool, items: Vec<Vec<Inline>> },
    Note(Vec<Inline>),
    Code { lang: String, text: String },
}

pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut para: Vec<String> = Vec::new();
    let flush = |para: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !para.is_empty() {
            blocks.push(Block::Paragraph(inlines(&para.join(" "))));
            para.clear();
        }
    };
    while i < lines.len() {
        let l = lines[i];
        let t = l.trim();
        if let Some(lang) = t.strip_prefix("```") {
            flush(&mut para, &mut blocks);
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                body.push(lines[i]);
                i += 1;
            }
            blocks.push(Block::Code { lang: lang.trim().to_string(), text: body.join("\n") });
            i += 1;
            continue;
        }
        if t.is_empty() {
            flush(&mut para, &mut blocks);
            i += 1;
            continue;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        if (1..=3).contains(&hashes) && t[hashes..].starts_with(' ') {
            flush(&mut para, &mut blocks);
            blocks.push(Block::Heading(hashes as u8, inlines(t[hashes..].trim())));
            i += 1;
            continue;
        }
        if let Some(rest) = t.strip_prefix("> ").or(t.strip_prefix(">")) {
            flush(&mut para, &mut blocks);
            let mut body = vec![rest.to_string()];
            i += 1;
            while i < lines.len() && lines[i].trim().starts_with('>') {
                body.push(lines[i].trim().trim_start_matches('>').trim().to_string());
                i += 1;
            }
            blocks.push(Block::Note(inlines(&body.join(" "))));
            continue;
        }
        let item = |s: &str| -> Option<(bool, String)> {
            if let Some(r) = s.strip_prefix("- ").or(s.strip_prefix("* ")) {
                return Some((false, r.to_string()));
            }
            let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && s[digits..].starts_with(". ") {
                return Some((true, s[digits + 2..].to_string()));
            }
            None
        };
        if let Some((ordered, first)) = item(t) {
            flush(&mut para, &mut blocks);
            let mut items = vec![first];
            i += 1;
            while i < lines.len() {
                let n = lines[i].trim();
                if let Some((_, next)) = item(n) {
                    items.push(next);
                } else if !n.is_empty() && lines[i].starts_with("  ") {
                    // A continuation line of the item above.
                    if let Some(last) = items.last_mut() {
                        last.push(' ');
                        last.push_str(n);
                    }
                } else {
                    break;
                }
                i += 1;
            }
            blocks.push(Block::List { ordered, items: items.iter().map(|s| inlines(s)).collect() });
            continue;
        }
        para.push(t.to_string());
        i += 1;
    }
    flush(&mut para, &mut blocks);
    blocks
}

/// Inline spans: `code` first (nothing inside it is markup), then links, **strong**, *em*.
pub fn inlines(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let push_text = |text: &mut String, out: &mut Vec<Inline>| {
        if !text.is_empty() {
            out.push(Inline::Text(std::mem::take(text)));
        }
    };
    let find = |from: usize, pat: &[char]| -> Option<usize> {
        (from..chars.len().saturating_sub(pat.len() - 1)).find(|&k| chars[k..k + pat.len()] == *pat)
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            if let Some(end) = find(i + 1, &['`']) {
                push_text(&mut text, &mut out);
                out.push(Inline::Code(chars[i + 1..end].iter().collect()));
                i = end + 1;
                continue;
            }
        }
        if c == '[' {
            if let Some(close) = find(i + 1, &[']', '(']) {
                if let Some(end) = find(close + 2, &[')']) {
                    let label: String = chars[i + 1..close].iter().collect();
                    let href: String = chars[close + 2..end].iter().collect();
                    if href.starts_with("https://") || href.starts_with("http://") {
                        push_text(&mut text, &mut out);
                        out.push(Inline::Link { text: label, href });
                        i = end + 1;
                        continue;
                    }
                }
            }
        }
        if c == '*' && chars.get(i + 1) == Some(&'*') {
            if let Some(end) = find(i + 2, &['*', '*']) {
                push_text(&mut text, &mut out);
                out.push(Inline::Strong(inlines(&chars[i + 2..end].iter().collect::<String>())));
                i = end + 2;
                continue;
            }
        }
        if c == '*' || c == '_' {
            let boundary = i == 0 || !chars[i - 1].is_alphanumeric();
            if boundary && chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) {
                if let Some(end) = find(i + 1, &[c]) {
                    push_text(&mut text, &mut out);
                    out.push(Inline::Em(inlines(&chars[i + 1..end].iter().collect::<String>())));
                    i = end + 1;
                    continue;
                }
            }
        }
        text.push(c);
        i += 1;
    }
    push_text(&mut text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_parses_to_blocks_and_spans() {
        let md = "# Title\n\nRun `kubectl get pods` and **look**\nat the *map*.\n\n- one\n- two `x`\n\n1. first\n2. second\n\n> A note\n\n```sh\nkubectl get pods\n```\n";
        let b = parse(md);
        assert_eq!(b[0], Block::Heading(1, vec![Inline::Text("Title".into())]));
        assert_eq!(
            b[1],
            Block::Paragraph(vec![
                Inline::Text("Run ".into()),
                Inline::Code("kubectl get pods".into()),
                Inline::Text(" and ".into()),
                Inline::Strong(vec![Inline::Text("look".into())]),
                Inline::Text(" at the ".into()),
                Inline::Em(vec![Inline::Text("map".into())]),
                Inline::Text(".".into()),
            ])
        );
        assert!(matches!(&b[2], Block::List { ordered: false, items } if items.len() == 2));
        assert!(matches!(&b[3], Block::List { ordered: true, items } if items.len() == 2));
        assert_eq!(b[4], Block::Note(vec![Inline::Text("A note".into())]));
        assert_eq!(b[5], Block::Code { lang: "sh".into(), text: "kubectl get pods".into() });
    }

    #[test]
    fn html_and_script_links_stay_text() {
        let b = inlines("<script>alert(1)</script> [x](javascript:alert(1)) [k8s](https://kubernetes.io/docs/)");
        assert_eq!(b[0], Inline::Text("<script>alert(1)</script> [x](javascript:alert(1)) ".into()));
        assert_eq!(b[1], Inline::Link { text: "k8s".into(), href: "https://kubernetes.io/docs/".into() });
    }

    #[test]
    fn snake_case_names_are_not_emphasis() {
        assert_eq!(
            inlines("max_surge and max_unavailable"),
            vec![Inline::Text("max_surge and max_unavailable".into())]
        );
    }
}
