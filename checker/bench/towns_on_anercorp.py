"""Benchmark: how often a name read as a town of GeoNames' table (claims.towns) is a place.

Reads a token/BIO-tag corpus of Arabic news (ANERcorp, as CAMeL Lab splits it: one
"token tag" pair a line, a blank line between documents), joins its sentences five at a
time (so that a town may find a place named in the sentence before), runs the Arabic
pipeline on each block, and lists every entity the pipeline took from the table of towns
with the tags the corpus gives the token it names. A town whose token the corpus tags as
a location is right; any other is a false town.

Run from the repository root::

    python -m checker.bench.towns_on_anercorp DATA/anercorp_camel/ANERCorp_CamelLab_train.txt
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from claims.normalize import normalize
from claims.pipeline import get_pipeline
from claims.towns import load_towns

BLOCK = 5
_ENDS = frozenset({".", "!", "؟", "?"})


def sentences(path: Path) -> Iterator[list[tuple[str, str]]]:
    """The corpus's sentences as (token, tag) lists."""
    current: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 2:
            if current:
                yield current
                current = []
            continue
        current.append((parts[0], parts[1]))
        if parts[0] in _ENDS:
            yield current
            current = []
    if current:
        yield current


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a token/BIO-tag file (ANERcorp)")
    args = parser.parse_args(argv)
    table = load_towns()
    nlp = get_pipeline("ar")
    all_sentences = list(sentences(args.corpus))
    right = wrong = 0
    for i in range(0, len(all_sentences), BLOCK):
        pairs = [p for s in all_sentences[i : i + BLOCK] for p in s]
        tags = {normalize(token): tag for token, tag in pairs}
        doc = nlp(normalize(" ".join(token for token, _ in pairs)))
        for m in doc.user_data["cc_entities"]:
            if m.key is None or m.key not in table:
                continue
            tag = next((t for w, t in tags.items() if w.endswith(m.surface)), "?")
            place = tag.endswith("LOC")
            right, wrong = right + place, wrong + (not place)
            context = doc.text[max(0, m.start - 40) : m.end + 30].replace("\n", " ")
            print(f"{'LOC  ' if place else 'FALSE'} {m.key:24} {tag:6} {context}")
    print(f"{len(all_sentences)} sentences; towns taken: {right + wrong}; "
          f"tagged a place: {right}; false towns: {wrong}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
