//! `kubectl get pods | grep web`: the console is not a shell, but tutorials pipe kubectl's
//! output into a few text tools, so those few work on what the command printed to stdout
//! (stderr still goes straight to the console, as in a terminal): `grep` (`-i`, `-v`, `-c`, `-A/-B/-C N`,
//! `-E` with `|` alternatives, `^`/`$` anchors, otherwise a fixed string), `head` and `tail`
//! (`-n N`, `-N`), `wc -l`, `sort` (`-r`), `uniq` and `cat`. The exit status is the last
//! tool's (grep finding nothing is 1), as a shell without `pipefail` has it.

use crate::Output;

/// The tools a pipe can run, for the error that names them.
pub const TOOLS: &str = "grep, head, tail, wc -l, sort, uniq and cat";

/// One grep pattern: alternatives, each a fixed string with optional anchors.
struct Pattern {
    alternatives: Vec<(bool, String, bool)>,
    ignore_case: bool,
}

impl Pattern {
    /// `-i` folds ASCII letters only: GNU grep folds all of Unicode in a UTF-8 locale, but
    /// what a cluster prints (names, labels, images) is ASCII, and Unicode's case tables
    /// would cost the page 15 KB.
    fn new(p: &str, extended: bool, ignore_case: bool) -> Pattern {
        let parts: Vec<&str> = if extended { p.split('|').collect() } else { p.split("\\|").collect() };
        let alternatives = parts
            .into_iter()
            .map(|a| {
                let start = a.starts_with('^');
                let a = a.strip_prefix('^').unwrap_or(a);
                let end = a.ends_with('$') && !a.ends_with("\\$");
                let a = if end { &a[..a.len() - 1] } else { a };
                let text = if ignore_case { a.to_ascii_lowercase() } else { a.to_string() };
                (start, text, end)
            })
            .collect();
        Pattern { alternatives, ignore_case }
    }

    fn matches(&self, line: &str) -> bool {
        let line = if self.ignore_case { line.to_ascii_lowercase() } else { line.to_string() };
        self.alternatives.iter().any(|(start, text, end)| match (start, end) {
            (true, true) => line == *text,
            (true, false) => line.starts_with(text.as_str()),
            (false, true) => line.ends_with(text.as_str()),
            (false, false) => line.contains(text.as_str()),
        })
    }
}

/// `-n N`, `-nN`, `-N` or `--lines=N` (default 10); `+N` (tail: from line N) gives
/// (N, true).
fn count_arg(args: &[String], tool: &str) -> Result<(usize, bool), String> {
    let mut n = 10;
    let mut from_start = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let value = if a == "-n" {
            i += 1;
            args.get(i).cloned().ok_or_else(|| format!("{tool}: option requires an argument -- 'n'"))?
        } else if let Some(v) =
            a.strip_prefix("--lines=").or_else(|| a.strip_prefix("-n")).or_else(|| a.strip_prefix('-'))
        {
            v.to_string()
        } else {
            return Err(format!("{tool}: reading files is not simulated (only what kubectl printed): {a}"));
        };
        from_start = value.starts_with('+');
        n = value.trim_start_matches('+').parse().map_err(|_| format!("{tool}: invalid number of lines: '{value}'"))?;
        i += 1;
    }
    Ok((n, from_start))
}

/// `grep [-vicE] [-A N] [-B N] [-C N] PATTERN` over the lines; whether any matched (grep's
/// exit status).
fn grep(lines: Vec<String>, egrep: bool, args: &[String]) -> Result<(Vec<String>, bool), String> {
    let (mut invert, mut ignore, mut count, mut extended) = (false, false, false, egrep);
    let (mut after, mut before) = (0usize, 0usize);
    let mut pattern = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        // -A N, -B N, -C N (or -A2): context lines around each match.
        if let Some(flag @ ('A' | 'B' | 'C')) =
            a.strip_prefix('-').and_then(|f| f.chars().next()).filter(|_| pattern.is_none())
        {
            let value = if a.len() > 2 {
                a[2..].to_string()
            } else {
                i += 1;
                args.get(i - 1).cloned().ok_or_else(|| format!("grep: option requires an argument -- '{flag}'"))?
            };
            let n: usize = value.parse().map_err(|_| format!("grep: {value}: invalid context length argument"))?;
            match flag {
                'A' => after = n,
                'B' => before = n,
                _ => (after, before) = (n, n),
            }
            continue;
        }
        match a.as_str() {
            s if s.starts_with('-') && s.len() > 1 && pattern.is_none() => {
                for f in s[1..].chars() {
                    match f {
                        'v' => invert = true,
                        'i' => ignore = true,
                        'c' => count = true,
                        'E' => extended = true,
                        'F' | 'w' => {}
                        other => return Err(format!("grep: option -{other} is not simulated here")),
                    }
                }
            }
            s if pattern.is_none() => pattern = Some(s.to_string()),
            s => return Err(format!("grep: reading files is not simulated (only what kubectl printed): {s}")),
        }
    }
    let Some(p) = pattern else {
        return Err("Usage: grep [OPTION]... PATTERNS [FILE]...".into());
    };
    let p = Pattern::new(&p, extended, ignore);
    let hits: Vec<usize> = lines.iter().enumerate().filter(|(_, l)| p.matches(l) != invert).map(|(i, _)| i).collect();
    let found = !hits.is_empty();
    if count {
        return Ok((vec![hits.len().to_string()], found));
    }
    // The lines to print, and `--` between groups that do not touch (GNU grep).
    let mut kept = Vec::new();
    let mut last: Option<usize> = None;
    for &h in &hits {
        let from = h.saturating_sub(before).max(last.map_or(0, |l| l + 1));
        let to = (h + after).min(lines.len().saturating_sub(1));
        if (after > 0 || before > 0) && last.is_some_and(|l| from > l + 1) {
            kept.push("--".to_string());
        }
        for line in lines.iter().take(to + 1).skip(from) {
            kept.push(line.clone());
        }
        last = Some(last.map_or(to, |l| l.max(to)));
    }
    Ok((kept, found))
}

/// Runs one tool of a pipe over the stdout lines of what came before.
fn run_tool(lines: Vec<String>, stage: &[String]) -> Result<(Vec<String>, bool), String> {
    let Some(tool) = stage.first() else {
        return Err("syntax error near unexpected token `|'".into());
    };
    let args = &stage[1..];
    match tool.as_str() {
        "grep" | "egrep" => grep(lines, tool == "egrep", args),
        "head" => {
            let (n, _) = count_arg(args, "head")?;
            Ok((lines.into_iter().take(n).collect(), true))
        }
        "tail" => {
            let (n, from_start) = count_arg(args, "tail")?;
            let skip = if from_start { n.saturating_sub(1) } else { lines.len().saturating_sub(n) };
            Ok((lines.into_iter().skip(skip).collect(), true))
        }
        "wc" if args.iter().all(|a| a == "-l") && !args.is_empty() => Ok((vec![lines.len().to_string()], true)),
        "wc" => Err("wc: only wc -l is simulated here".into()),
        "sort" => {
            let mut lines = lines;
            kubelab_api::sort::natural(&mut lines);
            if args.iter().any(|a| a == "-r") {
                lines.reverse();
            }
            Ok((lines, true))
        }
        "uniq" => {
            let mut lines = lines;
            lines.dedup();
            Ok((lines, true))
        }
        "cat" if args.is_empty() => Ok((lines, true)),
        other => Err(format!("{other}: not available after a pipe in this console (it pipes into {TOOLS})")),
    }
}

/// Splits `words` at standalone `|`: the command, then each tool's words.
pub fn split(words: &[String]) -> Vec<&[String]> {
    words.split(|w| w == "|").collect()
}

/// Applies the tools to `out`'s stdout lines; stderr lines stay where they were printed.
pub fn apply(out: Output, tools: &[&[String]]) -> Output {
    let mut stdout: Vec<String> = Vec::new();
    let mut stderr: Vec<String> = Vec::new();
    for (is_err, l) in out.lines {
        if is_err {
            stderr.push(l);
        } else {
            stdout.push(l);
        }
    }
    let mut result = Output::new();
    for l in stderr {
        result.lines.push((true, l));
    }
    let mut ok = true;
    for stage in tools {
        match run_tool(stdout, stage) {
            Ok((lines, status)) => {
                stdout = lines;
                ok = status;
            }
            Err(e) => {
                result.err(e);
                return result;
            }
        }
    }
    for l in stdout {
        result.lines.push((false, l));
    }
    result.ok = ok;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn out(lines: &[&str]) -> Output {
        let mut o = Output::new();
        for l in lines {
            o.out(*l);
        }
        o
    }

    fn piped(lines: &[&str], tools: &str) -> Output {
        let words = w(&format!("x | {tools}"));
        let parts = split(&words);
        apply(out(lines), &parts[1..])
    }

    #[test]
    fn grep_head_tail_wc_as_a_shell_runs_them() {
        let table = ["NAME READY", "web-1 1/1", "web-2 0/1", "db-0 1/1"];
        assert_eq!(piped(&table, "grep web").text(), "web-1 1/1\nweb-2 0/1\n");
        assert_eq!(piped(&table, "grep -v web").text(), "NAME READY\ndb-0 1/1\n");
        assert_eq!(piped(&table, "grep -E web-1|db").text(), "web-1 1/1\ndb-0 1/1\n");
        assert_eq!(piped(&table, "grep -ic WEB").text(), "2\n");
        assert_eq!(piped(&table, "grep ^db").text(), "db-0 1/1\n");
        assert_eq!(piped(&table, "grep -A1 web-1").text(), "web-1 1/1\nweb-2 0/1\n");
        assert_eq!(piped(&table, "grep -B 1 db").text(), "web-2 0/1\ndb-0 1/1\n");
        assert_eq!(piped(&["a", "x", "b", "c", "x", "d"], "grep -A 1 x").text(), "x\nb\n--\nx\nd\n");
        assert_eq!(piped(&["x", "x", "b"], "grep -A 1 x").text(), "x\nx\nb\n");
        assert_eq!(piped(&table, "head -2").text(), "NAME READY\nweb-1 1/1\n");
        assert_eq!(piped(&table, "tail -n 1").text(), "db-0 1/1\n");
        assert_eq!(piped(&table, "grep 1/1 | wc -l").text(), "2\n");
        assert_eq!(
            piped(&table, "tail -n +2").text(),
            "web-1 1/1\nweb-2 0/1\ndb-0 1/1\n",
            "from the second line: the table without its header"
        );
    }

    #[test]
    fn grep_finding_nothing_fails_and_unknown_tools_say_so() {
        let o = piped(&["a"], "grep b");
        assert!(!o.ok && o.lines.is_empty());
        let o = piped(&["a"], "awk {print}");
        assert!(!o.ok && o.text().contains("not available after a pipe"), "{}", o.text());
    }

    #[test]
    fn stderr_is_not_piped() {
        let mut o = out(&["x"]);
        o.err("Error from server (NotFound): pods \"y\" not found");
        let words = w("k | grep x");
        let parts = split(&words);
        let r = apply(o, &parts[1..]);
        assert_eq!(
            r.lines,
            [(true, "Error from server (NotFound): pods \"y\" not found".to_string()), (false, "x".to_string())]
        );
    }
}
