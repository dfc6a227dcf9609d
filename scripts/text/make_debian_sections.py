#!/usr/bin/python3
"""Builds the few-shot text classification data of `graft text-demo`: Debian package short
descriptions labelled with their archive section, a seeded train/test split.

Source: `apt-cache dumpavail` (the package lists of the machine it runs on; the committed files
were made from Debian 12 "bookworm" main, amd64). Only the ten sections below are kept; a
description that appears under two sections is dropped as ambiguous, and each description is kept
once. Per section, a seeded shuffle gives TRAIN_POOL training and TEST test descriptions.

Writes transfer/src/main/resources/dev/graft/transfer/text/debian-sections-{train,test}.jsonl.gz,
one {"text": description, "label": section} object per line. Run from the repository root:
    /usr/bin/python3 scripts/text/make_debian_sections.py
"""
import collections
import gzip
import json
import random
import subprocess

SECTIONS = ["games", "science", "sound", "graphics", "net", "math", "text", "admin", "web", "fonts"]
TRAIN_POOL = 200
TEST = 100
SEED = 20240611
OUT = "transfer/src/main/resources/dev/graft/transfer/text/debian-sections-{}.jsonl.gz"


def packages():
    text = subprocess.run(["apt-cache", "dumpavail"], check=True, capture_output=True, text=True).stdout
    for stanza in text.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            if line and not line[0].isspace() and ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if "Description" in fields and "Section" in fields:
            yield fields["Description"], fields["Section"].rsplit("/", 1)[-1]


def main():
    sections_of = collections.defaultdict(set)
    for description, section in packages():
        if description:
            sections_of[description].add(section)
    by_section = collections.defaultdict(list)
    for description, sections in sorted(sections_of.items()):
        if len(sections) == 1:
            (section,) = sections
            if section in SECTIONS:
                by_section[section].append(description)
    rng = random.Random(SEED)
    splits = {"train": [], "test": []}
    for section in SECTIONS:
        texts = by_section[section]
        if len(texts) < TRAIN_POOL + TEST:
            raise SystemExit(f"section {section} has only {len(texts)} distinct descriptions, "
                             f"need {TRAIN_POOL + TEST}")
        rng.shuffle(texts)
        splits["train"] += [{"text": t, "label": section} for t in texts[:TRAIN_POOL]]
        splits["test"] += [{"text": t, "label": section} for t in texts[TRAIN_POOL:TRAIN_POOL + TEST]]
    for name, rows in splits.items():
        rng.shuffle(rows)
        with gzip.GzipFile(OUT.format(name), "wb", mtime=0) as f:
            f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8"))
        print(f"{OUT.format(name)}: {len(rows)} descriptions")
    for section in SECTIONS:
        print(f"  {section}: {len(by_section[section])} distinct descriptions available")


if __name__ == "__main__":
    main()
