//! Rebuilding a lab from its journal: `Engine::new(seed)`, then each command again at the
//! simulated time it first ran, a slice at a time so the page stays responsive while a long
//! journal replays. Plain Rust, tested natively (with the session, in `session.rs`).

use crate::save::Save;
use crate::session::{advance_until, Entry, Session, TextFiles};
use kubelab_engine::Engine;
use kubelab_kubectl::effect::{effect_of, Effect};
use kubelab_kubectl::script::parse_script;
use kubelab_kubectl::{execute, Console, Ctx};

/// Rebuilds a saved session a little at a time, so the page stays responsive while a long
/// journal replays: `Engine::new(seed)`, then for each entry the clock runs to its time and
/// the command runs again, then the clock runs on to the save's time.
pub struct Replay {
    session: Session,
    entries: Vec<Entry>,
    next: usize,
    until: u64,
    /// The time a `lab advance` being replayed runs the clock to.
    advancing_to: Option<u64>,
}

impl Replay {
    pub fn new(save: &Save) -> Replay {
        Replay {
            session: Session::new(save.seed),
            entries: save.journal.clone(),
            next: 0,
            until: save.now,
            advancing_to: None,
        }
    }

    /// A replay that goes on from a cluster already rebuilt through `journal[..done]` (a
    /// snapshot), through the rest of `journal`, to `until`.
    pub fn resume(engine: Engine, journal: &[Entry], done: usize, until: u64) -> Replay {
        let session = Session {
            engine,
            journal: journal[..done.min(journal.len())].to_vec(),
            on: None,
            console: Console::deferring(),
        };
        Replay { session, entries: journal.to_vec(), next: done.min(journal.len()), until, advancing_to: None }
    }

    /// (commands replayed, commands in all).
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.entries.len())
    }

    /// The cluster as rebuilt so far (the page draws it while it catches up).
    pub fn engine(&self) -> &Engine {
        &self.session.engine
    }

    /// Simulated time reached so far and the time to reach.
    pub fn time(&self) -> (u64, u64) {
        (self.session.engine.now().0, self.until)
    }

    /// Works until done (Some) or out of time (None). A command that no longer parses is
    /// skipped (it could not have been journaled by this version).
    pub fn work(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> Option<()> {
        loop {
            let Some(e) = self.entries.get(self.next) else {
                return advance_until(&mut self.session.engine, self.until, out_of_time).then_some(());
            };
            if let Some(to) = self.advancing_to {
                // `lab advance` is the one command that can run long (a load generator costs
                // an instant per request): replayed in slices like the clock between commands.
                if !advance_until(&mut self.session.engine, to, out_of_time) {
                    return None;
                }
                self.session.engine.settle();
                self.advancing_to = None;
            } else {
                if !advance_until(&mut self.session.engine, e.t, out_of_time) {
                    return None;
                }
                if let Some(Effect::Advance(ms)) = effect_of(&e.command) {
                    // Never past `until`: looking back may stop inside a `lab advance`.
                    self.advancing_to = Some(self.session.engine.now().0.saturating_add(ms).min(self.until.max(e.t)));
                    continue;
                }
                if let Ok(cmds) = parse_script(&e.command) {
                    let line = self.session.journal.len() as u32 + 1;
                    for c in &cmds {
                        self.session.engine.begin_command(line, &e.command);
                        let files = TextFiles(&e.files);
                        execute(
                            &mut self.session.engine,
                            &c.command,
                            &mut Ctx { files: &files, stdin: c.stdin.as_deref(), observe: &mut |_| {} },
                        );
                        self.session.engine.end_command();
                    }
                }
            }
            self.session.journal.push(e.clone());
            self.next += 1;
            if out_of_time() {
                return None;
            }
        }
    }

    /// The rebuilt session (call once `work` returned Some).
    pub fn finish(self) -> Session {
        self.session
    }
}
