//! Share links: a lab (its seed and command journal, which rebuild the same cluster) and the
//! lesson step open, packed into the address's fragment as `#share=<base64url JSON>`. The
//! fragment never reaches a server. A link that does not decode, or names a lesson this lab
//! does not have, is an error with a reason; the page then says so and keeps the saved lab.
//! A link never replaces a saved lab that holds work without asking (`work_at_stake`).

use crate::platform::Platform;
use crate::save::Save;
use kubelab_lessons::Lesson;
use serde::Serialize;
use serde_json::Value;

pub const SHARE_VERSION: u64 = 1;
/// Links longer than this are refused when made (browsers and chat tools cut them).
pub const MAX_LINK_CHARS: usize = 1_500_000;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn base64url_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..chunk.len() + 1 {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

pub fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for (i, c) in text.bytes().enumerate() {
        if c == b'=' {
            break;
        }
        let v = ALPHABET
            .iter()
            .position(|a| *a == c)
            .ok_or_else(|| format!("character {} ({:?}) is not base64url", i + 1, c as char))? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Ok(out)
}

/// What a link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    pub save: Save,
    /// (lesson id, step index)
    pub lesson: Option<(String, usize)>,
}

/// A link's JSON: the save as a string inside it, then the lesson step if one is open.
#[derive(Serialize)]
struct Link<'a> {
    v: u64,
    lab: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    lesson: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<usize>,
}

pub fn encode(shared: &Shared) -> String {
    let link = Link {
        v: SHARE_VERSION,
        lab: shared.save.to_json(),
        lesson: shared.lesson.as_ref().map(|(id, _)| id.as_str()),
        step: shared.lesson.as_ref().map(|(_, step)| *step),
    };
    // Strings and whole numbers: nothing here can fail.
    base64url_encode(serde_json::to_string(&link).unwrap_or_default().as_bytes())
}

pub fn decode(text: &str, lessons: &[Lesson]) -> Result<Shared, String> {
    let bytes = base64url_decode(text.trim()).map_err(|e| format!("the link is damaged: {e}"))?;
    let json = String::from_utf8(bytes).map_err(|_| "the link is damaged: it does not decode to text".to_string())?;
    let j: Value = serde_json::from_str(&json).map_err(|e| format!("the link is damaged: {e}"))?;
    match j.get("v").and_then(Value::as_u64) {
        Some(SHARE_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "the link is from another version of kubelab (link format {v}, this page reads {SHARE_VERSION})"
            ))
        }
        None => return Err("the link is damaged: it has no format version".into()),
    }
    let lab = j.get("lab").and_then(Value::as_str).ok_or("the link is damaged: it holds no lab")?;
    let save = Save::from_json(lab).map_err(|e| format!("the link's lab cannot be read: {e}"))?;
    let lesson = match j.get("lesson").and_then(Value::as_str) {
        None => None,
        Some(id) => {
            let l = lessons
                .iter()
                .find(|l| l.id == id)
                .ok_or_else(|| format!("the link opens lesson {id:?}, which this lab does not have"))?;
            let step = j.get("step").and_then(Value::as_u64).unwrap_or(0) as usize;
            if step >= l.steps.len() {
                return Err(format!("the link opens step {} of {id}, which has {} steps", step + 1, l.steps.len()));
            }
            Some((id.to_string(), step))
        }
    };
    Ok(Shared { save, lesson })
}

/// `#share=...` in an address fragment.
pub fn from_fragment(hash: &str) -> Option<&str> {
    hash.trim_start_matches('#').split('&').find_map(|kv| kv.strip_prefix("share="))
}

/// The work a share link would replace: the lab saved under `key`, in words ("12 commands
/// and 3 edited files"), when it holds any (a command run or typed, an editor file changed).
/// None: nothing to lose, and the link may open at once. A save that cannot be read is kept
/// aside by `save::load` either way, so it counts as nothing here.
pub fn work_at_stake(platform: &dyn Platform, key: &str) -> Option<String> {
    let save = Save::from_json(&platform.get(key)?).ok()?;
    let sample = crate::tabs::Tabs::new(crate::SAMPLE_MANIFEST);
    let edited = save.tabs.files().iter().filter(|f| !sample.files().contains(f)).count();
    let commands = save.journal.len().max(save.history.len());
    let mut parts = Vec::new();
    if commands > 0 {
        parts.push(format!("{commands} command{}", if commands == 1 { "" } else { "s" }));
    }
    if edited > 0 {
        parts.push(format!("{edited} edited file{}", if edited == 1 { "" } else { "s" }));
    }
    (!parts.is_empty()).then(|| parts.join(" and "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Entry;

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..40u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            assert_eq!(base64url_decode(&base64url_encode(&data)).unwrap(), data);
        }
        assert_eq!(base64url_encode(b"kube"), "a3ViZQ");
        assert!(base64url_decode("a3V!ZQ").unwrap_err().contains("character 4"));
    }

    fn shared() -> Shared {
        Shared {
            save: Save {
                seed: 7,
                now: 5000,
                journal: vec![Entry { t: 0, command: "lab lan up".into(), files: vec![] }],
                tabs: crate::tabs::Tabs::new("x: 1\n"),
                history: vec![],
                speed: 5,
            },
            lesson: Some(("03-vm-load-balancer".into(), 1)),
        }
    }

    #[test]
    fn a_link_made_by_the_earlier_page_still_opens_exactly() {
        let ls = kubelab_lessons::all().unwrap();
        let link = include_str!("../tests/data/share-v1.txt").trim_end();
        assert_eq!(decode(link, &ls), Ok(shared()));
        assert_eq!(encode(&shared()), link, "made the same way");
    }

    #[test]
    fn a_link_round_trips_and_bad_links_say_why() {
        let ls = kubelab_lessons::all().unwrap();
        let s = shared();
        let link = encode(&s);
        assert_eq!(decode(&link, &ls), Ok(s.clone()));
        assert_eq!(from_fragment(&format!("#share={link}")), Some(link.as_str()));
        assert!(decode("%%%", &ls).unwrap_err().contains("damaged"));
        assert!(decode(&link[..link.len() / 2], &ls).unwrap_err().contains("damaged"));
        let mut other = s.clone();
        other.lesson = Some(("99-nope".into(), 0));
        assert!(decode(&encode(&other), &ls).unwrap_err().contains("99-nope"));
        other.lesson = Some(("03-vm-load-balancer".into(), 9));
        assert!(decode(&encode(&other), &ls).unwrap_err().contains("step 10"));
    }

    #[test]
    fn only_a_saved_lab_with_work_is_at_stake() {
        let platform = crate::platform::Memory::default();
        assert_eq!(work_at_stake(&platform, "k"), None, "nothing saved");
        platform.set("k", "not json");
        assert_eq!(work_at_stake(&platform, "k"), None, "unreadable: kept aside by load, nothing to ask");
        let mut save = shared().save;
        save.tabs = crate::tabs::Tabs::new(crate::SAMPLE_MANIFEST);
        save.journal.clear();
        save.history.clear();
        platform.set("k", &save.to_json());
        assert_eq!(work_at_stake(&platform, "k"), None, "a lab as first opened");
        save.history = vec!["kubectl get pods".into()];
        platform.set("k", &save.to_json());
        assert_eq!(work_at_stake(&platform, "k").as_deref(), Some("1 command"));
        save.tabs.set_active_text("kind: Pod\n");
        save.journal = vec![Entry { t: 0, command: "lab lan up".into(), files: vec![] }; 3];
        platform.set("k", &save.to_json());
        assert_eq!(work_at_stake(&platform, "k").as_deref(), Some("3 commands and 1 edited file"));
    }
}
