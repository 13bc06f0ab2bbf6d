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
