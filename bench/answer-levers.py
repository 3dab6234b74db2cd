#!/usr/bin/env python3
"""Tries ways of placing long_doc_qa's answer on the features AnswerFeatures wrote (dev corpora only).

Each question's target document comes with its stored sections (cosine, word share, rank by the reader's section
score), and for its best sections the pooled cosine of the section encoded alone and, per sentence, the best cosine of
each question token with a token of the sentence (MaxSim) and which question words it holds. A lever is a rule for
choosing a span from those; it is scored as the harness scores the node: "placed" = the span overlaps the heading's
section (target document given), "answer" = the node ranked the target first and the span overlaps.

  python3 bench/answer-levers.py target/answer-features.jsonl.gz [> bench/results/.../answer-levers.md]
"""
import gzip
import json
import math
import sys


def load(path):
    with gzip.open(path, "rt") as f:
        return [json.loads(line) for line in f]


def overlaps(span, target):
    return span[0] < target[1] and span[1] > target[0]


def sentences(q, k):
    """(section, sentence) pairs of the k best sections by the stored reader score, best section first."""
    best = sorted((s for s in q["sections"] if "sentences" in s), key=lambda s: s["rank"])[:k]
    return [(s, t) for s in best for t in s["sentences"]]


def idf_within(q):
    """IDF of each question word over the document's sections (a word every section has tells nothing here)."""
    n = len(q["sections"])
    df = [0] * len(q["terms"])
    for s in q["sections"]:
        for i in s["hits"]:
            df[i] += 1
    return [math.log(1 + (n - f + 0.5) / (f + 0.5)) for f in df]


def share(hits, weights):
    total = sum(weights)
    return sum(weights[i] for i in hits) / total if total > 0 else 0.0


def maxsim(rows):
    """MaxSim of a window: per question token its best cosine over the window's sentences, averaged."""
    return sum(max(col) for col in zip(*rows)) / len(rows[0])


def section_first(q, k=6):
    """The plugin before 2026-12-02: the section with the best stored score + pooled cosine; its sentence by MaxSim + word share."""
    n = len(q["terms"])
    best = None
    for s in sorted((s for s in q["sections"] if "sentences" in s), key=lambda s: s["rank"])[:k]:
        section_score = s["cos"] + s["lex"] + s["pooled"]
        within = None
        for t in s["sentences"]:
            w = sum(t["maxsim"]) / len(t["maxsim"]) + (len(t["hits"]) / n if n else 0)
            if within is None or w > within[0]:
                within = (w, t)
        if within and (best is None or section_score > best[0]):
            best = (section_score, within[1])
    return best[1] if best else None


def windowed(q, k, a_section, a_pooled, a_lex, a_idf, width, a_maxsim=1.0):
    """Every sentence window (width sentences, within a section) of the k best sections competes on one score:
    a_section x stored score + a_pooled x pooled cosine + a_maxsim x window MaxSim + word shares (plain, IDF in doc)."""
    n = len(q["terms"])
    idf = idf_within(q)
    best = None
    for s in sorted((s for s in q["sections"] if "sentences" in s), key=lambda s: s["rank"])[:k]:
        sent = s["sentences"]
        base = a_section * (s["cos"] + s["lex"]) + a_pooled * s["pooled"]
        for i in range(len(sent)):
            win = sent[i:i + width] if width > 0 else sent
            hits = set(h for t in win for h in t["hits"])
            score = base + a_maxsim * maxsim([t["maxsim"] for t in win]) \
                + a_lex * (len(hits) / n if n else 0) + a_idf * share(hits, idf)
            if best is None or score > best[0]:
                best = (score, {"start": win[0]["start"], "end": win[-1]["end"]})
            if width <= 0:
                break
    return best[1] if best else None


def plugin(q):
    """The plugin's rule (AnswerLocator): the sentence of the 6 best sections with the best MaxSim."""
    return windowed(q, 6, 0, 0, 0, 0, 1)


def evaluate(rows, choose):
    placed = answered = agree = chars = 0
    for q in rows:
        span = choose(q)
        chars += span["end"] - span["start"] if span else 0
        if choose is plugin and q.get("plugin_answer") and span and [span["start"], span["end"]] != q["plugin_answer"]:
            print(f"the replay of the plugin's rule differs from the plugin on [{q['question']}]", file=sys.stderr)
        ok = span is not None and overlaps((span["start"], span["end"]), q["target_section"])
        placed += ok
        top = q["node_qa"][0] if q["node_qa"] else None
        answered += ok and top == q["target"]
        agree += span is not None and top == q["target"] and [span["start"], span["end"]] == q["node_answer"]
    return placed, answered, agree, chars / len(rows)


def main():
    rows = load(sys.argv[1])
    n = len(rows)
    top = sum(1 for q in rows if q["node_qa"] and q["node_qa"][0] == q["target"])
    print(f"{n} questions whose target the first stage found; the node ranked the target first for {top}.\n")
    print("| lever | placed (target given) | answer (node's top hit) | same span as the node | mean span (chars) |")
    print("| --- | ---: | ---: | ---: | ---: |")

    grid = []

    def row(name, choose, keep=True):
        p, a, g, c = evaluate(rows, choose)
        line = f"| {name} | {p / n:.3f} ({p}) | {a / n:.3f} ({a}) | {g} of {top} | {c:.0f} |"
        if keep:
            print(line)
        else:
            grid.append((p, a, line))

    row("plugin: best MaxSim sentence of the 6 best sections", plugin)
    for k in (1, 3, 6, 10, 16):
        row(f"section first (stored + pooled score), then its sentence by MaxSim + word share, {k} sections",
            lambda q, k=k: section_first(q, k))
    for k in (3, 6, 10, 16):
        for width in (1, 2, 3, 0):
            for a_section, a_pooled in ((0, 0), (1, 0), (1, 1), (0.5, 0.5)):
                for a_lex, a_idf in ((0, 0), (1, 0), (0, 1), (0.5, 0.5)):
                    row(f"window {width or 'section'}, {k} sections, stored {a_section}, pooled {a_pooled}, share {a_lex}, idf share {a_idf}",
                        lambda q, k=k, w=width, s=a_section, p=a_pooled, l=a_lex, i=a_idf: windowed(q, k, s, p, l, i, w), keep=False)
    print(f"\nThe best 25 of {len(grid)} window rules by placement:\n")
    print("| lever | placed (target given) | answer (node's top hit) | same span as the node | mean span (chars) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for p, a, line in sorted(grid, key=lambda r: (-r[0], -r[1]))[:25]:
        print(line)


if __name__ == "__main__":
    main()
