"""Evaluate an NER model on the held-out splits written by ``convert``, and time it.

Usage::

    python -m checker.ner_training.evaluate --model claims/ner_model --data build/ner \
        [--json build/ner/eval.json] [--seeds seeds]

Scores are entity-level exact match (same first token, last token and label) on the
corpus's own normalised tokens, per label and micro-averaged over all labels:

- ``dev``: the last tenth of the ANERcorp train split (model choice; the shipped model is
  trained on it too, so its dev score says nothing: ``train`` reports the dev score of a
  model trained without it);
- ``aner_test``: the ANERcorp (CAMeL Lab) test split as distributed, each sentence tagged
  on its own;
- ``aner_test_in_context`` (and ``dev_in_context``): each sentence tagged as part of a
  text made of the sentences within ``CONTEXT_SENTENCES`` of it, as an article is at run
  time, so a name tagged in one sentence also counts where it recurs untagged
  (:func:`claims.ner.consistent`). The corpus marks no article boundaries, so such a text
  can reach into the next article;
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
(tokenisation included), one text at a time. ``--seeds`` also times
``claims.ner.find_named_entities`` with the model on the demo articles (normalised)
against bare ``spacy.blank("ar")`` tokenisation of the same texts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from claims.ner import NerModel, bio_spans, consistent, find_named_entities, load_dir
from claims.normalize import normalize

LABELS = ("PER", "ORG", "LOC", "MISC")
# (name, DocBin, skip the first token, tag in context)
SPLITS = (
    ("dev", "dev", False, False),
    ("dev_in_context", "dev", False, True),
    ("aner_test", "aner_test", False, False),
    ("aner_test_in_context", "aner_test", False, True),
    ("aner_test_skip_first", "aner_test", True, False),
    ("newsfane_heldout", "newsfane_heldout", False, False),
    ("newsfane_heldout_aner_tokens", "newsfane_heldout_aner_tokens", True, False),
)
# The corpora mark no article boundaries: "in context", a sentence's text is the sentences
# within this distance of it, in corpus order (articles are contiguous).
CONTEXT_SENTENCES = 10

Tagged = tuple[list[str], list[str]]  # words, BIO tags


def read_tagged(path: Path) -> list[Tagged]:
    """The sentences of a DocBin written by ``convert``: words and BIO tags."""
    vocab = spacy.blank("ar").vocab
    out: list[Tagged] = []
    for doc in DocBin().from_disk(path).get_docs(vocab):
        tags = [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ in ("B", "I") else "O" for t in doc]
        out.append(([t.text for t in doc], tags))
    return out


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def score_tags(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], skip_first: bool = False
) -> dict[str, dict]:
    """Entity-level exact match per label and micro-averaged (``ALL``) over BIO tag lists."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs = {e for e in bio_spans(g) if not (skip_first and e[0] == 0)}
        ps = {e for e in bio_spans(p) if not (skip_first and e[0] == 0)}
        for _, _, label in gs & ps:
            tp[label] += 1
        for _, _, label in ps - gs:
            fp[label] += 1
        for _, _, label in gs - ps:
            fn[label] += 1
    table = {label: prf(tp[label], fp[label], fn[label]) for label in LABELS}
    table["ALL"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return table


def as_tags(length: int, spans: Sequence[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * length
    for start, end, label in spans:
        tags[start:end] = [f"B-{label}", *[f"I-{label}"] * (end - start - 1)]
    return tags


def tag_in_context(
    model: NerModel, sentences: Sequence[Sequence[str]], window: int = CONTEXT_SENTENCES
) -> list[list[str]]:
    """Each sentence tagged as part of a text made of the sentences around it, so a name
    tagged in one of them counts in the others (:func:`claims.ner.consistent`)."""
    spans = [model.spans(words) for words in sentences]
    out: list[list[str]] = []
    for k, words in enumerate(sentences):
        lo, hi = max(0, k - window), min(len(sentences), k + window + 1)
        found = consistent(sentences[lo:hi], spans[lo:hi], model.resources.proclitics)[k - lo]
        out.append(as_tags(len(words), found))
    return out


def words_per_second(model: NerModel, texts: Sequence[str], repeats: int = 3) -> dict:
    """Raw text to entities (tokenisation included), one text at a time."""
    words = sum(len(t.split()) for t in texts)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for text in texts:
            find_named_entities(text, model)
        best = min(best, time.perf_counter() - start)
    return {"words": words, "words_per_s": round(words / best)}


def bench_seeds(model: NerModel, seed_dir: Path, repeats: int = 7) -> dict[str, object]:
    """The model on the demo articles (normalised) against bare tokenisation."""
    texts = [normalize(p.read_text(encoding="utf-8")) for p in sorted(seed_dir.glob("*.txt"))]
    blank = spacy.blank("ar")

    def timed(fn: Callable[[str], object]) -> list[float]:
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for text in texts:
                fn(text)
            runs.append(time.perf_counter() - t0)
        return runs

    def ner(text: str) -> list[tuple[int, int, str]]:
        return find_named_entities(text, model)

    timed(ner)  # warm-up
    ner_runs = timed(ner)
    tok_runs = timed(blank)
    words = sum(len(blank(t)) for t in texts)
    ner_med, tok_med = statistics.median(ner_runs), statistics.median(tok_runs)
    return {
        "articles": len(texts),
        "characters": sum(len(t) for t in texts),
        "tokens": words,
        "repeats": repeats,
        "find_named_entities_median_ms": round(1000 * ner_med, 2),
        "blank_ar_median_ms": round(1000 * tok_med, 2),
        "ratio_median": round(ner_med / tok_med, 1),
        "ner_tokens_per_s": round(words / ner_med),
        "entities": sum(len(ner(t)) for t in texts),
    }


def format_table(name: str, table: dict[str, dict]) -> str:
    lines = [f"{name}", f"  {'label':<5} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}"]
    for label, row in table.items():
        lines.append(
            f"  {label:<5} {row['p']:>6.3f} {row['r']:>6.3f} {row['f1']:>6.3f} {row['support']:>6}"
        )
    return "\n".join(lines)


def evaluate(model_dir: Path, data: Path, seeds: Path | None) -> dict[str, object]:
    start = time.perf_counter()
    model = load_dir(model_dir)
    result: dict[str, object] = {"model": str(model_dir),
                                 "load_s": round(time.perf_counter() - start, 3)}
    cache: dict[tuple[str, bool], tuple[list[Tagged], list[list[str]]]] = {}
    for name, split, skip_first, in_context in SPLITS:
        path = data / f"{split}.spacy"
        if not path.is_file():
            continue
        if (split, in_context) not in cache:
            gold = read_tagged(path)
            words = [w for w, _ in gold]
            pred = tag_in_context(model, words) if in_context else [model.tag(w) for w in words]
            cache[split, in_context] = (gold, pred)
        gold, pred = cache[split, in_context]
        if not gold:
            continue
        result[name] = {"sentences": len(gold),
                        "scores": score_tags([t for _, t in gold], pred, skip_first)}
    if ("aner_test", False) in cache:
        texts = [" ".join(words) for words, _ in cache["aner_test", False][0]]
        result["speed"] = words_per_second(model, texts)
    if seeds is not None:
        result["seeds_benchmark"] = bench_seeds(model, seeds)
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
    for name, *_ in SPLITS:
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
