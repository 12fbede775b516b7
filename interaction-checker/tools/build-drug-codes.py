#!/usr/bin/env python3
"""Rebuilds the generated rows of interaction-checker/knowledge/drug_codes.tsv from public sources.

Sources (fetched once with the ordinary clients, cached in $RXNORM_SOURCES or ~/.cache/vitalflow-rxnorm; the same
cache as verify-rxnorm.py):
  npm:cqm-execution@4.4.0   VSAC value sets of CMS eCQMs shipped as test fixtures
                            (package/spec/fixtures/json/**/value_sets.json): RxNorm codes (code system
                            2.16.840.1.113883.6.88) with their RxNorm names; the patients are never read.
  synthea-3.3.0             Maven Central org.mitre.synthea:synthea:3.3.0: modules/**/*.json codings of system
                            RxNorm (not costs/medications.csv, whose names are hand-written comments).

No RxCUI is invented: a code enters only when a source lists it with a name. Its ingredients are read from that
RxNorm name (RxNorm writes a clinical drug as "ingredient strength UNIT / ingredient strength UNIT dose form",
a branded drug with "[Brand]" after it, a pack as "{n (drug) / m (drug) } Pack"): every component's ingredient,
with the salt or ester words removed ("warfarin sodium" -> warfarin), must be an ingredient of ingredients.tsv, or
the code is left out (so a combination product is never mapped to part of its ingredients). When the sources
give one code several names, all must give the same ingredients. Rows whose source is not one of these two stay
as they are (hand-checked rows, RxNorm imports); a hand-checked row that disagrees with a source is reported.

Usage:
  interaction-checker/tools/build-drug-codes.py           rewrite the generated rows of drug_codes.tsv
  interaction-checker/tools/build-drug-codes.py --check   exit 1 if drug_codes.tsv differs from a rebuild
Needs python3, npm and the repository's ./mvnw reaching the npm registry and Maven Central, once.
"""
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
KNOWLEDGE = os.path.join(os.path.dirname(HERE), "knowledge")
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.environ.get("RXNORM_SOURCES", os.path.expanduser("~/.cache/vitalflow-rxnorm"))
RXNORM_OID = "2.16.840.1.113883.6.88"
CQM = "cqm-execution@4.4.0"
SYNTHEA = "synthea-3.3.0"
GENERATED = ("npm:" + CQM, SYNTHEA + ":")

SALTS = set("""sodium potassium calcium magnesium zinc lithium hydrochloride hcl hydrobromide bromide chloride sulfate
bisulfate phosphate diphosphate citrate tartrate bitartrate succinate maleate mesylate besylate fumarate acetate
lactate hyclate monohydrate dihydrate trihydrate anhydrous propionate napsylate tosylate dimesylate oxalate
malate gluconate carbonate nitrate disodium dipotassium hemihydrate sesquihydrate hydrate""".split())


def fetch():
    os.makedirs(CACHE, exist_ok=True)
    tgz = os.path.join(CACHE, "cqm-execution-4.4.0.tgz")
    if not os.path.exists(tgz):
        subprocess.run(["npm", "pack", CQM, "--pack-destination", CACHE], check=True, stdout=subprocess.DEVNULL)
    jar = os.path.join(CACHE, "synthea-3.3.0.jar")
    if not os.path.exists(jar):
        subprocess.run([os.path.join(REPO, "mvnw"), "-B", "-q", "dependency:copy",
                        "-Dartifact=org.mitre.synthea:synthea:3.3.0", "-DoutputDirectory=" + CACHE], check=True,
                       cwd=REPO)
    return tgz, jar


def cqm_codes(tgz):
    out = []
    with tarfile.open(tgz) as t:
        for m in sorted(t.getmembers(), key=lambda m: m.name):
            if not m.name.endswith("/value_sets.json") or "/fixtures/json/" not in m.name:
                continue
            try:
                data = json.load(t.extractfile(m))
            except ValueError:
                continue
            vss = data if isinstance(data, list) else list(data.values()) if isinstance(data, dict) else []
            for vs in vss:
                if not isinstance(vs, dict):
                    continue
                for c in vs.get("concepts", []):
                    if c.get("code_system_oid") == RXNORM_OID and c.get("display_name"):
                        out.append((str(c["code"]), c["display_name"], "npm:%s:%s" % (CQM, m.name)))
    return out


def synthea_codes(jar):
    out = []
    with zipfile.ZipFile(jar) as z:
        for name in sorted(z.namelist()):
            if name.startswith("modules/") and name.endswith(".json"):
                def walk(o):
                    if isinstance(o, dict):
                        if str(o.get("system", "")).lower() == "rxnorm" and o.get("code") and o.get("display"):
                            out.append((str(o["code"]), o["display"], "%s:%s" % (SYNTHEA, name)))
                        for v in o.values():
                            walk(v)
                    elif isinstance(o, list):
                        for v in o:
                            walk(v)
                walk(json.loads(z.read(name)))
        # costs/medications.csv is not used: its names are hand-written comments (one gives 833036 the name of
        # 317173, captopril 25 MG Oral Tablet)
    return out


def ingredient_of(component, names):
    """Knowledge-base ingredient code of one component ("warfarin sodium 5 MG"), or None."""
    m = re.match(r"^(.*?)\s+\d", component + " 0")
    words = re.findall(r"[a-z]+", m.group(1).lower()) if m else []
    while words and words[-1] in SALTS:
        words.pop()
    return names.get(" ".join(words))


def clean(display):
    d = display.strip()
    d = re.split(r" - | -- ", d)[0]
    d = re.sub(r"\s*\(used [^)]*\)$", "", d)
    return re.sub(r"^NDA\d+\s+", "", d).replace("\t", " ").replace("|", "/")


def parse(display, names):
    """(tty, sorted ingredient codes) of an RxNorm name, or None when not every ingredient is known."""
    d = clean(display)  # without Synthea's cost-table comments, usage notes and NDA prefixes
    pack = re.match(r"^\{(.*)\}\s*Pack(\s*\[[^\]]+\])?$", d)
    if pack:
        inner = re.findall(r"\(([^()]*(?:\[[^\]]*\])?)\)", pack.group(1))
        if not inner:
            return None
        ings = set()
        for drug in inner:
            p = parse(drug, names)
            if p is None:
                return None
            ings.update(p[1])
        return ("BPCK" if pack.group(2) else "GPCK", sorted(ings))
    branded = re.search(r"\s\[[^\]]+\]$", d)
    if branded:
        d = d[:branded.start()]
    d = re.sub(r"^\d[\d.]*\s+(ML|HR|ACTUAT|MG|G|L|UNT|DAY|WEEK)\s+", "", d, flags=re.I)
    if not re.search(r"\d", d):
        return None                                 # an ingredient or dose-form group: not a drug code here
    parts = d.split(" / ")
    ings = set()
    last = parts[-1]
    for p in parts:
        code = ingredient_of(p, names)
        if code is None:
            return None
        ings.add(code)
    # a component ends with its unit; a clinical drug has a dose form after the last strength
    tail = re.sub(r"^.*?\d[\d.]*\s+[A-Z][A-Z/]*\b", "", last, count=1).strip()
    if branded:
        tty = "SBD" if tail else "SBDC"
    else:
        tty = "SCD" if tail else "SCDC"
    return (tty, sorted(ings))


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def main():
    check = "--check" in sys.argv[1:]
    ingredients = {}
    names = {}
    for line in read_tsv(os.path.join(KNOWLEDGE, "ingredients.tsv")):
        if not line or line.startswith("#"):
            continue
        c = line.split("\t")
        ingredients[int(c[0])] = c[1]
        names[c[1]] = int(c[0])
    tgz, jar = fetch()
    found = {}  # code -> {"names": set, "parsed": set, "sources": set}
    for code, display, source in cqm_codes(tgz) + synthea_codes(jar):
        if int(code) in ingredients:
            continue
        entry = found.setdefault(int(code), {"names": {}, "parsed": set(), "sources": set()})
        p = parse(display, names)
        entry["parsed"].add(None if p is None else (p[0], tuple(p[1])))
        entry["names"].setdefault(clean(display), set()).add(source)
    generated = {}
    skipped = 0
    for code, e in sorted(found.items()):
        parsed = {p for p in e["parsed"]}
        if None in parsed or len({p[1] for p in parsed}) != 1:
            skipped += 1
            continue
        tty = sorted(parsed)[0][0]
        ings = sorted(parsed)[0][1]
        # the name as the sources write it (VSAC first), and only the sources that write it so (verify-rxnorm.py
        # confirms each of them: same code, same name)
        groups = {}
        for n, srcs in e["names"].items():
            groups.setdefault(n.lower().replace("  ", " "), [n, set()])[1].update(srcs)
        name, sources = sorted(groups.values(), key=lambda g: (not any(x.startswith("npm:") for x in g[1]), g[0]))[0]
        sources = sorted(sources)
        # one source file per row (VSAC first), with the number of further files that agree: the file is read and
        # hashed at every start, so it is kept short
        src = sources[0] + (" (+%d more)" % (len(sources) - 1) if len(sources) > 1 else "")
        generated[code] = "\t".join([str(code), tty, name, "|".join(map(str, ings)),
                                     src + " (ingredients read from the RxNorm name)"])
    path = os.path.join(KNOWLEDGE, "drug_codes.tsv")
    lines = read_tsv(path)
    header = [l for l in lines if l.startswith("#")]
    kept = []
    problems = 0
    for line in lines:
        if not line or line.startswith("#"):
            continue
        c = line.split("\t")
        code = int(c[0])
        if c[4].startswith(GENERATED) and "(ingredients read from the RxNorm name)" in c[4]:
            continue  # a generated row: rebuilt below
        if code in generated:
            g = generated.pop(code).split("\t")
            if g[3] != c[3]:
                print("DIFFERS %s: %s has %s, %s has %s" % (code, "drug_codes.tsv", c[3], g[4], g[3]))
                problems += 1
        kept.append(line)
    body = kept + [generated[c] for c in sorted(generated)]
    text = "\n".join(header + body) + "\n"
    by_tty = {}
    for line in body:
        t = line.split("\t")[1]
        by_tty[t] = by_tty.get(t, 0) + 1
    print("drug codes: %d (%s); %d hand-checked rows kept; %d source codes left out (an ingredient outside "
          "the knowledge base, or names that disagree)" % (len(body), ", ".join(
              "%s %d" % kv for kv in sorted(by_tty.items())), len(kept), skipped))
    with open(path, encoding="utf-8") as f:
        current = f.read()
    if check:
        if current != text:
            print("drug_codes.tsv is stale: run interaction-checker/tools/build-drug-codes.py", file=sys.stderr)
            sys.exit(1)
        sys.exit(1 if problems else 0)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
