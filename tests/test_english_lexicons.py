"""The English data files: each validates against its schema (and a misspelt key fails),
every entry is already in the English normal form, and the English vocabulary speaks the
same language-neutral values as the Arabic one (units, event types and words, gazetteer
keys), so that claims from both can be compared."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from claims.en.attribution import ATTRIBUTION_FILE, EnglishAttributionFile
from claims.en.events import EVENTS_FILE, EnglishEventsFile, load_english_events
from claims.en.normalize import is_normalized
from claims.entities import load_gazetteer
from claims.events import load_events
from claims.languages import supported_languages
from claims.lexicon.schemas import (
    EN_LEXICON_FILES,
    LANGUAGES_FILE,
    LanguagesFile,
    en_units_lexicon,
    units_lexicon,
)
from claims.pipeline import LANGUAGES
from claims.resources import _read, load_yaml
from claims.sentences import load_patterns

FILES: dict[str, type[BaseModel]] = {
    **EN_LEXICON_FILES,
    EVENTS_FILE: EnglishEventsFile,
    ATTRIBUTION_FILE: EnglishAttributionFile,
    LANGUAGES_FILE: LanguagesFile,
}
PATTERN_FILES = ["patterns/en/clauses.jsonl", "patterns/en/presence.jsonl"]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, BaseModel):
        return [s for name in type(value).model_fields for s in _strings(getattr(value, name))]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("relative", sorted(FILES))
def test_file_validates(relative: str) -> None:
    assert isinstance(load_yaml(relative, FILES[relative]), BaseModel)


@pytest.mark.parametrize("relative", sorted(FILES))
def test_schema_rejects_unknown_keys(relative: str) -> None:
    raw = yaml.safe_load(_read(relative))
    raw["misspelt_key"] = []
    with pytest.raises(ValueError):
        FILES[relative].model_validate(raw)


@pytest.mark.parametrize("relative", sorted(FILES))
def test_every_entry_is_normalised(relative: str) -> None:
    """An entry with a curly quote or a no-break space could never match the normalised
    text the English pipeline reads."""
    bad = [s for s in _strings(load_yaml(relative, FILES[relative])) if not is_normalized(s)]
    assert bad == []


@pytest.mark.parametrize("relative", PATTERN_FILES)
def test_patterns_load(relative: str) -> None:
    assert load_patterns(relative)


def test_english_units_are_units_the_arabic_file_knows() -> None:
    """"100 troops" and "100 جندي" must carry one unit name, or no rule compares them."""
    arabic = {u.unit for u in units_lexicon().units}
    english = {u.unit for u in en_units_lexicon().units}
    assert english <= arabic, sorted(english - arabic)


def test_english_unit_forms_are_unambiguous() -> None:
    meanings: dict[str, set[str]] = defaultdict(set)
    for entry in en_units_lexicon().units:
        for form in entry.forms:
            meanings[form.lower()].add(entry.unit)
    assert {f: m for f, m in meanings.items() if len(m) > 1} == {}


def test_english_events_speak_the_arabic_event_words() -> None:
    """Every event type and `word` of the English lexicon exists in the Arabic one (an
    "other" event is only compared with one of the same word)."""
    arabic = {(g.event, g.word) for g in load_events().triggers}
    english = {(g.event, g.word) for g in load_english_events().triggers}
    assert english <= arabic, sorted(english - arabic)
    assert {e for e, _ in english} == {e for e, _ in arabic}


def test_english_trigger_forms_have_one_reading() -> None:
    readings: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for group in load_english_events().triggers:
        for form in [*group.nouns, *group.past, *group.present, *group.participles]:
            readings[form.lower()].add((group.event, group.word))
    assert {f: r for f, r in readings.items() if len(r) > 1} == {}


def test_gazetteer_english_names_name_one_entry_each() -> None:
    """An English name resolves to one gazetteer key, as an Arabic alias does."""
    data = load_gazetteer()
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in [*data.places, *data.actors]:
        for name in entry.names.get("en", []):
            owners[name.lower()].add(entry.key)
            assert is_normalized(name), name
    assert {n: k for n, k in owners.items() if len(k) > 1} == {}
    assert len(owners) > 800


def test_gazetteer_names_are_keyed_by_a_supported_language() -> None:
    data = load_gazetteer()
    languages = {lang for e in [*data.places, *data.actors] for lang in e.names}
    assert languages <= set(supported_languages()) - {"ar"}


def test_english_demonyms_name_gazetteer_places() -> None:
    from claims.lexicon.schemas import en_entities_lexicon

    places = {p.key for p in load_gazetteer().places}
    assert set(en_entities_lexicon().demonyms) <= places


def test_every_supported_language_has_a_pipeline() -> None:
    assert set(supported_languages()) == set(LANGUAGES)
