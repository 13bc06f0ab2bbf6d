"""The synthetic drops of the batch benchmark: valid data file, deterministic, realistic
enough for the extractor, with the planted contradictions recorded."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from checker.bench.synthetic import (
    DATA_FILE,
    SyntheticData,
    generate,
    generate_update,
    make_event,
    manifest_path,
)
from claims.model import Article
from claims.pipeline import extract_claims


def test_the_data_file_is_valid() -> None:
    data = SyntheticData.model_validate(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))
    assert set(data.kinds) == {"attack", "earthquake", "flood", "troop_movement", "base_closure"}


def test_drops_are_deterministic_and_the_manifest_matches(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 60, seed=3, contradictions=0.5)
    second = generate(tmp_path / "b", 60, seed=3, contradictions=0.5)
    assert (tmp_path / "a" / "part-00000.jsonl").read_bytes() == (
        tmp_path / "b" / "part-00000.jsonl").read_bytes()
    records = [json.loads(line) for line in
               (tmp_path / "a" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == first.articles == second.articles == 60
    assert len({r["text"] for r in records}) == 60  # no two articles alike
    manifest = json.loads(manifest_path(tmp_path / "a").read_text(encoding="utf-8"))
    names = {r["name"] for r in records}
    assert first.planted and all(p["article"] in names for p in manifest["planted"])
    for plant in manifest["planted"]:
        assert make_event(plant["event"], 3, 0.5).planted == plant["type"]


def test_an_update_reports_on_stored_events(tmp_path: Path) -> None:
    base = generate(tmp_path / "base", 40, seed=4)
    update = generate_update(tmp_path / "later", 20, base_events=base.events, seed=4)
    assert update.articles == 20
    assert any(int(e) < base.events for e in update.event_articles)  # further reports
    assert any(int(e) >= base.events for e in update.event_articles)  # new events


def test_the_extractor_finds_claims_in_them(tmp_path: Path) -> None:
    generate(tmp_path / "d", 20, seed=5)
    claims = 0
    for line in (tmp_path / "d" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        claims += len(extract_claims(Article.from_text(record["name"], record["text"])))
    assert claims >= 20


def test_a_base_is_closed_once_whichever_event_reports_it() -> None:
    """Two generated events that close the same base report one closure: same day, force,
    numbers and place, so they write no disagreement the manifest does not plant."""
    from checker.bench.synthetic import world_event

    closures: dict[str, list] = {}
    for index in range(600):
        event = make_event(index, 9, 0.0)
        if event.kind == "base_closure":
            closures.setdefault(world_event(event), []).append(event)
    shared = [events for events in closures.values() if len(events) > 1]
    assert shared  # 21 bases: many events close the same one
    for events in shared:
        facts = {(e.day, e.actor, e.soldiers, e.vehicles, e.place) for e in events}
        assert len(facts) == 1


def test_background_sentences_tell_one_past_for_each_place(tmp_path: Path) -> None:
    """A background sentence ("an attack hit X in March 2021, killing 12") gives the same
    month, year and count in every report that mentions that past event of that place,
    years before any generated event."""
    import re

    from checker.bench.synthetic import PAST_YEARS, load_data

    generate(tmp_path / "d", 400, seed=6)
    data = load_data()
    heads = [t.split("{place}")[0] for t in data.background]
    told: dict[tuple[str, str], set[str]] = {}
    for line in (tmp_path / "d" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines():
        for paragraph in json.loads(line)["text"].split("\n\n"):
            for which, (template, head) in enumerate(zip(data.background, heads, strict=True)):
                tail = template.split("{place}")[1].split("{month}")[0]
                if paragraph.startswith(head) and tail in paragraph:
                    place = paragraph[len(head):paragraph.index(tail, len(head))]
                    told.setdefault((str(which), place), set()).add(
                        re.sub(r"[٠-٩]", lambda m: str(ord(m.group()) - 0x660),
                               paragraph[paragraph.index(tail, len(head)) :])
                    )
    assert told and any(len(v) >= 1 for v in told.values())
    years = {str(y) for y in PAST_YEARS}
    for tellings in told.values():
        # The same month and year everywhere (the count may be said as a bound of it).
        dates = {(t.split()[0], *re.findall(r"\d{4}", t)[:1]) for t in tellings}
        assert len(dates) == 1 and next(iter(dates))[1] in years


def test_events_of_one_kind_at_one_place_are_a_week_apart() -> None:
    """Two events of one family at one place (or at one destination, for a movement)
    are never a few days apart: nothing in their reports could tell them apart."""
    from checker.bench.synthetic import SAME_PLACE_DAYS, World

    world = World(7, 0.05)
    events = [world.event(i) for i in range(3000)]
    seen: dict[tuple[str, str], list] = {}
    for event in events:
        for key in World._keys(event):
            seen.setdefault(key, []).append(event.day)
    assert world.moved > 0
    for days in seen.values():
        days.sort()
        assert all((b - a).days >= SAME_PLACE_DAYS for a, b in zip(days, days[1:], strict=False))
    again = World(7, 0.05)
    assert again.event(2999).day == events[2999].day  # the same world, replayed
