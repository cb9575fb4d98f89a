//! Flag parsing as pflag does it: `--name=value`, `--name value`, `-n value`, `-nvalue`,
//! `-o=yaml`, bool flags with optional `=false`, `--` ending flags.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
}

pub const fn flag(long: &'static str, short: Option<char>, takes_value: bool) -> FlagSpec {
    FlagSpec { long, short, takes_value }
}

/// Flags every kubectl command accepts.
pub const GLOBAL: &[FlagSpec] = &[
    flag("namespace", Some('n'), true),
    flag("context", None, true),
    flag("v", Some('v'), true),
    flag("request-timeout", None, true),
];

/// kubectl's words with the flags typed before the verb moved after it: `-n dev get pods`
/// becomes `get pods -n dev`, before any `--`. cobra finds the verb by skipping leading
/// flags (its `stripFlags`) and then parses them with the verb's own flags, so the global
/// ones (`--namespace`) work there. A leading flag the root command does not know (`-A`,
/// `--all-namespaces`: they belong to `get` and a few others) is taken to swallow the next
/// word as its value, as cobra does, so `kubectl -A get pods` is an unknown command "pods"
/// there and here. Words with no verb after their flags are returned as they are.
pub fn global_flags_after_verb(words: &[String]) -> Vec<String> {
    let takes_value = |w: &str| {
        if let Some(long) = w.strip_prefix("--") {
            GLOBAL.iter().find(|s| s.long == long).is_none_or(|s| s.takes_value)
        } else {
            let c = w[1..].chars().next();
            GLOBAL.iter().find(|s| s.short == c).is_none_or(|s| s.takes_value)
        }
    };
    let mut leading = 0;
    while let Some(w) = words.get(leading) {
        if w == "--" || w.len() < 2 || !w.starts_with('-') {
            break;
        }
        // `--namespace=dev`, `-ndev`: the value is in the word.
        let value_inside = w.contains('=') || (!w.starts_with("--") && w.chars().count() > 2);
        leading += if !value_inside && takes_value(w) { 2 } else { 1 };
    }
    if leading == 0 || leading >= words.len() {
        return words.to_vec();
    }
    let (flags, rest) = words.split_at(leading);
    let (verb, after) = rest.split_first().expect("a verb follows the flags");
    let end_of_flags = after.iter().position(|w| w == "--").unwrap_or(after.len());
    let mut out = vec![verb.clone()];
    out.extend_from_slice(&after[..end_of_flags]);
    out.extend_from_slice(flags);
    out.extend_from_slice(&after[end_of_flags..]);
    out
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Args {
    pub positional: Vec<String>,
    pub flags: BTreeMap<String, Vec<String>>,
    /// Words after `--`.
    pub rest: Vec<String>,
}

impl Args {
    pub fn get(&self, long: &str) -> Option<&str> {
        self.flags.get(long).and_then(|v| v.last()).map(|s| s.as_str())
    }
    pub fn all(&self, long: &str) -> Vec<String> {
        self.flags.get(long).cloned().unwrap_or_default()
    }
    pub fn has(&self, long: &str) -> bool {
        self.flags.contains_key(long)
    }
    /// A flag whose value must parse (a label or field selector): `Ok(None)` when absent, and
    /// kubectl's `error: <reason>` line when the value does not parse.
    pub fn parsed<T>(&self, long: &str, parse: impl Fn(&str) -> Result<T, String>) -> Result<Option<T>, String> {
        self.get(long).map(parse).transpose().map_err(|e| format!("error: {e}"))
    }
    /// The namespace the command works in: `-n`, or else the kubeconfig context's.
    pub fn namespace(&self, engine: &kubelab_engine::Engine) -> String {
        self.get("namespace").map(String::from).unwrap_or_else(|| engine.context_namespace().to_string())
    }
    /// A bool flag: present without value or with `true`.
    pub fn bool(&self, long: &str) -> bool {
        match self.get(long) {
            Some(v) => v != "false",
            None => false,
        }
    }
}

/// Parses `words` (after the command path) against the command's flags plus the global ones.
/// `cmd_path` is used in error messages (`kubectl get`).
pub fn parse(words: &[String], specs: &[FlagSpec], cmd_path: &str) -> Result<Args, String> {
    let find_long = |n: &str| specs.iter().chain(GLOBAL.iter()).find(|s| s.long == n).copied();
    let find_short = |c: char| specs.iter().chain(GLOBAL.iter()).find(|s| s.short == Some(c)).copied();
    let usage = format!("See '{cmd_path} --help' for usage.");
    let mut a = Args::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            a.rest = words[i + 1..].to_vec();
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(spec) = find_long(name) else {
                return Err(format!("Error: unknown flag: --{name}\n{usage}"));
            };
            let value = if spec.takes_value {
                match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        match words.get(i) {
                            Some(v) => v.clone(),
                            None => return Err(format!("Error: flag needs an argument: --{name}\n{usage}")),
                        }
                    }
                }
            } else {
                match inline.as_deref() {
                    None | Some("true") => "true".into(),
                    Some("false") => "false".into(),
                    Some(v) => return Err(format!("Error: invalid argument \"{v}\" for \"{}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax\n{usage}", display_name(&spec))),
                }
            };
            a.flags.entry(spec.long.to_string()).or_default().push(value);
        } else if w.len() > 1 && w.starts_with('-') && !w[1..].starts_with(|c: char| c.is_ascii_digit()) {
            let chars: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let Some(spec) = find_short(c) else {
                    return Err(format!("Error: unknown shorthand flag: '{c}' in {w}\n{usage}"));
                };
                if spec.takes_value {
                    let rest: String = chars[j + 1..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest.strip_prefix('=').unwrap_or(&rest).to_string()
                    } else {
                        i += 1;
                        match words.get(i) {
                            Some(v) => v.clone(),
                            None => return Err(format!("Error: flag needs an argument: '{c}' in -{c}\n{usage}")),
                        }
                    };
                    a.flags.entry(spec.long.to_string()).or_default().push(value);
                    break;
                }
                a.flags.entry(spec.long.to_string()).or_default().push("true".into());
                j += 1;
            }
        } else {
            a.positional.push(w.clone());
        }
        i += 1;
    }
    Ok(a)
}

/// pflag's name for a flag in messages: `-A, --all-namespaces` or `--grace-period`.
pub fn display_name(spec: &FlagSpec) -> String {
    match spec.short {
        Some(c) => format!("-{c}, --{}", spec.long),
        None => format!("--{}", spec.long),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[FlagSpec] =
        &[flag("output", Some('o'), true), flag("all-namespaces", Some('A'), false), flag("replicas", None, true)];

    fn p(s: &str) -> Result<Args, String> {
        let words: Vec<String> = s.split_whitespace().map(String::from).collect();
        parse(&words, SPECS, "kubectl get")
    }

    #[test]
    fn flags_parse_like_pflag() {
        let a = p("pods -o wide -n dev").unwrap();
        assert_eq!(a.positional, vec!["pods"]);
        assert_eq!(a.get("output"), Some("wide"));
        assert_eq!(a.get("namespace"), Some("dev"));
        let a = p("pods -owide --namespace=dev -A").unwrap();
        assert_eq!(a.get("output"), Some("wide"));
        assert!(a.bool("all-namespaces"));
        assert_eq!(p("deploy web --replicas=3").unwrap().get("replicas"), Some("3"));
        assert_eq!(p("pods -o=yaml").unwrap().get("output"), Some("yaml"));
    }

    #[test]
    fn unknown_flags_get_kubectls_words() {
        assert_eq!(p("pods --foo").unwrap_err(), "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.");
        assert_eq!(
            p("pods -z").unwrap_err(),
            "Error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            p("pods -o").unwrap_err(),
            "Error: flag needs an argument: 'o' in -o\nSee 'kubectl get --help' for usage."
        );
    }

    #[test]
    fn global_flags_move_after_the_verb() {
        let w = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let moved = |s: &str| global_flags_after_verb(&w(s)).join(" ");
        assert_eq!(moved("-n dev get pods"), "get pods -n dev");
        assert_eq!(moved("--namespace=dev edit deploy/web"), "edit deploy/web --namespace=dev");
        assert_eq!(moved("-ndev --namespace dev exec web -- ls -l"), "exec web -ndev --namespace dev -- ls -l");
        assert_eq!(moved("get pods -n dev"), "get pods -n dev");
        assert_eq!(moved("-A get pods"), "pods -A get");
        assert_eq!(moved("-n dev"), "-n dev");
    }
}
