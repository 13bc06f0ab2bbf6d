"""The report as data: report.json of a real run is what docs/schema/report.schema.json
says, a value reads the same wherever it is shown, and the Markdown shows every side."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from checker.report import (
    ArabicNames,
    Report,
    build_report,
    compared_ar,
    fact_label_ar,
    quantity_text,
    render_markdown,
    slots_ar,
    slots_text,
    time_text,
)
from checker.rules import semantics as sem
from checker.settings import get_settings, load_labels
from checker.store import Store
from claims.model import Article, Bearing, Claim, Entity, Quantity, Span, TimeValue

# What the validator below understands. Pydantic's schemas use no other keyword; a new one
# fails the test instead of being skipped.
ANNOTATIONS = {"title", "description", "default", "format", "$defs"}
CHECKED = {"$ref", "anyOf", "type", "enum", "properties", "required", "additionalProperties",
           "items", "minItems", "minimum", "maximum", "pattern"}
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "integer": (int,),
    "number": (int, float), "boolean": (bool,), "null": (type(None),),
}


def schema_errors(value: Any, schema: dict[str, Any], root: dict[str, Any],
                  where: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema`` (a JSON Schema as pydantic writes it)."""
    unknown = set(schema) - ANNOTATIONS - CHECKED
    assert not unknown, f"{where}: the test's validator does not know {unknown}"
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return schema_errors(value, root["$defs"][name], root, where)
    if "anyOf" in schema:
        options = [schema_errors(value, option, root, where) for option in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{where}: no option of anyOf fits"]
    errors: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        fits = isinstance(value, TYPES[kind]) and not (
            kind in ("integer", "number") and isinstance(value, bool)
        )
        if not fits:
            return [f"{where}: {type(value).__name__} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{where}: {value} < {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{where}: {value} > {schema['maximum']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{where}: fewer than {schema['minItems']} items")
        for index, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), root, f"{where}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        errors += [f"{where}: {key} missing" for key in schema.get("required", [])
                   if key not in value]
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], root, f"{where}.{key}")
            elif extra is False:
                errors.append(f"{where}: unexpected {key}")
            elif isinstance(extra, dict):
                errors += schema_errors(item, extra, root, f"{where}.{key}")
    return errors


SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`claimcheck run seeds/` twice (so the report carries a delta with a previous run)."""
    tmp = tmp_path_factory.mktemp("seeds")
    args = ["--db", str(tmp / "c.db"), "--out", str(tmp / "out"), "--quiet"]
    assert main(["run", str(SEEDS), *args]) == 0
    assert main(["run", str(SEEDS), *args]) == 0
    yield tmp


def test_report_json_of_a_seed_run_validates_against_the_committed_schema(
    seed_run: Path, repo_root: Path
) -> None:
    schema = json.loads(
        (repo_root / "docs" / "schema" / "report.schema.json").read_text(encoding="utf-8")
    )
    text = (seed_run / "out" / "report.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert schema_errors(data, schema, schema) == []
    # The committed schema is the model's (tests/test_schema.py), and the model reads the
    # file back without losing anything.
    assert Report.model_validate_json(text).model_dump(mode="json") == data
    assert data["delta"]["previous_run_id"] and data["delta"]["counts"]["open"] >= 1
    findings = [f for e in data["events"] for f in e["findings"]]
    assert findings and all(len(f["sides"]) >= 2 for f in findings)
    for finding in findings:
        assert finding["fact"] and finding["certainty_reason"] and finding["certainty_reason_ar"]
        for side in finding["sides"]:
            assert side["tally"] == len(side["article_ids"]) >= 1
            for quote in side["quotes"]:
                assert {"article_name", "start", "end"} <= set(quote)
    assert any(e["facts"] for e in data["events"])


def test_the_validator_finds_what_breaks_the_schema(repo_root: Path) -> None:
    schema = json.loads(
        (repo_root / "docs" / "schema" / "report.schema.json").read_text(encoding="utf-8")
    )
    with Store(":memory:") as store:
        good = build_report(store).model_dump(mode="json")
    assert schema_errors(good, schema, schema) == []
    bad = {**good, "summary": {**good["summary"], "claims": "many"}, "surprise": 1}
    errors = schema_errors(bad, schema, schema)
    assert any("summary.claims" in e for e in errors) and any("surprise" in e for e in errors)


def test_markdown_shows_each_side_with_its_tally_quotes_and_why(seed_run: Path) -> None:
    report = Report.model_validate_json(
        (seed_run / "out" / "report.json").read_text(encoding="utf-8")
    )
    markdown = (seed_run / "out" / "report.md").read_text(encoding="utf-8")
    assert markdown == render_markdown(report)
    assert "## Since the previous run" in markdown and "Facts:" in markdown
    finding = next(f for e in report.events for f in e.findings)
    assert f"fact `{finding.fact}`" in markdown
    for letter, side in zip("AB", finding.sides, strict=False):
        tally = f"{side.tally} report" + ("" if side.tally == 1 else "s")
        assert f"Side {letter}: **" in markdown and tally in markdown
        for quote in side.quotes:
            assert f"chars {quote.start}–{quote.end}" in markdown
    inferred = [q for e in report.events for f in e.findings for s in f.sides for q in s.quotes
                if q.inferred]
    if inferred:
        assert "phase, place or list inferred from its event" in markdown


def _claim(**slots: Any) -> Claim:
    text = "نص"
    span = Span(start=0, end=len(text), text=text)
    return Claim(article_id=Article.content_id(text), sentence=span, evidence=span, quote=text,
                 event="troop_presence", **slots)


def test_a_value_is_described_once() -> None:
    """The slot text of a claim starts with the words the rules and facts use for its
    value ("≈[1, ∞) soldiers"), never a second rendering of it."""
    settings = get_settings()
    few = Quantity(value=None, low=1, high=None, unit="soldiers", vague=True)
    assert quantity_text(few) == sem.describe_quantity(few, settings) == "≈[1, ∞) soldiers"
    exact = Quantity(value=23, low=23, high=23, unit="deaths")
    assert slots_text(_claim(quantity=exact))["quantity"] == "23 deaths"
    unresolved = Quantity(value=None, unit="soldiers", resolved=False, reason="no number")
    assert quantity_text(unresolved) == "unresolved soldiers (no number)"

    sunday = TimeValue(value="2025-08-24", granularity="day", earliest=date(2025, 8, 24),
                       latest=date(2025, 8, 24), weekday=6, resolved=True, anchor="publication")
    text = time_text(sunday)
    assert text.startswith(sem.describe_time(sunday, settings))
    assert text == "on 2025-08-24 (Sunday; anchored to publication)"
    vague = TimeValue(span=Span(start=0, end=2, text="قريباً"), resolved=False, reason="vague")
    assert time_text(vague).startswith(sem.describe_time(vague, settings))
    assert '"قريباً"' in time_text(vague) and "vague" in time_text(vague)


def test_a_count_of_people_is_shown_with_what_befell_them() -> None:
    """A casualties claim counts people and says in its word what befell them ("مقتل 26
    شخصا" and "26 قتيلا" alike): its slots show the kind, not a bare head count."""
    dead = Quantity(value=26, low=26, high=26, unit="people")
    killed = _claim(quantity=dead).model_copy(
        update={"event": "casualties", "event_word": "killed"}
    )
    hurt = killed.model_copy(update={"event_word": "injured"})
    assert slots_ar(killed)["quantity"] == "26 قتيلاً"
    assert slots_ar(hurt)["quantity"] == "26 جريحاً"
    assert slots_text(killed)["quantity"] == "26 killed"
    victims = killed.model_copy(update={"event_word": "casualties"})  # no kind: people
    assert slots_ar(victims)["quantity"] == "26 شخصاً"


def test_the_place_a_withdrawal_left_empty_says_so_not_zero() -> None:
    """A presence of 0 the extractor derives from a completed withdrawal reads as no one
    left, with why, in both languages (and in a finding's compared value)."""
    empty = _claim(quantity=Quantity(value=0, low=0, high=0)).model_copy(
        update={"event": "troop_presence", "inherited": {"derived_from": "withdrawal"}}
    )
    assert slots_text(empty)["quantity"] == "none remain (withdrawal completed)"
    assert slots_ar(empty)["quantity"] == "لا أحد باقٍ (اكتمل الانسحاب)"
    names = ArabicNames([empty])
    assert compared_ar("quantity", "0 (withdrawal completed)", empty, names) == (
        "لا أحد باقٍ (اكتمل الانسحاب)"
    )


def test_a_report_has_one_shape_from_the_store_to_the_file(tmp_path: Path) -> None:
    """build_report gives the model; report.json is its JSON form."""
    with Store(tmp_path / "c.db") as store:
        report = build_report(store)
    assert isinstance(report, Report) and report.delta is None
    assert isinstance(report.generated_at, datetime)
    assert report.model_dump(mode="json")["delta"] is None


def test_a_bearing_reads_as_words_in_both_languages() -> None:
    """Where a report situates a place: "east of Sudan" / "شرق السودان", on the compared
    value, the claim's slots and the fact's label."""
    kassala = Entity(
        kind="place",
        key="kassala",
        label="Kassala",
        surface="كسلا",
        ancestors=["sudan"],
        bearing=Bearing(direction="E", reference="sudan", reference_label="Sudan"),
    )
    words = "اجتاحت السيول ولاية كسلا شرقي السودان"
    span = Span(start=0, end=len(words), text=words)
    flood = Claim(
        article_id="a",
        sentence=span,
        evidence=span,
        quote=words,
        event="other",
        event_word="flood",
        location=kassala,
    )
    names = ArabicNames([flood])
    assert sem.describe_bearing(kassala, load_labels()) == "east of Sudan"
    assert compared_ar("location.bearing", "east of Sudan", flood, names) == "شرق السودان"
    assert slots_text(flood)["location"] == "Kassala (east of Sudan)"
    assert slots_ar(flood, names)["location"] == "كسلا (شرق السودان)"
    fact = "bearing|place:kassala|of:sudan"
    assert fact_label_ar(fact, names) == "موقع كسلا بالنسبة إلى السودان"
    fact = "bearing|place:*|of:sudan"
    assert fact_label_ar(fact, names) == "موقع مكان الحدث بالنسبة إلى السودان"
