//! Canary Ingresses, as ingress-nginx v1.11 merges and routes them.
//!
//! Merging (`internal/ingress/controller/controller.go`, `mergeAlternativeBackends`): an
//! Ingress with `nginx.ingress.kubernetes.io/canary: "true"` makes no server and no location
//! of its own ("Ingress ... is marked as Canary, ignoring"). Each of its rules' backends is
//! merged, as an alternative, into the upstream (Service and port) of the main location with
//! the same host, path and pathType; its `defaultBackend` into the default server's
//! locations. A canary whose host has no server ("cannot merge alternative backend ... into
//! hostname ... that does not exist"), or no location with its path ("unable to find real
//! backend for alternative backend ... Deleting."), is dropped, and so are all canaries when
//! no main Ingress exists at all (`nonCanaryIngressExists`): requests for its host get what
//! the main configuration gives them, the default server's 404 when nothing else. An
//! alternative belongs to the primary upstream, so every location sending to that Service
//! port gets it; only the first alternative merged is used (`alternative_backends[1]`:
//! "a maximum of one canary ingress can be applied per Ingress rule").
//!
//! Routing (`rootfs/etc/nginx/lua/balancer.lua`, `route_to_alternative_balancer`): the
//! header first (its value equal to `canary-by-header-value`, else matching
//! `canary-by-header-pattern`, else `always` / `never`; any other value falls through), then
//! the cookie (`always` / `never`), then the weight: `math.random(total) <= weight`, where
//! total is `canary-weight-total` only when it is above 100. An alternative without ready
//! endpoints has no balancer, and the request stays on the main backend.

use super::annotations::Canary;
use super::Backend;
use crate::rng::Pcg32;

/// The request's headers the canary rules read (names compared without case).
pub struct RequestHeaders<'a>(pub &'a [(String, String)]);

impl RequestHeaders<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        // nginx's `$http_<name>` with `-` read as `_`: the first header of that name.
        let want = name.replace('-', "_");
        self.0.iter().find(|(k, _)| k.replace('-', "_").eq_ignore_ascii_case(&want)).map(|(_, v)| v.as_str())
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

/// Whether this request goes to the alternative backend (`route_to_alternative_balancer`,
/// without session affinity, which the lab does not model).
pub fn to_alternative(policy: &Canary, headers: &RequestHeaders, rng: &mut Pcg32) -> bool {
    if !policy.header.is_empty() {
        if let Some(value) = headers.header(&policy.header) {
            if !policy.header_value.is_empty() {
                if policy.header_value == value {
                    return true;
                }
            } else if !policy.header_pattern.is_empty() {
                // ngx.re.match, PCRE; a pattern that does not compile is an error: not the canary.
                match super::regex::Regex::new(&policy.header_pattern, false) {
                    Ok(re) if re.is_match(value) => return true,
                    Ok(_) => {}
                    Err(_) => return false,
                }
            } else if value == "always" {
                return true;
            } else if value == "never" {
                return false;
            }
        }
    }
    if !policy.cookie.is_empty() {
        match headers.cookie(&policy.cookie) {
            Some("always") => return true,
            Some("never") => return false,
            _ => {}
        }
    }
    let total = if policy.weight_total > 100 { policy.weight_total } else { 100 };
    // math.random(total): uniform in 1..=total.
    let draw = 1 + i64::from(rng.below(u32::try_from(total).unwrap_or(u32::MAX)));
    draw <= policy.weight
}

/// A main location as the merge sees it: where it is and which upstream it sends to.
pub struct MainLocation<'a> {
    pub host: &'a str,
    pub path: &'a str,
    pub path_type: &'a str,
    pub backend: &'a Backend,
}

/// A canary Ingress's backend as the merge sees it: `None` for host/path is its
/// `defaultBackend`, merged into the default server's locations.
pub struct CanaryBackend<'a> {
    pub rule: Option<(&'a str, &'a str, &'a str)>,
    pub backend: Backend,
    pub policy: Canary,
}

/// The alternative of each primary upstream, the first merged (mergeAlternativeBackends over
/// the canary Ingresses oldest first). `locations` are every server's main locations.
pub fn merge(locations: &[MainLocation], canaries: Vec<CanaryBackend>) -> Vec<(Backend, Backend, Canary)> {
    let mut merged: Vec<(Backend, Backend, Canary)> = Vec::new();
    for c in canaries {
        let host = c.rule.map(|(h, _, _)| h).unwrap_or("");
        // The server's locations in the order they were made.
        for loc in locations.iter().filter(|l| l.host == host) {
            // "alternative upstream ... is primary upstream in Other Ingress for location":
            // checked before the path, so it stops the merge for every path of the server.
            if loc.backend.upstream_name() == c.backend.upstream_name() {
                break;
            }
            let same_path = c.rule.is_none_or(|(_, path, path_type)| loc.path == path && loc.path_type == path_type);
            let known = merged.iter().any(|(primary, _, _)| primary.upstream_name() == loc.backend.upstream_name());
            if same_path && !known {
                merged.push((loc.backend.clone(), c.backend.clone(), c.policy.clone()));
            }
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(weight: i64) -> Canary {
        Canary { enabled: true, weight, weight_total: 100, ..Default::default() }
    }

    fn headers(h: &[(&str, &str)]) -> Vec<(String, String)> {
        h.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_weight_of_ten_sends_about_one_in_ten() {
        let mut rng = Pcg32::new(7);
        let none = headers(&[]);
        let n = (0..10_000).filter(|_| to_alternative(&policy(10), &RequestHeaders(&none), &mut rng)).count();
        assert!((900..1100).contains(&n), "{n} of 10000");
        assert!(!(0..1000).any(|_| to_alternative(&policy(0), &RequestHeaders(&none), &mut rng)));
        assert!((0..1000).all(|_| to_alternative(&policy(100), &RequestHeaders(&none), &mut rng)));
    }

    #[test]
    fn header_then_cookie_then_weight() {
        let mut rng = Pcg32::new(1);
        let p = Canary { header: "X-Canary".into(), cookie: "canary".into(), ..policy(100) };
        let go = |h: &[(&str, &str)], rng: &mut Pcg32| to_alternative(&p, &RequestHeaders(&headers(h)), rng);
        assert!(!go(&[("x-canary", "never"), ("Cookie", "canary=always")], &mut rng), "the header's never wins");
        assert!(!go(&[("X-Canary", "maybe"), ("Cookie", "a=b; canary=never")], &mut rng), "then the cookie");
        assert!(go(&[("X-Canary", "maybe")], &mut rng), "then the weight");
        let p = Canary { header: "X-Canary".into(), header_value: "v2".into(), ..policy(0) };
        let go = |h: &[(&str, &str)], rng: &mut Pcg32| to_alternative(&p, &RequestHeaders(&headers(h)), rng);
        assert!(go(&[("X-Canary", "v2")], &mut rng));
        assert!(!go(&[("X-Canary", "always")], &mut rng), "with a value, always is just another value");
        let p = Canary { header: "X-Canary".into(), header_pattern: "^v[0-9]+$".into(), ..policy(0) };
        assert!(to_alternative(&p, &RequestHeaders(&headers(&[("X-Canary", "v12")])), &mut rng));
        let p = Canary { header_pattern: "(".into(), ..p };
        assert!(!to_alternative(&p, &RequestHeaders(&headers(&[("X-Canary", "v12")])), &mut rng), "a bad pattern");
    }

    #[test]
    fn a_weight_total_below_one_hundred_is_not_used() {
        let mut rng = Pcg32::new(3);
        let none = headers(&[]);
        let p = Canary { weight_total: 10, ..policy(5) };
        let n = (0..10_000).filter(|_| to_alternative(&p, &RequestHeaders(&none), &mut rng)).count();
        assert!((400..600).contains(&n), "5 of 100, not 5 of 10: {n}");
    }
}
