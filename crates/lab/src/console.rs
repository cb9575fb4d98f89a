//! The console's transcript and history: what the page's console shows (each command's lines
//! with `$ ` before the first, then what it printed; the page's own remarks) and the lines
//! ↑/↓ walk through. Plain data, shared with the page's view by `Rc` so a redraw copies none.

use crate::session::{Ran, HISTORY_LIMIT};
use std::rc::Rc;

/// Console lines kept.
pub const CONSOLE_LINES: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// The command as typed (`$ kubectl get pods`), and a heredoc's lines.
    Command,
    Stdout,
    Stderr,
    /// What a command that succeeded printed on stderr besides a warning: `docker run`'s
    /// `Unable to find image` and pull progress, as a real terminal shows them (stderr, so
    /// a pipe skips them) but not drawn as an error.
    Progress,
    /// The page's own remarks (a restored lab, a cleared screen): not kubectl output.
    Info,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleLine {
    pub kind: LineKind,
    pub text: String,
    /// On a command's first line: its line in the journal (from 1), which the engine's
    /// causes name it by (`Engine::caused_by`); None for what the journal does not keep.
    pub journal_line: Option<u32>,
}

impl ConsoleLine {
    pub fn new(kind: LineKind, text: impl Into<String>) -> ConsoleLine {
        ConsoleLine { kind, text: text.into(), journal_line: None }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transcript {
    /// The last `CONSOLE_LINES` lines printed.
    pub lines: Rc<Vec<ConsoleLine>>,
    /// Lines printed before `lines[0]` (dropped once the transcript was full, or cleared):
    /// `lines[i]` is the session's line `dropped + i`, a number it keeps while it is shown,
    /// so the page redraws a full transcript by dropping lines at the top and adding the new
    /// ones (not by rewriting every line), and a wait for a new line can count on it.
    pub dropped: u64,
    /// Typed command lines, oldest first (at most `HISTORY_LIMIT`, no line twice in a row).
    pub history: Rc<Vec<String>>,
}

impl Transcript {
    pub fn print(&mut self, kind: LineKind, text: String) {
        let mut lines = (*self.lines).clone();
        lines.push(ConsoleLine::new(kind, text));
        self.keep_last(lines);
    }

    /// Every line printed since the page opened, dropped ones included.
    pub fn printed(&self) -> u64 {
        self.dropped + self.lines.len() as u64
    }

    /// Shows `lines`, the lines shown before with new ones after them, less the oldest
    /// beyond `CONSOLE_LINES`.
    fn keep_last(&mut self, mut lines: Vec<ConsoleLine>) {
        let extra = lines.len().saturating_sub(CONSOLE_LINES);
        lines.drain(..extra);
        self.dropped += extra as u64;
        self.lines = Rc::new(lines);
    }

    /// The page's own remark.
    pub fn info(&mut self, text: &str) {
        self.print(LineKind::Info, format!("# {text}"));
    }

    /// A command line for ↑/↓.
    pub fn remember(&mut self, line: &str) {
        if self.history.last().map(String::as_str) != Some(line) {
            let mut h = (*self.history).clone();
            h.push(line.to_string());
            let extra = h.len().saturating_sub(HISTORY_LIMIT);
            h.drain(..extra);
            self.history = Rc::new(h);
        }
    }

    /// `$ line` for a command the page handles itself (no output of its own yet).
    pub fn echo(&mut self, text: &str, typed: bool) {
        self.print(LineKind::Command, format!("$ {}", text.trim()));
        if typed {
            self.remember(text.trim());
        }
    }

    /// Text that does not parse as commands: its lines, then why.
    pub fn parse_error(&mut self, text: &str, line: usize, message: &str) {
        let mut lines = (*self.lines).clone();
        for (i, l) in text.lines().enumerate() {
            lines.push(ConsoleLine::new(LineKind::Command, if i == 0 { format!("$ {l}") } else { l.to_string() }));
        }
        lines.push(ConsoleLine::new(LineKind::Stderr, format!("error: line {line}: {message}")));
        self.keep_last(lines);
    }

    /// Commands run through the session: each one's lines with `$ ` before the first, then
    /// its output; typed ones go into the history.
    pub fn print_ran(&mut self, ran: &[Ran], typed: bool) {
        let mut lines = (*self.lines).clone();
        for r in ran {
            for (i, l) in r.echo.iter().enumerate() {
                let mut line = ConsoleLine::new(LineKind::Command, if i == 0 { format!("$ {l}") } else { l.clone() });
                line.journal_line = if i == 0 { r.journal_line } else { None };
                lines.push(line);
            }
            for (stderr, l) in &r.output.lines {
                lines.push(ConsoleLine::new(output_kind(*stderr, r.output.ok, l), l.clone()));
            }
            if typed && r.echo.len() == 1 {
                self.remember(r.echo[0].trim());
            }
        }
        self.keep_last(lines);
    }

    pub fn clear(&mut self) {
        self.dropped = self.printed();
        self.lines = Rc::default();
    }

    /// The journal started again (`lab reset`, a lesson's fresh cluster): the commands shown
    /// before no longer have a line in it.
    pub fn forget_journal_lines(&mut self) {
        if self.lines.iter().any(|l| l.journal_line.is_some()) {
            let mut lines = (*self.lines).clone();
            for l in &mut lines {
                l.journal_line = None;
            }
            self.lines = Rc::new(lines);
        }
    }
}

/// How a line a command printed is shown: stderr is an error only when the command failed
/// or the line is a warning (kubectl's `Warning: ...` lines are worth the red).
fn output_kind(stderr: bool, ok: bool, line: &str) -> LineKind {
    match (stderr, ok) {
        (false, _) => LineKind::Stdout,
        (true, true) if !line.starts_with("Warning") => LineKind::Progress,
        (true, _) => LineKind::Stderr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_skips_repeats_and_is_bounded_and_the_transcript_too() {
        let mut t = Transcript::default();
        t.remember("a");
        t.remember("a");
        t.remember("b");
        assert_eq!(*t.history, ["a", "b"]);
        for i in 0..HISTORY_LIMIT + 5 {
            t.remember(&i.to_string());
        }
        assert_eq!(t.history.len(), HISTORY_LIMIT);
        for i in 0..CONSOLE_LINES + 3 {
            t.print(LineKind::Stdout, i.to_string());
        }
        assert_eq!((t.lines.len(), t.lines[0].text.as_str()), (CONSOLE_LINES, "3"));
    }

    #[test]
    fn a_line_keeps_its_number_when_a_full_transcript_drops_older_ones() {
        // A full transcript (a long session) drops lines at the top as a command prints:
        // the lines still shown keep their numbers, so the page moves none of them, and the
        // count of lines printed grows with every command even when the count of command
        // lines shown falls (one command's output can push out several older commands).
        let mut t = Transcript::default();
        for i in 0..CONSOLE_LINES {
            t.echo(&format!("kubectl get pods {i}"), true);
        }
        assert_eq!((t.dropped, t.printed()), (0, CONSOLE_LINES as u64));
        let commands_before = t.lines.iter().filter(|l| l.kind == LineKind::Command).count();
        let number_of =
            |t: &Transcript, text: &str| t.lines.iter().position(|l| l.text == text).map(|i| t.dropped + i as u64);
        let kept = "$ kubectl get pods 1500";
        let before = number_of(&t, kept);
        t.print_ran(
            &[Ran {
                echo: vec!["lab export".into()],
                output: kubelab_kubectl::Output::line(
                    (0..9).map(|i| format!("line {i}")).collect::<Vec<_>>().join("\n"),
                ),
                journal_line: Some(1),
            }],
            true,
        );
        assert_eq!(t.lines.len(), CONSOLE_LINES);
        assert_eq!((t.dropped, t.printed()), (10, CONSOLE_LINES as u64 + 10));
        assert_eq!(number_of(&t, kept), before, "a line kept moved");
        assert_eq!(t.lines.iter().filter(|l| l.kind == LineKind::Command).count(), commands_before - 9);
        assert_eq!(t.lines[CONSOLE_LINES - 10].text, "$ lab export");
        // Cleared, the numbers go on from where they were.
        t.clear();
        t.info("restored");
        assert_eq!((t.dropped, t.printed()), (CONSOLE_LINES as u64 + 10, CONSOLE_LINES as u64 + 11));
    }

    #[test]
    fn a_parse_error_shows_the_text_and_the_reason() {
        let mut t = Transcript::default();
        t.parse_error("kubectl apply -f - <<EOF\nx", 1, "no EOF");
        let shown: Vec<(LineKind, &str)> = t.lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(
            shown,
            [
                (LineKind::Command, "$ kubectl apply -f - <<EOF"),
                (LineKind::Command, "x"),
                (LineKind::Stderr, "error: line 1: no EOF")
            ]
        );
    }

    #[test]
    fn a_successful_commands_stderr_is_progress_not_an_error() {
        // `docker run` of an image not pulled yet prints `Unable to find image` and its pull
        // progress on stderr and succeeds: a learner must not read those lines as errors.
        assert_eq!(output_kind(true, true, "Unable to find image 'nginx:latest' locally"), LineKind::Progress);
        assert_eq!(output_kind(true, true, "Warning: resource deployments/web is missing"), LineKind::Stderr);
        assert_eq!(output_kind(true, false, "Error from server (NotFound): pods \"x\" not found"), LineKind::Stderr);
        assert_eq!(output_kind(false, false, "NAME   READY"), LineKind::Stdout);
    }
}
