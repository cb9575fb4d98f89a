//! The editor: its text and tabs, the field reference under the cursor, Apply (`kubectl
//! apply -f` the active tab, or save a `kubectl edit`), and `kubectl edit` opening an object.

use super::{App, LineKind};
use crate::components::TabAction;
use kubelab_kubectl::ApplyReport;
use std::rc::Rc;
use yew::prelude::*;

impl App {
    pub(super) fn edit(&mut self, text: &str) -> bool {
        self.tabs.set_active_text(text);
        self.dirty = true;
        false
    }

    /// The editor's tab bar.
    pub(super) fn editor_tab(&mut self, action: TabAction) -> bool {
        match action {
            TabAction::Select(i) => self.tabs.select(i),
            TabAction::Close(i) => self.tabs.close(i),
            TabAction::New => {
                if self.tabs.add().is_none() {
                    self.info(&format!("The editor holds at most {} files: close one first.", crate::tabs::MAX_TABS));
                }
            }
        }
        self.reference = None;
        self.dirty = true;
        true
    }

    /// The editor's cursor is on this line (0-based): the field reference follows it.
    pub(super) fn cursor(&mut self, line: usize) -> bool {
        // The schema arrives after the page starts: until then, ask again each time.
        let loaded = kubelab_kubectl::explain::schema_loaded();
        if loaded && self.reference.as_ref().is_some_and(|(l, _, _)| *l == line) {
            return false;
        }
        let target = kubelab_kubectl::explain::field_at(self.tabs.active_text(), line);
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
        if self.editing.as_ref().is_some_and(|(_, label)| edit_tab_name(label) == self.tabs.active_name()) {
            return self.save_edit(ctx);
        }
        // The editor marks the problems apply found at their lines.
        let name = self.tabs.active_name().to_string();
        let ran = self.run(&format!("kubectl apply -f {name}"), false);
        let output = ran.into_iter().next().map(|r| r.output).unwrap_or_default();
        let problems = output.problems.clone();
        self.problems = (name.clone(), Rc::new(problems.clone()));
        self.report = Some((name, Rc::new(ApplyReport { output, problems })));
        self.save(ctx);
        true
    }

    /// `kubectl edit` in the page: Apply saves the object as kubectl edit would.
    fn save_edit(&mut self, ctx: &Context<Self>) -> bool {
        let (target, _) = self.editing.clone().unwrap_or_default();
        let text =
            format!("lab edit {target} <<'KUBELAB_EDIT_EOF'\n{}\nKUBELAB_EDIT_EOF", self.tabs.active_text().trim_end());
        let ran = self.run(&text, false);
        let output = ran.into_iter().next().map(|r| r.output).unwrap_or_default();
        if output.ok {
            self.editing = None;
        }
        self.problems = Default::default();
        self.report =
            Some((self.tabs.active_name().to_string(), Rc::new(ApplyReport { output, problems: Vec::new() })));
        self.save(ctx);
        true
    }

    pub(super) fn stop_editing(&mut self) -> bool {
        self.editing = None;
        true
    }

    /// `kubectl edit`: the object's YAML goes into the editor; Apply saves it.
    pub(super) fn open_edit(&mut self, target: String) {
        match kubelab_kubectl::edit::current_yaml_of(&mut self.session.engine().clone(), &target) {
            Ok((yaml, label)) => {
                self.tabs.open(&edit_tab_name(&label), &yaml);
                self.info(&format!(
                    "Editing {label} in the editor: change it and press Apply to save it (that runs lab edit), or Stop editing."
                ));
                self.editing = Some((target, label));
                self.problems = Default::default();
            }
            Err(out) => {
                for (stderr, l) in out.lines {
                    self.print(if stderr { LineKind::Stderr } else { LineKind::Stdout }, l);
                }
            }
        }
        self.dirty = true;
    }
}

/// The editor tab `kubectl edit` opens an object in: `deployment.apps/web` → `deployment.apps-web.yaml`.
fn edit_tab_name(label: &str) -> String {
    format!("{}.yaml", label.replace('/', "-"))
}
