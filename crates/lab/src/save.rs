//! The save: everything the page keeps in localStorage (`kubelab.lab`) and a share link
//! carries, as JSON through serde. The format (version 1) is a contract with every browser
//! that already holds a lab: a save written by an earlier page reads back exactly, a save
//! from before editor tabs (only `"editor"`) opens as one tab, and a save this page cannot
//! read is an error that says what is wrong with it, never a broken page.

use crate::platform::Platform;
use crate::session::Entry;
use crate::tabs::Tabs;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// The save format's version: a save with another one is not replayed.
pub const SAVE_VERSION: u64 = 1;

/// Everything the page keeps in localStorage.
#[derive(Clone, Debug, PartialEq)]
pub struct Save {
    pub seed: u64,
    /// Simulated time when saved: replay runs the clock on to here after the last command.
    pub now: u64,
    pub journal: Vec<Entry>,
    /// The editor's tabs. A save from before tabs has only `"editor"`: one tab, manifest.yaml.
    pub tabs: Tabs,
    /// Console history, oldest first.
    pub history: Vec<String>,
    /// Clock speed (1, 5, 20 or 60).
    pub speed: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SaveError {
    /// Not JSON, or not the shape of a save.
    Corrupt(String),
    /// Written by another version of the page.
    Version(Option<u64>),
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::Corrupt(why) => write!(f, "The saved lab in this browser could not be read ({why}), so this is a fresh cluster."),
            SaveError::Version(Some(v)) => write!(
                f,
                "The saved lab in this browser is from another version of kubelab (save format {v}, this page reads {SAVE_VERSION}), so this is a fresh cluster."
            ),
            SaveError::Version(None) => write!(f, "The saved lab in this browser has no format version, so this is a fresh cluster."),
        }
    }
}

/// The key set while a saved lab replays: still there when the page opens next, the replay
/// stopped the page (a bug in the lab), and replaying it again would stop it again.
pub fn replaying_marker(key: &str) -> String {
    format!("{key}.replaying")
}

/// The lab saved under `key` on this platform, to replay; None when there is none; Err: why
/// there is a fresh lab instead. An unreadable save is kept aside as `<key>.unreadable`, so
/// a lab this page cannot read is not lost for good. `requested_seed`: the address asked for
/// a seed, and a lab saved with another one is not restored.
pub fn load(platform: &dyn Platform, key: &str, requested_seed: Option<u64>) -> Result<Option<Save>, String> {
    let Some(text) = platform.get(key) else { return Ok(None) };
    let marker = replaying_marker(key);
    if platform.get(&marker).is_some() {
        platform.remove(&marker);
        platform.set(&format!("{key}.unreadable"), &text);
        return Err(format!(
            "Restoring the lab saved in this browser stopped the page last time, so this is a fresh cluster (the saved lab is kept aside in localStorage as {key}.unreadable)."
        ));
    }
    match Save::from_json(&text) {
        Err(e) => {
            platform.set(&format!("{key}.unreadable"), &text);
            Err(e.to_string())
        }
        Ok(save) => match requested_seed {
            Some(seed) if seed != save.seed => Err(format!(
                "This address asks for seed {seed}, but the lab saved in this browser used seed {}: this is a fresh cluster with seed {seed}, and it replaces the saved one.",
                save.seed
            )),
            _ => Ok(Some(save)),
        },
    }
}

/// The save as written. `editor` repeats the active tab's text under the old key, for a
/// reader that knows no tabs.
#[derive(Serialize)]
struct SaveOut<'a> {
    version: u64,
    seed: u64,
    now: u64,
    speed: u32,
    editor: &'a str,
    tabs: &'a [(String, String)],
    active: usize,
    history: &'a [String],
    journal: &'a [Entry],
}

fn corrupt(what: &str) -> SaveError {
    SaveError::Corrupt(what.to_string())
}

impl Save {
    pub fn to_json(&self) -> String {
        let out = SaveOut {
            version: SAVE_VERSION,
            seed: self.seed,
            now: self.now,
            speed: self.speed,
            editor: self.tabs.active_text(),
            tabs: self.tabs.files(),
            active: self.tabs.active(),
            history: &self.history,
            journal: &self.journal,
        };
        // Strings, whole numbers, lists and objects with string keys: nothing here can fail.
        serde_json::to_string(&out).unwrap_or_default()
    }

    /// Reads a save, or says the first thing wrong with it, in the order the fields are
    /// written and in the words the page has always used. Read through a JSON value (which
    /// the page parses anyway) rather than a decoder of its own: a journal entry's files then
    /// come back in name order, and a name read twice by one command once, which changes
    /// nothing a replay does (it looks files up by name).
    pub fn from_json(text: &str) -> Result<Save, SaveError> {
        let v: Value = serde_json::from_str(text).map_err(|e| SaveError::Corrupt(format!("not JSON: {e}")))?;
        read_value(&v)
    }
}

fn check_speed(speed: u64) -> Result<(), SaveError> {
    if speed > u32::MAX as u64 || !crate::SPEEDS.contains(&(speed as u32)) {
        return Err(corrupt(&format!("speed {speed} is not one of 1, 5, 20, 60")));
    }
    Ok(())
}

fn tabs_of(files: Vec<(String, String)>, active: Option<&Value>) -> Result<Tabs, SaveError> {
    let active =
        active.and_then(Value::as_u64).ok_or_else(|| corrupt("\"active\" is missing or not a whole number"))?;
    Tabs::from_parts(files, active.min(usize::MAX as u64) as usize).map_err(|e| corrupt(&e))
}

/// The journal runs forward in time and ends no later than the save.
fn check_dates(times: impl Iterator<Item = u64>, now: u64) -> Result<(), SaveError> {
    let mut last = None;
    for (i, t) in times.enumerate() {
        if last.is_some_and(|p| p > t) {
            return Err(corrupt(&format!("journal entry {}: dated before the command above it", i + 1)));
        }
        last = Some(t);
    }
    if last.is_some_and(|t| t > now) {
        return Err(corrupt("the last command is dated after the save"));
    }
    Ok(())
}

/// The save in `v`, checked field by field in the order they are written.
fn read_value(v: &Value) -> Result<Save, SaveError> {
    if !v.is_object() {
        return Err(corrupt("not an object"));
    }
    match v.get("version").map(Value::as_u64) {
        Some(Some(SAVE_VERSION)) => {}
        Some(Some(other)) => return Err(SaveError::Version(Some(other))),
        _ => return Err(SaveError::Version(None)),
    }
    let num = |k: &str| {
        v.get(k).and_then(Value::as_u64).ok_or_else(|| corrupt(&format!("\"{k}\" is missing or not a whole number")))
    };
    let seed = num("seed")?;
    let now = num("now")?;
    let speed = num("speed")?;
    check_speed(speed)?;
    let editor = v.get("editor").and_then(Value::as_str).ok_or_else(|| corrupt("\"editor\" is missing"))?;
    let tabs = match v.get("tabs") {
        None => Tabs::new(editor),
        Some(t) => tabs_of(read_tabs(t)?, v.get("active"))?,
    };
    let history = v.get("history").and_then(Value::as_array).ok_or_else(|| corrupt("\"history\" is missing"))?;
    let history = history
        .iter()
        .map(|h| h.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| corrupt("a history item is not text"))?;
    let journal = v.get("journal").and_then(Value::as_array).ok_or_else(|| corrupt("\"journal\" is missing"))?;
    let mut entries: Vec<Entry> = Vec::with_capacity(journal.len());
    for (i, e) in journal.iter().enumerate() {
        let entry = read_entry(e).map_err(|what| corrupt(&format!("journal entry {}: {what}", i + 1)))?;
        if entries.last().is_some_and(|last| last.t > entry.t) {
            return Err(corrupt(&format!("journal entry {}: dated before the command above it", i + 1)));
        }
        entries.push(entry);
    }
    check_dates(entries.iter().map(|e| e.t), now)?;
    Ok(Save { seed, now, journal: entries, tabs, history, speed: speed as u32 })
}

/// The editor's tabs: a list of `[name, text]`.
fn read_tabs(t: &Value) -> Result<Vec<(String, String)>, SaveError> {
    t.as_array()
        .ok_or_else(|| corrupt("\"tabs\" is not a list"))?
        .iter()
        .map(|f| match f.as_array().map(Vec::as_slice) {
            Some([n, t]) => n.as_str().zip(t.as_str()).map(|(n, t)| (n.to_string(), t.to_string())),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| corrupt("an editor tab is not [name, text]"))
}

/// One journal entry, or what is wrong with it.
fn read_entry(e: &Value) -> Result<Entry, &'static str> {
    let t = e.get("t").and_then(Value::as_u64).ok_or("no time")?;
    let command = e.get("command").and_then(Value::as_str).ok_or("no command")?;
    let files = e.get("files").and_then(Value::as_object).ok_or("no files")?;
    let files = files
        .iter()
        .map(|(name, text)| text.as_str().map(|text| (name.clone(), text.to_string())))
        .collect::<Option<Vec<_>>>()
        .ok_or("a file is not text")?;
    Ok(Entry { t, command: command.to_string(), files })
}

/// A journal entry's files written as a JSON object of name → text, in the order they were
/// read (a name read twice is written twice).
pub(crate) mod files_object {
    use super::*;

    pub fn serialize<S: Serializer>(files: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(files.iter().map(|(name, text)| (name, text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A save written by the page before the save went through serde (tabs, a file read by
    /// an entry after another whose name sorts before it, escapes of every kind), kept as
    /// text: it must read exactly as it did.
    const SAVED_BEFORE_SERDE: &str = include_str!("../tests/data/save-v1.json");

    #[test]
    fn a_save_written_by_the_earlier_page_still_loads_exactly() {
        let save = Save::from_json(SAVED_BEFORE_SERDE.trim_end()).expect("reads");
        assert_eq!((save.seed, save.now, save.speed), (42, 21_500, 5));
        assert_eq!(save.tabs.files().len(), 2);
        assert_eq!(save.tabs.active(), 0);
        assert_eq!(save.tabs.files()[1], ("b.yaml".to_string(), "x: \"é 🚀\"\n\tz\u{1}".to_string()));
        assert_eq!(save.history, ["kubectl get pods", "echo \"hi\""]);
        let cmds: Vec<&str> = save.journal.iter().map(|e| e.command.as_str()).collect();
        assert_eq!(
            cmds,
            [
                "kubectl apply -f manifest.yaml -f b.yaml",
                "lab advance 20s",
                "kubectl scale deployment web --replicas=2"
            ]
        );
        let names: Vec<&str> = save.journal[0].files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["b.yaml", "manifest.yaml"], "by name (a replay looks them up by name)");
        assert!(save.journal[0].files[0].1.contains("name: \"q\\\\é\""));
        assert_eq!((save.journal[1].t, save.journal[2].t), (0, 20_000));
        // Written again, it reads back the same (the bytes of an escape may differ).
        assert_eq!(Save::from_json(&save.to_json()), Ok(save));
    }

    #[test]
    fn a_file_read_twice_by_one_command_is_written_twice_and_read_once() {
        let entry = Entry {
            t: 0,
            command: "x".into(),
            files: vec![("b".into(), "1".into()), ("a".into(), "1".into()), ("b".into(), "1".into())],
        };
        let text = serde_json::to_string(&entry).unwrap();
        assert_eq!(text, r#"{"t":0,"command":"x","files":{"b":"1","a":"1","b":"1"}}"#);
        let read = read_entry(&serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(read.files, [("a".to_string(), "1".to_string()), ("b".to_string(), "1".to_string())]);
    }

    #[test]
    fn each_fault_is_named() {
        let good = Save::from_json(SAVED_BEFORE_SERDE.trim_end()).unwrap().to_json();
        for (from, to, why) in [
            ("\"seed\":42", "\"seed\":-1", "\"seed\" is missing or not a whole number"),
            ("\"now\":21500", "\"now\":\"x\"", "\"now\" is missing"),
            ("\"editor\":", "\"editr\":", "\"editor\" is missing"),
            ("\"tabs\":[", "\"tabs\":null,\"x\":[", "\"tabs\" is not a list"),
            ("\"active\":0", "\"active\":\"0\"", "\"active\" is missing or not a whole number"),
            ("\"history\":[", "\"history\":[1,", "a history item is not text"),
            ("\"journal\":[", "\"journal\":{}, \"j\":[", "\"journal\" is missing"),
            ("\"t\":0,", "", "journal entry 1: no time"),
            ("\"command\":\"lab advance 20s\"", "\"command\":2", "journal entry 2: no command"),
            ("\"files\":{}", "\"files\":[]", "journal entry 2: no files"),
            ("\"b.yaml\":\"kind", "\"b.yaml\":3,\"c\":\"kind", "journal entry 1: a file is not text"),
            ("\"now\":21500", "\"now\":1", "the last command is dated after the save"),
        ] {
            let bad = good.replacen(from, to, 1);
            assert_ne!(bad, good, "{from}");
            let e = Save::from_json(&bad).unwrap_err();
            assert!(e.to_string().contains(why), "{from} → {to}: {e}");
        }
        assert_eq!(Save::from_json("[1]"), Err(corrupt("not an object")));
    }

    #[test]
    fn loading_keeps_an_unreadable_save_aside_and_refuses_a_replay_that_stopped_the_page() {
        let p = crate::platform::Memory::default();
        assert_eq!(load(&p, "k", None), Ok(None));
        p.set("k", SAVED_BEFORE_SERDE.trim_end());
        assert_eq!(load(&p, "k", None).unwrap().map(|s| s.seed), Some(42));
        assert!(load(&p, "k", Some(7)).unwrap_err().contains("asks for seed 7"));
        p.set(&replaying_marker("k"), "1");
        assert!(load(&p, "k", None).unwrap_err().contains("stopped the page last time"));
        assert_eq!((p.get("k.replaying"), p.get("k.unreadable").is_some()), (None, true));
        p.set("k", "{nope");
        assert!(load(&p, "k", None)
            .unwrap_err()
            .starts_with("The saved lab in this browser could not be read (not JSON"));
        assert_eq!(p.get("k.unreadable").as_deref(), Some("{nope"));
    }
}
