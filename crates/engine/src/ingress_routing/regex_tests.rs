//! The matcher against PCRE's answers for the patterns ingress-nginx writes (location
//! regexes `^PATH` with `~*`, `rewrite "(?i)PATH"`, canary header patterns), the answers
//! regex-lite gave the lab before it (session 17).

use super::Regex;

/// Each group of the match in `text` ("" for one that took no part), or None: no match.
fn groups(pattern: &str, ci: bool, text: &str) -> Option<Vec<String>> {
    let re = Regex::new(pattern, ci).unwrap_or_else(|e| panic!("{pattern}: {e}"));
    let caps = re.captures(text)?;
    Some((0..re.groups).map(|n| caps.get(n).unwrap_or("").to_string()).collect())
}

fn is_match(pattern: &str, text: &str) -> bool {
    Regex::new(pattern, false).unwrap_or_else(|e| panic!("{pattern}: {e}")).is_match(text)
}

#[test]
fn the_rewrite_examples_of_ingress_nginx_docs() {
    // docs/examples/rewrite: path /something(/|$)(.*), rewrite-target /$2.
    let p = "(?i)/something(/|$)(.*)";
    assert_eq!(groups(p, true, "/something"), Some(vec!["/something".into(), "".into(), "".into()]));
    assert_eq!(groups(p, true, "/something/"), Some(vec!["/something/".into(), "/".into(), "".into()]));
    assert_eq!(groups(p, true, "/something/new"), Some(vec!["/something/new".into(), "/".into(), "new".into()]));
    assert_eq!(groups(p, true, "/SOMETHING/New"), Some(vec!["/SOMETHING/New".into(), "/".into(), "New".into()]));
    assert_eq!(groups(p, true, "/somethingelse"), None, "(/|$) needs a slash or the end");
    assert_eq!(groups("(?i)/api(/|$)(.*)", true, "/v1/api/x"), Some(vec!["/api/x".into(), "/".into(), "x".into()]));
}

#[test]
fn location_regexes_are_anchored_by_the_caret_and_case_insensitive() {
    assert!(groups("^/api", true, "/API/users").is_some());
    assert!(groups("^/api", true, "/v1/api").is_none());
    assert!(groups("^/x", false, "/X").is_none(), "case-sensitive without ~*");
    assert!(groups("^/docs/", true, "/docs/").is_some());
    assert!(groups("^/docs/", true, "/docs").is_none());
    assert!(groups("^/[a-z0-9-]+/item$", true, "/Shop-1/item").is_some());
    assert!(groups("^/[a-z0-9-]+/item$", true, "/shop_1/item").is_none());
    assert!(groups("^/[^/]+$", true, "/one").is_some());
    assert!(groups("^/[^/]+$", true, "/one/two").is_none());
}

#[test]
fn canary_header_patterns() {
    // canary-by-header-pattern, ngx.re.match: unanchored, case-sensitive.
    assert!(is_match("^v[0-9]+$", "v12"));
    assert!(!is_match("^v[0-9]+$", "v12a"));
    assert!(!is_match("^v[0-9]+$", "V12"));
    assert!(is_match("always|canary", "yes-canary-please"));
    assert!(is_match("^(alice|bob)$", "bob"));
    assert!(!is_match("^(alice|bob)$", "bobby"));
    assert!(is_match(r"^\d{2,3}$", "123"));
    assert!(!is_match(r"^\d{2,3}$", "1234"));
    assert!(!is_match(r"^\d{2,3}$", "1"));
    assert!(is_match(r"^\w+\s\S+$", "user_1 x.y"));
    assert!(is_match(r"^a\.b$", "a.b"));
    assert!(!is_match(r"^a\.b$", "axb"));
    assert!(is_match("^a.b$", "axb"));
    assert!(is_match(r"^\D\W$", "a-"));
}

#[test]
fn pcre_picks_the_leftmost_match_then_the_first_alternative_and_greedy_repeats() {
    assert_eq!(groups("a|ab", false, "ab").unwrap()[0], "a", "the first alternative, not the longest");
    assert_eq!(groups("(a|ab)(c|bcd)", false, "abcd").unwrap()[1..], ["a".to_string(), "bcd".into()]);
    assert_eq!(groups("(a+)(a*)", false, "aaa").unwrap()[1..], ["aaa".to_string(), "".into()]);
    assert_eq!(groups("(a+?)(a*)", false, "aaa").unwrap()[1..], ["a".to_string(), "aa".into()]);
    assert_eq!(groups("x(.*)y", false, "x1y2y").unwrap()[1], "1y2");
    assert_eq!(groups("x(.*?)y", false, "x1y2y").unwrap()[1], "1");
    assert_eq!(groups("b+", false, "abbbc").unwrap()[0], "bbb");
    assert_eq!(groups("(?:ab)+(c)?", false, "zababd").unwrap(), ["abab".to_string(), "".into()]);
    assert_eq!(groups("(a)|(b)", false, "b").unwrap(), ["b".to_string(), "".into(), "b".into()]);
    assert_eq!(groups("(?<v>[0-9]+)", false, "v42").unwrap()[1], "42");
    assert_eq!(groups("a{2}", false, "aaa").unwrap()[0], "aa");
    assert_eq!(groups("a{2,}", false, "aaaa").unwrap()[0], "aaaa");
    assert_eq!(groups("a{,2}", false, "a{,2}").unwrap()[0], "a{,2}", "not a count: literal, as PCRE");
    assert_eq!(groups("(a*)*b", false, "aab").unwrap()[0], "aab", "an empty repeat ends its loop");
    // An unbounded repeat's iteration that matches nothing ends the loop, and its group is
    // that empty iteration's (Perl 5 and PCRE print `[]`; RE2 and regex-lite gave "a").
    assert_eq!(groups("(a*)+b", false, "ab").unwrap(), ["ab".to_string(), "".into()]);
    // The difference left (see the module's doc): PCRE's group is the final empty iteration's "".
    assert_eq!(groups("(a|)+", false, "aab").unwrap(), ["aa".to_string(), "a".into()]);
    assert_eq!(groups("(/[a-z]*)*", false, "/foo/bar").unwrap(), ["/foo/bar".to_string(), "/bar".into()]);
    assert_eq!(groups("$", false, "ab\n").unwrap()[0], "", "PCRE's $ is also before a final newline");
    assert!(groups("(?i)abc", false, "ABC").is_some());
    assert!(groups("a(?i)b", false, "aB").is_some());
    assert!(groups("a(?i)b", false, "AB").is_none());
    assert!(groups("(?i:a)b", false, "Ab").is_some());
    assert!(groups("(?i:a)b", false, "AB").is_none());
}

#[test]
fn classes() {
    assert!(is_match("^[]a]+$", "]a]"));
    assert!(is_match("^[a-]+$", "a-a"));
    assert!(is_match(r"^[\d.-]+$", "1.2-3"));
    assert!(!is_match(r"^[\d.-]+$", "1.2_3"));
    assert!(is_match(r"^[^\s]+$", "abc"));
    assert!(!is_match(r"^[^\s]+$", "a c"));
    assert!(is_match(r"^[\]\\]+$", "]\\"));
    assert!(groups("^[^a]$", true, "A").is_none(), "a negated class leaves out both cases");
}

#[test]
fn what_pcre_refuses_or_the_lab_does_not_support_is_an_error() {
    for (pattern, error) in [
        ("(((((", "missing closing parenthesis at offset 5"),
        ("a)", "unmatched closing parenthesis at offset 1"),
        ("*a", "quantifier does not follow a repeatable item at offset 0"),
        ("a**", "quantifier does not follow a repeatable item at offset 2"),
        ("[a-", "missing terminating ] for character class at offset 0"),
        ("[z-a]", "range out of order in character class at offset 4"),
        ("a{3,2}", "numbers out of order in {} quantifier at offset 1"),
        ("a{1001}", "a count over 1000 at offset 1"),
        (r"(a)\1", "the escape \\1 is not supported at offset 3"),
        ("(?=a)", "lookaround, backreferences and other (? groups are not supported at offset 2"),
        ("a\\", "\\ at end of pattern at offset 2"),
        ("(a{1000}){1000}", "the pattern is too large (over 10000 steps once its repeats are written out)"),
    ] {
        assert_eq!(Regex::new(pattern, false).err().as_deref(), Some(error), "{pattern}");
    }
}

#[test]
fn a_hostile_pattern_finishes_quickly() {
    // Exponential for a plain backtracker: here each (instruction, position) once.
    let text = format!("{}!", "a".repeat(5_000));
    assert!(!is_match("^(a+)+$", &text));
    assert!(!is_match("^(a|a)*$", &text));
    assert!(!is_match("(.*a){20}b", &text));
    // Over the visit budget: no match rather than minutes of work.
    let long = "a".repeat(5_000_000);
    assert!(!is_match("a", &long));
    // A group ending inside a multi-byte character comes back whole.
    assert_eq!(groups("^/(.)", false, "/é").unwrap()[1], "é");
}
