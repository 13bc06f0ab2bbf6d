"""Copy a trained pipeline into the package (``claims/ner_model``) with its provenance.

Usage::

    python -m checker.ner_training.ship build/ner/model/model-best claims/ner_model \
        --manifest build/ner/manifest.json

Only the ``tok2vec`` and ``ner`` components and the blank Arabic tokenizer are written;
``meta.json`` records the training data, their licenses and the split digests, and
``LICENSE.md`` the share-alike license the model inherits from its data.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import DocBin

KEEP = ("tok2vec", "ner")

META = {
    "name": "claimcheck_ner_ar",
    "version": "1.0.0",
    "description": "Arabic NER (PER, ORG, LOC, MISC) on text normalised with "
    "claims.normalize.normalize; tok2vec (hashed NORM/PREFIX/SUFFIX/SHAPE plus character "
    "embeddings) + transition-based NER, trained on CPU without pretrained vectors. "
    "See docs/ner-model.md.",
    "license": "CC BY-SA 4.0",
    "author": "claimcheck",
}

# What each training source is and how it is licensed, as stated where it was obtained.
SOURCE_NOTES = {
    "anercorp": ("ANERcorp, CAMeL Lab train split (Benajiba et al. 2007; Obeid et al. 2020)",
                 "no license in the source repository; released 'freely available for research "
                 "purposes'; listed as CC BY-SA 4.0 by LLMeBench"),
    "newsfane": ("NewsFANE Gold (Alotaibi and Lee, COLING 2014)", "CC BY-SA 3.0"),
    "wikifane": ("WikiFANE Gold (Alotaibi and Lee, COLING 2014)", "CC BY-SA 3.0"),
    "aqmar": ("AQMAR Arabic Wikipedia NER corpus (Mohit et al. 2012)", "CC BY-SA 3.0 upstream"),
}

LICENSE_TEXT = """# claims/ner_model: license and attribution

The files in this folder are a statistical model trained on the corpora below. They hold
no corpus text: the string table is cut down to the four label names.
Because the training data include share-alike material, the model is distributed under
Creative Commons Attribution-ShareAlike 4.0 (https://creativecommons.org/licenses/by-sa/4.0/),
separately from the project's MIT-licensed code. See docs/ner-model.md.

Trained on:
{sources}
"""


def prune_strings(target: Path, nlp: Language) -> None:
    """Keep only the entity labels in the string table.

    The saved table lists every token string seen in training (80,000 words of corpus
    vocabulary). Inference does not need it: features are hashes computed from each
    token's own text, and the tokenizer adds the strings of the text it reads."""
    ner = nlp.get_pipe("ner")
    assert isinstance(ner, EntityRecognizer)
    labels = sorted(ner.labels)
    (target / "vocab" / "strings.json").write_text(json.dumps(labels), encoding="utf-8")


def same_predictions(a: Language, b: Language, docbin: Path) -> bool:
    """Whether two pipelines find the same entities in the sentences of a DocBin."""
    texts = [d.text for d in DocBin().from_disk(docbin).get_docs(a.vocab)]
    ents_a = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in a.pipe(texts)]
    ents_b = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in b.pipe(texts)]
    return ents_a == ents_b


def ship(model: Path, target: Path, manifest: Path | None) -> Path:
    nlp = spacy.load(model)
    for name in list(nlp.pipe_names):
        if name not in KEEP:
            nlp.remove_pipe(name)
    nlp.meta.update(META)
    used = ["anercorp"]
    if manifest is not None and manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        used = [s.split("-")[0] for s in data.get("sources", used)]
        nlp.meta["training_data"] = {
            "sources": data.get("sources"),
            "augment": data.get("augment", 0),
            "splits": {k: v for k, v in data.items() if isinstance(v, dict) and "sha256" in v},
        }
    notes = [SOURCE_NOTES[s] for s in dict.fromkeys(used) if s in SOURCE_NOTES]
    nlp.meta["sources"] = [{"name": name, "license": lic} for name, lic in notes]
    if target.exists():
        shutil.rmtree(target)
    nlp.to_disk(target)
    prune_strings(target, nlp)
    listing = "\n".join(f"- {name}: {lic}" for name, lic in notes)
    (target / "LICENSE.md").write_text(LICENSE_TEXT.format(sources=listing), encoding="utf-8")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path, help="trained pipeline (spacy train's model-best)")
    parser.add_argument("target", type=Path, help="package folder, e.g. claims/ner_model")
    parser.add_argument("--manifest", type=Path, default=None,
                        help="convert's manifest.json, recorded in meta.json")
    parser.add_argument("--check", type=Path, default=None,
                        help="a DocBin: fail unless the shipped copy predicts exactly as the model")
    args = parser.parse_args(argv)
    out = ship(args.model, args.target, args.manifest)
    if args.check is not None:
        if not same_predictions(spacy.load(args.model), spacy.load(out), args.check):
            print(f"shipped model differs from {args.model} on {args.check}", file=sys.stderr)
            return 1
        print(f"shipped model predicts as {args.model} on {args.check}")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"shipped {args.model} -> {out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
