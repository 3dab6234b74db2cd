#!/usr/bin/env python3
"""Tries ways of mixing the first stage's rank into long_doc_qa's reader score on several dev signal files at once
(the quality harness's --signals DIR writes one per set: signals-deep-section.jsonl.gz, signals-needle-1024.jsonl.gz,
...). The rank share helps where the first stage knows something the best-section reader does not (deep-section) and
hurts where the first stage is noise for the question (a planted fact that BM25 with the standard analyzer misses);
each variant is printed per file (MRR@10 / top-1), so a choice that trades one for the other shows.
For tuning on the dev corpora only: the unseen corpora are reported with the variant chosen here, never tuned on.

    python3 bench/rank-share-levers.py DIR/signals-*.jsonl.gz
"""
import importlib.util
import os
import sys

_spec = importlib.util.spec_from_file_location("reader_levers", os.path.join(os.path.dirname(__file__), "reader-levers.py"))
levers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(levers)


def best_share(candidate):
    return max((s[3] for s in candidate["sections"]), default=0.0)


def mixed(rank_share):
    """rank_share(question's candidates) -> share of 60 / (60 + rank) in the candidate's score, per question."""
    def rank_fn(q):
        candidates = q["candidates"]
        share = rank_share(candidates)
        scores, best = {}, {}
        for rank, c in enumerate(candidates):
            if not c["sections"]:
                scores[c["id"]], best[c["id"]] = -1.0, (0, 0)
                continue
            top = max(c["sections"], key=lambda s: s[2] + s[3])
            scaled = max(0.0, min(1.0, (top[2] + top[3] + 1) / 3))
            scores[c["id"]] = (1 - share) * scaled + share * 60 / (60 + rank)
            best[c["id"]] = (top[0], top[1])
        return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])), best
    return rank_fn


def margin(candidates):
    """How far the best candidate's lexical share lies above the runner-up's, in [0, 1]: near 1 when the question's
    words single out one candidate (a name only it holds), near 0 when several hold them alike."""
    shares = sorted((best_share(c) for c in candidates), reverse=True)
    return shares[0] - shares[1] if len(shares) > 1 else 0.0


def main():
    files = sys.argv[1:]
    sets = [(os.path.basename(f).removeprefix("signals-").removesuffix(".jsonl.gz"), levers.load(f)) for f in files]
    rows = [("node's long_doc_qa (as run)", levers.baseline("node_qa"))]
    for share in (0.0, 0.1, 0.15, 0.25):
        rows.append((f"rank share {share}", mixed(lambda c, s=share: s)))
    rows.append(("rank share 0.25 x (1 - separation)", mixed(lambda c: 0.25 * (1 - levers.separation(c)))))
    rows.append(("rank share 0.25 x (1 - margin)", mixed(lambda c: 0.25 * (1 - margin(c)))))
    for t in (0.3, 0.5, 0.7):
        rows.append((f"rank share 0.25 when separation < {t}, else 0", mixed(lambda c, t=t: 0.25 if levers.separation(c) < t else 0.0)))
    for t in (0.2, 0.3, 0.5):
        rows.append((f"rank share 0.25 when margin < {t}, else 0", mixed(lambda c, t=t: 0.25 if margin(c) < t else 0.0)))
    print("| variant | " + " | ".join(f"{name} ({len(qs)} q)" for name, qs in sets) + " |")
    print("| --- |" + " ---: |" * len(sets))
    for label, fn in rows:
        cells = []
        for _, qs in sets:
            mrr, top1, _ = levers.metrics(qs, fn)
            cells.append(f"{mrr:.3f} / {top1:.2f}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\nper set: MRR@10 / top-1 of the replayed reader over the replayed first stage (kNN + BM25, RRF)")
    for name, qs in sets:
        seps = sorted(levers.separation(q["candidates"]) for q in qs)
        margins = sorted(margin(q["candidates"]) for q in qs)
        print(f"{name}: separation median {seps[len(seps) // 2]:.2f} (min {seps[0]:.2f}); "
              f"margin median {margins[len(margins) // 2]:.2f} (min {margins[0]:.2f}, 10th pct {margins[len(margins) // 10]:.2f})")


if __name__ == "__main__":
    main()
