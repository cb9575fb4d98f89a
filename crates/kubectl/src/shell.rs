//! Splitting a console line into words the way a POSIX shell would (quotes, escapes,
//! comments), and recognising heredocs (`<<EOF`, `<<'EOF'`, `<<-EOF`).

/// Splits `line` into words. Errors name what is wrong.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unexpected EOF while looking for matching `''".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => return Err("unexpected EOF while looking for matching `\"'".into()),
                        },
                        Some(x) => cur.push(x),
                        None => return Err("unexpected EOF while looking for matching `\"'".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            '#' if !in_word => break,
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// A heredoc on a command line: the marker and whether leading tabs are stripped (`<<-`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub marker: String,
    pub strip_tabs: bool,
}

/// Finds `<<MARK` in a line (outside quotes). Returns the line without the heredoc operator.
pub fn find_heredoc(line: &str) -> Option<(String, Heredoc)> {
    let bytes: Vec<char> = line.chars().collect();
    let (mut sq, mut dq) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            '<' if !sq
                && !dq
                && i + 1 < bytes.len()
                && bytes[i + 1] == '<'
                && (i + 2 >= bytes.len() || bytes[i + 2] != '<') =>
            {
                let mut j = i + 2;
                let strip_tabs = j < bytes.len() && bytes[j] == '-';
                if strip_tabs {
                    j += 1;
                }
                while j < bytes.len() && bytes[j] == ' ' {
                    j += 1;
                }
                let start = j;
                while j < bytes.len() && !bytes[j].is_whitespace() {
                    j += 1;
                }
                let raw: String = bytes[start..j].iter().collect();
                let marker = raw.trim_matches(|c| c == '\'' || c == '"').to_string();
                if marker.is_empty() {
                    return None;
                }
                let rest: String = bytes[..i].iter().chain(bytes[j..].iter()).collect();
                return Some((rest.trim_end().to_string(), Heredoc { marker, strip_tabs }));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_a_shell() {
        let cases: &[(&str, &[&str])] = &[
            ("kubectl get pods", &["kubectl", "get", "pods"]),
            ("kubectl  get   pods  ", &["kubectl", "get", "pods"]),
            (
                "kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
                &["kubectl", "get", "pods", "-o", "jsonpath={.items[*].metadata.name}"],
            ),
            ("echo \"a b\" c\\ d", &["echo", "a b", "c d"]),
            ("kubectl get pods # the pods", &["kubectl", "get", "pods"]),
            ("x=\"\"", &["x="]),
        ];
        for (line, want) in cases {
            assert_eq!(split_words(line).unwrap(), *want, "{line}");
        }
        assert!(split_words("echo 'oops").is_err());
    }

    #[test]
    fn heredocs_are_found() {
        assert_eq!(
            find_heredoc("kubectl apply -f - <<EOF"),
            Some(("kubectl apply -f -".into(), Heredoc { marker: "EOF".into(), strip_tabs: false }))
        );
        assert_eq!(
            find_heredoc("kubectl apply -f - << 'END'"),
            Some(("kubectl apply -f -".into(), Heredoc { marker: "END".into(), strip_tabs: false }))
        );
        assert_eq!(find_heredoc("echo '<<EOF'"), None);
    }
}
