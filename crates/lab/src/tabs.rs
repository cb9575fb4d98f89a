//! The editor's files: named texts shown as tabs, one of them active. `kubectl apply -f NAME`
//! in the console reads them, and Apply runs it for the active one. Pure data, tested natively.

/// The name of the first tab, and of a lab's only file before tabs existed.
pub const FIRST_TAB: &str = "manifest.yaml";

/// At most this many tabs are open.
pub const MAX_TABS: usize = 12;

#[derive(Clone, Debug, PartialEq)]
pub struct Tabs {
    /// (file name, text), in tab order; never empty.
    files: Vec<(String, String)>,
    active: usize,
}

impl Tabs {
    /// One tab, `manifest.yaml`, holding `text`.
    pub fn new(text: &str) -> Tabs {
        Tabs { files: vec![(FIRST_TAB.to_string(), text.to_string())], active: 0 }
    }

    /// Tabs from a save. A file name must be usable after `-f`: see `check_name`.
    pub fn from_parts(files: Vec<(String, String)>, active: usize) -> Result<Tabs, String> {
        if files.is_empty() {
            return Err("no editor tabs".into());
        }
        if files.len() > MAX_TABS {
            return Err(format!("{} editor tabs (at most {MAX_TABS})", files.len()));
        }
        for (i, (name, _)) in files.iter().enumerate() {
            check_name(name)?;
            if files[..i].iter().any(|(n, _)| n == name) {
                return Err(format!("two editor tabs are named {name:?}"));
            }
        }
        if active >= files.len() {
            return Err(format!("active tab {active} of {}", files.len()));
        }
        Ok(Tabs { files, active })
    }

    pub fn files(&self) -> &[(String, String)] {
        &self.files
    }
    pub fn active(&self) -> usize {
        self.active
    }
    pub fn active_name(&self) -> &str {
        &self.files[self.active].0
    }
    pub fn active_text(&self) -> &str {
        &self.files[self.active].1
    }

    pub fn set_active_text(&mut self, text: &str) {
        self.files[self.active].1 = text.to_string();
    }

    pub fn select(&mut self, i: usize) {
        if i < self.files.len() {
            self.active = i;
        }
    }

    /// Shows `name` with `text`: its tab if it has one (its text replaced), else a new tab
    /// (when all MAX_TABS are open, the oldest one that is not active makes room).
    pub fn open(&mut self, name: &str, text: &str) {
        if let Some(i) = self.files.iter().position(|(n, _)| n == name) {
            self.files[i].1 = text.to_string();
            self.active = i;
            return;
        }
        if self.files.len() >= MAX_TABS {
            let drop = if self.active == 0 { 1 } else { 0 };
            self.files.remove(drop);
            if self.active > drop {
                self.active -= 1;
            }
        }
        self.files.push((name.to_string(), text.to_string()));
        self.active = self.files.len() - 1;
    }

    /// A new, empty tab with the first free name `manifest-N.yaml`; None when MAX_TABS are open.
    pub fn add(&mut self) -> Option<&str> {
        if self.files.len() >= MAX_TABS {
            return None;
        }
        let name = (2..).map(|n| format!("manifest-{n}.yaml")).find(|n| !self.files.iter().any(|(f, _)| f == n))?;
        self.files.push((name, String::new()));
        self.active = self.files.len() - 1;
        Some(&self.files[self.active].0)
    }

    /// Closes tab `i`; the last tab stays (emptied instead). The tab to its left (or the new
    /// first) becomes active if `i` was.
    pub fn close(&mut self, i: usize) {
        if i >= self.files.len() {
            return;
        }
        if self.files.len() == 1 {
            self.files[0].1.clear();
            return;
        }
        self.files.remove(i);
        if self.active > i || (self.active == i && self.active > 0) {
            self.active -= 1;
        }
    }
}

/// A tab's name is a file name kubectl's `-f` can take as one word: 1 to 64 characters from
/// letters, digits, `.`, `-` and `_`, not starting with `.` or `-`.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with(['.', '-'])
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(format!("{name:?} is not a usable file name (letters, digits, '.', '-' and '_', at most 64)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_lab_has_one_tab_named_manifest_yaml() {
        let t = Tabs::new("kind: Pod");
        assert_eq!((t.active_name(), t.active_text()), (FIRST_TAB, "kind: Pod"));
    }

    #[test]
    fn opening_a_file_reuses_its_tab_or_adds_one() {
        let mut t = Tabs::new("a");
        t.open("app.yaml", "b");
        assert_eq!((t.files().len(), t.active_name(), t.active_text()), (2, "app.yaml", "b"));
        t.select(0);
        t.open("app.yaml", "c");
        assert_eq!((t.files().len(), t.active(), t.active_text()), (2, 1, "c"));
    }

    #[test]
    fn new_tabs_take_the_first_free_name_and_the_count_is_bounded() {
        let mut t = Tabs::new("");
        assert_eq!(t.add(), Some("manifest-2.yaml"));
        assert_eq!(t.add(), Some("manifest-3.yaml"));
        t.close(1);
        assert_eq!(t.add(), Some("manifest-2.yaml"));
        while t.add().is_some() {}
        assert_eq!(t.files().len(), MAX_TABS);
        // Opening one more file makes room by closing the oldest tab that is not active.
        t.select(0);
        t.open("extra.yaml", "x");
        assert_eq!(t.files().len(), MAX_TABS);
        assert_eq!(t.files()[0].0, FIRST_TAB);
        assert_eq!(t.active_name(), "extra.yaml");
    }

    #[test]
    fn closing_keeps_a_sensible_active_tab_and_never_the_last_tab() {
        let mut t = Tabs::new("a");
        t.open("b.yaml", "b");
        t.open("c.yaml", "c");
        t.select(1);
        t.close(1);
        assert_eq!(t.active_name(), FIRST_TAB);
        t.select(1);
        t.close(0);
        assert_eq!(t.active_name(), "c.yaml");
        t.close(0);
        assert_eq!((t.files().len(), t.active_text()), (1, ""), "the last tab is emptied, not closed");
    }

    #[test]
    fn saved_tabs_are_checked() {
        assert!(Tabs::from_parts(vec![], 0).is_err());
        assert!(Tabs::from_parts(vec![("a.yaml".into(), String::new())], 1).is_err());
        assert!(Tabs::from_parts(vec![("a.yaml".into(), String::new()), ("a.yaml".into(), String::new())], 0).is_err());
        for bad in ["", "-f", "a b.yaml", "../x", ".hidden", "a;rm"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(Tabs::from_parts(vec![("a.yaml".into(), "x".into()), ("b_2.yml".into(), String::new())], 1).is_ok());
    }
}
