//! Durations as learners type them (`30s`, `5m`, `1h30m`, `500ms`) and kubectl's AGE column.

/// Parses a Go-style duration into milliseconds.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let orig = s;
    let s = s.trim();
    if s.is_empty() {
        return Err("invalid duration \"\"".into());
    }
    if let Ok(n) = s.parse::<u64>() {
        // a bare number is seconds, as kubectl's --grace-period and the lab's clock use
        return n.checked_mul(1000).ok_or_else(|| format!("invalid duration {orig:?}"));
    }
    let mut total: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_end == 0 {
            return Err(format!("invalid duration {orig:?}"));
        }
        let num: f64 = rest[..num_end].parse().map_err(|_| format!("invalid duration {orig:?}"))?;
        rest = &rest[num_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let mult = match &rest[..unit_end] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            "" => return Err(format!("missing unit in duration {orig:?}")),
            u => return Err(format!("unknown unit {u:?} in duration {orig:?}")),
        };
        rest = &rest[unit_end..];
        let add = (num * mult).round();
        if !add.is_finite() || add > 1e15 {
            return Err(format!("invalid duration {orig:?}"));
        }
        total = total.saturating_add(add as u64);
    }
    Ok(total)
}

/// k8s.io/apimachinery/pkg/util/duration.HumanDuration, which kubectl's AGE column uses.
pub fn human_duration(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{m}m");
    } else if hours < 48 {
        return format!("{hours}h");
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        return format!("{}d{h}h", hours / 24);
    } else if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        return format!("{}y{dy}d", hours / 24 / 365);
    }
    format!("{}y", hours / 24 / 365)
}

/// A short clock reading for the lab's own messages: `1m30s`, `2h5m0s`, `12.5s`.
pub fn format_clock(ms: u64) -> String {
    let h = ms / 3_600_000;
    let m = (ms / 60_000) % 60;
    let s = (ms / 1000) % 60;
    let frac = ms % 1000;
    let secs = if frac == 0 { format!("{s}s") } else { format!("{s}.{}s", format!("{frac:03}").trim_end_matches('0')) };
    if h > 0 {
        format!("{h}h{m}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else {
        secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cases from apimachinery's duration_test.go (TestHumanDuration).
    #[test]
    fn human_duration_matches_apimachinery() {
        let s = 1000i64;
        let cases = [
            (0, "0s"),
            (-s, "0s"),
            (-2 * s, "<invalid>"),
            (119 * s, "119s"),
            (2 * 60 * s, "2m"),
            (2 * 60 * s + 30 * s, "2m30s"),
            (10 * 60 * s, "10m"),
            (179 * 60 * s, "179m"),
            (3 * 3600 * s, "3h"),
            (3 * 3600 * s + 5 * 60 * s, "3h5m"),
            (8 * 3600 * s, "8h"),
            (47 * 3600 * s, "47h"),
            (48 * 3600 * s, "2d"),
            (49 * 3600 * s, "2d1h"),
            (8 * 24 * 3600 * s, "8d"),
            (2 * 365 * 24 * 3600 * s, "2y"),
            (2 * 365 * 24 * 3600 * s + 24 * 3600 * s, "2y1d"),
            (8 * 365 * 24 * 3600 * s, "8y"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_duration(ms), want, "{ms}ms");
        }
    }

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("30s"), Ok(30_000));
        assert_eq!(parse_duration("5m"), Ok(300_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("1.5s"), Ok(1500));
        assert_eq!(parse_duration("10"), Ok(10_000));
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn clock_reads_short() {
        assert_eq!(format_clock(0), "0s");
        assert_eq!(format_clock(90_000), "1m30s");
        assert_eq!(format_clock(12_500), "12.5s");
        assert_eq!(format_clock(3_600_000 + 5 * 60_000), "1h5m0s");
    }
}
