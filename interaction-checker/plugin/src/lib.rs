//! VitalFlow drug-interaction plugin (ABI version 1).
//!
//! Built for `wasm32-unknown-unknown` with no crates and no imports. The ABI is documented in
//! `docs/interaction-checker.md`; the knowledge tables in `kb.rs` are generated from
//! `interaction-checker/knowledge/*.tsv` by `plugin/gen/GenerateKnowledgeBase.java`.

mod kb;

use std::alloc::{alloc as raw_alloc, dealloc as raw_dealloc, Layout};
use std::ptr::addr_of_mut;

const ABI_VERSION: i32 = 1;
const MAX_MEDICATIONS: usize = 1024;

const STATUS_OK: u8 = 0;
const STATUS_MALFORMED: u8 = 1;
const STATUS_TOO_MANY: u8 = 2;

/// Per-instance scratch space, reused by every call so a check allocates nothing once warm.
struct State {
    out: Vec<u8>,
    /// ingredients (positions in `kb::INGREDIENT_CODES`) of every known medication, back to back
    ingredients: Vec<u32>,
    /// medications that can take part in a finding (known, not a repeat, an ingredient with some rule):
    /// index in the request, start and end in `ingredients`
    active: Vec<(u32, u32, u32)>,
    unknown: Vec<u16>,
    words: Vec<(usize, usize)>,
    lower: Vec<u8>,
}

/// `kb::PAIR_TABLE` entry of a pair without a rule
const NO_RULE: u8 = 255;

static mut STATE: State = State {
    out: Vec::new(),
    ingredients: Vec::new(),
    active: Vec::new(),
    unknown: Vec::new(),
    words: Vec::new(),
    lower: Vec::new(),
};

#[no_mangle]
pub extern "C" fn abi_version() -> i32 {
    ABI_VERSION
}

/// Allocates `len` bytes in linear memory for the host to write into; 0 when `len` is not positive.
#[no_mangle]
pub extern "C" fn alloc(len: i32) -> i32 {
    if len <= 0 {
        return 0;
    }
    match Layout::from_size_align(len as usize, 8) {
        Ok(layout) => unsafe { raw_alloc(layout) as i32 },
        Err(_) => 0,
    }
}

/// Frees a buffer obtained from `alloc` with the same length.
#[no_mangle]
pub extern "C" fn dealloc(ptr: i32, len: i32) {
    if ptr == 0 || len <= 0 {
        return;
    }
    if let Ok(layout) = Layout::from_size_align(len as usize, 8) {
        unsafe { raw_dealloc(ptr as *mut u8, layout) }
    }
}

/// Checks one medication list. Returns `(result_ptr << 32) | result_len`; the result buffer belongs
/// to the plugin and stays valid until the next `check` or `describe` call.
#[no_mangle]
pub extern "C" fn check(ptr: i32, len: i32) -> i64 {
    let state = unsafe { &mut *addr_of_mut!(STATE) };
    let input: &[u8] = if len <= 0 {
        &[]
    } else {
        unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) }
    };
    state.out.clear();
    if let Err(status) = run(input, state) {
        state.out.clear();
        header(&mut state.out, status);
    }
    packed(&state.out)
}

/// Describes the knowledge base: version and every rule with its texts. Same return convention as `check`.
#[no_mangle]
pub extern "C" fn describe() -> i64 {
    let state = unsafe { &mut *addr_of_mut!(STATE) };
    let out = &mut state.out;
    out.clear();
    header(out, STATUS_OK);
    put_u16(out, kb::RULES.len() as u16);
    for r in kb::RULES.iter() {
        out.push(r.severity);
        for s in [r.id, r.a, r.b, r.mechanism, r.effect, r.management, r.source] {
            put_u16(out, s.len() as u16);
            out.extend_from_slice(s.as_bytes());
        }
    }
    packed(out)
}

fn packed(out: &[u8]) -> i64 {
    ((out.as_ptr() as usize as i64) << 32) | (out.len() as i64)
}

fn header(out: &mut Vec<u8>, status: u8) {
    out.push(status);
    out.push(kb::KB_VERSION.len() as u8);
    out.extend_from_slice(kb::KB_VERSION.as_bytes());
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], u8> {
        if self.buf.len() - self.pos < n {
            return Err(STATUS_MALFORMED);
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, u8> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, u8> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

fn run(input: &[u8], st: &mut State) -> Result<(), u8> {
    let mut r = Reader { buf: input, pos: 0 };
    let count = r.u16()? as usize;
    if count > MAX_MEDICATIONS {
        return Err(STATUS_TOO_MANY);
    }
    st.ingredients.clear();
    st.active.clear();
    st.unknown.clear();
    for index in 0..count {
        let code = r.u32()?;
        let name_len = r.u16()? as usize;
        let name = r.take(name_len)?;
        let start = st.ingredients.len();
        resolve(code, name, st);
        let end = st.ingredients.len();
        if end == start {
            st.unknown.push(index as u16);
            continue;
        }
        if end - start > 1 {
            st.ingredients[start..end].sort_unstable();
        }
        // only medications with an ingredient that takes part in some rule can be in a finding
        let mut partnered = false;
        for &k in &st.ingredients[start..end] {
            partnered |= kb::PARTNERED[k as usize];
        }
        if !partnered || repeats(&st.active, &st.ingredients, start, end) {
            // a repeat (same ingredient set as an earlier entry) is the same medication: checked once, at its
            // first entry
            st.ingredients.truncate(start);
            continue;
        }
        st.active.push((index as u32, start as u32, end as u32));
    }
    if r.pos != input.len() {
        return Err(STATUS_MALFORMED);
    }
    let out = &mut st.out;
    header(out, STATUS_OK);
    let count_at = out.len();
    put_u32(out, 0);
    let findings = findings(&st.active, &st.ingredients, &kb::PAIR_TABLE, out);
    out[count_at..count_at + 4].copy_from_slice(&findings.to_le_bytes());
    put_u32(out, st.unknown.len() as u32);
    for &u in st.unknown.iter() {
        put_u16(out, u);
    }
    Ok(())
}

/// True when `ingredients[start..end]` is the ingredient set of an earlier active medication.
fn repeats(active: &[(u32, u32, u32)], ingredients: &[u32], start: usize, end: usize) -> bool {
    let set = &ingredients[start..end];
    for &(_, s, e) in active {
        let other = &ingredients[s as usize..e as usize];
        if other.len() == set.len() && other[0] == set[0] && other == set {
            return true;
        }
    }
    false
}

/// One finding per pair of active medications `(i, j)`, `i < j`, in that order: over their ingredient pairs the
/// most severe rule, then the rule listed first. Returns the number of findings written to `out`.
fn findings(active: &[(u32, u32, u32)], ingredients: &[u32], pairs: &[u8], out: &mut Vec<u8>) -> u32 {
    let n = kb::INGREDIENT_CODES.len();
    let mut findings: u32 = 0;
    for (x, &(i, si, ei)) in active.iter().enumerate() {
        let mine = &ingredients[si as usize..ei as usize];
        for &(j, sj, ej) in &active[x + 1..] {
            let theirs = &ingredients[sj as usize..ej as usize];
            let mut best: Option<(u16, u8, u32, u32)> = None;
            for &a in mine {
                let row = &pairs[a as usize * n..(a as usize + 1) * n];
                for &b in theirs {
                    let rule = row[b as usize] as u16;
                    if rule != NO_RULE as u16 {
                        let sev = kb::RULES[rule as usize].severity;
                        let better = match best {
                            None => true,
                            Some((br, bs, _, _)) => sev > bs || (sev == bs && rule < br),
                        };
                        if better {
                            best = Some((rule, sev, a, b));
                        }
                    }
                }
            }
            if let Some((rule, sev, a, b)) = best {
                let mut f = [0u8; 16];
                f[0..2].copy_from_slice(&(i as u16).to_le_bytes());
                f[2..4].copy_from_slice(&(j as u16).to_le_bytes());
                f[4..6].copy_from_slice(&rule.to_le_bytes());
                f[6] = sev;
                f[8..12].copy_from_slice(&kb::INGREDIENT_CODES[a as usize].to_le_bytes());
                f[12..16].copy_from_slice(&kb::INGREDIENT_CODES[b as usize].to_le_bytes());
                out.extend_from_slice(&f);
                findings += 1;
            }
        }
    }
    findings
}

/// Position of an ingredient code in `kb::INGREDIENT_CODES` (the generator guarantees every code used by the
/// other tables is there).
fn ingredient(code: u32) -> usize {
    match kb::INGREDIENT_CODES.binary_search(&code) {
        Ok(k) => k,
        Err(_) => unreachable!(),
    }
}

/// Appends the ingredients (as positions in `kb::INGREDIENT_CODES`) of one medication: by code (ingredient, then
/// clinical drug), else by name.
fn resolve(code: u32, name: &[u8], st: &mut State) {
    if code != 0 {
        if let Ok(k) = kb::INGREDIENT_CODES.binary_search(&code) {
            st.ingredients.push(k as u32);
            return;
        }
        if let Ok(k) = kb::CLINICAL_CODES.binary_search(&code) {
            for &c in kb::CLINICAL_INGREDIENTS[k] {
                st.ingredients.push(ingredient(c) as u32);
            }
            return;
        }
    }
    if !name.is_empty() {
        match_names(name, st);
    }
}

/// Words are runs of ASCII letters (lower-cased); an entry of `NAMES` matches when its words occur
/// consecutively in the name.
fn match_names(name: &[u8], st: &mut State) {
    st.lower.clear();
    st.words.clear();
    let mut start = usize::MAX;
    for (i, &c) in name.iter().enumerate() {
        let l = if c.is_ascii_uppercase() { c + 32 } else { c };
        st.lower.push(l);
        if l.is_ascii_lowercase() {
            if start == usize::MAX {
                start = i;
            }
        } else if start != usize::MAX {
            st.words.push((start, i));
            start = usize::MAX;
        }
    }
    if start != usize::MAX {
        st.words.push((start, name.len()));
    }
    let first = st.ingredients.len();
    for &(entry, code) in kb::NAMES.iter() {
        if contains_words(entry.as_bytes(), &st.lower, &st.words) {
            let k = ingredient(code) as u32;
            if !st.ingredients[first..].contains(&k) {
                st.ingredients.push(k);
            }
        }
    }
}

fn contains_words(entry: &[u8], text: &[u8], words: &[(usize, usize)]) -> bool {
    let n_entry = entry.split(|&c| c == b' ').count();
    if n_entry > words.len() {
        return false;
    }
    'outer: for w in 0..=(words.len() - n_entry) {
        let mut k = w;
        for part in entry.split(|&c| c == b' ') {
            let (s, e) = words[k];
            if &text[s..e] != part {
                continue 'outer;
            }
            k += 1;
        }
        return true;
    }
    false
}
