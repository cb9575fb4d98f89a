//! distribution/reference's grammar for image references (`name[:tag][@digest]`), which
//! `kubectl run` checks before it sends a pod ("invalid reference format").

/// distribution/reference's ReferenceRegexp: `name[:tag][@digest]`.
pub fn valid_image_reference(s: &str) -> bool {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        if !valid_digest(d) {
            return false;
        }
    }
    if let Some(c) = rest.rfind(':') {
        if rest.rfind('/').is_none_or(|sl| c > sl) && valid_tag(&rest[c + 1..]) && valid_name(&rest[..c]) {
            return true;
        }
    }
    valid_name(rest)
}

fn valid_tag(t: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = t.chars();
    matches!(chars.next(), Some(c) if word(c)) && t.len() <= 128 && chars.all(|c| word(c) || c == '.' || c == '-')
}

fn valid_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else { return false };
    let alg_ok = !alg.is_empty()
        && alg.split(['-', '_', '+', '.']).all(|p| {
            let mut c = p.chars();
            matches!(c.next(), Some(x) if x.is_ascii_alphabetic()) && c.all(|x| x.is_ascii_alphanumeric())
        });
    alg_ok && hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn valid_name(n: &str) -> bool {
    let comps: Vec<&str> = n.split('/').collect();
    if comps.iter().all(|c| valid_path_component(c)) {
        return true;
    }
    comps.len() > 1 && valid_domain(comps[0]) && comps[1..].iter().all(|c| valid_path_component(c))
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn valid_path_component(c: &str) -> bool {
    let alnum = |ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit();
    let b: Vec<char> = c.chars().collect();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep: String = b[start..i].iter().collect();
        if !(sep == "." || sep == "_" || sep == "__" || sep.chars().all(|x| x == '-')) {
            return false;
        }
    }
    true
}

/// `host[:port]`, host a domain name or `[ipv6]`.
fn valid_domain(d: &str) -> bool {
    let (host, port) = if d.starts_with('[') {
        match d.find(']') {
            Some(e) => (&d[..=e], d[e + 1..].strip_prefix(':')),
            None => return false,
        }
    } else {
        match d.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (d, None),
        }
    };
    if let Some(p) = port {
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !inner.is_empty() && inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':');
    }
    !host.is_empty()
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}
