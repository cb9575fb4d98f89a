//! Resource quantities (`resource.Quantity`): parsing into milli-units and printing.

/// Parses a Kubernetes quantity into milli-units. Supports the decimal SI suffixes
/// (`m`, `k`, `M`, `G`, `T`, `P`, `E`), the binary ones (`Ki` … `Ei`) and exponents (`1e3`).
pub fn parse_millis(s: &str) -> Option<i128> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    if num.is_empty() || num == "+" || num == "-" {
        return None;
    }
    let (mult_num, mult_den): (i128, i128) = match suffix {
        "" => (1000, 1),
        "m" => (1, 1),
        "k" => (1_000_000, 1),
        "M" => (1_000_000_000, 1),
        "G" => (1_000_000_000_000, 1),
        "T" => (1_000_000_000_000_000, 1),
        "P" => (1_000_000_000_000_000_000, 1),
        "E" => (1_000_000_000_000_000_000_000, 1),
        "Ki" => (1024 * 1000, 1),
        "Mi" => (1024 * 1024 * 1000, 1),
        "Gi" => (1024 * 1024 * 1024 * 1000, 1),
        "Ti" => (1024i128.pow(4) * 1000, 1),
        "Pi" => (1024i128.pow(5) * 1000, 1),
        "Ei" => (1024i128.pow(6) * 1000, 1),
        e if e.starts_with(['e', 'E']) => {
            let exp: i32 = e[1..].parse().ok()?;
            if !(-3..=18).contains(&exp) {
                return None;
            }
            if exp >= -3 {
                (10i128.pow((exp + 3) as u32), 1)
            } else {
                (1, 10i128.pow((-exp - 3) as u32))
            }
        }
        _ => return None,
    };
    // Parse the decimal number exactly.
    let neg = num.starts_with('-');
    let digits = num.trim_start_matches(['+', '-']);
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((a, b)) => (a, b),
        None => (digits, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.chars().all(|c| c.is_ascii_digit()) || !frac_part.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if int_part.len() + frac_part.len() > 24 {
        return None;
    }
    let scale = 10i128.pow(frac_part.len() as u32);
    // (At most 24 digits: they fit.)
    let whole = int_part.bytes().chain(frac_part.bytes()).fold(0i128, |w, d| w * 10 + i128::from(d - b'0'));
    let v = whole.checked_mul(mult_num)? / mult_den / scale;
    Some(if neg { -v } else { v })
}

/// CPU in millicores as kubectl prints it (`500m`, `2`).
pub fn format_cpu_millis(m: i128) -> String {
    if m % 1000 == 0 {
        format!("{}", m / 1000)
    } else {
        format!("{m}m")
    }
}

/// Memory (bytes × 1000 in milli-units) as the largest exact binary unit (`128Mi`, `4Gi`).
pub fn format_memory_millis(m: i128) -> String {
    let bytes = m / 1000;
    for (suffix, unit) in [("Gi", 1i128 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if bytes != 0 && bytes % unit == 0 {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    format!("{bytes}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_to_millis() {
        let cases: &[(&str, Option<i128>)] = &[
            ("500m", Some(500)),
            ("1", Some(1000)),
            ("0.5", Some(500)),
            ("2", Some(2000)),
            ("128Mi", Some(128 * 1024 * 1024 * 1000)),
            ("1Gi", Some(1024 * 1024 * 1024 * 1000)),
            ("1k", Some(1_000_000)),
            ("1e3", Some(1_000_000)),
            ("abc", None),
            ("", None),
            ("1Qi", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_millis(input), *want, "quantity {input:?}");
        }
    }

    #[test]
    fn quantities_print_like_kubectl() {
        assert_eq!(format_cpu_millis(500), "500m");
        assert_eq!(format_cpu_millis(2000), "2");
        assert_eq!(format_memory_millis(4 * 1024 * 1024 * 1024 * 1000), "4Gi");
        assert_eq!(format_memory_millis(128 * 1024 * 1024 * 1000), "128Mi");
    }
}
