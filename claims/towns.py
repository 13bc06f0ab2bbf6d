"""Towns the gazetteer does not name, read from GeoNames' table (``lexicon/towns.tsv``).

A report names a town with a place word ("بلدة باهالجام", "منطقة بهلغام", "near
Pahalgam") that no gazetteer entry knows: most towns have no Arabic name anywhere, and
Arabic copy spells a foreign name by ear. Such a name is read as a town of the table
only when exactly one town of that name lies inside a place the text names around it
(:func:`claims.entities.town_inside`):

- in Arabic, a name matches a town's Arabic name, or reads as its GeoNames name
  consonant by consonant (``transliteration.latin`` in ``ar/gazetteer.yaml``:
  "باهالجام" and "Pahalgam" are both "bhlgm");
- in English, a name matches one of its Latin names, accents and case aside.

The table (61,563 rows) is indexed once into an SQLite file in the extraction cache,
under the digest of the ``claims`` package, and each process reads it from there: a
lookup costs a query, and the towns take no memory of the process. With the cache off
(``CLAIMCHECK_CACHE_DIR=off``) the index is built in memory. A town read from it becomes
a gazetteer entry of type ``town`` for the rest of the process, so its containment is
the gazetteer's like any other place's.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import unicodedata
import uuid
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from claims.entities import LatinSpelling, load_gazetteer
from claims.normalize import normalize
from claims.resources import CACHE_KEEP, cache_dir, cache_key, package_digest

TOWNS = Path(str(resources.files("claims"))) / "lexicon" / "towns.tsv"
COLUMNS = ("key", "label", "parent", "population", "latin", "arabic")
# A consonant skeleton shorter than this is no evidence: too many towns share it.
MIN_SOUNDS = 4
_SEP = "\t"  # between the keys of one name's towns (a key holds no tab)


@dataclass(frozen=True, slots=True)
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
    """The table's towns by Arabic name, by Latin name and by consonant skeleton, in an
    SQLite database (a file, or in memory): ``build`` writes it, the lookups read it."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = -1
        self._lock = threading.RLock()  # one connection, shared by the threads

    @classmethod
    def in_memory(cls, towns: Iterable[Town], spell: LatinSpelling | None) -> TownTable:
        """A table of ``towns`` held in memory, for this process only."""
        table = cls()
        table._connection = sqlite3.connect(":memory:", check_same_thread=False)
        table._pid = os.getpid()
        cls.build(towns, spell, table._connection)
        return table

    @staticmethod
    def build(
        towns: Iterable[Town], spell: LatinSpelling | None, target: sqlite3.Connection
    ) -> None:
        """Write the towns and their names into ``target``."""
        target.executescript(_SCHEMA)
        rows: list[tuple[str, str, str]] = []
        for town in towns:
            target.execute(
                "INSERT INTO town VALUES (?, ?, ?, ?, ?, ?)",
                (town.key, town.label, town.parent, town.population,
                 _SEP.join(town.latin), _SEP.join(town.arabic)),
            )
            names = {("ar", n) for n in town.arabic}
            names |= {("latin", fold_latin(n)) for n in town.latin}
            if spell is not None and town.latin:
                # its GeoNames name only: other spellings ("Kuang-shui" for Guangshui)
                # read like other towns' names ("قوانغتشو": Guangzhou)
                names |= {
                    ("sounds", sounds) for sounds in spell.of_latin(town.latin[0])
                    if len(sounds) >= MIN_SOUNDS
                }
            rows += [(kind, name, town.key) for kind, name in sorted(names)]
        target.executemany("INSERT INTO name VALUES (?, ?, ?)", rows)
        target.execute("CREATE INDEX name_lookup ON name (kind, name)")
        target.commit()

    def _db(self) -> sqlite3.Connection:
        """This process's connection (a connection never crosses a fork)."""
        with self._lock:
            if self._connection is None or self._pid != os.getpid():
                if self.path is None or not self.path.exists():
                    # an in-memory table copied by a fork, or a file another version of
                    # the package cleared from the cache: build anew, in memory
                    self._connection = sqlite3.connect(":memory:", check_same_thread=False)
                    self.build(read_towns(), _spelling(), self._connection)
                else:
                    self._connection = sqlite3.connect(
                        f"{self.path.as_uri()}?mode=ro", uri=True, check_same_thread=False
                    )
                self._pid = os.getpid()
            return self._connection

    def _named(self, kind: str, name: str) -> list[Town]:
        with self._lock:
            rows = self._db().execute(
                "SELECT t.key, t.label, t.parent, t.population, t.latin, t.arabic "
                "FROM name n JOIN town t ON t.key = n.key "
                "WHERE n.kind = ? AND n.name = ? ORDER BY t.population DESC, t.key",
                (kind, name),
            ).fetchall()
        return [
            Town(key, label, parent, population, _split(latin), _split(arabic))
            for key, label, parent, population, latin, arabic in rows
        ]

    def written(self, name: str) -> list[Town]:
        """Towns with this name in Latin letters (English copy)."""
        return self._named("latin", fold_latin(name))

    def spelled(self, name: str, sounds: str) -> list[Town]:
        """Towns with this Arabic name (normalised), then those whose GeoNames name reads
        as its consonants ``sounds`` (GeoNames gives "بوكروفسك" to the Russian Pokrovsk
        only: the Ukrainian one is found by its consonants). A name with the Arabic
        article is an Arabic word or name ("قضاء العطلة"), never a foreign name spelled
        by ear: only its Arabic name finds it."""
        found = self._named("ar", name)
        if len(sounds) >= MIN_SOUNDS and not name.startswith(_article()):
            found += [t for t in self._named("sounds", sounds) if t not in found]
        return found

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return self._db().execute(
                "SELECT 1 FROM town WHERE key = ?", (key,)
            ).fetchone() is not None


_SCHEMA = """
CREATE TABLE town (key TEXT PRIMARY KEY, label TEXT, parent TEXT, population INTEGER,
                   latin TEXT, arabic TEXT);
CREATE TABLE name (kind TEXT, name TEXT, key TEXT);
"""


@lru_cache(maxsize=1)
def _article() -> str:
    """The definite article (``lexicon/ar/morphology.yaml``)."""
    from claims.tokenizer import load_morphology

    return load_morphology().article


def _spelling() -> LatinSpelling | None:
    spell = load_gazetteer().transliteration
    return spell.latin if spell is not None else None


def _split(cell: str) -> tuple[str, ...]:
    return tuple(n for n in cell.split(_SEP) if n)


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
    """The table's index: an SQLite file in the extraction cache, written once per
    digest of the ``claims`` package (2 s) and read by every process after; in memory
    when the cache is off."""
    latin = _spelling()
    directory = cache_dir()
    if directory is None:
        return TownTable.in_memory(read_towns(), latin)
    path = directory / f"towns-{cache_key('towns', package_digest())[:32]}.sqlite"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            with closing(sqlite3.connect(tmp)) as target:
                TownTable.build(read_towns(), latin, target)
            os.replace(tmp, path)  # whole or not at all, whoever finishes first
        except (OSError, sqlite3.Error):
            return TownTable.in_memory(read_towns(), latin)  # a cache it cannot write
        finally:
            tmp.unlink(missing_ok=True)
        try:  # keep the newest, as the other cached objects (claims.resources)
            older = sorted(
                (p for p in directory.glob("towns-*.sqlite") if p != path),
                key=lambda p: p.stat().st_mtime,
                reverse=True,
            )
            for stale in older[CACHE_KEEP - 1 :]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass  # another process cleared it first
    return TownTable(path)
