//! Presenter mode's logic, free of the DOM: a demo script (the runner's script format) run
//! one command at a time, the keyboard shortcuts for the moments that matter, and the
//! commands those shortcuts stand for.

use kubelab_engine::Engine;
use kubelab_kubectl::script::{parse_script, ScriptCommand};

/// An instructor's demo script, stepped through with "next".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Demo {
    pub script: String,
    pub commands: Vec<ScriptCommand>,
    /// The index of the command "next" runs.
    pub next: usize,
    /// Why the script does not parse, with its line.
    pub error: Option<String>,
}

impl Demo {
    pub fn new(script: &str) -> Demo {
        match parse_script(script) {
            Ok(commands) => Demo { script: script.to_string(), commands, next: 0, error: None },
            Err(e) => Demo {
                script: script.to_string(),
                commands: Vec::new(),
                next: 0,
                error: Some(format!("line {}: {}", e.line, e.message)),
            },
        }
    }

    /// The next command as console text (a heredoc with its body), and moves on.
    pub fn take_next(&mut self) -> Option<String> {
        let c = self.commands.get(self.next)?;
        self.next += 1;
        Some(c.echo.join("\n"))
    }

    /// The next command does what a shortcut's `command` does (the same first three words,
    /// `lab node kill`, `lab load start`...): the shortcut then runs that step, with the
    /// script's own arguments, and marks it done.
    pub fn next_is(&self, command: &str) -> bool {
        self.commands
            .get(self.next)
            .is_some_and(|c| c.command.split_whitespace().take(3).eq(command.split_whitespace().take(3)))
    }

    pub fn finished(&self) -> bool {
        self.next >= self.commands.len()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    Next,
    TogglePause,
    Speed(u32),
    /// Power off a worker, or power it back on.
    KillOrRestore,
    /// Start a load against the first Service (or machine), or stop the one running.
    ToggleLoad,
    Checkpoint,
    BackToCheckpoint,
}

/// The shortcut for a key (KeyboardEvent.key), in presenter mode.
pub fn shortcut(key: &str) -> Option<Shortcut> {
    Some(match key {
        "n" | "N" | "ArrowRight" | "PageDown" => Shortcut::Next,
        " " | "p" | "P" => Shortcut::TogglePause,
        "1" => Shortcut::Speed(1),
        "2" => Shortcut::Speed(5),
        "3" => Shortcut::Speed(20),
        "4" => Shortcut::Speed(60),
        "k" | "K" => Shortcut::KillOrRestore,
        "l" | "L" => Shortcut::ToggleLoad,
        "c" | "C" => Shortcut::Checkpoint,
        "b" | "B" => Shortcut::BackToCheckpoint,
        _ => return None,
    })
}

/// The shortcuts as the panel lists them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("N, →, PageDown", "run the next command of the demo script"),
    ("Space, P", "pause or play the clock"),
    ("1 2 3 4", "speed 1×, 5×, 20×, 60×"),
    ("K", "power off node-2 (again: power it back on); the script's next step if it does that"),
    ("L", "start a load on the first Service, or stop it; the script's next step if it does that"),
    ("Esc", "leave the console or the script, so these keys work"),
    ("C / B", "save a checkpoint / go back to it"),
];

/// The node `K` acts on.
pub const DEMO_NODE: &str = "node-2";

pub fn kill_or_restore(engine: &Engine) -> String {
    match engine.machine(DEMO_NODE) {
        Some(m) if !m.alive => format!("lab node restore {DEMO_NODE}"),
        _ => format!("lab node kill {DEMO_NODE}"),
    }
}

/// `L`: stop the running load, or start one on the first target (None: nothing to load).
pub fn toggle_load(engine: &Engine, targets: &[String]) -> Option<String> {
    if engine.load().is_some() {
        return Some("lab load stop".into());
    }
    targets.first().map(|t| format!("lab load start {t} -c 2"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demo_steps_through_its_commands_heredocs_included() {
        let mut d = Demo::new("# demo\nkubectl create deployment web --image=nginx:1.25\nkubectl apply -f - <<EOF\nkind: Namespace\nEOF\nlab advance 10s\n");
        assert_eq!(d.error, None);
        assert_eq!(d.take_next().as_deref(), Some("kubectl create deployment web --image=nginx:1.25"));
        assert_eq!(d.take_next().as_deref(), Some("kubectl apply -f - <<EOF\nkind: Namespace\nEOF"));
        assert!(!d.finished());
        assert_eq!(d.take_next().as_deref(), Some("lab advance 10s"));
        assert!(d.finished());
        assert_eq!(d.take_next(), None);
        let bad = Demo::new("kubectl apply -f - <<EOF\nno end");
        assert!(bad.error.as_deref().is_some_and(|e| e.starts_with("line 1")), "{:?}", bad.error);
    }

    #[test]
    fn a_shortcut_doing_the_next_steps_action_is_that_step() {
        let mut d = Demo::new("lab node kill node-3\nlab load start web -c 5\n");
        assert!(d.next_is("lab node kill node-2"), "K's action is the next step's");
        assert!(!d.next_is("lab load start web -c 2"));
        d.take_next();
        assert!(d.next_is("lab load start web -c 2"));
        assert!(!d.next_is("lab load stop"));
        d.take_next();
        assert!(!d.next_is("lab load start web -c 2"), "a finished script has no next step");
    }

    #[test]
    fn shortcuts_and_their_commands() {
        assert_eq!(shortcut("PageDown"), Some(Shortcut::Next));
        assert_eq!(shortcut("3"), Some(Shortcut::Speed(20)));
        assert_eq!(shortcut("x"), None);
        let mut e = Engine::new(1);
        assert_eq!(kill_or_restore(&e), "lab node kill node-2");
        e.kill_node(DEMO_NODE).unwrap();
        assert_eq!(kill_or_restore(&e), "lab node restore node-2");
        assert_eq!(toggle_load(&e, &[]), None);
        assert_eq!(toggle_load(&e, &["web".into()]).as_deref(), Some("lab load start web -c 2"));
    }
}
