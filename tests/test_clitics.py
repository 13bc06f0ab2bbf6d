"""The clitics are written once, in lexicon/ar/morphology.yaml: the lexicon expansion, the
tokenizer and the regexes of the time, number and quantity taggers derive theirs from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from claims.clitics import clitics, clusters, from_morphology, one_of
from claims.lexicon.schemas import MorphologyFile
from claims.normalize import normalize
from claims.numbers import find_numbers
from claims.time import find_times
from claims.tokenizer import load_morphology

CLAIMS = Path(__file__).resolve().parent.parent / "claims"


def test_the_groups_come_from_the_morphology_file() -> None:
    morph = load_morphology()
    c = clitics()
    assert c.conjunctions == tuple(morph.conjunctions)
    assert morph.comparative_preposition not in c.temporal
    assert set(c.temporal) | {morph.comparative_preposition} == set(morph.prepositions)
    assert morph.contracting_preposition not in c.plain
    assert c.definite(["", c.contracting, c.conjunctions[0]]) == [
        c.article,
        c.contracted,
        c.conjunctions[0] + c.article,
    ]
    assert c.with_contracted([c.article + "عام"]) == [c.article + "عام", c.contracted + "عام"]
    assert set(c.proclitics) == set(morph.proclitics)
    assert len(c.proclitics[0]) >= len(c.proclitics[-1])  # longest first


def test_another_file_gives_other_groups() -> None:
    """Nothing is typed twice: a preposition named comparative in the file is left out of
    the temporal ones, whatever letter it is."""
    data = load_morphology().model_dump()
    changed = from_morphology(MorphologyFile(**{**data, "comparative_preposition": "ب"}))
    assert "ب" not in changed.temporal and "ك" in changed.temporal


def test_an_inconsistent_morphology_file_is_refused() -> None:
    data = load_morphology().model_dump()
    with pytest.raises(ValidationError, match="comparative_preposition"):
        MorphologyFile(**{**data, "comparative_preposition": "س"})
    with pytest.raises(ValidationError, match="proclitic"):
        MorphologyFile(**{**data, "proclitics": [*data["proclitics"], "سو"]})


def test_regex_pieces() -> None:
    assert one_of(["ب"]) == "ب" and one_of(["و", "ف"]) == "[وف]"
    assert clusters(["و"], ["ب", "ل"]) == ["", "و", "ب", "ل", "وب", "ول"]


def test_no_tagger_types_a_class_of_clitic_letters() -> None:
    """Regex classes or alternations of proclitic letters are built from the file."""
    letters = "".join(sorted({*load_morphology().conjunctions, *load_morphology().prepositions}))
    typed = re.compile(rf"\[[{letters}]{{2,}}\]|\(\?:[{letters}]{{1,3}}\|")
    for path in sorted(CLAIMS.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not typed.search(line), f"{path.name}:{number}: {line.strip()}"


@pytest.mark.parametrize("text", ["بالعام 2020", "وبالعام 2020", "فبعام 2020", "للعام 2021"])
def test_a_year_word_takes_every_clitic_cluster_of_the_file(text: str) -> None:
    """One definition means one behaviour: "ف" is a conjunction as "و" is, so "وبالعام
    2020" and "فبعام 2020" are years as "بالعام 2020" is."""
    (value,) = find_times(normalize(text))
    assert value.value == text[-4:] and value.granularity == "year"


def test_digits_after_the_article_and_its_clitics_are_numbers() -> None:
    assert [n.value for n in find_numbers(normalize("بال2020 وبال2021"))] == [2020, 2021]

