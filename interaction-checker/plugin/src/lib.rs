//! VitalFlow drug-interaction plugin (ABI version 2).
//!
//! Built for `wasm32-unknown-unknown` with no crates and no imports. The plugin holds no knowledge of its own: the
//! host hands it a knowledge image (`configure`) built from `interaction-checker/knowledge/*.tsv` at run time, so
//! new rules or codes need no compiler. The host resolves codes and names to ingredient positions; the plugin
//! applies the rules to every pair of medications. The ABI is documented in `docs/interaction-checker.md`.

use std::alloc::{alloc as raw_alloc, dealloc as raw_dealloc, Layout};
use std::ptr::addr_of_mut;

const ABI_VERSION: i32 = 2;
const MAX_MEDICATIONS: usize = 1024;
const MAGIC: u32 = 0x314B_4656; // "VFK1" little-endian

const STATUS_OK: u8 = 0;
const STATUS_MALFORMED: u8 = 1;
const STATUS_TOO_MANY: u8 = 2;
const STATUS_STALE: u8 = 3;
const STATUS_UNCONFIGURED: u8 = 4;

/// `pairs` entry of a pair without a rule
const NO_RULE: u16 = 0xFFFF;

/// The knowledge image: the host's buffer itself (handed over by `configure`, never copied) and the offsets of its
/// parts, so loading costs the same few reads whatever the size of the knowledge base.
struct Knowledge {
    data: &'static [u8],
    /// the buffer to free when another image replaces this one (0 when the image was copied from a request)
    owned: (usize, usize),
    version: (usize, usize),
    token: u32,
    /// number of ingredient positions; RxCUIs at `codes`, one u32 each
    n: usize,
    codes: usize,
    /// severity per rule at `severities`, one byte each
    rule_count: usize,
    severities: usize,
    /// rule per ingredient pair at `pairs`, u16 `[a * n + b]`, `NO_RULE` for none
    pairs: usize,
    /// the rule part of `describe` (u16 count, rules), as the host wrote it
    rules: (usize, usize),
}

impl Knowledge {
    fn version(&self) -> &[u8] {
        &self.data[self.version.0..self.version.1]
    }
    fn code(&self, p: usize) -> u32 {
        let at = self.codes + 4 * p;
        let b = &self.data[at..at + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
}

/// Per-instance state, reused by every call so a check allocates nothing once warm.
struct State {
    kb: Option<Knowledge>,
    out: Vec<u8>,
    /// ingredient positions of every medication of the request, back to back
    ingredients: Vec<u16>,
    /// per medication: index in the request, start and end in `ingredients`
    active: Vec<(u16, u32, u32)>,
}

static mut STATE: State = State { kb: None, out: Vec::new(), ingredients: Vec::new(), active: Vec::new() };

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

/// Loads the knowledge image in `[ptr, ptr+len)`, a buffer from `alloc(len)` that belongs to the plugin from now on
/// (it is freed when another image replaces it). 0 when it was accepted, else a status code (nothing changes; the
/// host frees the buffer). With `len == 0` the instance stays unconfigured until a request brings an image.
#[no_mangle]
pub extern "C" fn configure(ptr: i32, len: i32) -> i32 {
    let state = unsafe { &mut *addr_of_mut!(STATE) };
    if len <= 0 || ptr == 0 {
        return 0;
    }
    let input: &'static [u8] = unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) };
    match parse_knowledge(input, (ptr as usize, len as usize)) {
        Ok(kb) => {
            replace(state, kb);
            0
        }
        Err(status) => status as i32,
    }
}

fn replace(state: &mut State, kb: Knowledge) {
    if let Some(old) = state.kb.take() {
        if old.owned.0 != 0 {
            dealloc(old.owned.0 as i32, old.owned.1 as i32);
        }
    }
    state.kb = Some(kb);
}

/// Reads the header of an image and checks that its parts fill it exactly; rule indexes are checked when used.
fn parse_knowledge(input: &'static [u8], owned: (usize, usize)) -> Result<Knowledge, u8> {
    let mut r = Reader { buf: input, pos: 0 };
    if r.u32()? != MAGIC {
        return Err(STATUS_MALFORMED);
    }
    let version_len = r.take(1)?[0] as usize;
    let version = (r.pos, r.pos + version_len);
    r.take(version_len)?;
    let token = r.u32()?;
    let n = r.u16()? as usize;
    let codes = r.pos;
    r.take(4 * n)?;
    let rule_count = r.u16()? as usize;
    let severities = r.pos;
    r.take(rule_count)?;
    let pairs = r.pos;
    r.take(2 * n * n)?;
    let rules_len = r.u32()? as usize;
    let rules = (r.pos, r.pos + rules_len);
    r.take(rules_len)?;
    if r.pos != input.len() {
        return Err(STATUS_MALFORMED);
    }
    Ok(Knowledge { data: input, owned, version, token, n, codes, rule_count, severities, pairs, rules })
}

/// Checks one request. Returns `(result_ptr << 32) | result_len`; the result buffer belongs to the plugin and
/// stays valid until the next `check` or `describe` call.
#[no_mangle]
pub extern "C" fn check(ptr: i32, len: i32) -> i64 {
    let state = unsafe { &mut *addr_of_mut!(STATE) };
    let input: &[u8] = if len <= 0 {
        &[]
    } else {
        unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) }
    };
    state.out.clear();
    if input.len() >= 4 && u32::from_le_bytes([input[0], input[1], input[2], input[3]]) == MAGIC {
        // a knowledge image sent as a request (hosts started without data): the request buffer is the host's, so
        // the image is copied (once per instance) and kept
        let copy: &'static [u8] = Box::leak(input.to_vec().into_boxed_slice());
        match parse_knowledge(copy, (0, 0)) {
            Ok(kb) => {
                header(&mut state.out, STATUS_OK, kb.version());
                state.out.extend_from_slice(&0u32.to_le_bytes());
                replace(state, kb);
            }
            Err(status) => header(&mut state.out, status, &[]),
        }
        return packed(&state.out);
    }
    let kb = match &state.kb {
        Some(kb) => kb,
        None => {
            header(&mut state.out, STATUS_UNCONFIGURED, &[]);
            return packed(&state.out);
        }
    };
    if let Err(status) = run(input, kb, &mut state.ingredients, &mut state.active, &mut state.out) {
        state.out.clear();
        header(&mut state.out, status, kb.version());
    }
    packed(&state.out)
}

/// Describes the loaded knowledge base: version and every rule with its texts. Same return convention as `check`.
#[no_mangle]
pub extern "C" fn describe() -> i64 {
    let state = unsafe { &mut *addr_of_mut!(STATE) };
    let out = &mut state.out;
    out.clear();
    match &state.kb {
        Some(kb) => {
            header(out, STATUS_OK, kb.version());
            out.extend_from_slice(&kb.data[kb.rules.0..kb.rules.1]);
        }
        None => header(out, STATUS_UNCONFIGURED, &[]),
    }
    packed(out)
}

fn packed(out: &[u8]) -> i64 {
    ((out.as_ptr() as usize as i64) << 32) | (out.len() as i64)
}

fn header(out: &mut Vec<u8>, status: u8, version: &[u8]) {
    out.push(status);
    out.push(version.len() as u8);
    out.extend_from_slice(version);
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

/// `request := u32 token, u16 count, count × (u16 index, u16 k, k × u16 position)`; indexes strictly increasing.
fn run(input: &[u8], kb: &Knowledge, ingredients: &mut Vec<u16>, active: &mut Vec<(u16, u32, u32)>,
       out: &mut Vec<u8>) -> Result<(), u8> {
    let mut r = Reader { buf: input, pos: 0 };
    if r.u32()? != kb.token {
        return Err(STATUS_STALE);
    }
    let count = r.u16()? as usize;
    if count > MAX_MEDICATIONS {
        return Err(STATUS_TOO_MANY);
    }
    let n = kb.n;
    ingredients.clear();
    active.clear();
    let mut last: i32 = -1;
    for _ in 0..count {
        let index = r.u16()?;
        if index as i32 <= last || index as usize >= MAX_MEDICATIONS {
            return Err(STATUS_MALFORMED);
        }
        last = index as i32;
        let k = r.u16()? as usize;
        let start = ingredients.len();
        for _ in 0..k {
            let p = r.u16()?;
            if p as usize >= n {
                return Err(STATUS_MALFORMED);
            }
            ingredients.push(p);
        }
        active.push((index, start as u32, ingredients.len() as u32));
    }
    if r.pos != input.len() {
        return Err(STATUS_MALFORMED);
    }
    header(out, STATUS_OK, kb.version());
    let count_at = out.len();
    out.extend_from_slice(&0u32.to_le_bytes());
    let found = findings(active, ingredients, kb, out)?;
    out[count_at..count_at + 4].copy_from_slice(&found.to_le_bytes());
    Ok(())
}

/// One finding per pair of medications `(i, j)`, `i < j`, in that order: over their ingredient pairs the most
/// severe rule, then the rule listed first. Returns the number of findings written to `out`.
fn findings(active: &[(u16, u32, u32)], ingredients: &[u16], kb: &Knowledge, out: &mut Vec<u8>) -> Result<u32, u8> {
    let n = kb.n;
    let pairs = &kb.data[kb.pairs..kb.pairs + 2 * n * n];
    let severities = &kb.data[kb.severities..kb.severities + kb.rule_count];
    let mut found: u32 = 0;
    for (x, &(i, si, ei)) in active.iter().enumerate() {
        let mine = &ingredients[si as usize..ei as usize];
        for &(j, sj, ej) in &active[x + 1..] {
            let theirs = &ingredients[sj as usize..ej as usize];
            let mut best_rule = NO_RULE;
            let mut best_sev = 0u8;
            let mut best_a = 0u16;
            let mut best_b = 0u16;
            for &a in mine {
                let row = &pairs[2 * a as usize * n..2 * (a as usize + 1) * n];
                for &b in theirs {
                    let at = 2 * b as usize;
                    let rule = u16::from_le_bytes([row[at], row[at + 1]]);
                    if rule != NO_RULE {
                        if rule as usize >= severities.len() {
                            return Err(STATUS_MALFORMED);
                        }
                        let sev = severities[rule as usize];
                        if best_rule == NO_RULE || sev > best_sev || (sev == best_sev && rule < best_rule) {
                            best_rule = rule;
                            best_sev = sev;
                            best_a = a;
                            best_b = b;
                        }
                    }
                }
            }
            if best_rule != NO_RULE {
                let mut f = [0u8; 16];
                f[0..2].copy_from_slice(&i.to_le_bytes());
                f[2..4].copy_from_slice(&j.to_le_bytes());
                f[4..6].copy_from_slice(&best_rule.to_le_bytes());
                f[6] = best_sev;
                f[8..12].copy_from_slice(&kb.code(best_a as usize).to_le_bytes());
                f[12..16].copy_from_slice(&kb.code(best_b as usize).to_le_bytes());
                out.extend_from_slice(&f);
                found += 1;
            }
        }
    }
    Ok(found)
}
