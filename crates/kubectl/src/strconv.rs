//! Go's strconv.ParseInt and ParseUint, with their error reasons: kubectl parses flag values
//! (pflag) and port numbers with them, and go-yaml's resolver uses them to decide whether
//! a plain scalar would read back as a number.

/// strconv.ParseInt(s, base, bits): base 0 reads `0x`, `0o`, `0b` and `0` prefixes and
/// underscores. The error is strconv's reason (`invalid syntax`, `value out of range`).
pub fn go_parse_int(s: &str, base: u32, bits: u32) -> Result<i64, &'static str> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let mag = go_parse_uint_magnitude(body, base)?;
    let limit: u128 = 1u128 << (bits - 1);
    if (!neg && mag >= limit) || (neg && mag > limit) {
        return Err("value out of range");
    }
    Ok(if neg { -(mag as i128) as i64 } else { mag as i64 })
}

/// strconv.ParseUint(s, base, bits).
pub fn go_parse_uint(s: &str, base: u32, bits: u32) -> Result<u64, &'static str> {
    if s.starts_with(['+', '-']) {
        return Err("invalid syntax");
    }
    let mag = go_parse_uint_magnitude(s, base)?;
    if bits < 64 && mag >= (1u128 << bits) || mag > u64::MAX as u128 {
        return Err("value out of range");
    }
    Ok(mag as u64)
}

fn go_parse_uint_magnitude(s0: &str, base: u32) -> Result<u128, &'static str> {
    if s0.is_empty() {
        return Err("invalid syntax");
    }
    let b = s0.as_bytes();
    let base0 = base == 0;
    let (radix, digits) = if !base0 {
        (base, s0)
    } else if b[0] == b'0' {
        match b.get(1).map(|c| c.to_ascii_lowercase()) {
            Some(b'b') if b.len() >= 3 => (2, &s0[2..]),
            Some(b'o') if b.len() >= 3 => (8, &s0[2..]),
            Some(b'x') if b.len() >= 3 => (16, &s0[2..]),
            _ => (8, &s0[1..]),
        }
    } else {
        (10, s0)
    };
    let cap = u64::MAX as u128 * 4;
    let mut v: u128 = 0;
    let mut underscores = false;
    for c in digits.chars() {
        if c == '_' && base0 {
            underscores = true;
            continue;
        }
        let Some(d) = c.to_digit(radix) else { return Err("invalid syntax") };
        v = (v * radix as u128 + d as u128).min(cap);
    }
    if underscores && !underscore_ok(s0) {
        return Err("invalid syntax");
    }
    Ok(v)
}

/// strconv's underscoreOK: `_` only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.to_ascii_lowercase().is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}
