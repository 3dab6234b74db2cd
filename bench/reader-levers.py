#!/usr/bin/env python3
"""Tries ways of combining long_doc_qa's reader signals on a dev corpus, from the file the quality harness writes
with --signals DIR (DIR/signals-deep-section.jsonl.gz): one line per deep-section question with the first stage's
candidates and, for each candidate section, its cosine with the question and its lexical share. Prints MRR@10,
top-1 and "section" (the top hit is the target and its best section overlaps the heading's section) per variant.
For tuning on the dev corpora only: the unseen corpora are reported with the variant chosen here, never tuned on.

    python3 bench/reader-levers.py target/signals-pydocs/signals-deep-section.jsonl.gz
"""
import gzip
import json
import statistics
import sys


def load(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def metrics(questions, rank_fn):
    mrr = top1 = section = 0.0
    for q in questions:
        ranking, best_section = rank_fn(q)
        ids = [doc for doc, _ in ranking][:10]
        if q["target"] in ids:
            r = ids.index(q["target"])
            mrr += 1 / (r + 1)
            if r == 0:
                top1 += 1
                s, e = best_section[q["target"]]
                ts, te = q["target_section"]
                section += 1 if s < te and e > ts else 0
    n = len(questions)
    return mrr / n, top1 / n, section / n


def separation(candidates):
    """How well the question's words separate the candidates: the best candidate's lexical share minus the median
    candidate's (each candidate's best section), in [0, 1]; 0 when every candidate holds the words alike."""
    shares = sorted((max((s[3] for s in c["sections"]), default=0.0) for c in candidates), reverse=True)
    return shares[0] - statistics.median(shares) if shares else 0.0


def reader(weight=1.0, rank_mix=0.0, rrf_with=None, rrf_weight=1.0, first=100, adaptive=False):
    """Candidate score: best section's cosine + weight * lexical share; optionally mixed with the first stage's rank
    (rank_mix: share of 60 / (60 + rank)) or fused by reciprocal rank with a baseline's ranking. adaptive: the
    lexical weight is scaled per question by separation() (the words count as much as they tell candidates apart)."""
    def rank_fn(q):
        scores, best = {}, {}
        weight_here = weight * separation(q["candidates"][:first]) if adaptive else weight
        for rank, c in enumerate(q["candidates"][:first]):
            if not c["sections"]:
                scores[c["id"]], best[c["id"]] = -1.0, (0, 0)
                continue
            top = max(c["sections"], key=lambda s: s[2] + weight_here * s[3])
            score = top[2] + weight_here * top[3]
            scaled = max(0.0, min(1.0, (score + 1) / (2 + weight_here)))
            scores[c["id"]] = (1 - rank_mix) * scaled + rank_mix * 60 / (60 + rank)
            best[c["id"]] = (top[0], top[1])
        ranking = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if rrf_with is not None:
            fused = {}
            for r, (doc, _) in enumerate(ranking):
                fused[doc] = fused.get(doc, 0) + rrf_weight / (60 + r + 1)
            for r, doc in enumerate(q[rrf_with]):
                fused[doc] = fused.get(doc, 0) + 1 / (60 + r + 1)
            ranking = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
            for doc, _ in ranking:
                best.setdefault(doc, (0, 0))
        return ranking, best
    return rank_fn


def baseline(name):
    def rank_fn(q):
        return [(doc, 0) for doc in q[name]], {doc: (0, 0) for doc in q[name]}
    return rank_fn


def main():
    questions = load(sys.argv[1])
    rows = [("node's long_doc_qa (as run)", baseline("node_qa")), ("bm25-english", baseline("bm25_english")),
            ("semantic-text", baseline("semantic_text")), ("first stage (kNN + BM25, RRF)", baseline("first_stage")),
            ("replay: weight 1.0 (the plugin's)", reader())]
    for w in (0.0, 0.25, 0.5, 0.75, 1.5, 2.0, 3.0):
        rows.append((f"weight {w}", reader(weight=w)))
    for mix in (0.25, 0.5, 0.75):
        rows.append((f"weight 1.0, rank mix {mix}", reader(rank_mix=mix)))
    for w in (0.5, 1.0, 2.0):
        rows.append((f"adaptive weight {w} x separation, rank mix 0.25", reader(weight=w, rank_mix=0.25, adaptive=True)))
    for w, mix in ((0.25, 0.15), (0.5, 0.15), (1.0, 0.3)):
        rows.append((f"weight {w}, rank mix {mix}", reader(weight=w, rank_mix=mix)))
    for first in (20, 50):
        rows.append((f"weight 1.0, first {first} candidates", reader(first=first)))
    for other in ("bm25_english", "first_stage", "semantic_text"):
        for rw in (1.0, 2.0):
            rows.append((f"weight 1.0, RRF with {other} (reader x{rw})", reader(rrf_with=other, rrf_weight=rw)))
    print(f"{len(questions)} questions\n")
    print("| variant | MRR@10 | top-1 | section |\n| --- | ---: | ---: | ---: |")
    for name, fn in rows:
        mrr, top1, section = metrics(questions, fn)
        print(f"| {name} | {mrr:.3f} | {top1:.3f} | {section:.3f} |")


if __name__ == "__main__":
    main()
