"""Evaluate an NER pipeline on the held-out splits written by ``convert``, and time it.

Usage::

    python -m checker.ner_training.evaluate --model claims/ner_model --data build/ner \
        [--json build/ner/eval.json] [--seeds seeds]

Scores are entity-level exact match (same first token, last token and label) on the
corpus's own normalised tokens, per label and micro-averaged over all labels:

- ``dev``: the last tenth of the ANERcorp train split (early stopping, model choice);
- ``aner_test``: the ANERcorp (CAMeL Lab) test split as distributed;
- ``aner_test_skip_first``: the same, ignoring entities that touch the first token of a
  sentence, in gold and prediction alike. In the copy of the split we use, the first token
  of almost every test sentence (and its tag) is not the one of the original text: it is
  an unrelated word, often carrying an entity tag (a lone ``I-PERS`` opening a sentence).
  No model can get those right, so both numbers are reported;
- ``newsfane_heldout``: NewsFANE Gold sentences whose text is in the ANERcorp test split
  (clitics split off, fine classes mapped to coarse labels; see ``convert``);
- ``newsfane_heldout_aner_tokens``: the NewsFANE annotation projected onto the ANERcorp
  test tokens, first tokens ignored as above.

Speed is measured in words (tokens) per second on the ANERcorp test sentences as raw text
(tokenisation included), with whatever thread settings the caller gives (``make
train-ner`` uses one thread). ``--seeds`` also times the shipped model's
``claims.ner.find_named_entities`` on the demo articles (normalised) against bare
``spacy.blank("ar")`` tokenisation of the same texts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from claims.normalize import normalize

LABELS = ("PER", "ORG", "LOC", "MISC")
SPLITS = (
    ("dev", "dev", False),
    ("aner_test", "aner_test", False),
    ("aner_test_skip_first", "aner_test", True),
    ("newsfane_heldout", "newsfane_heldout", False),
    ("newsfane_heldout_aner_tokens", "newsfane_heldout_aner_tokens", True),
)

Spans = set[tuple[int, int, str]]


def doc_spans(doc: Doc, skip_first: bool) -> Spans:
    return {
        (ent.start, ent.end, ent.label_)
        for ent in doc.ents
        if not (skip_first and ent.start == 0)
    }


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def score(gold: Sequence[Doc], pred: Sequence[Doc], skip_first: bool) -> dict[str, dict]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs, ps = doc_spans(g, skip_first), doc_spans(p, skip_first)
        for _, _, label in gs & ps:
            tp[label] += 1
        for _, _, label in ps - gs:
            fp[label] += 1
        for _, _, label in gs - ps:
            fn[label] += 1
    table = {label: prf(tp[label], fp[label], fn[label]) for label in LABELS}
    table["ALL"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return table


def predict(nlp: Language, gold: Iterable[Doc]) -> list[Doc]:
    """Run the pipeline on the gold tokens (a fresh Doc without entities)."""
    blank = [Doc(nlp.vocab, words=[t.text for t in g], spaces=[True] * len(g)) for g in gold]
    return list(nlp.pipe(blank, batch_size=64))


def read(path: Path, nlp: Language) -> list[Doc]:
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def words_per_second(nlp: Language, texts: Sequence[str], repeats: int = 3) -> dict[str, float]:
    words = sum(len(t.split()) for t in texts)
    best_pipe = best_single = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=64):
            pass
        best_pipe = min(best_pipe, time.perf_counter() - start)
        start = time.perf_counter()
        for text in texts:
            nlp(text)
        best_single = min(best_single, time.perf_counter() - start)
    return {"words": words, "pipe_words_per_s": round(words / best_pipe),
            "single_words_per_s": round(words / best_single)}


def bench_seeds(seed_dir: Path, repeats: int = 7) -> dict[str, object]:
    """Shipped model (``find_named_entities``) vs bare tokenisation on the demo articles."""
    from claims.ner import find_named_entities, load_model

    texts = [normalize(p.read_text(encoding="utf-8")) for p in sorted(seed_dir.glob("*.txt"))]
    blank = spacy.blank("ar")
    start = time.perf_counter()
    load_model()
    load_s = time.perf_counter() - start

    def timed(fn: Callable[[str], object]) -> list[float]:
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for text in texts:
                fn(text)
            runs.append(time.perf_counter() - t0)
        return runs

    timed(find_named_entities)  # warm-up
    ner_runs = timed(find_named_entities)
    tok_runs = timed(blank)
    words = sum(len(blank(t)) for t in texts)
    ner_med, tok_med = statistics.median(ner_runs), statistics.median(tok_runs)
    return {
        "articles": len(texts),
        "characters": sum(len(t) for t in texts),
        "tokens": words,
        "repeats": repeats,
        "model_load_s": round(load_s, 3),
        "find_named_entities_median_ms": round(1000 * ner_med, 2),
        "find_named_entities_min_ms": round(1000 * min(ner_runs), 2),
        "blank_ar_median_ms": round(1000 * tok_med, 2),
        "blank_ar_min_ms": round(1000 * min(tok_runs), 2),
        "ratio_median": round(ner_med / tok_med, 1),
        "ner_tokens_per_s": round(words / ner_med),
        "entities": sum(len(find_named_entities(t)) for t in texts),
    }


def format_table(name: str, table: dict[str, dict]) -> str:
    lines = [f"{name}", f"  {'label':<5} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}"]
    for label, row in table.items():
        lines.append(
            f"  {label:<5} {row['p']:>6.3f} {row['r']:>6.3f} {row['f1']:>6.3f} {row['support']:>6}"
        )
    return "\n".join(lines)


def evaluate(model: Path, data: Path, seeds: Path | None) -> dict[str, object]:
    nlp = spacy.load(model)
    result: dict[str, object] = {"model": str(model)}
    cache: dict[str, tuple[list[Doc], list[Doc]]] = {}
    for name, split, skip_first in SPLITS:
        path = data / f"{split}.spacy"
        if not path.is_file():
            continue
        if split not in cache:
            gold = read(path, nlp)
            cache[split] = (gold, predict(nlp, gold))
        gold, pred = cache[split]
        if not gold:
            continue
        result[name] = {"sentences": len(gold), "scores": score(gold, pred, skip_first)}
    if "aner_test" in cache:
        texts = [" ".join(t.text for t in doc) for doc in cache["aner_test"][0]]
        result["speed"] = words_per_second(nlp, texts)
    if seeds is not None:
        result["seeds_benchmark"] = bench_seeds(seeds)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=Path("claims/ner_model"))
    parser.add_argument("--data", type=Path, default=Path("build/ner"))
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--seeds", type=Path, default=None,
                        help="folder of articles for the find_named_entities timing")
    args = parser.parse_args(argv)
    result = evaluate(args.model, args.data, args.seeds)
    for name, _, _ in SPLITS:
        if name in result:
            entry = result[name]
            assert isinstance(entry, dict)
            print(format_table(f"{name} ({entry['sentences']} sentences)", entry["scores"]))
    for key in ("speed", "seeds_benchmark"):
        if key in result:
            print(key, json.dumps(result[key], ensure_ascii=False))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
