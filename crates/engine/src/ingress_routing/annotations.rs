//! The `nginx.ingress.kubernetes.io/*` annotations the lab's ingress-nginx reads, parsed as
//! v1.11's annotation parsers parse them (`internal/ingress/annotations/canary/main.go`,
//! `rewrite/main.go`, over `parser.GetBoolAnnotation`/`GetIntAnnotation`/
//! `GetStringAnnotation` with `--enable-annotation-validation`, on by default): a value
//! that does not parse, or that its validator refuses, is dropped and the default taken
//! ("... is invalid, defaulting to ..." in the controller's log). Nothing here can fail.

use kubelab_api::Ingress;

const PREFIX: &str = "nginx.ingress.kubernetes.io/";

/// An annotation's value, if the Ingress has it.
fn get<'a>(i: &'a Ingress, name: &str) -> Option<&'a str> {
    i.metadata.annotations.iter().find(|(k, _)| k.strip_prefix(PREFIX) == Some(name)).map(|(_, v)| v.as_str())
}

/// Go's `strconv.ParseBool`.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.Atoi` on a 64-bit platform: an optional sign and decimal digits.
fn parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `parser.BasicCharsRegex` (`^[/\-\.\_\~a-zA-Z0-9\/:]*$`), after removing spaces.
fn basic_chars(s: &str) -> Option<String> {
    let s: String = s.chars().filter(|c| *c != ' ').collect();
    s.chars().all(|c| c.is_ascii_alphanumeric() || "/-._~:".contains(c)).then_some(s)
}

/// `parser.IsValidRegex`: the basic characters plus `^$[](){}*+?|&=\`.
fn regex_chars(s: &str) -> Option<String> {
    s.chars().all(|c| c.is_ascii_alphanumeric() || "/-._~:^$[](){}*+?|&=\\".contains(c)).then(|| s.to_string())
}

/// `parser.RegexPathWithCapture` (`^/?[\-\.\_\~a-zA-Z0-9\/:\/\$]*$`): a path with `$1`.
fn path_with_capture(s: &str) -> Option<String> {
    s.chars().all(|c| c.is_ascii_alphanumeric() || "/-._~:$".contains(c)).then(|| s.to_string())
}

/// A string annotation through its validator: absent, or refused, is empty.
fn string(i: &Ingress, name: &str, validate: fn(&str) -> Option<String>) -> String {
    get(i, name).and_then(validate).unwrap_or_default()
}

/// The canary annotations (`canary.Config`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Canary {
    pub enabled: bool,
    pub weight: i64,
    pub weight_total: i64,
    pub header: String,
    pub header_value: String,
    pub header_pattern: String,
    pub cookie: String,
}

pub fn canary(i: &Ingress) -> Canary {
    let int = |name: &str, default: i64| get(i, name).and_then(parse_int).unwrap_or(default);
    Canary {
        enabled: get(i, "canary").and_then(parse_bool).unwrap_or(false),
        weight: int("canary-weight", 0),
        weight_total: int("canary-weight-total", 100),
        header: string(i, "canary-by-header", basic_chars),
        header_value: string(i, "canary-by-header-value", basic_chars),
        header_pattern: string(i, "canary-by-header-pattern", regex_chars),
        cookie: string(i, "canary-by-cookie", basic_chars),
    }
}

/// Whether the Ingress is a canary: only those set aside to merge into a main Ingress.
pub fn is_canary(i: &Ingress) -> bool {
    get(i, "canary").and_then(parse_bool).unwrap_or(false)
}

/// The rewrite annotations the lab models (`rewrite.Config`'s Target and UseRegex).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rewrite {
    pub target: String,
    pub use_regex: bool,
}

pub fn rewrite(i: &Ingress) -> Rewrite {
    Rewrite {
        target: string(i, "rewrite-target", path_with_capture),
        use_regex: get(i, "use-regex").and_then(parse_bool).unwrap_or(false),
    }
}

/// What the controller logs as it parses an Ingress's annotations (store.go `syncIngress`
/// → `Extract`, on every add and update of an Ingress of its class, and for each at its
/// start): for each value its validator refuses (an empty value is not validated),
/// validators.go:237's warning, then the annotation's own "is invalid, defaulting to"
/// line, each with the file and line klog names (controller-v1.11.3). Returns (caller,
/// message) pairs. Upstream parses the groups in a Go map's order, which varies; here
/// Canary comes before Rewrite. Not listed: app-root (its own wording) and the groups the
/// lab does not read.
pub fn parse_warnings(i: &Ingress) -> Vec<(&'static str, String)> {
    // (annotation, validator, caller of its "is invalid" line, what it defaults to).
    type Check = (&'static str, fn(&str) -> bool, &'static str, &'static str);
    const CHECKS: &[Check] = &[
        ("canary", |s| parse_bool(s).is_some(), "main.go:127", "is invalid, defaulting to 'false'"),
        ("canary-weight", |s| parse_int(s).is_some(), "main.go:135", "is invalid, defaulting to '0'"),
        ("canary-weight-total", |s| parse_int(s).is_some(), "main.go:143", "is invalid, defaulting to '100'"),
        ("canary-by-header", |s| basic_chars(s).is_some(), "main.go:151", "is invalid, defaulting to ''"),
        ("canary-by-header-value", |s| basic_chars(s).is_some(), "main.go:159", "is invalid, defaulting to ''"),
        ("canary-by-header-pattern", |s| regex_chars(s).is_some(), "main.go:167", "is invalid, defaulting to ''"),
        ("canary-by-cookie", |s| basic_chars(s).is_some(), "main.go:175", "is invalid, defaulting to ''"),
        // Upstream's format string is "%sis invalid, defaulting to empty".
        ("rewrite-target", |s| path_with_capture(s).is_some(), "main.go:148", "is invalid, defaulting to empty"),
        // The defaults are the ConfigMap's (ssl-redirect true, the others false).
        ("ssl-redirect", |s| parse_bool(s).is_some(), "main.go:155", "is invalid, defaulting to 'true'"),
        ("preserve-trailing-slash", |s| parse_bool(s).is_some(), "main.go:162", "is invalid, defaulting to 'false'"),
        ("force-ssl-redirect", |s| parse_bool(s).is_some(), "main.go:170", "is invalid, defaulting to 'false'"),
        ("use-regex", |s| parse_bool(s).is_some(), "main.go:178", "is invalid, defaulting to 'false'"),
    ];
    let mut out = Vec::new();
    for (name, valid, caller, defaulting) in CHECKS {
        let Some(value) = get(i, name).filter(|v| !v.is_empty()) else { continue };
        if valid(value) {
            continue;
        }
        let m = &i.metadata;
        out.push((
            "validators.go:237",
            format!(
                "validation error on ingress {}/{}: annotation {name} contains invalid value {value}",
                m.namespace, m.name
            ),
        ));
        let sep = if *name == "rewrite-target" { "" } else { " " };
        out.push((caller, format!("{name}{sep}{defaulting}")));
    }
    out
}

impl Rewrite {
    /// template.go `needsRewrite`: a target that is not the location's own path.
    pub fn needs_rewrite(&self, path: &str) -> bool {
        !self.target.is_empty() && self.target != path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingress(annotations: &[(&str, &str)]) -> Ingress {
        let mut i = Ingress::default();
        for (k, v) in annotations {
            i.metadata.annotations.insert(format!("{PREFIX}{k}"), v.to_string());
        }
        i
    }

    #[test]
    fn values_that_do_not_parse_or_validate_take_the_default() {
        let c = canary(&ingress(&[
            ("canary", "yes"),
            ("canary-weight", "10%"),
            ("canary-weight-total", "99999999999999999999"),
            ("canary-by-header", "X-Canary; rm"),
            ("canary-by-header-pattern", "^v[0-9]+$"),
        ]));
        assert!(!c.enabled, "ParseBool takes no `yes`");
        assert_eq!((c.weight, c.weight_total), (0, 100), "Atoi: no `%`, no overflow");
        assert_eq!(c.header, "", "`;` is not a basic character");
        assert_eq!(c.header_pattern, "^v[0-9]+$");
        let c = canary(&ingress(&[("canary", "True"), ("canary-weight", "+10"), ("canary-by-header", "X Canary")]));
        assert!(c.enabled);
        assert_eq!(c.weight, 10);
        assert_eq!(c.header, "XCanary", "spaces are removed before the check");
    }

    #[test]
    fn each_refused_value_is_logged_twice_an_empty_or_valid_one_not_at_all() {
        let mut i =
            ingress(&[("canary", "yes"), ("canary-weight", ""), ("rewrite-target", "/a?b"), ("use-regex", "true")]);
        i.metadata.namespace = "default".into();
        i.metadata.name = "web".into();
        let lines: Vec<String> = parse_warnings(&i).into_iter().map(|(at, m)| format!("{at}] {m}")).collect();
        assert_eq!(
            lines,
            [
                "validators.go:237] validation error on ingress default/web: annotation canary contains invalid value yes",
                "main.go:127] canary is invalid, defaulting to 'false'",
                "validators.go:237] validation error on ingress default/web: annotation rewrite-target contains invalid value /a?b",
                "main.go:148] rewrite-targetis invalid, defaulting to empty",
            ]
        );
    }

    #[test]
    fn a_rewrite_target_takes_only_path_characters_and_captures() {
        assert_eq!(rewrite(&ingress(&[("rewrite-target", "/$2")])).target, "/$2");
        assert_eq!(rewrite(&ingress(&[("rewrite-target", "/a?b=$1")])).target, "", "no query strings");
        assert!(rewrite(&ingress(&[("use-regex", "true")])).use_regex);
        let r = rewrite(&ingress(&[("rewrite-target", "/")]));
        assert!(r.needs_rewrite("/api"));
        assert!(!r.needs_rewrite("/"));
    }
}
