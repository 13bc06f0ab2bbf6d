"""A drop of one big story: the seed reports (``seeds/``), each copied many times with
its numbers changed, as many outlets cover one story over several days.

Every copy of a seed report keeps its text but for:

- its **counts**: each number that is not a year or a day of a month is, with
  probability ``count_share``, multiplied by 0.5, 1.5 or 2 (in the digits it was written
  in);
- its **days**: with probability ``day_share``, every day of a month that the seed's
  claims date an event by is moved 1 to 3 days (and a weekday named right before it
  moves along, so the copy stays consistent with itself);
- a **byline** naming an outlet and a reporter (``story_ar.yaml``), so that every copy is
  its own article.

Copies are published over a week (``published``), each seed's on the days of that week
on which its relative dates ("on Saturday") resolve to the same days: the publication
date plants no disagreement.

The planted disagreements are derived, not guessed: the seeds are extracted once, and a
changed number is planted when it lies inside a claim's quantity or time and the copy's
value cannot be the seed's (the counts' intervals, with the rules' tolerances, are
disjoint; a date moved by a day or more). A changed bound ("more than 50" becoming "more
than 75") is compatible with the seed's and is not planted: a finding on it is a false
alarm. The manifest (``<out>.manifest.json``) lists, per planted number, every copy and
where that number stands in it, so a benchmark can tell which findings caught it.

Everything derives from the seed, so the same arguments write the same drop.

Run from the repository root::

    python -m checker.bench.story OUT_DIR [--copies 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from checker.bench.synthetic import INDIC, Report, _write_articles, load_data, manifest_path
from checker.ingest import read_drop
from checker.rules import semantics as sem
from checker.settings import get_settings
from claims.model import Article, Claim, Quantity
from claims.normalize import normalize

DATA_FILE = Path(__file__).with_name("story_ar.yaml")
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# The week the copies are published in, from Saturday 23 August 2025. A relative date
# ("on Sunday") resolves against the publication date, so each seed's copies are
# published only on the days of this week on which its dates resolve as on the first.
FIRST_PUBLISHED = date(2025, 8, 23)
PUBLISHED_DAYS = 7
COUNT_FACTORS = (0.5, 1.5, 2.0)
DAY_SHIFTS = (-3, -2, -1, 1, 2, 3)
NUMBER = re.compile(r"[0-9٠-٩]+")
ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")

NumberRole = Literal["count", "day", "year"]
# The finding kinds that catch a planted disagreement of each kind (a moved date of a
# report that also names the weekday is told as a weekday conflict, which replaces the
# date conflict it implies).
PLANTED_KINDS = {"date": {"date", "weekday", "plan_change"}, "count": {"count"}}


class StoryData(BaseModel):
    """Schema of ``story_ar.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    byline: str
    reporters_first: list[str] = Field(min_length=1)
    reporters_last: list[str] = Field(min_length=1)


@lru_cache(maxsize=1)
def load_story_data() -> StoryData:
    return StoryData.model_validate(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Number:
    """A number written in a seed report."""

    start: int
    end: int
    value: int
    role: NumberRole
    indic: bool  # written in Arabic-Indic digits
    # A claim whose quantity (count) or time (day) holds the number: what it plants.
    claim: Claim | None = None


@dataclass
class StoryRecall:
    planted: int = 0
    caught: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # caught, by planted kind
    findings: int = 0
    on_planted: int = 0  # findings that caught a planted number
    other_by_kind: dict[str, int] = field(default_factory=dict)  # the other findings


@dataclass
class StoryManifest:
    seed: int
    articles: int
    events: int
    copies: int
    count_share: float
    day_share: float
    seeds: list[str] = field(default_factory=list)
    # One entry per planted number: the seed report, the kind of disagreement, the value
    # the seed states, and each copy's value and where the number stands in that copy.
    planted: list[dict[str, object]] = field(default_factory=list)


def _month_names() -> dict[str, int]:
    data = load_data()
    names: dict[str, int] = {}
    for months in (data.months_gregorian, data.months_levantine):
        for number, name in enumerate(months, start=1):
            names[normalize(name)] = number
    return names


def _role(text: str, start: int, end: int, value: int) -> NumberRole:
    digits = end - start
    if digits == 4 and 1900 <= value <= 2100:
        return "year"
    following = normalize(text[end : end + 20]).lstrip()
    if value <= 31 and any(following.startswith(name) for name in _month_names()):
        return "day"
    return "count"


def _inside(span_start: int, span_end: int, number: Number) -> bool:
    return span_start <= number.start and number.end <= span_end


def seed_numbers(article: Article, claims: Sequence[Claim]) -> list[Number]:
    """The numbers of a seed report, each with the claim it is a count or a day of."""
    numbers: list[Number] = []
    for match in NUMBER.finditer(article.text):
        raw = match.group()
        value = int(raw.translate(ARABIC_INDIC))
        role = _role(article.text, match.start(), match.end(), value)
        probe = Number(match.start(), match.end(), value, role, raw != raw.translate(ARABIC_INDIC))
        owner = None
        for claim in claims:
            span = (claim.quantity.span if role == "count" and claim.quantity
                    else claim.time.span if role == "day" and claim.time else None)
            if span is not None and _inside(span.start, span.end, probe):
                owner = claim
                break
        numbers.append(Number(probe.start, probe.end, value, role, probe.indic, owner))
    return numbers


def _scaled(quantity: Quantity, factor: float) -> Quantity:
    def scale(x: float | None) -> float | None:
        return None if x is None else float(max(1, round(x * factor)))

    return quantity.model_copy(
        update={"value": scale(quantity.value), "low": scale(quantity.low),
                "high": scale(quantity.high)}
    )


def count_disagrees(quantity: Quantity, factor: float) -> bool:
    """The quantity scaled by ``factor`` cannot be the same amount as the quantity: their
    intervals, widened by the rules' tolerances, are disjoint."""
    settings = get_settings()
    before = sem.quantity_interval(quantity, settings)
    after = sem.quantity_interval(_scaled(quantity, factor), settings)
    return before is not None and after is not None and before.disjoint(after)


def _event_date(claim: Claim) -> date | None:
    days = sem.reference_days(claim.time, get_settings())
    if days is None or days.lo is None or days.lo != days.hi:
        return None
    return days.lo


def _digits(value: int, indic: bool) -> str:
    return str(value).translate(INDIC) if indic else str(value)


@dataclass(frozen=True)
class Written:
    """What a copy writes for one number of its seed: the value (a count, or a date for a
    day of a month), and whether it cannot be what the seed says."""

    value: str
    differs: bool


@dataclass
class Copy:
    text: str
    # number index in the seed -> (start, end) in the copy, and what is written there
    positions: dict[int, tuple[int, int]]
    written: dict[int, Written]


def make_copy(
    article: Article, numbers: Sequence[Number], rng: random.Random, *,
    count_share: float, day_share: float, byline: str,
) -> Copy:
    """One copy of a seed report, with some counts and maybe its days changed."""
    weekdays = [normalize(w) for w in load_data().weekdays]
    shift = rng.choice(DAY_SHIFTS) if rng.random() < day_share else 0
    pieces: list[str] = []
    positions: dict[int, tuple[int, int]] = {}
    written: dict[int, Written] = {}
    cursor = length = 0
    for index, number in enumerate(numbers):
        before = article.text[cursor : number.start]
        value = number.value
        day = _event_date(number.claim) if number.claim is not None else None
        said = Written(day.isoformat() if number.role == "day" and day else str(value), False)
        if number.role == "count" and rng.random() < count_share:
            factor = rng.choice(COUNT_FACTORS)
            value = max(1, round(number.value * factor))
            quantity = number.claim.quantity if number.claim is not None else None
            said = Written(str(value), quantity is not None and count_disagrees(quantity, factor))
        elif number.role == "day" and shift and day is not None and day.day == number.value:
            moved = day + timedelta(days=shift)
            if moved.month != day.month:
                moved = day - timedelta(days=shift)
            value = moved.day
            said = Written(moved.isoformat(), True)
            before = _move_weekday(before, weekdays, day, moved)
        digits = _digits(value, number.indic)
        pieces.append(before)
        length += len(before)
        positions[index] = (length, length + len(digits))
        written[index] = said
        pieces.append(digits)
        length += len(digits)
        cursor = number.end
    pieces.append(article.text[cursor:].rstrip("\n") + "\n\n" + byline + "\n")
    return Copy("".join(pieces), positions, written)


def _move_weekday(before: str, weekdays: list[str], day: date, moved: date) -> str:
    """The text before a day number, with a weekday named right before it moved along."""
    words = list(re.finditer(r"\S+", before[-24:]))
    if not words:
        return before
    last = words[-1]
    if normalize(last.group()) != weekdays[day.weekday()]:
        return before
    offset = len(before) - len(before[-24:])
    name = load_data().weekdays[moved.weekday()]
    return before[: offset + last.start()] + name + before[offset + last.end() :]


def _bylines(seed: int, stem: str, copies: int) -> list[tuple[str, str]]:
    """``copies`` distinct (outlet, byline) pairs, in a seeded order."""
    story = load_story_data()
    outlets = load_data().outlets
    combos = list(itertools.product(outlets, story.reporters_first, story.reporters_last))
    if copies > len(combos):
        raise ValueError(f"at most {len(combos)} copies per seed report")
    random.Random(f"{seed}:bylines:{stem}").shuffle(combos)
    return [
        (outlet, story.byline.format(outlet=outlet, first=first, last=last))
        for outlet, first, last in combos[:copies]
    ]


def _days(claims: Sequence[Claim]) -> list[tuple[int, date | None, date | None]]:
    """Where each claim's time stands and the days it resolves to."""
    return sorted(
        (claim.evidence.start, claim.time.earliest, claim.time.latest)
        for claim in claims if claim.time is not None and claim.time.resolved
    )


def _planted_kind(number: Number) -> str | None:
    if number.claim is None:
        return None
    if number.role == "day" and _event_date(number.claim) is not None:
        return "date"
    if number.role == "count" and number.claim.quantity is not None:
        return "count"
    return None


def generate_story(
    out: Path,
    *,
    copies: int = 200,
    seed: int = 7,
    count_share: float = 0.3,
    day_share: float = 0.1,
    seeds: Path = SEEDS,
) -> StoryManifest:
    """Write ``copies`` copies of every seed report into folder ``out`` (JSONL); returns
    the manifest (also written next to the folder as ``<out>.manifest.json``)."""
    from claims.pipeline import extract_claims

    articles = sorted(read_drop(seeds).articles, key=lambda a: a.name)
    manifest = StoryManifest(seed, 0, 1, copies, count_share, day_share,
                             seeds=[a.name for a in articles])
    plans: list[tuple[Article, list[Number], list[date]]] = []
    for article in articles:
        # The seeds carry no date: each is extracted as of every day of the week.
        claims = {
            day: extract_claims(article.model_copy(update={"published": day}))
            for day in (FIRST_PUBLISHED + timedelta(days=n) for n in range(PUBLISHED_DAYS))
        }
        stable = [day for day in claims if _days(claims[day]) == _days(claims[FIRST_PUBLISHED])]
        plans.append((article, seed_numbers(article, claims[FIRST_PUBLISHED]), stable))

    def reports() -> Iterator[Report]:
        for article, numbers, days in plans:
            stem = Path(article.name).stem
            units: dict[int, dict[str, object]] = {
                index: {
                    "seed": article.name, "kind": kind, "number": index,
                    "event": number.claim.event if number.claim else None,
                    "seed_value": str(number.value), "copies": {},
                }
                for index, number in enumerate(numbers)
                if (kind := _planted_kind(number)) is not None
            }
            planted: set[int] = set()
            for number_in_seed, (outlet, byline) in enumerate(_bylines(seed, stem, copies)):
                rng = random.Random(f"{seed}:story:{stem}:{number_in_seed}")
                copy = make_copy(article, numbers, rng, count_share=count_share,
                                 day_share=day_share, byline=byline)
                name = f"story/{stem}/{number_in_seed:04d}"
                for index, unit in units.items():
                    said = copy.written[index]
                    start, end = copy.positions[index]
                    copies_of = unit["copies"]
                    assert isinstance(copies_of, dict)
                    copies_of[name] = {"value": said.value, "differs": said.differs,
                                       "start": start, "end": end}
                    if said.differs:
                        planted.add(index)
                manifest.articles += 1
                yield Report(
                    name=name, title=article.title, text=copy.text, outlet=outlet,
                    published=rng.choice(days),
                    event=0,
                )
            manifest.planted.extend(units[index] for index in sorted(planted))

    _write_articles(reports(), out, "jsonl")
    path = manifest_path(out)
    path.write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a drop of one big story.")
    parser.add_argument("out", type=Path, help="folder to write the drop into")
    parser.add_argument("--copies", type=int, default=200, help="copies of each seed report")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--count-share", type=float, default=0.3,
                        help="chance that a copy changes one count")
    parser.add_argument("--day-share", type=float, default=0.1,
                        help="chance that a copy moves its event days")
    args = parser.parse_args(argv)
    manifest = generate_story(args.out, copies=args.copies, seed=args.seed,
                              count_share=args.count_share, day_share=args.day_share)
    print(f"{manifest.articles} articles, {len(manifest.planted)} planted disagreements; "
          f"manifest {manifest_path(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def story_recall(db: Path, manifest: dict[str, Any]) -> StoryRecall:
    """Which planted disagreements a store's findings caught, and how many findings are
    about a planted number.

    A planted number is caught by a finding of its kind (``PLANTED_KINDS``) that holds a
    claim of a copy that changed the number and a claim of a copy that states another
    value, each claim's sentence taking in the number."""
    import sqlalchemy as sa

    from checker.store import Store

    with Store(db) as store, store.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT f.id, f.kind, a.name, c.json FROM findings f"
            " JOIN finding_claims fc ON fc.finding_id = f.id"
            " JOIN claims c ON c.id = fc.claim_id JOIN articles a ON a.id = c.article_id"
        )).all()
    kinds: dict[str, str] = {}
    said: dict[str, list[tuple[str, int, int]]] = {}
    for finding_id, kind, name, data in rows:
        sentence = Claim.model_validate_json(data).sentence
        kinds[finding_id] = kind
        said.setdefault(finding_id, []).append((name, sentence.start, sentence.end))
    result = StoryRecall(planted=len(manifest["planted"]), findings=len(kinds))
    explained: set[str] = set()
    for unit in manifest["planted"]:
        wanted = PLANTED_KINDS[unit["kind"]]
        copies = unit["copies"]
        hit = False
        for finding_id, claims in said.items():
            if kinds[finding_id] not in wanted:
                continue
            values = {
                copies[name]["value"]
                for name, start, end in claims
                if name in copies and start <= copies[name]["start"]
                and copies[name]["end"] <= end
            }
            changed = any(
                copies[name]["differs"] for name, start, end in claims
                if name in copies and start <= copies[name]["start"]
                and copies[name]["end"] <= end
            )
            if changed and len(values) > 1:
                hit = True
                explained.add(finding_id)
        result.caught += hit
        result.by_kind[unit["kind"]] = result.by_kind.get(unit["kind"], 0) + hit
    result.on_planted = len(explained)
    other = Counter(kinds[f] for f in kinds if f not in explained)
    result.other_by_kind = dict(sorted(other.items()))
    return result
