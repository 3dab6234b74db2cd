#!/usr/bin/env python3
"""Turns Markdown pages into a corpus of the docs/EVAL.md shape (that of bench/data), so the quality harness can be
tried on text it has never seen (its results must not depend on the two dev corpora). It writes plain JSONL; the
harnesses read it as it is, or gzipped (.jsonl.gz):

    python3 bench/markdown-corpus.py --min-words 1500 /usr/share/doc/nodejs/api/*.md > /tmp/nodejs.jsonl

One document a file: "text" is the page without its heading lines and HTML comments; each heading becomes a section
{"heading", "level", "start", "end"} whose [start, end) are the character offsets of its body in "text"."""
import argparse
import json
import os
import re
import sys

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def document(path):
    with open(path, encoding="utf-8") as f:
        source = re.sub(r"<!--.*?-->", "", f.read(), flags=re.S)
    text, sections, fenced = [], [], False
    length = 0
    for line in source.splitlines(keepends=True):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            if sections:
                sections[-1]["end"] = length
            sections.append({"heading": match.group(2), "level": len(match.group(1)), "start": length, "end": length})
            continue
        text.append(line)
        length += len(line)
    if sections:
        sections[-1]["end"] = length
    body = "".join(text)
    name = os.path.splitext(os.path.basename(path))[0]
    title = sections[0]["heading"] if sections else name
    return {"id": name, "title": title, "source": path, "text": body, "sections": [s for s in sections if s["end"] > s["start"]]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-words", type=int, default=0)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    for path in sorted(args.files):
        doc = document(path)
        if len(doc["text"].split()) >= args.min_words:
            sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
