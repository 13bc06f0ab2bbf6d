"""Synthetic drops of Arabic news articles for the batch benchmark.

Many distinct events (attacks, earthquakes, floods, troop movements, base closures), each
reported by one to four outlets in different words: places from the gazetteer
(``claims/lexicon/ar/gazetteer.yaml``) and generated town names, dates in both month
systems (``سبتمبر`` and ``أيلول``) or relative to the publication date, counts in digits,
Arabic-Indic digits, number words and compatible bounds ("أكثر من"). A known share of
the events with two reports or more gets one planted contradiction in one report (a
different count, a different date, or a weekday that does not fall on the date); the
manifest records which, so a benchmark can measure recall.

The planted contradictions are the only disagreements the generator writes, so that the
findings beyond them are the checker's own. Two kinds of sentence would otherwise write
more, by chance:

- a base is closed once: the closure of a base (its day, the force that closes it, the
  soldiers and vehicles it moves, the place it is in) is a fact of the generated world,
  the same in every event that reports it. With 21 bases in the gazetteer, the events of
  a large drop that close one base are further reports of that one closure (the manifest
  lists them under ``world_events``), not closures on different days;
- a background sentence ("an attack hit X in March 2021, killing 12") tells a fact of the
  world's past, years before the drop's events: its month, year and count come from the
  place, not from the report, so every report that mentions it agrees, and it cannot
  fall on the days of a generated event;
- two events of one kind at one place a few days apart would be told by reports that
  nothing tells apart (two attacks on Mosul on the 3rd and the 4th, with different
  tolls): :class:`World` moves an event off the days of an earlier event of its family
  at its place, or at its destination for a troop movement (``SAME_PLACE_DAYS``), and
  the manifest counts the events it moved. Reports that name only the country of an
  unknown town ("a village in Iraq") can still meet: the drop writes different towns,
  and only an extractor that drops the town's name makes them one place.

The Arabic building blocks are data: ``checker/bench/synthetic_ar.yaml``.

Everything derives from the seed and the event's number, so a drop of 100 articles
"added later" (:func:`generate_update`) can report on events of the base drop.

Run from the repository root::

    python -m checker.bench.synthetic OUT_DIR --articles 1000 [--seed 7] [--format jsonl]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from claims.entities import load_gazetteer

DATA_FILE = Path(__file__).with_name("synthetic_ar.yaml")
Kind = Literal["attack", "earthquake", "flood", "troop_movement", "base_closure"]
KINDS: tuple[Kind, ...] = ("attack", "earthquake", "flood", "troop_movement", "base_closure")
KIND_WEIGHTS = (30, 15, 15, 25, 15)
# The years of background sentences: before any generated event (those fall in 2024 and
# 2025), more than a year before every publication day.
PAST_YEARS = (2019, 2020, 2021, 2022)
# Two events of one family at one place are at least this many days apart (see World).
SAME_PLACE_DAYS = 7
FIRST_DAY = date(2024, 1, 1)
DAYS = 700
FAMILIES: dict[str, str] = {
    "attack": "toll", "earthquake": "toll", "flood": "toll",
    "troop_movement": "movement", "base_closure": "closure",
}
REPORT_WEIGHTS = {1: 30, 2: 35, 3: 25, 4: 10}
ARTICLES_PER_FILE = 1000
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NounForms(_Strict):
    plural: str
    accusative: str
    singular: str


class KindTemplates(_Strict):
    headline: list[str] = Field(min_length=1)
    lead: list[str] = Field(min_length=1)
    detail: list[str] = Field(min_length=1)
    follow: list[str] = Field(min_length=1)


class Bounds(_Strict):
    more_than: str
    at_least: str
    about: str


class DateFormats(_Strict):
    absolute: list[str] = Field(min_length=1)
    fallback: str
    recent: list[str] = Field(min_length=1)
    yesterday: str


class Respelling(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")


class SyntheticData(_Strict):
    """Schema of ``synthetic_ar.yaml``."""

    version: int
    outlets: list[str] = Field(min_length=2)
    months_gregorian: list[str] = Field(min_length=12, max_length=12)
    months_levantine: list[str] = Field(min_length=12, max_length=12)
    weekdays: list[str] = Field(min_length=7, max_length=7)
    date_formats: DateFormats
    word_end_respelling: Respelling
    number_words: dict[int, str]
    nouns: dict[str, NounForms]
    bounds: Bounds
    national_forces: dict[str, list[str]]
    actors: list[str] = Field(min_length=1)
    attackers: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    reporting_verbs: list[str] = Field(min_length=1)
    name_first: list[str] = Field(min_length=1)
    name_second: list[str] = Field(min_length=1)
    place_nouns: list[str] = Field(min_length=1)
    base_noun: str
    place_in_country: str
    kinds: dict[Kind, KindTemplates]
    background: list[str] = Field(min_length=1)
    context: list[str] = Field(min_length=1)
    closing: list[str] = Field(min_length=1)


@lru_cache(maxsize=1)
def load_data() -> SyntheticData:
    return SyntheticData.model_validate(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))


# -- places ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    key: str | None  # gazetteer key; None for a generated name
    name: str  # as written in the text
    country: str  # the country's name as written
    country_key: str
    base: bool = False


def _written(alias: str) -> str:
    """A gazetteer alias (normalised) as a newspaper would spell it: ta marbuta back at
    the end of words. The extractor normalises it again, so matching is unaffected."""
    rule = load_data().word_end_respelling
    return " ".join(
        w[: -len(rule.source)] + rule.target if len(w) > 2 and w.endswith(rule.source) else w
        for w in alias.split()
    )


@lru_cache(maxsize=1)
def base_sites() -> dict[str, Place]:
    """The place each gazetteer base is in (its parent place, else its country)."""
    gazetteer = load_gazetteer()
    by_key = {p.key: p for p in gazetteer.places}
    places, bases = gazetteer_places()
    placed = {p.key: p for p in places}
    sites: dict[str, Place] = {}
    for base in bases:
        assert base.key is not None
        parent = by_key[base.key].parent
        site = placed.get(parent or "")
        if site is None:
            country = by_key[base.country_key]
            site = Place(
                key=country.key, name=_written(country.aliases[0]), country=base.country,
                country_key=base.country_key,
            )
        sites[base.key] = site
    return sites


@lru_cache(maxsize=1)
def gazetteer_places() -> tuple[tuple[Place, ...], tuple[Place, ...]]:
    """(places where events happen, bases), from the gazetteer, each in its country."""
    gazetteer = load_gazetteer()
    by_key = {p.key: p for p in gazetteer.places}

    def root(key: str) -> str:
        node = by_key[key]
        while node.parent is not None and node.parent in by_key:
            node = by_key[node.parent]
        return node.key

    places: list[Place] = []
    bases: list[Place] = []
    for entry in gazetteer.places:
        if entry.type in ("country", "region"):
            continue
        country = by_key[root(entry.key)]
        if country.type != "country":
            continue
        place = Place(
            key=entry.key,
            name=_written(entry.aliases[0]),
            country=_written(country.aliases[0]),
            country_key=country.key,
            base=entry.type == "base",
        )
        (bases if place.base else places).append(place)
    return tuple(places), tuple(bases)


def _generated_place(rng: random.Random, data: SyntheticData, near: Place) -> Place:
    name = f"{rng.choice(data.name_first)} {rng.choice(data.name_second)}"
    noun = rng.choice(data.place_nouns)
    return Place(
        key=None, name=f"{noun} {name}", country=near.country, country_key=near.country_key
    )


# -- events ---------------------------------------------------------------------------------


@dataclass
class Event:
    index: int
    kind: Kind
    place: Place
    day: date
    reports: int
    killed: int
    injured: int
    missing: int
    vehicles: int
    soldiers: int
    magnitude: float
    actor: str
    attacker: str
    dest: Place
    base: Place
    planted: str | None = None  # "count", "date" or "weekday"


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def make_event(index: int, seed: int, contradictions: float) -> Event:
    """Event number ``index``: the same for a given seed whatever drop it appears in."""
    data = load_data()
    places, bases = gazetteer_places()
    rng = _rng(seed, "event", index)
    kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
    anchor = rng.choice(places)
    # A third of events happen in towns the gazetteer does not know.
    place = _generated_place(rng, data, anchor) if rng.random() < 0.33 else anchor
    same_country = [p for p in places if p.country_key == place.country_key] or list(places)
    dest = rng.choice(same_country)
    base_pool = [b for b in bases if b.country_key == place.country_key] or list(bases)
    base = rng.choice(base_pool)
    reports = rng.choices(list(REPORT_WEIGHTS), weights=list(REPORT_WEIGHTS.values()))[0]
    event = Event(
        index=index,
        kind=kind,
        place=place,
        day=FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
        reports=reports,
        killed=rng.randint(3, 90),
        injured=rng.randint(3, 150),
        missing=rng.randint(3, 40),
        vehicles=rng.randint(12, 120),
        soldiers=rng.randint(20, 600),
        magnitude=round(rng.uniform(4.5, 7.4), 1),
        actor=rng.choice(
            data.national_forces.get(place.country_key, []) + data.actors
            if rng.random() < 0.6 else data.actors
        ),
        attacker=rng.choice(data.attackers),
        dest=dest,
        base=base,
    )
    if reports >= 2 and rng.random() < contradictions:
        choices = ["date", "weekday"] if kind == "base_closure" else ["count", "date", "weekday"]
        event.planted = rng.choice(choices)
        # A clearly different count needs room below the true one.
        event.killed = max(event.killed, 12)
        event.vehicles = max(event.vehicles, 20)
    if kind == "base_closure":
        _close_once(event, seed)
    return event


def _close_once(event: Event, seed: int) -> None:
    """A base is closed once: the closure's day, force, numbers and place are the base's,
    whichever event reports it (see the module docstring)."""
    data = load_data()
    assert event.base.key is not None
    world = _rng(seed, "base", event.base.key)
    event.place = base_sites()[event.base.key]
    event.day = FIRST_DAY + timedelta(days=world.randrange(DAYS))
    national = data.national_forces.get(event.place.country_key, [])
    event.actor = world.choice(national + data.actors if national else data.actors)
    event.soldiers = world.randint(20, 600)
    event.vehicles = world.randint(20, 120)


class World:
    """The drop's events in the order of their numbers, each kept off the days of the
    earlier events of its family at its place (and, for a troop movement, at its
    destination): an event within ``SAME_PLACE_DAYS`` days of one is moved by whole
    weeks, to the nearest days that are free. Event ``n`` is the same in every drop of a
    seed (an update replays the events before it). The closure of a base is a fact of
    the world (one day per base) and is not moved."""

    def __init__(self, seed: int, contradictions: float) -> None:
        self.seed = seed
        self.contradictions = contradictions
        self.events: dict[int, Event] = {}
        self.taken: dict[tuple[str, str], list[int]] = {}
        self.moved = 0

    def event(self, index: int) -> Event:
        while len(self.events) <= index:
            self._add(make_event(len(self.events), self.seed, self.contradictions))
        return self.events[index]

    @staticmethod
    def _keys(event: Event) -> list[tuple[str, str]]:
        if event.kind == "base_closure":
            return []
        family = FAMILIES[event.kind]
        keys = [(family, event.place.key or f"~{event.place.name}")]
        if event.kind == "troop_movement" and event.dest.key:
            keys.append((family, f">{event.dest.key}"))
        return keys

    def _add(self, event: Event) -> None:
        keys = self._keys(event)
        day = (event.day - FIRST_DAY).days

        def free(candidate: int) -> bool:
            return 0 <= candidate < DAYS and all(
                abs(candidate - other) >= SAME_PLACE_DAYS
                for key in keys for other in self.taken.get(key, ())
            )

        if not free(day):
            shifts = (sign * weeks * 7 for weeks in range(1, DAYS // 7) for sign in (1, -1))
            found = next((day + shift for shift in shifts if free(day + shift)), None)
            if found is not None:
                event.day = FIRST_DAY + timedelta(days=found)
                day = found
                self.moved += 1
        for key in keys:
            self.taken.setdefault(key, []).append(day)
        self.events[event.index] = event


def world_event(event: Event) -> str | None:
    """The event of the world a generated event reports, when several can report one (the
    closure of a base); None for an event of its own."""
    return f"base:{event.base.key}" if event.kind == "base_closure" else None


# -- writing a report -----------------------------------------------------------------------


def _digits(n: int, rng: random.Random) -> str:
    return str(n).translate(INDIC) if rng.random() < 0.25 else str(n)


def count_phrase(
    n: int, noun: str, rng: random.Random, *, exact: bool = False
) -> str:
    """``n`` of ``noun`` in one of several ways; unless ``exact``, sometimes as a bound
    that the true value satisfies ("أكثر من 40" for 43)."""
    data = load_data()
    forms = data.nouns[noun]
    style = rng.random()
    if not exact and style < 0.2 and n > 6:
        lower = max(3, n - rng.randint(1, 3))
        which = rng.choice(["more_than", "at_least"])
        value = lower if which == "more_than" else min(lower, n)
        return f"{getattr(data.bounds, which)} {_digits(value, rng)} {_noun(value, forms)}"
    if not exact and style < 0.3:
        return f"{data.bounds.about} {_digits(n, rng)} {_noun(n, forms)}"
    if n in data.number_words and style < 0.55:
        word = data.number_words[n]
        return f"{word} {_noun(n, forms)}"
    return f"{_digits(n, rng)} {_noun(n, forms)}"


def _noun(n: int, forms: NounForms) -> str:
    if 3 <= n <= 10:
        return forms.plural
    if 11 <= n <= 99:
        return forms.accusative
    return forms.singular


def date_phrase(day: date, published: date, rng: random.Random, *, weekday: int | None = None,
                full: bool = False) -> str:
    """The day of the event as a report might say it. ``weekday`` overrides the weekday
    named (for a planted weekday mistake); ``full`` forces a full date."""
    data = load_data()
    formats = data.date_formats
    values = {
        "weekday": data.weekdays[day.weekday() if weekday is None else weekday],
        "greg": data.months_gregorian[day.month - 1],
        "lev": data.months_levantine[day.month - 1],
        "day": _digits(day.day, rng),
        "year": _digits(day.year, rng),
    }
    # Two chances in six (none for a full date) to say it relative to publication.
    style = rng.randrange(len(formats.absolute) + (0 if full else 2))
    if style < len(formats.absolute):
        return formats.absolute[style].format(**values)
    ago = (published - day).days
    if ago == 1 and style == len(formats.absolute):
        return formats.yesterday
    if 0 <= ago < 6:
        return rng.choice(formats.recent).format(**values)
    return formats.fallback.format(**values)


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format(**values)


@dataclass
class Report:
    name: str
    title: str
    text: str
    outlet: str
    published: date
    event: int
    planted: str | None = None


def write_report(event: Event, number: int, seed: int, *, planted: bool) -> Report:
    """Report ``number`` on ``event``; with ``planted``, it carries the event's planted
    contradiction."""
    data = load_data()
    rng = _rng(seed, "report", event.index, number)
    templates = data.kinds[event.kind]
    published = event.day + timedelta(days=rng.choice([0, 1, 1, 2]))
    day, weekday = event.day, None
    killed, vehicles = event.killed, event.vehicles
    exact_counts = False
    if planted and event.planted == "date":
        day = event.day + timedelta(days=rng.choice([-3, -2, 2, 3]))
        published = max(published, day)
    elif planted and event.planted == "weekday":
        weekday = (event.day.weekday() + rng.choice([1, 2, 3, 4, 5, 6])) % 7
    elif planted and event.planted == "count":
        killed = max(3, event.killed // 2 - 2)
        vehicles = max(3, event.vehicles // 2 - 4)
        exact_counts = True
    full_date = planted and event.planted in ("date", "weekday")
    values = {
        "place": (
            event.place.name if rng.random() < 0.7
            else data.place_in_country.format(place=event.place.name, country=event.place.country)
        ),
        "country": event.place.country,
        "date": date_phrase(day, published, rng, weekday=weekday, full=full_date),
        "killed": count_phrase(
            killed, rng.choice(["people", "civilians"]), rng, exact=exact_counts
        ),
        "injured": count_phrase(event.injured, "people", rng),
        "missing": count_phrase(event.missing, "missing", rng),
        "vehicles": count_phrase(vehicles, "vehicles", rng, exact=exact_counts),
        "soldiers": count_phrase(event.soldiers, "soldiers", rng),
        "magnitude": _digits(int(event.magnitude), rng) + "." + str(int(event.magnitude * 10) % 10),
        "actor": event.actor,
        "attacker": event.attacker,
        "source": rng.choice(data.sources),
        "reporting": rng.choice(data.reporting_verbs),
        "dest": event.dest.name,
        "base": (
            event.base.name if event.base.name.startswith(data.base_noun)
            else f"{data.base_noun} {event.base.name}"
        ),
    }
    sentences = [_fill(rng.choice(templates.lead), values)]
    if rng.random() < 0.6:
        sentences.append(_fill(rng.choice(templates.detail), values))
    sentences.append(_fill(rng.choice(templates.follow), values))
    sentences.extend(rng.sample(data.context, k=rng.randint(2, 4)))
    if rng.random() < 0.4:
        places, _ = gazetteer_places()
        other = rng.choice(places)
        which = rng.randrange(len(data.background))
        # A fact of the world's past: the same month, year and count in every report.
        past = _rng(seed, "background", which, other.key or other.name)
        month, year = past.randrange(12), past.choice(PAST_YEARS)
        killed, past_vehicles = past.randint(3, 40), past.randint(12, 60)
        sentences.append(
            _fill(
                data.background[which],
                {
                    "place": other.name,
                    "month": data.months_gregorian[month],
                    "year": _digits(year, rng),
                    "killed": count_phrase(killed, "people", rng),
                    "vehicles": count_phrase(past_vehicles, "vehicles", rng),
                },
            )
        )
    closing = rng.choice(data.closing)
    if closing:
        sentences.append(closing)
    title = _fill(rng.choice(templates.headline), values)
    text = title + "\n\n" + "\n\n".join(sentences) + "\n"
    return Report(
        name=f"syn/{event.index:07d}-{number}",
        title=title,
        text=text,
        outlet=data.outlets[(event.index + number * 3) % len(data.outlets)],
        published=published,
        event=event.index,
        planted=event.planted if planted else None,
    )


def reports_of(event: Event, seed: int, numbers: range | None = None) -> Iterator[Report]:
    """The event's reports; the last one carries the planted contradiction, if any."""
    for number in numbers if numbers is not None else range(event.reports):
        planted = bool(event.planted) and number == event.reports - 1
        yield write_report(event, number, seed, planted=planted)


# -- drops ----------------------------------------------------------------------------------


@dataclass
class Manifest:
    seed: int
    articles: int
    events: int
    contradiction_share: float
    first_event: int
    planted: list[dict[str, object]] = field(default_factory=list)
    event_articles: dict[int, list[str]] = field(default_factory=dict)
    # Generated events that report one event of the world (the closure of one base), by
    # that event ("base:<key>"): their reports are reports of one event.
    world_events: dict[str, list[int]] = field(default_factory=dict)
    # Events moved off the days of an earlier event of their family at their place.
    moved_events: int = 0
    # What made the drop (generator_fingerprint): another generator makes other drops.
    generator: str = ""


def _write_articles(reports: Iterator[Report], out: Path, fmt: str) -> int:
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    handle = None
    try:
        for report in reports:
            if fmt == "txt":
                path = out / f"{report.name}.txt"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(report.text, encoding="utf-8")
            else:
                if count % ARTICLES_PER_FILE == 0:
                    if handle:
                        handle.close()
                    handle = (out / f"part-{count // ARTICLES_PER_FILE:05d}.jsonl").open(
                        "w", encoding="utf-8"
                    )
                record = {
                    "name": report.name,
                    "title": report.title,
                    "text": report.text,
                    "outlet": report.outlet,
                    "published": report.published.isoformat(),
                    "language": "ar",
                }
                assert handle is not None
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if handle:
            handle.close()
    return count


def generate(
    out: Path,
    articles: int,
    *,
    seed: int = 7,
    contradictions: float = 0.05,
    first_event: int = 0,
    fmt: str = "jsonl",
) -> Manifest:
    """Write a drop of ``articles`` articles into folder ``out``; returns its manifest
    (also written next to the folder as ``<out>.manifest.json``, outside the drop)."""
    manifest = Manifest(seed, 0, 0, contradictions, first_event)
    world = World(seed, contradictions)

    def reports() -> Iterator[Report]:
        index = first_event
        while manifest.articles < articles:
            event = world.event(index)
            index += 1
            wanted = min(event.reports, articles - manifest.articles)
            names = []
            for report in reports_of(event, seed, range(wanted)):
                names.append(report.name)
                manifest.articles += 1
                yield report
            manifest.events += 1
            manifest.event_articles[event.index] = names
            if (same := world_event(event)) is not None:
                manifest.world_events.setdefault(same, []).append(event.index)
            if event.planted and wanted == event.reports:
                manifest.planted.append(
                    {"event": event.index, "kind": event.kind, "type": event.planted,
                     "article": names[-1], "others": names[:-1]}
                )

    _write_articles(reports(), out, fmt)
    manifest.moved_events = world.moved
    _write_manifest(manifest, out)
    return manifest


def generate_update(
    out: Path,
    articles: int,
    *,
    base_events: int,
    seed: int = 7,
    contradictions: float = 0.05,
    share_existing: float = 0.3,
    fmt: str = "jsonl",
) -> Manifest:
    """A later drop: ``share_existing`` of its articles are further reports on events of
    a base drop of ``base_events`` events (they link to stored claims), the rest are new
    events numbered after them."""
    manifest = Manifest(seed, 0, 0, contradictions, base_events)
    rng = _rng(seed, "update", base_events, articles)
    world = World(seed, contradictions)

    def reports() -> Iterator[Report]:
        index = base_events
        while manifest.articles < articles:
            if rng.random() < share_existing and base_events:
                event = copy.copy(world.event(rng.randrange(base_events)))
                event.planted = None
                report = write_report(event, 100 + manifest.articles, seed, planted=False)
                manifest.articles += 1
                manifest.event_articles.setdefault(event.index, []).append(report.name)
                if (same := world_event(event)) is not None:
                    manifest.world_events.setdefault(same, []).append(event.index)
                yield report
                continue
            event = world.event(index)
            index += 1
            wanted = min(event.reports, articles - manifest.articles)
            names = []
            for report in reports_of(event, seed, range(wanted)):
                names.append(report.name)
                manifest.articles += 1
                yield report
            manifest.events += 1
            manifest.event_articles[event.index] = names
            if (same := world_event(event)) is not None:
                manifest.world_events.setdefault(same, []).append(event.index)
            if event.planted and wanted == event.reports:
                manifest.planted.append(
                    {"event": event.index, "kind": event.kind, "type": event.planted,
                     "article": names[-1], "others": names[:-1]}
                )

    _write_articles(reports(), out, fmt)
    _write_manifest(manifest, out)
    return manifest


def generator_fingerprint() -> str:
    """The generator's code and data and the gazetteer it draws places from: a drop
    written under another fingerprint is not the drop this generator writes."""
    import hashlib

    from claims.resources import package_digest

    digest = hashlib.sha256()
    for path in (Path(__file__), DATA_FILE):
        digest.update(path.read_bytes())
    digest.update(package_digest().encode("ascii"))
    return "syn:" + digest.hexdigest()[:12]


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def _write_manifest(manifest: Manifest, out: Path) -> None:
    manifest.generator = generator_fingerprint()
    data = asdict(manifest)
    data["event_articles"] = {str(k): v for k, v in manifest.event_articles.items()}
    manifest_path(out).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic drop of Arabic articles.")
    parser.add_argument("out", type=Path, help="folder to write the drop into")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--contradictions", type=float, default=0.05,
                        help="share of events with 2+ reports given a planted contradiction")
    parser.add_argument("--format", choices=["jsonl", "txt"], default="jsonl")
    args = parser.parse_args(argv)
    manifest = generate(
        args.out, args.articles, seed=args.seed, contradictions=args.contradictions,
        fmt=args.format,
    )
    print(
        f"{manifest.articles} articles about {manifest.events} events, "
        f"{len(manifest.planted)} planted contradictions; manifest {manifest_path(args.out)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
