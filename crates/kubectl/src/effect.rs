//! What a console line asks of the program hosting the console, beyond what it prints.
//!
//! The runner and the page run the same lines, but a few of them mean something to the host
//! itself: the page opens `kubectl edit` in its editor, runs its own clock for `lab time
//! pause|play|speed`, runs a long `lab advance` in slices over the next frames, and starts its
//! journal again after `lab reset`. The host asks here instead of reading command lines
//! itself, so there is one parser of console lines and it is this crate's.

use crate::shell::split_words;

/// A host's part in a console line (see the module's doc).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// `kubectl edit TARGET...` typed alone: open the object in the host's editor. Holds
    /// what followed `edit`, as typed (for the `lab edit` that saves it).
    Edit(String),
    /// `lab time pause|play|speed N`: the host's wall-clock-driven clock (the runner has none).
    Clock(ClockChange),
    /// `lab advance D` (or `lab time advance D`) alone: runs the clock D milliseconds, which a
    /// host may do in slices (a running load costs an instant per request).
    Advance(u64),
    /// `lab reset` or `lab seed N`: a freshly booted cluster replaces this one, so a journal
    /// of what came before no longer matters (when the command succeeds).
    Boot,
}

/// A change to the host's clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClockChange {
    Pause,
    Play,
    /// The speed as typed (`20`, `20x`, `20×`): which speeds exist is the host's choice.
    Speed(String),
}

/// The host's part in `line`, if any. A line with a heredoc or a pipe has none.
pub fn effect_of(line: &str) -> Option<Effect> {
    let line = line.trim();
    if line.contains('\n') {
        return None;
    }
    if let Some(target) = edit_target(line) {
        return Some(Effect::Edit(target));
    }
    let words = split_words(line).ok()?;
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    Some(match w.as_slice() {
        ["lab", "time", "pause"] => Effect::Clock(ClockChange::Pause),
        ["lab", "time", "play"] => Effect::Clock(ClockChange::Play),
        ["lab", "time", "speed", n] => Effect::Clock(ClockChange::Speed(n.to_string())),
        ["lab", "advance", d] | ["lab", "time", "advance", d] => {
            Effect::Advance(kubelab_engine::duration::parse_duration(d).ok()?)
        }
        ["lab", "reset"] | ["lab", "seed", _] => Effect::Boot,
        _ => return None,
    })
}

/// `kubectl edit X` (or `k edit X`): the words after `edit`, as typed. With global flags
/// before the verb (`kubectl -n dev edit deploy/web`) they follow the target instead
/// (`deploy/web -n dev`), words joined by one space.
fn edit_target(line: &str) -> Option<String> {
    if let Some(rest) = line.strip_prefix("kubectl edit ").or_else(|| line.strip_prefix("k edit ")) {
        return Some(rest.trim().to_string()).filter(|r| !r.is_empty());
    }
    let words = split_words(line).ok()?;
    let (program, rest) = words.split_first()?;
    if !matches!(program.as_str(), "kubectl" | "k") || !rest.first()?.starts_with('-') {
        return None;
    }
    let moved = crate::args::global_flags_after_verb(rest);
    let (verb, after) = moved.split_first()?;
    (verb == "edit" && !after.is_empty() && !after[0].starts_with('-')).then(|| after.join(" "))
}

/// The line's words with kubectl's global flags moved after the verb, as dispatch runs it.
pub(crate) fn words_as_run(line: &str) -> Option<Vec<String>> {
    let mut words = split_words(line).ok()?;
    if matches!(words.first().map(String::as_str), Some("kubectl" | "k")) {
        let verb_first = crate::args::global_flags_after_verb(&words[1..]);
        words.truncate(1);
        words.extend(verb_first);
    }
    Some(words)
}

/// Whether running `line` may change the cluster. Commands that only read are left out of
/// a journal (running them again would change nothing); anything else, including commands
/// that fail, is kept.
pub fn changes_cluster(line: &str) -> bool {
    let Some(words) = words_as_run(line) else { return false };
    let w: Vec<&str> = words.iter().map(|s| s.as_str()).collect();
    let Some((program, rest)) = w.split_first() else { return false };
    let Some(verbs) = crate::registry::verbs_of(program) else {
        return false; // "command not found"
    };
    let Some((verb, after)) = rest.split_first() else {
        return false; // `kubectl` or `lab` alone prints help
    };
    // The registry says which verbs only read; an unknown verb fails, and is kept.
    verbs.iter().find(|v| v.name == *verb).is_none_or(|v| v.access.writes(after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_effects_are_read_from_the_line() {
        assert_eq!(effect_of("kubectl edit deploy/web"), Some(Effect::Edit("deploy/web".into())));
        assert_eq!(effect_of("k edit  svc web "), Some(Effect::Edit("svc web".into())));
        assert_eq!(effect_of("kubectl edit"), None);
        assert_eq!(effect_of(" lab time pause "), Some(Effect::Clock(ClockChange::Pause)));
        assert_eq!(effect_of("lab time speed 20x"), Some(Effect::Clock(ClockChange::Speed("20x".into()))));
        assert_eq!(effect_of("lab advance 1h30m"), Some(Effect::Advance(5_400_000)));
        assert_eq!(effect_of("lab time advance 5s"), Some(Effect::Advance(5_000)));
        assert_eq!(effect_of("lab advance soon"), None);
        assert_eq!(effect_of("lab advance 5s <<EOF"), None);
        assert_eq!(effect_of("lab advance 5s\nlab reset"), None);
        assert_eq!(effect_of("lab seed 7"), Some(Effect::Boot));
        assert_eq!(effect_of("lab reset"), Some(Effect::Boot));
        assert_eq!(effect_of("kubectl get pods"), None);
        assert_eq!(effect_of("kubectl -n dev edit deploy/web"), Some(Effect::Edit("deploy/web -n dev".into())));
        assert_eq!(
            effect_of("k --namespace=dev edit deploy/web"),
            Some(Effect::Edit("deploy/web --namespace=dev".into()))
        );
        assert_eq!(effect_of("kubectl -n dev edit"), None);
        assert_eq!(effect_of("kubectl -n dev get pods"), None);
    }

    #[test]
    fn global_flags_before_the_verb_count_as_after_it() {
        for read in ["kubectl -n dev get pods", "k --namespace=dev describe pod x", "kubectl -ndev logs web"] {
            assert!(!changes_cluster(read), "{read}");
        }
        for write in ["kubectl -n dev delete pod x", "kubectl --namespace dev apply -f a.yaml"] {
            assert!(changes_cluster(write), "{write}");
        }
        // `-A` is not a global flag: cobra takes `get` for its value, and `pods` is an
        // unknown command (which fails, and is journaled).
        assert!(changes_cluster("kubectl -A get pods"));
    }

    #[test]
    fn read_only_verbs_the_page_used_to_journal() {
        for read in ["kubectl top pods", "kubectl config view", "lab lan", "lab addons", "lab addons list"] {
            assert!(!changes_cluster(read), "{read}");
        }
        assert!(changes_cluster("lab lan up"));
        // Enabling creates objects and (ingress) runs the clock until the controller is Ready.
        assert!(changes_cluster("lab addons enable ingress"));
        assert!(changes_cluster("lab addons disable metrics-server"));
    }

    #[test]
    fn only_commands_that_may_write_are_journaled() {
        for read in ["kubectl get pods", "k describe pod x", "lab help", "lab time speed 5", "lab seed", "nope"] {
            assert!(!changes_cluster(read), "{read}");
        }
        // `wait` and `rollout status` run the clock: a replay must run it as far again.
        for write in [
            "kubectl apply -f a.yaml",
            "lab advance 5s",
            "lab seed 3",
            "kubectl delete pod x",
            "kubectl rollout status deploy/web",
            "kubectl wait --for=condition=Ready pod/web",
        ] {
            assert!(changes_cluster(write), "{write}");
        }
    }
}
