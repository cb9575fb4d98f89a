//! The controller's access log: one line per request in ingress-nginx's default
//! `log-format-upstream` (v1.11, `internal/ingress/controller/config/config.go`,
//! `logFormatUpstream`):
//!
//! `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
//! "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name]
//! [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length
//! $upstream_response_time $upstream_status $req_id`
//!
//! An unset variable prints `-`, `$proxy_alternative_upstream_name` nothing (it is set to ""
//! in the location), times are seconds with milliseconds. A request nothing matched goes to
//! `upstream-default-backend`, the controller's own server on 127.0.0.1:8181; a backend
//! without endpoints is answered 503 by the Lua balancer before any upstream is tried
//! (upstream fields `-`). The client's address is the learner's machine: the controller's
//! Service has `externalTrafficPolicy: Local`, which keeps it. `$req_id` is 16 random bytes
//! in hex; here a hash of the request's number, so runs agree.

use kubelab_api::Time;

/// The learner's machine as the controller sees it: the gateway of kind's docker network
/// (172.18.0.0/16, whose 172.18.255.x the load balancer hands out).
pub const CLIENT_ADDR: &str = "172.18.0.1";

/// The upstream nginx proxies to when no location matches.
pub const DEFAULT_BACKEND: &str = "upstream-default-backend";
pub const DEFAULT_BACKEND_ADDR: &str = "127.0.0.1:8181";

/// What the controller's nginx knew of a request it handled, for its log line.
#[derive(Clone, Debug, PartialEq)]
pub struct Proxied {
    /// `$request`: `GET /path HTTP/1.1`.
    pub request: String,
    /// The request's bytes but for its User-Agent header (added when logged).
    pub request_bytes: usize,
    /// `$proxy_upstream_name` and `$proxy_alternative_upstream_name`.
    pub upstream: String,
    pub alternative: String,
    /// `$upstream_addr`, `$upstream_status`: None when no upstream was tried.
    pub upstream_addr: Option<String>,
    pub upstream_status: Option<u16>,
    pub upstream_bytes: usize,
    pub upstream_ms: u64,
    /// The URI the upstream was sent (after a rewrite).
    pub upstream_uri: String,
    pub req_id: String,
    pub sent: Time,
}

/// The bytes of a request as curl sends it: its line, Host, the User-Agent, Accept, the
/// other headers, each ending in CRLF, and an empty line.
pub fn request_bytes(request_line: &str, host: &str, other: &[(String, String)]) -> usize {
    let header = |name: &str, value: &str| name.len() + 2 + value.len() + 2;
    request_line.len()
        + 2
        + header("Host", host)
        + header("Accept", "*/*")
        + 2
        + other.iter().map(|(k, v)| header(k, v)).sum::<usize>()
}

/// `$req_id` for the `n`th request: 32 hex digits (splitmix64, twice).
pub fn req_id(n: u64) -> String {
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let a = mix(n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    format!("{a:016x}{:016x}", mix(a))
}

/// nginx's `$time_local` (the lab's clock is UTC): `13/Aug/2024:00:01:19 +0000`.
pub fn time_local(t: Time) -> String {
    let ts = t.rfc3339();
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = months[ts.get(5..7).and_then(|m| m.parse::<usize>().ok()).unwrap_or(1).clamp(1, 12) - 1];
    format!(
        "{}/{month}/{}:{} +0000",
        ts.get(8..10).unwrap_or("01"),
        ts.get(0..4).unwrap_or("1970"),
        ts.get(11..19).unwrap_or("00:00:00")
    )
}

/// Milliseconds as nginx prints a time: `0.004`.
fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// The line for a request answered `status` with `body_bytes` at `done`, from `agent`.
pub fn line(p: &Proxied, agent: &str, status: u16, body_bytes: usize, done: Time) -> String {
    let request_length = p.request_bytes + "User-Agent: ".len() + agent.len() + 2;
    let dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let tried = p.upstream_addr.is_some();
    format!(
        "{CLIENT_ADDR} - - [{}] \"{}\" {status} {body_bytes} \"-\" \"{agent}\" {request_length} {} [{}] [{}] {} {} {} {} {}",
        time_local(done),
        p.request,
        seconds(done.0.saturating_sub(p.sent.0)),
        p.upstream,
        p.alternative,
        dash(p.upstream_addr.clone()),
        dash(tried.then(|| p.upstream_bytes.to_string())),
        dash(tried.then(|| seconds(p.upstream_ms))),
        dash(p.upstream_status.map(|s| s.to_string())),
        p.req_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_as_ingress_nginx_writes_it() {
        let p = Proxied {
            request: "GET /api HTTP/1.1".into(),
            request_bytes: request_bytes("GET /api HTTP/1.1", "shop.example", &[]),
            upstream: "default-api-80".into(),
            alternative: String::new(),
            upstream_addr: Some("10.244.3.2:80".into()),
            upstream_status: Some(200),
            upstream_bytes: 45,
            upstream_ms: 2,
            upstream_uri: "/api".into(),
            req_id: req_id(1),
            sent: Time(79_000),
        };
        assert_eq!(
            line(&p, "curl/8.5.0", 200, 45, Time(79_004)),
            "172.18.0.1 - - [13/Aug/2024:00:01:19 +0000] \"GET /api HTTP/1.1\" 200 45 \"-\" \"curl/8.5.0\" 78 0.004 [default-api-80] [] 10.244.3.2:80 45 0.002 200 e220a8397b1dcdaf48218226ff3cd4bf"
        );
        let none = Proxied { upstream_addr: None, upstream_status: None, ..p };
        assert!(line(&none, "x", 503, 190, Time(79_001)).contains("[default-api-80] [] - - - - "));
        assert_eq!(req_id(7).len(), 32);
        assert_ne!(req_id(7), req_id(8));
    }
}
