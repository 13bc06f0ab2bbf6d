"""Copy a trained model into the package (``claims/ner_model``) with its provenance.

Usage::

    python -m checker.ner_training.ship build/ner/model claims/ner_model \
        --manifest build/ner/manifest.json --check build/ner/dev.spacy

Copies the two CRF models and ``resources.json``; writes ``meta.json`` (what the model is,
the data it was built from with their licenses, the split digests, the training settings)
and ``LICENSE.md`` (the share-alike license the model inherits from its data).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from checker.ner_training.evaluate import read_tagged
from claims.ner import AUXILIARY_FILE, LABELS, MODEL_FILE, RESOURCES_FILE, load_dir

FILES = (MODEL_FILE, AUXILIARY_FILE, RESOURCES_FILE)

META = {
    "name": "claimcheck_ner_ar",
    "version": "2.0.0",
    "description": "Arabic NER (PER, ORG, LOC, MISC) on text normalised with "
    "claims.normalize.normalize: a linear-chain CRF trained on ANERcorp, reading the tags of "
    "an auxiliary CRF trained on WikiFANE, name lists and word clusters. See docs/ner-model.md.",
    "labels": list(LABELS),
    "license": "CC BY-SA 4.0",
    "author": "claimcheck",
}

# What each training source is and how it is licensed, as stated where it was obtained.
SOURCE_NOTES = {
    "anercorp": ("ANERcorp, CAMeL Lab train split (Benajiba et al. 2007; Obeid et al. 2020)",
                 "no license in the source repository; released 'freely available for research "
                 "purposes'; listed as CC BY-SA 4.0 by LLMeBench"),
        "wikifane": ("WikiFANE Gold (Alotaibi and Lee, COLING 2014)", "CC BY-SA 3.0"),
    "aqmar": ("AQMAR Arabic Wikipedia NER corpus (Mohit et al. 2012)", "CC BY-SA 3.0 upstream"),
    "wojood": ("Wojood public sample (Jarrar et al. 2022), GitHub SinaLab/ArabicNER", "MIT"),
}

LICENSE_TEXT = """# claims/ner_model: license and attribution

The files in this folder are a statistical model built from the corpora below. They hold
no corpus sentences, but they do hold words from them: feature names in the two CRF
models, and word lists (forms with a label, forms with a word cluster) in resources.json.
Because the data include share-alike material, the model is distributed under Creative
Commons Attribution-ShareAlike 4.0 (https://creativecommons.org/licenses/by-sa/4.0/),
separately from the project's MIT-licensed code. See docs/ner-model.md.

Built from:
{sources}
"""

USED = ("anercorp", "wikifane", "aqmar", "wojood")


def ship(model: Path, target: Path, manifest: Path | None) -> Path:
    meta: dict[str, object] = dict(META)
    if manifest is not None and manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        meta["splits"] = {k: v for k, v in data.items() if isinstance(v, dict) and "sha256" in v}
    training = model / "training.json"
    if training.is_file():
        report = json.loads(training.read_text(encoding="utf-8"))
        # Where the data lay on the training machine says nothing about the model.
        report.get("config", {}).pop("paths", None)
        meta["training"] = {k: report[k] for k in ("config", "sentences", "resources")
                            if k in report}
    notes = [SOURCE_NOTES[s] for s in USED]
    meta["sources"] = [{"name": name, "license": lic} for name, lic in notes]
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in FILES:
        shutil.copyfile(model / name, target / name)
    (target / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    listing = "\n".join(f"- {name}: {lic}" for name, lic in notes)
    (target / "LICENSE.md").write_text(LICENSE_TEXT.format(sources=listing), encoding="utf-8")
    return target


def same_predictions(a: Path, b: Path, docbin: Path) -> bool:
    """Whether two model folders tag the sentences of a DocBin alike."""
    ma, mb = load_dir(a), load_dir(b)
    return all(ma.tag(words) == mb.tag(words) for words, _ in read_tagged(docbin))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path, help="folder the trainer wrote (build/ner/model)")
    parser.add_argument("target", type=Path, help="package folder, e.g. claims/ner_model")
    parser.add_argument("--manifest", type=Path, default=None,
                        help="convert's manifest.json, recorded in meta.json")
    parser.add_argument("--check", type=Path, default=None,
                        help="a DocBin: fail unless the shipped copy tags exactly as the model")
    args = parser.parse_args(argv)
    out = ship(args.model, args.target, args.manifest)
    if args.check is not None:
        if not same_predictions(args.model, out, args.check):
            print(f"shipped model differs from {args.model} on {args.check}", file=sys.stderr)
            return 1
        print(f"shipped model tags as {args.model} on {args.check}")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"shipped {args.model} -> {out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
