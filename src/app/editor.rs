//! The editor: its text and tabs, the field reference under the cursor, and Apply (which the
//! lab runs: `kubectl apply -f` the active tab, or save a `kubectl edit`).

use super::App;
use crate::components::TabAction;
use yew::prelude::*;

impl App {
    pub(super) fn edit(&mut self, text: &str) -> bool {
        self.lab.tabs.set_active_text(text);
        self.lab.dirty = true;
        false
    }

    /// The editor's tab bar.
    pub(super) fn editor_tab(&mut self, action: TabAction) -> bool {
        match action {
            TabAction::Select(i) => self.lab.tabs.select(i),
            TabAction::Close(i) => self.lab.tabs.close(i),
            TabAction::New => {
                if self.lab.tabs.add().is_none() {
                    self.info(&format!("The editor holds at most {} files: close one first.", crate::tabs::MAX_TABS));
                }
            }
        }
        self.reference = None;
        self.lab.dirty = true;
        true
    }

    /// The editor's cursor is on this line (0-based): the field reference follows it.
    pub(super) fn cursor(&mut self, line: usize) -> bool {
        // The schema arrives after the page starts: until then, ask again each time.
        let loaded = kubelab_kubectl::explain::schema_loaded();
        if loaded && self.reference.as_ref().is_some_and(|(l, _, _)| *l == line) {
            return false;
        }
        let target = kubelab_kubectl::explain::field_at(self.lab.tabs.active_text(), line);
        let same = loaded && matches!((&self.reference, &target), (Some((_, t, _)), Some(n)) if t == n);
        self.reference = match target {
            Some(t) if same => self.reference.take().map(|(_, _, o)| (line, t, o)),
            Some(t) => {
                let out = kubelab_kubectl::explain::explain(std::slice::from_ref(&t));
                Some((line, t, out.text()))
            }
            None => None,
        };
        !same
    }

    pub(super) fn apply(&mut self, ctx: &Context<Self>) -> bool {
        let extra = self.lesson_files();
        self.lab.apply(&self.platform, &extra);
        self.save(ctx);
        true
    }

    pub(super) fn stop_editing(&mut self) -> bool {
        self.lab.editing = None;
        true
    }
}
