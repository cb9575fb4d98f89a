//! Names as Kubernetes makes them: `utilrand.String` suffixes and `SafeEncodeString`d
//! pod-template hashes, from the same 27-character alphabet (no vowels, no 0/1/3).

use crate::rng::Pcg32;

/// k8s.io/apimachinery/pkg/util/rand: "bcdfghjklmnpqrstvwxz2456789".
pub const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// names.SimpleNameGenerator: base (cut to 58 chars) + 5 random characters.
pub fn generate_name(base: &str, rng: &mut Pcg32) -> String {
    // Go cuts at byte 58; a name with multi-byte characters (invalid, and refused by
    // validation just after) is cut at the char boundary at or below it instead.
    let mut cut = base.len().min(58);
    while !base.is_char_boundary(cut) {
        cut -= 1;
    }
    let base = &base[..cut];
    let mut s = String::with_capacity(base.len() + 5);
    s.push_str(base);
    for _ in 0..5 {
        s.push(ALPHANUMS[rng.below(ALPHANUMS.len() as u32) as usize] as char);
    }
    s
}

/// rand.SafeEncodeString: each byte mapped through the alphabet.
pub fn safe_encode(s: &str) -> String {
    s.bytes().map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char).collect()
}

/// FNV-1a, 32 bit.
pub fn fnv32a(data: &[u8]) -> u32 {
    fnv32a_from(0x811c9dc5, data)
}

/// FNV-32a continued from `h` (the hash of what came before `data`).
pub fn fnv32a_from(mut h: u32, data: &[u8]) -> u32 {
    for b in data {
        h ^= *b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    h
}

/// controller.ComputeHash: FNV-32a over the pod template (here its canonical JSON; upstream
/// hashes a spew dump) plus the collision count, then SafeEncodeString of the decimal value.
pub fn pod_template_hash(template_json: &str, collision_count: Option<i32>) -> String {
    let mut data = template_json.as_bytes().to_vec();
    if let Some(c) = collision_count {
        data.extend_from_slice(&(c as u32).to_le_bytes());
    }
    safe_encode(&fnv32a(&data).to_string())
}

/// A deterministic UUID-shaped uid (not seeded, so a seed changes names only).
pub fn uid_for(counter: u64) -> String {
    let a = fnv32a(&counter.to_le_bytes());
    let b = fnv32a(&(counter ^ 0x9e3779b97f4a7c15).to_le_bytes());
    let c = fnv32a(&(counter.wrapping_mul(31)).to_le_bytes());
    let d = fnv32a(&(counter.wrapping_add(7)).to_le_bytes());
    // "{a:08x}-{b>>16:04x}-4{b&0xfff:03x}-{..:04x}-{d:08x}{c&0xffff:04x}", written directly:
    // every object's uid is made here, and the formatter was a tenth of a big apply.
    let mut buf = *b"00000000-0000-4000-0000-000000000000";
    fill_hex(&mut buf[0..8], a as u64);
    fill_hex(&mut buf[9..13], (b >> 16) as u64);
    fill_hex(&mut buf[15..18], (b & 0xfff) as u64);
    fill_hex(&mut buf[19..23], ((c >> 16) & 0x3fff | 0x8000) as u64);
    fill_hex(&mut buf[24..32], d as u64);
    fill_hex(&mut buf[32..36], (c & 0xffff) as u64);
    // (Hex digits and dashes: ASCII.)
    std::str::from_utf8(&buf).unwrap_or_default().to_string()
}

/// Writes the low `buf.len()` hex digits of `v` into `buf`, zero-padded.
fn fill_hex(buf: &mut [u8], v: u64) {
    let n = buf.len();
    for (i, b) in buf.iter_mut().enumerate() {
        *b = b"0123456789abcdef"[((v >> (4 * (n - 1 - i))) & 0xf) as usize];
    }
}

/// Appends `v` in lowercase hex, zero-padded to `width` digits (as `{:0width$x}`).
pub fn push_hex(out: &mut String, v: u128, width: usize) {
    let mut buf = [0u8; 32];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b"0123456789abcdef"[(v & 0xf) as usize];
        v >>= 4;
        if v == 0 {
            break;
        }
    }
    for _ in (buf.len() - i)..width {
        out.push('0');
    }
    // (Hex digits are ASCII.)
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

/// `v` in decimal (as `v.to_string()`), written directly: every write's resourceVersion.
pub fn decimal(v: u64) -> String {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // (Digits: ASCII.)
    std::str::from_utf8(&buf[i..]).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_decimal_write_as_the_formatter_does() {
        for v in [0u128, 1, 0xf, 0x10, 0xabc, 0xdeadbeef, u64::MAX as u128, 1_723_507_200_000_000_000, u128::MAX] {
            for w in [0, 3, 4, 8] {
                let mut s = String::new();
                push_hex(&mut s, v, w);
                assert_eq!(s, format!("{v:0w$x}"));
            }
        }
        for v in [0u64, 7, 10, 99, 100, 123456789, u64::MAX] {
            assert_eq!(decimal(v), v.to_string());
        }
        // The uid's shape, checked against the formatter it replaced.
        for n in [0u64, 1, 12345, 1 << 40, u64::MAX] {
            let (a, b) = (fnv32a(&n.to_le_bytes()), fnv32a(&(n ^ 0x9e3779b97f4a7c15).to_le_bytes()));
            let (c, d) = (fnv32a(&(n.wrapping_mul(31)).to_le_bytes()), fnv32a(&(n.wrapping_add(7)).to_le_bytes()));
            let want = format!(
                "{:08x}-{:04x}-4{:03x}-{:04x}-{:08x}{:04x}",
                a,
                b >> 16,
                b & 0xfff,
                (c >> 16) & 0x3fff | 0x8000,
                d,
                c & 0xffff
            );
            assert_eq!(uid_for(n), want);
        }
    }

    #[test]
    fn template_hashes_use_the_safe_alphabet_of_digits() {
        // SafeEncodeString of decimal digits only ever yields 4-9, b, c, d, f.
        let h = pod_template_hash("{\"a\":1}", None);
        assert!(h.len() >= 6 && h.len() <= 10, "{h}");
        assert!(h.chars().all(|c| "456789bcdf".contains(c)), "{h}");
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }

    #[test]
    fn generated_names_have_five_alphabet_chars() {
        let mut r = Pcg32::new(7);
        let n = generate_name("web-7d4b9c8f5-", &mut r);
        assert_eq!(n.len(), "web-7d4b9c8f5-".len() + 5);
        assert!(n[14..].bytes().all(|b| ALPHANUMS.contains(&b)));
    }

    #[test]
    fn a_base_is_cut_to_58_bytes_and_never_inside_a_character() {
        let mut rng = Pcg32::new(1);
        assert_eq!(generate_name(&"a".repeat(70), &mut rng).len(), 63);
        // A 4-byte character over bytes 56..60: the cut falls back to byte 56.
        let name = generate_name(&format!("{}\u{1a1d7}bbbb", "a".repeat(56)), &mut rng);
        assert_eq!(name.len(), 61);
        assert!(name.starts_with(&"a".repeat(56)));
    }
}
