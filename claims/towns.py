"""Towns the gazetteer does not name, read from GeoNames' table (``lexicon/towns.tsv``).

A report names a town with a place word ("بلدة باهالجام", "منطقة بهلغام", "near
Pahalgam") that no gazetteer entry knows: most towns have no Arabic name anywhere, and
Arabic copy spells a foreign name by ear. Such a name is read as a town of the table
only when exactly one town of that name lies inside a place the text names around it
(:func:`claims.entities.town_in_view`):

- in Arabic, a name matches a town's Arabic name, or reads as one of its Latin names
  consonant by consonant (``transliteration.latin`` in ``ar/gazetteer.yaml``:
  "باهالجام" and "Pahalgam" are both "bhlgm");
- in English, a name matches one of its Latin names, accents and case aside.

The table is loaded on first use (about 50,000 rows); a town read from it becomes a
gazetteer entry of type ``town`` for the rest of the process, so its containment is the
gazetteer's like any other place's.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from claims.entities import LatinSpelling, load_gazetteer
from claims.normalize import normalize
from claims.resources import cache_dir, cache_key, cached, package_digest

TOWNS = Path(str(resources.files("claims"))) / "lexicon" / "towns.tsv"
COLUMNS = ("key", "label", "parent", "population", "latin", "arabic")
# A consonant skeleton shorter than this is no evidence: too many towns share it.
MIN_SOUNDS = 4
ARTICLE = "ال"


@dataclass(frozen=True)
class Town:
    key: str
    label: str
    parent: str
    population: int
    latin: tuple[str, ...]
    arabic: tuple[str, ...]


def fold_latin(name: str) -> str:
    """A Latin name compared without case, accents or inner spacing."""
    decomposed = unicodedata.normalize("NFKD", " ".join(name.split()).casefold())
    return decomposed.encode("ascii", "ignore").decode("ascii")


class TownTable:
    """The table's towns by Arabic name, by Latin name and by consonant skeleton."""

    def __init__(self, towns: list[Town], spell: LatinSpelling | None = None) -> None:
        self.towns = {t.key: t for t in towns}
        by_arabic: dict[str, dict[str, None]] = {}
        by_latin: dict[str, dict[str, None]] = {}
        by_sounds: dict[str, dict[str, None]] = {}
        for town in towns:
            for name in town.arabic:
                by_arabic.setdefault(name, {})[town.key] = None
            for name in town.latin:
                by_latin.setdefault(fold_latin(name), {})[town.key] = None
            if spell is not None and town.latin:
                # its GeoNames name only: other spellings ("Kuang-shui" for Guangshui)
                # read like other towns' names ("قوانغتشو": Guangzhou)
                for sounds in spell.of_latin(town.latin[0]):
                    if len(sounds) >= MIN_SOUNDS:
                        by_sounds.setdefault(sounds, {})[town.key] = None
        self.by_arabic = {k: tuple(v) for k, v in by_arabic.items()}
        self.by_latin = {k: tuple(v) for k, v in by_latin.items()}
        self.by_sounds = {k: tuple(v) for k, v in by_sounds.items()}

    def written(self, name: str) -> list[Town]:
        """Towns with this name in Latin letters (English copy)."""
        return [self.towns[k] for k in self.by_latin.get(fold_latin(name), ())]

    def spelled(self, name: str, sounds: str) -> list[Town]:
        """Towns with this Arabic name (normalised), then those whose GeoNames name reads
        as its consonants ``sounds`` (GeoNames gives "بوكروفسك" to the Russian Pokrovsk
        only: the Ukrainian one is found by its consonants). A name with the Arabic
        article is an Arabic word or name ("قضاء العطلة"), never a foreign name spelled
        by ear: only its Arabic name finds it."""
        keys = list(self.by_arabic.get(name, ()))
        if len(sounds) >= MIN_SOUNDS and not name.startswith(ARTICLE):
            keys += [k for k in self.by_sounds.get(sounds, ()) if k not in keys]
        return [self.towns[k] for k in keys]


def read_towns(path: Path = TOWNS) -> list[Town]:
    """The table's rows (comment lines start with "#"; the first other line names the
    columns)."""
    towns: list[Town] = []
    header_seen = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != COLUMNS:
                raise ValueError(f"{path}: expected the columns {COLUMNS}, got {cells}")
            header_seen = True
            continue
        if len(cells) != len(COLUMNS):
            raise ValueError(f"{path}: a row of {len(cells)} cells: {line[:80]!r}")
        key, label, parent, population, latin, arabic = cells
        towns.append(
            Town(
                key,
                label,
                parent,
                int(population),
                tuple(n for n in latin.split("|") if n),
                tuple(normalize(n) for n in arabic.split("|") if n),
            )
        )
    return towns


@lru_cache(maxsize=1)
def load_towns() -> TownTable:
    """The table, indexed (read once per process; kept in the extraction cache under the
    digest of the ``claims`` package: indexing it takes a new process seconds)."""

    def build() -> TownTable:
        spell = load_gazetteer().transliteration
        return TownTable(read_towns(), spell.latin if spell is not None else None)

    if cache_dir() is None:
        return build()
    return cached("towns", cache_key("towns", package_digest()), build)
