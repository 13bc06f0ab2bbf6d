"""The time, number, unit and quantity-bound lexicons: each validates, every Arabic entry is
already normalised (an entry that is not can never match normalised text), and no word maps
to two meanings."""

from __future__ import annotations

from collections import defaultdict

import pytest
import yaml
from pydantic import BaseModel

from claims.lexicon.schemas import (
    LEXICON_FILES,
    UnitsLexicon,
    arabic_strings,
    en_time_lexicon,
    en_units_lexicon,
    numbers_lexicon,
    time_lexicon,
    units_lexicon,
)
from claims.normalize import is_normalized
from claims.resources import DataFileError, _read, load_yaml


@pytest.mark.parametrize("relative", sorted(LEXICON_FILES))
def test_file_validates(relative: str) -> None:
    loaded = load_yaml(relative, LEXICON_FILES[relative])
    assert isinstance(loaded, BaseModel)


@pytest.mark.parametrize("relative", sorted(LEXICON_FILES))
def test_every_entry_is_normalised(relative: str) -> None:
    loaded = load_yaml(relative, LEXICON_FILES[relative])
    bad = [s for s in arabic_strings(loaded) if not is_normalized(s)]
    assert bad == []


@pytest.mark.parametrize("relative", sorted(LEXICON_FILES))
def test_schema_rejects_unknown_keys(relative: str) -> None:
    schema = LEXICON_FILES[relative]
    raw = yaml.safe_load(_read(relative))
    raw["misspelt_key"] = []
    with pytest.raises(ValueError):
        schema.model_validate(raw)


def test_missing_file_fails_loudly() -> None:
    with pytest.raises(DataFileError):
        load_yaml("lexicon/ar/no_such_file.yaml", LEXICON_FILES["lexicon/ar/units.yaml"])


def test_unit_forms_are_unambiguous() -> None:
    meanings: dict[str, set[str]] = defaultdict(set)
    for entry in units_lexicon().units:
        forms = [*entry.forms, *entry.dual]
        assert len(forms) == len(set(forms)), f"{entry.unit} lists a form twice"
        for form in forms:
            meanings[form].add(entry.unit)
    for duration in time_lexicon().durations:
        for form in [*duration.singular, *duration.dual, *duration.plural]:
            meanings[form].add(duration.unit)
    assert {f: u for f, u in meanings.items() if len(u) > 1} == {}


def test_month_and_weekday_names_are_unambiguous() -> None:
    lex = time_lexicon()
    months: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for month in lex.months:
        for name in month.names:
            months[name].add((month.number, month.calendar))
    assert {n: m for n, m in months.items() if len(m) > 1} == {}
    weekday_names = [n for w in lex.weekdays for n in w.names]
    assert len(weekday_names) == len(set(weekday_names))


def test_both_month_systems_are_present() -> None:
    names = {n for m in time_lexicon().months for n in m.names}
    for name in [
        "يناير",
        "كانون الثاني",
        "شباط",
        "اذار",
        "نيسان",
        "ايار",
        "حزيران",
        "تموز",
        "اب",
        "ايلول",
        "تشرين الاول",
        "تشرين الثاني",
        "كانون الاول",
        "ديسمبر",
        "رمضان",
    ]:
        assert name in names


def test_vague_ranges_match_the_gold_format() -> None:
    """GOLD-FORMAT: "hundreds" is roughly 200..999."""
    ranges = {f: (v.low, v.high) for v in numbers_lexicon().vague for f in v.forms}
    assert ranges["مئات"] == (200, 999)
    assert ranges["عشرات"] == (20, 99)
    assert ranges["الاف"] == (2000, 9999)
    assert ranges["عدد قليل من"] == (1, None)


def test_aspects_and_holders_name_only_listed_units() -> None:
    """A typo in an aspect's unit would silently never fire: it fails at load instead."""
    raw = yaml.safe_load(_read("lexicon/ar/units.yaml"))
    raw["aspects"][0]["units"] = ["degres"]
    with pytest.raises(ValueError, match="degres"):
        UnitsLexicon.model_validate(raw)
    raw = yaml.safe_load(_read("lexicon/ar/units.yaml"))
    raw["holders"]["units"].append("seat")
    with pytest.raises(ValueError, match="seat"):
        UnitsLexicon.model_validate(raw)


def test_both_languages_name_the_same_kinds_of_amount() -> None:
    """An English and an Arabic report of one turnout or one list's seats meet in one fact
    only if both lexicons use the same aspect names and mark the same units shared out or
    measured per agency."""
    ar, en = units_lexicon(), en_units_lexicon()
    assert {a.of for a in en.aspects} <= {a.of for a in ar.aspects}
    flags = {u.unit: (u.qualified, u.per_source, u.person) for u in ar.units}
    assert {u.unit: (u.qualified, u.per_source, u.person) for u in en.units if u.unit in flags} == {
        u.unit: flags[u.unit] for u in en.units if u.unit in flags
    }


def test_time_zone_forms_are_unambiguous() -> None:
    for lex in (time_lexicon(), en_time_lexicon()):
        zones: dict[str, set[str]] = defaultdict(set)
        for zone in lex.time_zones:
            for form in [*zone.forms, *zone.bare]:
                zones[form.lower()].add(zone.zone)
        assert {f: z for f, z in zones.items() if len(z) > 1} == {}
        assert {z.zone for z in lex.time_zones if z.zone == "local"} == {"local"}
        assert all(z.offset is None for z in lex.time_zones if z.zone == "local")
