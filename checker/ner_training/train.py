"""Train the shipped Arabic NER model from the files ``convert`` writes.

Usage::

    python -m checker.ner_training.train checker/ner_training/ner.cfg --out build/ner/model \
        [--data build/ner]

Steps (settings from the config, see ``ner.cfg``):

1. word clusters: word2vec over the bare forms (``claims.ner.bare``) of the training text
   and the other corpora, never the test text, then k-means at each granularity;
2. name lists: a bare form is a name of a label when most of its occurrences in WikiFANE,
   AQMAR and Wojood are inside an entity of that label;
3. the auxiliary CRF, trained on WikiFANE with the plain features;
4. the main CRF, trained on ANERcorp with the plain features plus the auxiliary model's
   tags, the name lists and the names seen in its own training data. For each training
   sentence the latter are counted without the sentence's own fold, so the model learns
   how far a name seen elsewhere can be trusted, as it is at run time.

Writes ``model.crfsuite``, ``auxiliary.crfsuite``, ``resources.json`` and ``training.json``
(settings, sizes, timings and the dev score of the model trained without dev) to ``--out``.
Deterministic: the same data and config give the same files.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pycrfsuite
import spacy

from checker.ner_training.evaluate import Tagged, read_tagged, score_tags
from claims.ner import NerResources, bare, main_features, token_features


def label_lists(
    sentences: Iterable[Tagged], share: float, proclitics: Sequence[str]
) -> dict[str, str]:
    """Bare form -> label, for forms inside an entity of that label in at least ``share`` of
    their occurrences."""
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for words, tags in sentences:
        for word, tag in zip(words, tags, strict=True):
            counts[bare(word, proclitics)[0]][tag[2:] if tag != "O" else "O"] += 1
    out: dict[str, str] = {}
    for form, c in counts.items():
        named = [(n, label) for label, n in c.items() if label != "O"]
        if named:
            n, label = max(named)
            if n / sum(c.values()) >= share:
                out[form] = label
    return out


def _stable_hash(text: str) -> int:
    # gensim seeds each word's vector with this; Python's hash() changes between processes.
    return zlib.crc32(text.encode("utf-8"))


def word_clusters(
    sentences: Iterable[Sequence[str]], cfg: dict, proclitics: Sequence[str]
) -> dict[str, list[int]]:
    from gensim.models import Word2Vec
    from sklearn.cluster import KMeans

    corpus = [[bare(w, proclitics)[0] for w in words] for words in sentences]
    w2v = Word2Vec(corpus, vector_size=cfg["vector_size"], window=cfg["window"],
                   min_count=cfg["min_count"], epochs=cfg["epochs"], sg=1, seed=cfg["seed"],
                   workers=1, hashfxn=_stable_hash)
    vectors = w2v.wv.vectors / np.linalg.norm(w2v.wv.vectors, axis=1, keepdims=True)
    ids = [KMeans(k, n_init=1, random_state=cfg["seed"]).fit_predict(vectors)
           for k in cfg["granularities"]]
    return {form: [int(c[i]) for c in ids] for i, form in enumerate(w2v.wv.index_to_key)}


def train_crf(
    sentences: Sequence[Tagged], features: Callable[[int, list[str]], list[list[str]]],
    cfg: dict, path: Path,
) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for i, (words, tags) in enumerate(sentences):
        trainer.append(features(i, words), tags)
    trainer.set_params({"c1": cfg["c1"], "c2": cfg["c2"],
                        "max_iterations": cfg["max_iterations"],
                        "feature.possible_transitions": True})
    trainer.train(str(path))


def fold_lists(
    sentences: Sequence[Tagged], folds: int, share: float, proclitics: Sequence[str]
) -> list[dict[str, str]]:
    """For each sentence, the names seen in the other folds (contiguous blocks)."""
    n = len(sentences)
    bounds = [(k * n // folds, (k + 1) * n // folds) for k in range(folds)]
    lists = [label_lists([*sentences[:a], *sentences[b:]], share, proclitics) for a, b in bounds]
    return [lists[k] for k, (a, b) in enumerate(bounds) for _ in range(a, b)]


def train(cfg: dict, data: Path, out: Path) -> dict[str, object]:
    rc, started = cfg["resources"], time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 1)

    aner = read_tagged(data / "train.spacy")
    dev = read_tagged(data / "dev.spacy")
    wikifane = read_tagged(data / "wikifane.spacy")
    others = read_tagged(data / "aqmar_wojood.spacy")
    main_train = [*aner, *dev] if cfg["main"]["include_dev"] else aner

    proclitics = tuple(cfg["features"]["proclitics"])
    share = rc["name_share"]
    clusters = word_clusters([w for w, _ in [*main_train, *wikifane, *others]],
                             rc["clusters"], proclitics)
    names = label_lists([*wikifane, *others], share, proclitics)
    lap("resources")
    out.mkdir(parents=True, exist_ok=True)
    res = NerResources(proclitics=proclitics, names=names,
                       seen=label_lists(main_train, share, proclitics), clusters=clusters,
                       granularities=tuple(rc["clusters"]["granularities"]))

    auxiliary_path = out / "auxiliary.crfsuite"
    train_crf(wikifane, lambda _, words: token_features(words, res), cfg["auxiliary"],
              auxiliary_path)
    lap("auxiliary")
    auxiliary = pycrfsuite.Tagger()
    auxiliary.open(str(auxiliary_path))

    def features_with(seen: Sequence[dict[str, str]]) -> Callable[[int, list[str]], list]:
        def features(i: int, words: list[str]) -> list[list[str]]:
            plain = token_features(words, res)
            aux = auxiliary.tag(plain)
            return main_features(plain, words, res, seen=seen[i], auxiliary=aux)
        return features

    report: dict[str, object] = {"config": cfg}
    if cfg["main"]["include_dev"]:
        # Score the configuration on dev first, with a model that has not seen dev.
        probe_path = out / "dev_probe.crfsuite"
        train_crf(aner, features_with(fold_lists(aner, rc["folds"], share, proclitics)),
                  cfg["main"], probe_path)
        report["dev_without_dev"] = _score_on(probe_path, dev, features_with(
            [label_lists(aner, share, proclitics)] * len(dev)))
        probe_path.unlink()
        lap("dev_probe")
    train_crf(main_train, features_with(fold_lists(main_train, rc["folds"], share, proclitics)),
              cfg["main"], out / "model.crfsuite")
    lap("main")
    (out / "resources.json").write_text(
        json.dumps(res.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8")
    report.update({
        "sentences": {"main": len(main_train), "auxiliary": len(wikifane),
                      "name_lists": len(wikifane) + len(others)},
        "resources": {"names": dict(Counter(names.values())),
                      "seen": dict(Counter(res.seen.values())), "clusters": len(clusters)},
        "seconds": timings,
    })
    (out / "training.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report


def _score_on(path: Path, sentences: Sequence[Tagged],
              features: Callable[[int, list[str]], list[list[str]]]) -> dict:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    predicted = [list(tagger.tag(features(i, words))) for i, (words, _) in enumerate(sentences)]
    return score_tags([tags for _, tags in sentences], predicted)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--out", type=Path, default=Path("build/ner/model"))
    parser.add_argument("--data", type=Path, default=None,
                        help="the folder convert wrote (default: the config's paths.data)")
    args = parser.parse_args(argv)
    overrides = {"paths.data": str(args.data)} if args.data is not None else {}
    config = spacy.util.load_config(args.config, overrides=overrides, interpolate=True)
    report = train(dict(config), Path(config["paths"]["data"]), args.out)
    json.dump({k: report[k] for k in report if k != "config"}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
