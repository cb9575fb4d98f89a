//! The regular expressions ingress-nginx hands to nginx's PCRE, matched as PCRE matches
//! them (without the UTF flag, as nginx compiles a location's regex: bytes, ASCII classes):
//! literals and `\`-escaped punctuation, `.` (any byte but `\n`), classes `[a-z0-9-]` and
//! `[^...]`, `\d \w \s` and `\D \W \S`, groups `( )` (captured, numbered by their opening
//! parenthesis), `(?: )`, `(?<name> )`, the flag `(?i)`, alternation `|` (the first
//! alternative that leads to a match wins), quantifiers `* + ? {m} {m,} {m,n}` (greedy, or
//! lazy with a `?` after), anchors `^` and `$` (the end, or before a final `\n`). A search
//! finds PCRE's match: the leftmost start, and there the first match in priority order.
//!
//! A hostile pattern cannot freeze the page: a pattern larger than `MAX_PROGRAM`
//! instructions once its counted repeats are written out is refused when it is compiled,
//! and a search visits each (instruction, position) at most once (a backtracking search that
//! remembers where it failed, as RE2's BitState does), so it takes at most
//! program × (text + 1) steps; a search that would take more than `MAX_VISITS` finds nothing.
//! (One difference from PCRE is left: where a repeat's body can match nothing, as in
//! `(a|)+` or `(a*)*`, a group can keep an earlier iteration's text where PCRE records a
//! last, empty, iteration. The matched text was the same in every case compared with Perl 5:
//! 34 patterns over 33 texts, case-sensitive and not.)
//! What PCRE has and this does not (backreferences, lookaround, `\b`, POSIX and Unicode
//! classes, other flags) is an error when compiled, as a pattern PCRE refuses is.

/// At most this many instructions once compiled (`a{1000}{1000}` is refused).
const MAX_PROGRAM: usize = 10_000;
/// A count in `{m,n}` above this is refused (PCRE's own limit is 65,535).
const MAX_COUNT: u32 = 1_000;
/// A search of program × (text + 1) above this finds nothing (a 200-instruction pattern
/// over an 80,000-byte path).
const MAX_VISITS: usize = 1 << 24;

/// A set of bytes, one bit each.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Bytes([u64; 4]);

impl Bytes {
    fn add(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }
    fn add_range(&mut self, lo: u8, hi: u8) {
        for b in lo..=hi {
            self.add(b);
        }
    }
    fn has(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
    fn union(&mut self, other: &Bytes) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
    }
    fn negate(&mut self) {
        for a in &mut self.0 {
            *a = !*a;
        }
    }
    /// With each ASCII letter's other case (the `(?i)` flag).
    fn fold_case(&mut self) {
        for b in b'a'..=b'z' {
            if self.has(b) || self.has(b.to_ascii_uppercase()) {
                self.add(b);
                self.add(b.to_ascii_uppercase());
            }
        }
    }
    fn of(f: impl Fn(u8) -> bool) -> Bytes {
        let mut s = Bytes::default();
        (0..=255u8).filter(|b| f(*b)).for_each(|b| s.add(b));
        s
    }
}

/// A pattern parsed.
#[derive(Clone, Debug)]
enum Node {
    /// One byte of this set.
    Byte(Bytes),
    Start,
    End,
    /// A group, captured as this number (None: `(?: )`).
    Group(Option<usize>, Box<Node>),
    Concat(Vec<Node>),
    Alternation(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    },
}

#[derive(Clone, Copy, Debug)]
enum Inst {
    Byte(Bytes),
    /// Try the first, then the second.
    Split(usize, usize),
    Jump(usize),
    /// Record the position in this slot (2n: group n starts, 2n+1: it ends; after the
    /// groups', where an unbounded repeat's iteration started).
    Save(usize),
    /// The end of an unbounded repeat's iteration that started at the position in this slot:
    /// again to the repeat's start, unless the iteration matched nothing (then on, as PCRE
    /// ends such a loop).
    Again {
        slot: usize,
        to: usize,
    },
    Start,
    End,
    Match,
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Regex {
    program: Vec<Inst>,
    /// Capture groups, the whole match (0) included.
    groups: usize,
    /// Positions a search records: two per group, one per unbounded repeat.
    slots: usize,
}

/// The groups of a match: `get(0)` is the whole match, `get(n)` the nth group if it took
/// part in the match.
pub struct Captures<'t> {
    text: &'t str,
    slots: Vec<Option<usize>>,
}

impl<'t> Captures<'t> {
    pub fn get(&self, n: usize) -> Option<&'t str> {
        let (a, b) = (*self.slots.get(2 * n)?, *self.slots.get(2 * n + 1)?);
        // A group that ends inside a multi-byte character (`.` is one byte) is kept whole.
        let (a, b) = (a?, b?);
        let (mut a, mut b) = (a.min(b), b);
        while !self.text.is_char_boundary(a) {
            a -= 1;
        }
        while !self.text.is_char_boundary(b) {
            b += 1;
        }
        self.text.get(a..b)
    }
}

impl Regex {
    /// Compiles `pattern`; `case_insensitive` as nginx's `~*` (and `(?i)`) asks. Err: what
    /// is wrong and where, as a byte offset into the pattern.
    pub fn new(pattern: &str, case_insensitive: bool) -> Result<Regex, String> {
        let mut p = Parser { s: pattern.as_bytes(), at: 0, groups: 1, fold: case_insensitive, depth: 0 };
        let node = p.alternation()?;
        if p.at < p.s.len() {
            return Err(format!("unmatched closing parenthesis at offset {}", p.at));
        }
        let mut c = Compiler { program: Vec::new(), slots: 2 * p.groups };
        c.compile(&Node::Group(Some(0), Box::new(node)))?;
        c.program.push(Inst::Match);
        Ok(Regex { program: c.program, groups: p.groups, slots: c.slots })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.captures(text).is_some()
    }

    /// PCRE's match in `text` (the leftmost, then the first in priority order), if any.
    pub fn captures<'t>(&self, text: &'t str) -> Option<Captures<'t>> {
        let bytes = text.as_bytes();
        let width = bytes.len() + 1;
        let cells = self.program.len().checked_mul(width).filter(|c| *c <= MAX_VISITS)?;
        let mut search = Search { program: &self.program, text: bytes, visited: vec![0; cells.div_ceil(64)] };
        let anchored = matches!(self.program.get(1), Some(Inst::Start));
        let starts = if anchored { 0..1 } else { 0..width };
        for start in starts {
            let mut slots = vec![None; self.slots];
            if search.run(start, &mut slots) {
                slots.truncate(2 * self.groups);
                return Some(Captures { text, slots });
            }
        }
        None
    }
}

/// One search over one text: `visited` has a bit per (instruction, position).
struct Search<'a> {
    program: &'a [Inst],
    text: &'a [u8],
    visited: Vec<u64>,
}

enum Job {
    Run(usize, usize),
    /// Put this slot back as it was (undoing a `Save` on the way back).
    Restore(usize, Option<usize>),
}

impl Search<'_> {
    /// A bit per (pc, pos): false the second time. From a place where the search failed
    /// once it fails again (what follows does not depend on the captures so far), and the
    /// first visit had the higher priority.
    fn first_visit(&mut self, pc: usize, pos: usize) -> bool {
        let cell = pc * (self.text.len() + 1) + pos;
        let (word, bit) = (cell / 64, 1u64 << (cell % 64));
        let seen = self.visited[word] & bit != 0;
        self.visited[word] |= bit;
        !seen
    }

    fn run(&mut self, start: usize, slots: &mut [Option<usize>]) -> bool {
        let mut jobs = vec![Job::Run(0, start)];
        while let Some(job) = jobs.pop() {
            let (mut pc, mut pos) = match job {
                Job::Restore(slot, value) => {
                    slots[slot] = value;
                    continue;
                }
                Job::Run(pc, pos) => (pc, pos),
            };
            while self.first_visit(pc, pos) {
                match self.program[pc] {
                    Inst::Byte(set) if self.text.get(pos).is_some_and(|b| set.has(*b)) => (pc, pos) = (pc + 1, pos + 1),
                    Inst::Byte(_) => break,
                    Inst::Split(first, second) => {
                        jobs.push(Job::Run(second, pos));
                        pc = first;
                    }
                    Inst::Jump(to) => pc = to,
                    Inst::Again { slot, to } => pc = if slots[slot] == Some(pos) { pc + 1 } else { to },
                    Inst::Save(slot) => {
                        jobs.push(Job::Restore(slot, slots[slot]));
                        slots[slot] = Some(pos);
                        pc += 1;
                    }
                    Inst::Start if pos == 0 => pc += 1,
                    // PCRE's `$` without the multiline flag: the end, or before a final newline.
                    Inst::End if pos == self.text.len() || self.text[pos..] == *b"\n" => pc += 1,
                    Inst::Start | Inst::End => break,
                    Inst::Match => return true,
                }
            }
        }
        false
    }
}

/// Writes a parsed pattern as a program.
struct Compiler {
    program: Vec<Inst>,
    /// Slots used so far (see `Regex::slots`).
    slots: usize,
}

impl Compiler {
    fn emit(&mut self, inst: Inst) -> Result<usize, String> {
        if self.program.len() >= MAX_PROGRAM {
            return Err(format!(
                "the pattern is too large (over {MAX_PROGRAM} steps once its repeats are written out)"
            ));
        }
        self.program.push(inst);
        Ok(self.program.len() - 1)
    }

    fn compile(&mut self, node: &Node) -> Result<(), String> {
        match node {
            Node::Byte(set) => self.emit(Inst::Byte(*set)).map(drop),
            Node::Start => self.emit(Inst::Start).map(drop),
            Node::End => self.emit(Inst::End).map(drop),
            Node::Group(None, inner) => self.compile(inner),
            Node::Group(Some(n), inner) => {
                self.emit(Inst::Save(2 * n))?;
                self.compile(inner)?;
                self.emit(Inst::Save(2 * n + 1)).map(drop)
            }
            Node::Concat(nodes) => nodes.iter().try_for_each(|n| self.compile(n)),
            Node::Alternation(nodes) => self.alternation(nodes),
            Node::Repeat { node, min, max, greedy } => {
                for _ in 0..*min {
                    self.compile(node)?;
                }
                match max {
                    None => self.unbounded(node, *greedy),
                    Some(max) => self.optional_copies(node, max - min, *greedy),
                }
            }
        }
    }

    /// Split(a, next) a Jump(end) Split(b, next) b Jump(end) ... last end
    fn alternation(&mut self, nodes: &[Node]) -> Result<(), String> {
        let mut jumps = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            if i + 1 == nodes.len() {
                self.compile(n)?;
                break;
            }
            let split = self.emit(Inst::Split(0, 0))?;
            self.compile(n)?;
            jumps.push(self.emit(Inst::Jump(0))?);
            self.program[split] = Inst::Split(split + 1, self.program.len());
        }
        let end = self.program.len();
        for j in jumps {
            self.program[j] = Inst::Jump(end);
        }
        Ok(())
    }

    fn split(greedy: bool, body: usize, out: usize) -> Inst {
        if greedy {
            Inst::Split(body, out)
        } else {
            Inst::Split(out, body)
        }
    }

    /// loop: Split(body, out) Save(start) body Again(start, loop) out
    fn unbounded(&mut self, node: &Node, greedy: bool) -> Result<(), String> {
        let slot = self.slots;
        self.slots += 1;
        let split = self.emit(Inst::Split(0, 0))?;
        self.emit(Inst::Save(slot))?;
        self.compile(node)?;
        self.emit(Inst::Again { slot, to: split })?;
        self.program[split] = Self::split(greedy, split + 1, self.program.len());
        Ok(())
    }

    /// Split(body, out) body Split(body, out) body ... out
    fn optional_copies(&mut self, node: &Node, copies: u32, greedy: bool) -> Result<(), String> {
        let mut splits = Vec::new();
        for _ in 0..copies {
            splits.push(self.emit(Inst::Split(0, 0))?);
            self.compile(node)?;
        }
        let out = self.program.len();
        for s in splits {
            self.program[s] = Self::split(greedy, s + 1, out);
        }
        Ok(())
    }
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
    /// Groups numbered so far (group 0 is the whole match).
    groups: usize,
    /// `(?i)` is on.
    fold: bool,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn error<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at offset {}", self.at))
    }

    /// Alternatives up to a `)` or the end. A flag set inside a group ends with it.
    fn alternation(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > 100 {
            return self.error("groups nested too deeply");
        }
        let fold = self.fold;
        let mut alternatives = vec![self.concat()?];
        while self.peek() == Some(b'|') {
            self.at += 1;
            alternatives.push(self.concat()?);
        }
        self.fold = fold;
        self.depth -= 1;
        Ok(if alternatives.len() == 1 { alternatives.remove(0) } else { Node::Alternation(alternatives) })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            let atom = match c {
                b'|' | b')' => break,
                b'(' => match self.group()? {
                    Some(node) => node,
                    None => continue, // a flag such as `(?i)`
                },
                b'*' | b'+' | b'?' => return self.error("quantifier does not follow a repeatable item"),
                b'{' if self.counts().is_some() => return self.error("quantifier does not follow a repeatable item"),
                b'^' => {
                    self.at += 1;
                    Node::Start
                }
                b'$' => {
                    self.at += 1;
                    Node::End
                }
                b'.' => {
                    self.at += 1;
                    Node::Byte(Bytes::of(|b| b != b'\n'))
                }
                b'[' => self.class()?,
                b'\\' => Node::Byte(self.escape(false)?),
                _ => {
                    self.at += 1;
                    Node::Byte(self.folded(Bytes::of(|b| b == c)))
                }
            };
            nodes.push(self.quantified(atom)?);
        }
        Ok(if nodes.len() == 1 { nodes.remove(0) } else { Node::Concat(nodes) })
    }

    fn folded(&self, mut set: Bytes) -> Bytes {
        if self.fold {
            set.fold_case();
        }
        set
    }

    /// `{m}`, `{m,}` or `{m,n}` at the current position, without moving: (min, max, length).
    /// None: not a count, so `{` is a literal (as in PCRE).
    fn counts(&self) -> Option<(u32, Option<u32>, usize)> {
        let rest = &self.s[self.at..];
        let close = rest.iter().position(|b| *b == b'}')?;
        let inside = std::str::from_utf8(&rest[1..close]).ok()?;
        let number = |t: &str| (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<u32>().ok());
        let (min, max) = match inside.split_once(',') {
            None => {
                let n = number(inside)?.unwrap_or(u32::MAX);
                (n, Some(n))
            }
            Some((a, "")) => (number(a)?.unwrap_or(u32::MAX), None),
            Some((a, b)) => (number(a)?.unwrap_or(u32::MAX), Some(number(b)?.unwrap_or(u32::MAX))),
        };
        Some((min, max, close + 1))
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some(b'*') => (0, None),
            Some(b'+') => (1, None),
            Some(b'?') => (0, Some(1)),
            Some(b'{') => match self.counts() {
                Some((min, max, len)) => {
                    if min > MAX_COUNT || max.is_some_and(|m| m > MAX_COUNT) {
                        return self.error(&format!("a count over {MAX_COUNT}"));
                    }
                    if max.is_some_and(|m| m < min) {
                        return self.error("numbers out of order in {} quantifier");
                    }
                    self.at += len - 1;
                    (min, max)
                }
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        if matches!(atom, Node::Start | Node::End) {
            return self.error("quantifier does not follow a repeatable item");
        }
        self.at += 1;
        let greedy = match self.peek() {
            Some(b'?') => {
                self.at += 1;
                false
            }
            Some(b'+') => return self.error("possessive quantifiers are not supported"),
            _ => true,
        };
        if matches!(self.peek(), Some(b'*' | b'+' | b'?')) {
            return self.error("quantifier does not follow a repeatable item");
        }
        Ok(Node::Repeat { node: Box::new(atom), min, max, greedy })
    }

    /// `( )`, `(?: )`, `(?<name> )`, `(?P<name> )`, `(?i: )`; None for `(?i)` or `(?-i)`.
    fn group(&mut self) -> Result<Option<Node>, String> {
        self.at += 1; // (
        let mut number = None;
        let saved_fold = self.fold;
        if self.peek() == Some(b'?') {
            self.at += 1;
            match self.peek() {
                Some(b':') => self.at += 1,
                Some(b'<') | Some(b'P') => {
                    self.at += if self.peek() == Some(b'P') { 2 } else { 1 };
                    let name_len =
                        self.s[self.at..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
                    if name_len == 0 || self.s.get(self.at + name_len) != Some(&b'>') {
                        return self.error("a group name must be letters, digits or _ and end with >");
                    }
                    self.at += name_len + 1;
                    number = Some(self.next_group());
                }
                Some(b'i') | Some(b'-') => {
                    let on = self.peek() == Some(b'i');
                    self.at += if on { 1 } else { 2 };
                    if !on && self.s.get(self.at - 1) != Some(&b'i') {
                        return self.error("only the flag (?i) is supported");
                    }
                    match self.peek() {
                        Some(b')') => {
                            self.at += 1;
                            self.fold = on; // to the end of the enclosing group
                            return Ok(None);
                        }
                        Some(b':') => {
                            self.at += 1;
                            self.fold = on;
                        }
                        _ => return self.error("only the flag (?i) is supported"),
                    }
                }
                _ => return self.error("lookaround, backreferences and other (? groups are not supported"),
            }
        } else {
            number = Some(self.next_group());
        }
        let inner = self.alternation()?;
        self.fold = saved_fold;
        if self.peek() != Some(b')') {
            return self.error("missing closing parenthesis");
        }
        self.at += 1;
        Ok(Some(Node::Group(number, Box::new(inner))))
    }

    fn next_group(&mut self) -> usize {
        self.groups += 1;
        self.groups - 1
    }

    /// `\` and what follows: a class (`\d`), a control (`\n`) or punctuation as itself.
    fn escape(&mut self, in_class: bool) -> Result<Bytes, String> {
        self.at += 1; // backslash
        let Some(c) = self.peek() else { return self.error("\\ at end of pattern") };
        self.at += 1;
        let digit = Bytes::of(|b| b.is_ascii_digit());
        let word = Bytes::of(|b| b.is_ascii_alphanumeric() || b == b'_');
        // PCRE's \s: space, \t, \n, \v, \f, \r.
        let space = Bytes::of(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'));
        let mut set = match c {
            b'd' | b'D' => digit,
            b'w' | b'W' => word,
            b's' | b'S' => space,
            b'n' => Bytes::of(|b| b == b'\n'),
            b't' => Bytes::of(|b| b == b'\t'),
            b'r' => Bytes::of(|b| b == b'\r'),
            b'b' if in_class => Bytes::of(|b| b == 0x08),
            c if c.is_ascii_punctuation() || c == b' ' => return Ok(self.folded(Bytes::of(|b| b == c))),
            _ => {
                self.at -= 2;
                return self.error(&format!("the escape \\{} is not supported", c as char));
            }
        };
        if c.is_ascii_uppercase() {
            set.negate();
        }
        Ok(set)
    }

    /// `[...]` or `[^...]`: single bytes, ranges `a-z`, escapes; `]` first and `-` first or
    /// last are themselves.
    fn class(&mut self) -> Result<Node, String> {
        let open = self.at;
        self.at += 1;
        let negated = self.peek() == Some(b'^');
        if negated {
            self.at += 1;
        }
        let mut set = Bytes::default();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                self.at = open;
                return self.error("missing terminating ] for character class");
            };
            if c == b']' && !first {
                self.at += 1;
                break;
            }
            first = false;
            if c == b'[' && self.s.get(self.at + 1) == Some(&b':') {
                return self.error("POSIX classes such as [:alpha:] are not supported");
            }
            let lo = if c == b'\\' {
                let before = self.at;
                let escaped = self.escape(true)?;
                // A single byte can start a range; a class such as \d cannot.
                match (0..=255u8).filter(|b| escaped.has(*b)).collect::<Vec<_>>()[..] {
                    [one] if self.s[before + 1].is_ascii_punctuation() || b"ntrb".contains(&self.s[before + 1]) => one,
                    _ => {
                        set.union(&escaped);
                        continue;
                    }
                }
            } else {
                self.at += 1;
                c
            };
            let is_range = self.peek() == Some(b'-') && self.s.get(self.at + 1).is_some_and(|b| *b != b']');
            if !is_range {
                set.add(lo);
                continue;
            }
            self.at += 1; // -
            let hi = if self.peek() == Some(b'\\') {
                let escaped = self.escape(true)?;
                match (0..=255u8).filter(|b| escaped.has(*b)).collect::<Vec<_>>()[..] {
                    [one] => one,
                    _ => return self.error("invalid range in character class"),
                }
            } else {
                let hi = self.peek().unwrap_or(0);
                self.at += 1;
                hi
            };
            if hi < lo {
                return self.error("range out of order in character class");
            }
            set.add_range(lo, hi);
        }
        let mut set = self.folded(set);
        if negated {
            set.negate();
        }
        Ok(Node::Byte(set))
    }
}

#[cfg(test)]
#[path = "regex_tests.rs"]
mod tests;
