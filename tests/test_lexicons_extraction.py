"""The extraction data files: each validates against its schema, every Arabic entry is
already normalised (an unnormalised entry can never match normalised text), and the
expanded lexicons have no two readings of one surface form."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest
import spacy
import yaml
from pydantic import BaseModel, ValidationError
from spacy.matcher import Matcher

from claims.attribution import AttributionFile, AttributionLexicon, load_attribution
from claims.entities import Gazetteer, GazetteerFile, load_gazetteer
from claims.events import EventLexicon, EventsFile, load_events
from claims.normalize import is_normalized
from claims.sentences import load_patterns
from claims.tokenizer import MorphologyFile, load_morphology

YAML_FILES: dict[str, type[BaseModel]] = {
    "lexicon/ar/gazetteer.yaml": GazetteerFile,
    "lexicon/ar/events.yaml": EventsFile,
    "lexicon/ar/attribution.yaml": AttributionFile,
    "lexicon/ar/morphology.yaml": MorphologyFile,
}
PATTERN_FILES = ["patterns/clauses.jsonl", "patterns/presence.jsonl", "patterns/modality.jsonl"]
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def _raw(relative: str) -> Any:
    text = resources.files("claims").joinpath(relative).read_text(encoding="utf-8")
    if relative.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return yaml.safe_load(text)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("relative", [*YAML_FILES, *PATTERN_FILES])
def test_every_arabic_entry_is_normalised(relative: str) -> None:
    bad = [s for s in _strings(_raw(relative)) if _ARABIC.search(s) and not is_normalized(s)]
    assert not bad, f"{relative}: not normalised: {bad[:10]}"


@pytest.mark.parametrize(("relative", "schema"), list(YAML_FILES.items()))
def test_yaml_files_validate(relative: str, schema: type[BaseModel]) -> None:
    schema.model_validate(_raw(relative))


@pytest.mark.parametrize(("relative", "schema"), list(YAML_FILES.items()))
def test_schemas_reject_unknown_keys(relative: str, schema: type[BaseModel]) -> None:
    """A typo in a key fails loudly instead of being ignored."""
    raw = _raw(relative)
    raw["unexpected_key"] = []
    with pytest.raises(ValidationError):
        schema.model_validate(raw)


@pytest.mark.parametrize("relative", PATTERN_FILES)
def test_patterns_load_into_a_matcher(relative: str) -> None:
    matcher = Matcher(spacy.blank("ar").vocab, validate=True)
    for pattern in load_patterns(relative):
        matcher.add(pattern.id, [pattern.pattern])
    assert len(matcher) > 0


def test_gazetteer_rejects_dangling_references() -> None:
    raw = _raw("lexicon/ar/gazetteer.yaml")
    raw["places"][0] = {**raw["places"][0], "parent": "atlantis", "capital": "nowhere"}
    with pytest.raises(ValidationError) as err:
        GazetteerFile.model_validate(raw)
    # both problems reported at once
    assert "atlantis" in str(err.value) and "nowhere" in str(err.value)


def test_gazetteer_containment_chains() -> None:
    gaz = Gazetteer(load_gazetteer(), load_morphology())
    assert gaz.ancestors("ain_al_asad") == ["anbar", "iraq"]
    assert gaz.ancestors("erbil") == ["kurdistan_region", "iraq"]
    assert gaz.ancestors("victory_base")[-2:] == ["baghdad", "iraq"]
    assert gaz.ancestors("iraq") == []


def test_gazetteer_covers_the_region() -> None:
    """All Arab League states plus the neighbours and powers news reports name."""
    keys = {p.key for p in load_gazetteer().places}
    arab_states = {
        "iraq",
        "syria",
        "lebanon",
        "jordan",
        "palestine",
        "egypt",
        "saudi_arabia",
        "kuwait",
        "qatar",
        "uae",
        "bahrain",
        "oman",
        "yemen",
        "libya",
        "tunisia",
        "algeria",
        "morocco",
        "sudan",
        "mauritania",
        "somalia",
        "djibouti",
        "comoros",
    }
    others = {"iran", "turkey", "israel", "usa", "russia"}
    assert arab_states | others <= keys
    provinces = {p.key for p in load_gazetteer().places if p.type == "province"}
    assert {
        "anbar",
        "nineveh",
        "basra",
        "erbil",
        "kirkuk",
        "aleppo",
        "idlib",
        "hasakah",
    } <= provinces


def test_labels_are_unique_per_kind() -> None:
    """Two places with one English label could not be told apart in a report."""
    data = load_gazetteer()
    labels = [p.label for p in data.places]
    assert len(labels) == len(set(labels))


def test_events_cover_every_event_type() -> None:
    data = load_events()
    covered = {g.event for g in data.triggers}
    assert covered == {
        "withdrawal",
        "convoy_departure",
        "base_closure",
        "handover",
        "relocation",
        "attack",
        "agreement",
        "troop_presence",
        "casualties",
        "other",
    }


def test_expanded_lexicons_have_no_conflicting_readings() -> None:
    """Clitic expansion must not give one surface form two meanings (the first would
    silently win)."""
    morph = load_morphology()
    lexicons = [
        *vars(Gazetteer(load_gazetteer(), morph)).values(),
        *vars(EventLexicon(load_events(), morph)).values(),
        *vars(AttributionLexicon(load_attribution(), morph)).values(),
    ]
    conflicts = {lex.name: lex.conflicts[:5] for lex in lexicons if getattr(lex, "conflicts", None)}
    assert not conflicts
