// Sample Extism plugin for the VitalFlow Extism-compatible host (docs/interaction-checker.md, "Extism plugins").
// Built with @extism/as-pdk 1.0.0 and AssemblyScript; JSON in, JSON out:
//
//   input  {"medications":[{"rxcui":"11289","name":"Coumadin 5 mg"}, ...]}   (rxcui and name optional, may be null)
//   output {"kbVersion":"...","findings":[{"first":0,"second":1,"firstIngredient":11289,"secondIngredient":5640,
//           "rule":{"id":..,"severity":"major","a":..,"b":..,"mechanism":..,"effect":..,"management":..,"source":..}}],
//           "unknown":[2]}
//
// A handful of rules only: this plugin shows that an Extism plugin runs on our host, it is not the knowledge base.
// The exports loop_forever, trap, fail and fetch misbehave on purpose for the host's sandbox tests.
import { Config, Host, LogLevel, Memory, Var } from "@extism/as-pdk";
import { error_set, http_request } from "@extism/as-pdk/lib/env";

const KB_VERSION = "extism-sample-1";

// Called by the AssemblyScript runtime on a failed assertion or an error thrown: report it and trap.
function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  const text = (message === null ? "abort" : message) + " at " + (fileName === null ? "?" : fileName) + ":"
    + line.toString() + ":" + column.toString();
  Host.log(LogLevel.Error, text);
  unreachable();
}

// ---------------------------------------------------------------------------------------------- knowledge

class Ingredient {
  constructor(public rxcui: u32, public name: string, public words: string[]) {}
}

class RuleDef {
  constructor(public id: string, public severity: string, public a: u32, public b: u32, public mechanism: string,
              public effect: string, public management: string, public source: string) {}
}

const INGREDIENTS: Ingredient[] = [
  new Ingredient(11289, "warfarin", ["warfarin", "coumadin", "jantoven"]),
  new Ingredient(5640, "ibuprofen", ["ibuprofen", "advil", "motrin"]),
  new Ingredient(1191, "aspirin", ["aspirin"]),
  new Ingredient(36567, "simvastatin", ["simvastatin", "zocor"]),
  new Ingredient(21212, "clarithromycin", ["clarithromycin", "biaxin"]),
  new Ingredient(161, "acetaminophen", ["acetaminophen", "paracetamol", "tylenol"]),
];

// clinical drugs (SCD) mapped to their ingredient
const CLINICAL_DRUGS: u32[][] = [
  [310965, 5640], // ibuprofen 200 MG Oral Tablet
  [855296, 11289], // warfarin sodium 10 MG Oral Tablet
  [757704, 36567], // simvastatin 20 MG Oral Tablet
];

const RULES: RuleDef[] = [
  new RuleDef("SAMPLE-WARF-IBU", "major", 11289, 5640,
    "Additive bleeding risk: NSAID antiplatelet effect and gastric mucosal injury on top of anticoagulation.",
    "Increased risk of gastrointestinal and other bleeding.",
    "Avoid the combination; if needed, use the lowest NSAID dose briefly, add gastroprotection and monitor INR.",
    "Sample rule (Extism plugin test)"),
  new RuleDef("SAMPLE-WARF-ASA", "major", 11289, 1191,
    "Additive antiplatelet and anticoagulant effects.",
    "Increased risk of bleeding.",
    "Combine only with a clear indication; monitor for bleeding.",
    "Sample rule (Extism plugin test)"),
  new RuleDef("SAMPLE-SIMVA-CLARI", "contraindicated", 36567, 21212,
    "Clarithromycin strongly inhibits CYP3A4, raising simvastatin exposure many-fold.",
    "Myopathy and rhabdomyolysis.",
    "Contraindicated: suspend simvastatin during clarithromycin therapy.",
    "Sample rule (Extism plugin test)"),
];

function ingredientByCode(code: u32): i32 {
  for (let i = 0; i < INGREDIENTS.length; i++) {
    if (INGREDIENTS[i].rxcui == code) return i;
  }
  for (let i = 0; i < CLINICAL_DRUGS.length; i++) {
    if (CLINICAL_DRUGS[i][0] == code) return ingredientByCode(CLINICAL_DRUGS[i][1]);
  }
  return -1;
}

// lower-case ASCII letter runs of the name
function wordsOf(name: string): string[] {
  const words: string[] = [];
  let current = "";
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c >= 97 && c <= 122) {
      current += String.fromCharCode(c);
    } else if (current.length > 0) {
      words.push(current);
      current = "";
    }
  }
  if (current.length > 0) words.push(current);
  return words;
}

function ingredientByName(name: string): i32 {
  const words = wordsOf(name);
  for (let i = 0; i < INGREDIENTS.length; i++) {
    const synonyms = INGREDIENTS[i].words;
    for (let s = 0; s < synonyms.length; s++) {
      if (words.includes(synonyms[s])) return i;
    }
  }
  return -1;
}

function parseCode(code: string): u32 {
  if (code.length == 0 || code.length > 9) return 0;
  let v: u32 = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c < 48 || c > 57) return 0;
    v = v * 10 + <u32>(c - 48);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------- JSON

class Med {
  rxcui: string = "";
  name: string = "";
}

class JsonError {
  constructor(public message: string) {}
}

// A small JSON reader for the request shape; unknown members are skipped.
class Reader {
  pos: i32 = 0;
  error: string = "";
  constructor(public s: string) {}

  fail(what: string): void {
    if (this.error.length == 0) this.error = what + " at " + this.pos.toString();
    this.pos = this.s.length;
  }

  ws(): void {
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c == 32 || c == 9 || c == 10 || c == 13) this.pos++;
      else break;
    }
  }

  peek(): i32 {
    this.ws();
    return this.pos < this.s.length ? this.s.charCodeAt(this.pos) : -1;
  }

  expect(c: i32): bool {
    if (this.peek() != c) {
      this.fail("expected '" + String.fromCharCode(c) + "'");
      return false;
    }
    this.pos++;
    return true;
  }

  str(): string {
    if (!this.expect(34)) return "";
    let out = "";
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos++);
      if (c == 34) return out;
      if (c == 92) {
        if (this.pos >= this.s.length) break;
        const e = this.s.charCodeAt(this.pos++);
        if (e == 110) out += "\n";
        else if (e == 116) out += "\t";
        else if (e == 114) out += "\r";
        else if (e == 98) out += "\b";
        else if (e == 102) out += "\f";
        else if (e == 117) {
          if (this.pos + 4 > this.s.length) break;
          out += String.fromCharCode(<i32>parseInt(this.s.substring(this.pos, this.pos + 4), 16));
          this.pos += 4;
        } else out += String.fromCharCode(e);
      } else {
        out += String.fromCharCode(c);
      }
    }
    this.fail("unterminated string");
    return "";
  }

  // skips any value
  skip(): void {
    const c = this.peek();
    if (c == 34) { this.str(); return; }
    if (c == 123) {
      this.pos++;
      if (this.peek() == 125) { this.pos++; return; }
      do { this.str(); this.expect(58); this.skip(); } while (this.comma());
      this.expect(125);
      return;
    }
    if (c == 91) {
      this.pos++;
      if (this.peek() == 93) { this.pos++; return; }
      do { this.skip(); } while (this.comma());
      this.expect(93);
      return;
    }
    const start = this.pos;
    while (this.pos < this.s.length) {
      const d = this.s.charCodeAt(this.pos);
      if (d == 44 || d == 125 || d == 93 || d == 32 || d == 10 || d == 13 || d == 9) break;
      this.pos++;
    }
    if (this.pos == start) this.fail("expected a value");
  }

  comma(): bool {
    if (this.error.length > 0) return false;
    if (this.peek() == 44) { this.pos++; return true; }
    return false;
  }

  // a string, or null (→ ""), or a number written without quotes (→ its digits)
  text(): string {
    const c = this.peek();
    if (c == 34) return this.str();
    const start = this.pos;
    this.skip();
    const raw = this.s.substring(start, this.pos);
    return raw == "null" ? "" : raw;
  }

  medication(): Med {
    const med = new Med();
    if (!this.expect(123)) return med;
    if (this.peek() == 125) { this.pos++; return med; }
    do {
      const key = this.str();
      this.expect(58);
      if (key == "rxcui") med.rxcui = this.text();
      else if (key == "name") med.name = this.text();
      else this.skip();
    } while (this.comma());
    this.expect(125);
    return med;
  }

  request(): Med[] {
    const meds: Med[] = [];
    if (!this.expect(123)) return meds;
    let seen = false;
    if (this.peek() != 125) {
      do {
        const key = this.str();
        this.expect(58);
        if (key == "medications") {
          seen = true;
          if (!this.expect(91)) return meds;
          if (this.peek() == 93) { this.pos++; continue; }
          do { meds.push(this.medication()); } while (this.comma());
          this.expect(93);
        } else {
          this.skip();
        }
      } while (this.comma());
    }
    this.expect(125);
    if (this.peek() != -1) this.fail("trailing characters");
    if (!seen) this.fail("no \"medications\" member");
    return meds;
  }
}

function quote(s: string): string {
  let out = "\"";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 34) out += "\\\"";
    else if (c == 92) out += "\\\\";
    else if (c < 32) out += "\\u00" + (c < 16 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out + "\"";
}

function outputJson(json: string): void {
  Host.output(Uint8Array.wrap(String.UTF8.encode(json)));
}

function failWith(message: string): i32 {
  Host.log(LogLevel.Warn, message);
  // the as-pdk 1.0.0 has no helper for error_set; write the message into a kernel block and pass its offset
  const mem = Memory.allocateString(message);
  error_set(mem.offset);
  return 1;
}

// ---------------------------------------------------------------------------------------------- exports

export function check(): i32 {
  const reader = new Reader(Host.inputString());
  const meds = reader.request();
  if (reader.error.length > 0) return failWith("malformed request: " + reader.error);
  if (meds.length > 1024) return failWith("more than 1024 medications");

  const resolved: i32[] = [];
  const unknown: i32[] = [];
  for (let i = 0; i < meds.length; i++) {
    let ing = ingredientByCode(parseCode(meds[i].rxcui));
    if (ing < 0 && meds[i].name.length > 0) ing = ingredientByName(meds[i].name);
    resolved.push(ing);
    if (ing < 0) unknown.push(i);
  }

  let findings = "";
  for (let i = 0; i < meds.length; i++) {
    if (resolved[i] < 0) continue;
    for (let j = i + 1; j < meds.length; j++) {
      if (resolved[j] < 0 || resolved[j] == resolved[i]) continue;
      const a = INGREDIENTS[resolved[i]].rxcui;
      const b = INGREDIENTS[resolved[j]].rxcui;
      for (let r = 0; r < RULES.length; r++) {
        const rule = RULES[r];
        if (!((rule.a == a && rule.b == b) || (rule.a == b && rule.b == a))) continue;
        if (findings.length > 0) findings += ",";
        findings += "{\"first\":" + i.toString() + ",\"second\":" + j.toString()
          + ",\"firstIngredient\":" + a.toString() + ",\"secondIngredient\":" + b.toString()
          + ",\"rule\":{\"id\":" + quote(rule.id) + ",\"severity\":" + quote(rule.severity)
          + ",\"a\":" + quote(INGREDIENTS[ingredientByCode(rule.a)].name)
          + ",\"b\":" + quote(INGREDIENTS[ingredientByCode(rule.b)].name)
          + ",\"mechanism\":" + quote(rule.mechanism) + ",\"effect\":" + quote(rule.effect)
          + ",\"management\":" + quote(rule.management) + ",\"source\":" + quote(rule.source) + "}}";
        break;
      }
    }
  }
  let unknownJson = "";
  for (let k = 0; k < unknown.length; k++) {
    if (k > 0) unknownJson += ",";
    unknownJson += unknown[k].toString();
  }
  Host.log(LogLevel.Debug, "checked " + meds.length.toString() + " medications");
  outputJson("{\"kbVersion\":" + quote(KB_VERSION) + ",\"findings\":[" + findings + "],\"unknown\":["
    + unknownJson + "]}");
  return 0;
}

// Config and vars: echoes the config value "greeting" and counts the calls in the var "calls".
export function greet(): i32 {
  const greeting = Config.get("greeting");
  const previous = Var.getString("calls");
  const calls = previous === null ? 1 : I32.parseInt(previous) + 1;
  Var.set("calls", Uint8Array.wrap(String.UTF8.encode(calls.toString())));
  outputJson("{\"greeting\":" + (greeting === null ? "null" : quote(greeting)) + ",\"calls\":" + calls.toString()
    + ",\"input\":" + quote(Host.inputString()) + "}");
  return 0;
}

// Misbehaving exports for the sandbox tests.

export function loop_forever(): i32 {
  let n: i64 = 0;
  while (Host.input().length >= 0) {
    n++;
  }
  return <i32>n;
}

export function trap(): i32 {
  unreachable();
  return 0;
}

export function fail(): i32 {
  return failWith("the sample plugin was asked to fail");
}

export function fetch(): i32 {
  const req = Memory.allocateString("{\"method\":\"GET\",\"url\":\"https://example.org/\"}");
  const res = http_request(req.offset, 0);
  outputJson("{\"response\":" + res.toString() + "}");
  return 0;
}
