//! The part of nginx the workshop's proxy and load-balancer images use: a config parser with
//! nginx's own error wording, and upstream groups picked by nginx's smooth weighted round
//! robin (`ngx_http_upstream_round_robin.c`), including its failure accounting
//! (`max_fails`, `fail_timeout`, `effective_weight`) and `proxy_next_upstream error timeout`.

/// One `server` line of an `upstream` block.
#[derive(Clone, Debug, PartialEq)]
pub struct Peer {
    /// As written: `172.16.0.3` or `app`.
    pub host: String,
    pub port: i32,
    /// The address the name resolved to when the config was loaded (nginx resolves
    /// upstream names once, at start and at reload).
    pub ip: String,
    pub weight: i64,
    pub max_fails: u32,
    /// Seconds.
    pub fail_timeout: u64,
    pub backup: bool,
    pub down: bool,
    pub line: usize,
    // Run-time state, as in ngx_http_upstream_rr_peer_t.
    pub current_weight: i64,
    pub effective_weight: i64,
    pub fails: u32,
    pub accessed: u64,
    pub checked: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Upstream {
    pub name: String,
    pub peers: Vec<Peer>,
}

/// What the proxying part of a config does.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Conf {
    pub listen: Vec<i32>,
    pub upstreams: Vec<Upstream>,
    /// `proxy_pass http://X`: an upstream group's name or `host[:port]`.
    pub proxy_pass: Option<String>,
    /// `return CODE [text]` in the server's location, when there is no proxy_pass.
    pub returns: Option<(u16, String)>,
}

/// A config error: what, and on which line.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfError {
    pub line: usize,
    pub message: String,
}

impl ConfError {
    /// `nginx: [emerg] unexpected "}" in /etc/nginx/conf.d/lb.conf:5`
    pub fn render(&self, file: &str) -> String {
        format!("[emerg] {} in {file}:{}", self.message, self.line)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Open,
    Close,
    Semi,
}

fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>, ConfError> {
    let mut out = Vec::new();
    let mut line = 1;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '{' => {
                out.push((Tok::Open, line));
                i += 1;
            }
            '}' => {
                out.push((Tok::Close, line));
                i += 1;
            }
            ';' => {
                out.push((Tok::Semi, line));
                i += 1;
            }
            '"' | '\'' => {
                let start_line = line;
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(ConfError {
                                line,
                                message: "unexpected end of file, expecting \";\" or \"}\"".into(),
                            })
                        }
                        Some(&q) if q == c => break,
                        Some('\\') if chars.get(i + 1).is_some() => {
                            s.push(chars[i + 1]);
                            i += 1;
                        }
                        Some(&ch) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            s.push(ch);
                        }
                    }
                    i += 1;
                }
                i += 1;
                out.push((Tok::Word(s), start_line));
            }
            _ => {
                let mut s = String::new();
                while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '{' | '}' | ';') {
                    s.push(chars[i]);
                    i += 1;
                }
                out.push((Tok::Word(s), line));
            }
        }
    }
    Ok(out)
}

#[derive(Debug)]
struct Directive {
    words: Vec<String>,
    line: usize,
    block: Option<Vec<Directive>>,
}

fn parse_block(toks: &[(Tok, usize)], i: &mut usize, top: bool, last_line: usize) -> Result<Vec<Directive>, ConfError> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut line = 0;
    while *i < toks.len() {
        let (t, l) = &toks[*i];
        *i += 1;
        match t {
            Tok::Word(w) => {
                if words.is_empty() {
                    line = *l;
                }
                words.push(w.clone());
            }
            Tok::Semi => {
                if words.is_empty() {
                    return Err(ConfError { line: *l, message: "unexpected \";\"".into() });
                }
                out.push(Directive { words: std::mem::take(&mut words), line, block: None });
            }
            Tok::Open => {
                if words.is_empty() {
                    return Err(ConfError { line: *l, message: "unexpected \"{\"".into() });
                }
                let block = parse_block(toks, i, false, last_line)?;
                out.push(Directive { words: std::mem::take(&mut words), line, block: Some(block) });
            }
            Tok::Close => {
                if top {
                    return Err(ConfError { line: *l, message: "unexpected \"}\"".into() });
                }
                if !words.is_empty() {
                    return Err(ConfError { line: *l, message: "unexpected \"}\"".into() });
                }
                return Ok(out);
            }
        }
    }
    if !words.is_empty() {
        return Err(ConfError { line: last_line, message: "unexpected end of file, expecting \";\" or \"}\"".into() });
    }
    if !top {
        return Err(ConfError { line: last_line, message: "unexpected end of file, expecting \"}\"".into() });
    }
    Ok(out)
}

/// Directives the lab accepts (and ignores unless listed in `parse`); anything else is
/// nginx's `unknown directive`.
const KNOWN: &[&str] = &[
    "upstream",
    "server",
    "listen",
    "location",
    "proxy_pass",
    "proxy_set_header",
    "proxy_redirect",
    "try_files",
    "keepalive_timeout",
    "client_max_body_size",
    "root",
    "index",
    "return",
    "include",
    "keepalive",
    "error_log",
    "access_log",
    "server_name",
    "proxy_next_upstream",
    "proxy_connect_timeout",
    "proxy_read_timeout",
    "proxy_send_timeout",
    "add_header",
    "default_type",
    "proxy_http_version",
    "resolver",
    "sendfile",
    "gzip",
    "error_page",
    "zone",
    "least_conn",
    "ip_hash",
    "random",
    "hash",
];

fn check_args(d: &Directive, min: usize, max: usize) -> Result<(), ConfError> {
    let n = d.words.len() - 1;
    if n < min || n > max {
        return Err(ConfError {
            line: d.line,
            message: format!("invalid number of arguments in \"{}\" directive", d.words[0]),
        });
    }
    Ok(())
}

fn parse_port(s: &str, line: usize, addr: &str) -> Result<i32, ConfError> {
    match s.parse::<i32>() {
        Ok(p) if (1..=65535).contains(&p) => Ok(p),
        _ => Err(ConfError { line, message: format!("invalid port in upstream \"{addr}\"") }),
    }
}

/// nginx time values in seconds: `10`, `10s`, `1m`.
fn parse_secs(v: &str) -> Option<u64> {
    let (num, mult) = match v.as_bytes().last()? {
        b's' => (&v[..v.len() - 1], 1),
        b'm' => (&v[..v.len() - 1], 60),
        b'h' => (&v[..v.len() - 1], 3600),
        _ => (v, 1),
    };
    num.parse::<u64>().ok().map(|n| n * mult)
}

fn parse_peer(d: &Directive) -> Result<Peer, ConfError> {
    if d.words.len() < 2 {
        return Err(ConfError { line: d.line, message: "invalid number of arguments in \"server\" directive".into() });
    }
    let addr = &d.words[1];
    let (host, port) = match addr.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), parse_port(p, d.line, addr)?),
        None => (addr.clone(), 80),
    };
    if host.is_empty() {
        return Err(ConfError { line: d.line, message: format!("no host in upstream \"{addr}\"") });
    }
    let mut p = Peer {
        host,
        port,
        ip: String::new(),
        weight: 1,
        max_fails: 1,
        fail_timeout: 10,
        backup: false,
        down: false,
        line: d.line,
        current_weight: 0,
        effective_weight: 1,
        fails: 0,
        accessed: 0,
        checked: 0,
    };
    for w in &d.words[2..] {
        let invalid = || ConfError { line: d.line, message: format!("invalid parameter \"{w}\"") };
        if let Some(v) = w.strip_prefix("weight=") {
            p.weight = v.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(invalid)?;
        } else if let Some(v) = w.strip_prefix("max_fails=") {
            p.max_fails = v.parse::<u32>().map_err(|_| invalid())?;
        } else if let Some(v) = w.strip_prefix("fail_timeout=") {
            p.fail_timeout = parse_secs(v).ok_or_else(invalid)?;
        } else if w == "backup" {
            p.backup = true;
        } else if w == "down" {
            p.down = true;
        } else if w.starts_with("max_conns=") {
        } else {
            return Err(invalid());
        }
    }
    p.effective_weight = p.weight;
    Ok(p)
}

/// Parses a config file. Names in upstreams are resolved later (see [`Conf::resolve`]).
pub fn parse(text: &str) -> Result<Conf, ConfError> {
    let toks = tokenize(text)?;
    let last_line = text.lines().count().max(1);
    let mut i = 0;
    let top = parse_block(&toks, &mut i, true, last_line)?;
    let mut conf = Conf::default();
    fn walk(ds: &[Directive], conf: &mut Conf, ctx: &str) -> Result<(), ConfError> {
        for d in ds {
            let name = d.words[0].as_str();
            if !KNOWN.contains(&name) {
                return Err(ConfError { line: d.line, message: format!("unknown directive \"{name}\"") });
            }
            match (name, ctx) {
                ("upstream", "http") => {
                    check_args(d, 1, 1)?;
                    let mut up = Upstream { name: d.words[1].clone(), peers: Vec::new() };
                    for s in d.block.as_deref().unwrap_or(&[]) {
                        match s.words[0].as_str() {
                            "server" => up.peers.push(parse_peer(s)?),
                            n if KNOWN.contains(&n) => {}
                            n => return Err(ConfError { line: s.line, message: format!("unknown directive \"{n}\"") }),
                        }
                    }
                    if up.peers.is_empty() {
                        return Err(ConfError { line: d.line, message: "no servers are inside upstream".into() });
                    }
                    if conf.upstreams.iter().any(|u| u.name == up.name) {
                        return Err(ConfError { line: d.line, message: format!("duplicate upstream \"{}\"", up.name) });
                    }
                    conf.upstreams.push(up);
                }
                ("server", "http") => match &d.block {
                    Some(b) => walk(b, conf, "server")?,
                    None => {
                        return Err(ConfError {
                            line: d.line,
                            message: "directive \"server\" has no opening \"{\"".into(),
                        })
                    }
                },
                ("listen", "server") => {
                    check_args(d, 1, 4)?;
                    let port = d.words[1].rsplit(':').next().unwrap_or("").parse::<i32>().map_err(|_| ConfError {
                        line: d.line,
                        message: format!("invalid port in \"{}\" of the \"listen\" directive", d.words[1]),
                    })?;
                    conf.listen.push(port);
                }
                ("location", "server" | "location") => match &d.block {
                    Some(b) => walk(b, conf, "location")?,
                    None => {
                        return Err(ConfError {
                            line: d.line,
                            message: "directive \"location\" has no opening \"{\"".into(),
                        })
                    }
                },
                ("proxy_pass", "location") => {
                    check_args(d, 1, 1)?;
                    let target = d.words[1].as_str();
                    let Some(rest) = target.strip_prefix("http://") else {
                        return Err(ConfError { line: d.line, message: format!("invalid URL prefix in \"{target}\"") });
                    };
                    if conf.proxy_pass.is_none() {
                        conf.proxy_pass = Some(rest.trim_end_matches('/').to_string());
                    }
                }
                ("return", "location" | "server") => {
                    check_args(d, 1, 2)?;
                    let code = d.words[1].parse::<u16>().map_err(|_| ConfError {
                        line: d.line,
                        message: format!("invalid return code \"{}\"", d.words[1]),
                    })?;
                    if conf.returns.is_none() {
                        conf.returns = Some((code, d.words.get(2).cloned().unwrap_or_default()));
                    }
                }
                ("server" | "upstream" | "listen" | "location" | "proxy_pass", _) => {
                    return Err(ConfError {
                        line: d.line,
                        message: format!("\"{name}\" directive is not allowed here"),
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }
    walk(&top, &mut conf, "http")?;
    if conf.listen.is_empty() && top.iter().any(|d| d.words[0] == "server") {
        conf.listen.push(80);
    }
    if let Some(pp) = &conf.proxy_pass {
        let named = conf.upstreams.iter().any(|u| &u.name == pp);
        if !named {
            // A direct `host:port`: an implicit group of one.
            let (host, port) = match pp.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p.parse::<i32>().unwrap_or(80)),
                None => (pp.clone(), 80),
            };
            let line = top.iter().map(|d| d.line).max().unwrap_or(1);
            conf.upstreams.push(Upstream {
                name: pp.clone(),
                peers: vec![Peer {
                    host,
                    port,
                    ip: String::new(),
                    weight: 1,
                    max_fails: 1,
                    fail_timeout: 10,
                    backup: false,
                    down: false,
                    line,
                    current_weight: 0,
                    effective_weight: 1,
                    fails: 0,
                    accessed: 0,
                    checked: 0,
                }],
            });
        }
    }
    Ok(conf)
}

impl Conf {
    /// Resolves every upstream host once, as nginx does at start and reload:
    /// `host not found in upstream "app:3000"` when a name does not resolve.
    pub fn resolve(&mut self, lookup: &dyn Fn(&str) -> Option<String>) -> Result<(), ConfError> {
        for u in &mut self.upstreams {
            for p in &mut u.peers {
                let ip =
                    if p.host.parse::<std::net::Ipv4Addr>().is_ok() { Some(p.host.clone()) } else { lookup(&p.host) };
                match ip {
                    Some(ip) => p.ip = ip,
                    None => {
                        let written = if p.port == 80 && !p.host.contains(':') {
                            p.host.clone()
                        } else {
                            format!("{}:{}", p.host, p.port)
                        };
                        return Err(ConfError {
                            line: p.line,
                            message: format!("host not found in upstream \"{written}\""),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The group `proxy_pass` sends to.
    pub fn group_mut(&mut self) -> Option<&mut Upstream> {
        let name = self.proxy_pass.clone()?;
        self.upstreams.iter_mut().find(|u| u.name == name)
    }
}

impl Upstream {
    /// ngx_http_upstream_get_peer: the smooth weighted round robin over the peers not yet
    /// tried for this request, not marked `down`, and not failed within `fail_timeout`.
    /// Backup peers are used only when no primary peer is left.
    pub fn pick(&mut self, tried: &[usize], now_s: u64) -> Option<usize> {
        // A group of one peer skips the failure accounting (peers->single in nginx).
        if self.peers.len() == 1 {
            return (!self.peers[0].down && tried.is_empty()).then_some(0);
        }
        for backup in [false, true] {
            let mut best: Option<(usize, i64)> = None;
            let mut total = 0;
            for (i, p) in self.peers.iter_mut().enumerate() {
                if p.backup != backup || tried.contains(&i) || p.down {
                    continue;
                }
                if p.max_fails > 0 && p.fails >= p.max_fails && now_s.saturating_sub(p.checked) <= p.fail_timeout {
                    continue;
                }
                p.current_weight += p.effective_weight;
                total += p.effective_weight;
                if p.effective_weight < p.weight {
                    p.effective_weight += 1;
                }
                // Ties go to the first peer, as in nginx.
                if best.is_none_or(|(_, w)| p.current_weight > w) {
                    best = Some((i, p.current_weight));
                }
            }
            if let Some((b, _)) = best {
                let p = &mut self.peers[b];
                p.current_weight -= total;
                if now_s.saturating_sub(p.checked) > p.fail_timeout {
                    p.checked = now_s;
                }
                return Some(b);
            }
        }
        None
    }

    /// ngx_http_upstream_free_round_robin_peer after a failed attempt.
    pub fn failed(&mut self, i: usize, now_s: u64) {
        let p = &mut self.peers[i];
        p.fails += 1;
        p.accessed = now_s;
        p.checked = now_s;
        if p.max_fails > 0 {
            p.effective_weight -= p.weight / p.max_fails as i64;
        }
        if p.effective_weight < 0 {
            p.effective_weight = 0;
        }
    }

    /// ... and after a successful one.
    pub fn succeeded(&mut self, i: usize) {
        let p = &mut self.peers[i];
        if p.accessed < p.checked {
            p.fails = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LB: &str = "upstream services {\n    server 172.16.0.3:80 fail_timeout=0;\n    server 172.16.0.4:80 fail_timeout=0;\n}\n\nserver {\n    listen 80 default_server;\n    location / {\n        proxy_pass http://services;\n    }\n}\n";

    #[test]
    fn the_workshop_lb_config_parses() {
        let c = parse(LB).unwrap();
        assert_eq!(c.listen, vec![80]);
        assert_eq!(c.proxy_pass.as_deref(), Some("services"));
        assert_eq!(c.upstreams[0].peers.len(), 2);
        assert_eq!(c.upstreams[0].peers[1].host, "172.16.0.4");
        assert_eq!(c.upstreams[0].peers[1].fail_timeout, 0);
    }

    #[test]
    fn errors_name_the_line_in_nginx_words() {
        let e = parse("upstream u {\n  server 1.2.3.4:80 wieght=9;\n}\n").unwrap_err();
        assert_eq!(
            e.render("/etc/nginx/conf.d/lb.conf"),
            "[emerg] invalid parameter \"wieght=9\" in /etc/nginx/conf.d/lb.conf:2"
        );
        let e = parse("upstream u {\n  server 1.2.3.4:80;\n").unwrap_err();
        assert_eq!(e.message, "unexpected end of file, expecting \"}\"");
        let e = parse("server {\n listen 80;\n}\n}\n").unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (4, "unexpected \"}\""));
        let e = parse("server {\n lisen 80;\n}\n").unwrap_err();
        assert_eq!(e.message, "unknown directive \"lisen\"");
        let e = parse("upstream u {\n  server 1.2.3.4:80 weight=0;\n}\n").unwrap_err();
        assert_eq!(e.message, "invalid parameter \"weight=0\"");
    }

    #[test]
    fn unresolvable_names_fail_like_nginx() {
        let mut c = parse("upstream app_server {\n    server app:3000 fail_timeout=0;\n}\nserver { location / { proxy_pass http://app_server; } }\n").unwrap();
        let e = c.resolve(&|_| None).unwrap_err();
        assert_eq!(
            e.render("/etc/nginx/conf.d/app.conf"),
            "[emerg] host not found in upstream \"app:3000\" in /etc/nginx/conf.d/app.conf:2"
        );
        c.resolve(&|h| (h == "app").then(|| "172.18.0.2".to_string())).unwrap();
        assert_eq!(c.upstreams[0].peers[0].ip, "172.18.0.2");
    }

    /// Smooth weighted round robin: weights 9 and 1 give exactly 9 of every 10 requests to
    /// the first peer, and the second is not picked twice in a row (nginx's
    /// ngx_http_upstream_get_peer; the sequence for {a=5, b=1, c=1} is documented in the
    /// commit that introduced it: a a b a c a a).
    #[test]
    fn smooth_weighted_round_robin_is_nginx_s() {
        let mut c =
            parse("upstream u {\n server 10.0.0.1 weight=5;\n server 10.0.0.2;\n server 10.0.0.3;\n}\n").unwrap();
        let u = &mut c.upstreams[0];
        let seq: Vec<usize> = (0..7).map(|_| u.pick(&[], 0).unwrap()).collect();
        assert_eq!(seq, vec![0, 0, 1, 0, 2, 0, 0]);
        let mut c = parse("upstream u {\n server 10.0.0.1 weight=9;\n server 10.0.0.2 weight=1;\n}\n").unwrap();
        let u = &mut c.upstreams[0];
        let picks: Vec<usize> = (0..100).map(|_| u.pick(&[], 0).unwrap()).collect();
        assert_eq!(picks.iter().filter(|p| **p == 1).count(), 10);
    }

    #[test]
    fn a_failed_peer_is_skipped_within_fail_timeout_and_retried_after() {
        let mut c = parse("upstream u {\n server 10.0.0.1;\n server 10.0.0.2;\n}\n").unwrap();
        let u = &mut c.upstreams[0];
        let first = u.pick(&[], 100).unwrap();
        u.failed(first, 100);
        // Within fail_timeout (10 s default, max_fails 1): only the other peer.
        for _ in 0..4 {
            assert_ne!(u.pick(&[], 105), Some(first));
        }
        // With both tried, nothing is left: nginx answers 502.
        assert_eq!(u.pick(&[0, 1], 105), None);
    }
}
