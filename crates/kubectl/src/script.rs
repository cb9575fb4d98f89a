//! The `kubelab run` script format, also used for pasted blocks and demo scripts:
//! one command per line; `#` comments and blank lines skipped; a trailing `\` continues a
//! line; `<<EOF` … `EOF` heredocs (also `<<'EOF'`, `<<-EOF`) feed the command's stdin.

use crate::shell::find_heredoc;

#[derive(Clone, Debug, PartialEq)]
pub struct ScriptCommand {
    /// 1-based line where the command starts.
    pub line: usize,
    /// The command line as written (continuations joined), without the heredoc body.
    pub command: String,
    /// Exactly the script's lines for this command, for echoing in a transcript.
    pub echo: Vec<String>,
    /// The heredoc body, if any.
    pub stdin: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScriptError {
    pub line: usize,
    pub message: String,
}

pub fn parse_script(text: &str) -> Result<Vec<ScriptCommand>, ScriptError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let trimmed = lines[i].trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let mut echo = vec![lines[i].trim_end().to_string()];
        let mut command = lines[i].trim().to_string();
        while command.ends_with('\\') {
            command.pop();
            i += 1;
            let Some(next) = lines.get(i) else {
                return Err(ScriptError {
                    line: start + 1,
                    message: "the last line ends with '\\' but nothing follows".into(),
                });
            };
            echo.push(next.trim_end().to_string());
            command.push(' ');
            command.push_str(next.trim());
        }
        i += 1;
        let mut stdin = None;
        if let Some((rest, hd)) = find_heredoc(&command) {
            let mut body = String::new();
            let mut closed = false;
            while i < lines.len() {
                let l = lines[i];
                echo.push(l.to_string());
                i += 1;
                let cmp = if hd.strip_tabs { l.trim_start_matches('\t') } else { l };
                if cmp.trim_end() == hd.marker {
                    closed = true;
                    break;
                }
                body.push_str(if hd.strip_tabs { l.trim_start_matches('\t') } else { l });
                body.push('\n');
            }
            if !closed {
                return Err(ScriptError {
                    line: start + 1,
                    message: format!("the heredoc started here is never closed by a line '{}'", hd.marker),
                });
            }
            command = rest;
            stdin = Some(body);
        }
        out.push(ScriptCommand { line: start + 1, command, echo, stdin });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_parse_commands_heredocs_and_continuations() {
        let s = "# setup\nkubectl get pods\n\nkubectl apply -f - <<EOF\nkind: X\nEOF\nkubectl scale deploy web \\\n  --replicas=3\n";
        let cmds = parse_script(s).unwrap();
        assert_eq!(cmds.len(), 3);
        assert_eq!(cmds[0].command, "kubectl get pods");
        assert_eq!(cmds[0].line, 2);
        assert_eq!(cmds[1].command, "kubectl apply -f -");
        assert_eq!(cmds[1].stdin.as_deref(), Some("kind: X\n"));
        assert_eq!(cmds[1].echo, vec!["kubectl apply -f - <<EOF", "kind: X", "EOF"]);
        assert_eq!(cmds[2].command, "kubectl scale deploy web  --replicas=3");
    }

    #[test]
    fn an_unclosed_heredoc_names_its_line() {
        let e = parse_script("kubectl get pods\nkubectl apply -f - <<EOF\nkind: X\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("never closed"), "{}", e.message);
    }
}
