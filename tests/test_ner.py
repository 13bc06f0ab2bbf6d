"""The shipped statistical NER model (claims.ner): packaging, loading, offsets, and names
it never saw in training.

The sentences below were written for these tests (other stories and phrasings than the
demo articles); each name a test asserts on was checked to be absent from the training
corpora (ANERcorp, NewsFANE, WikiFANE). docs/ner-model.md lists every sentence written,
including those the model gets wrong.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from importlib import resources

import pytest
import spacy
from spacy.pipeline import EntityRecognizer

from claims import ner
from claims.normalize import normalize, normalize_with_map

MAX_MODEL_BYTES = 25 * 1024 * 1024


def _entities(text: str) -> set[tuple[str, str]]:
    norm = normalize(text)
    return {(norm[s:e], label) for s, e, label in ner.find_named_entities(norm)}


def test_model_is_package_data_and_small() -> None:
    root = resources.files("claims").joinpath("ner_model")
    assert root.joinpath("config.cfg").is_file()
    assert root.joinpath("meta.json").is_file()
    files = [p for p in root.rglob("*") if p.is_file()]  # type: ignore[attr-defined]
    assert sum(p.stat().st_size for p in files) < MAX_MODEL_BYTES


def test_loads_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the NER model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    # A fresh load in this test only; monkeypatch restores the shared instance afterwards.
    monkeypatch.setattr(ner, "_nlp", None)
    nlp = ner.load_model()
    assert nlp.pipe_names == ["tok2vec", "ner"]
    recognizer = nlp.get_pipe("ner")
    assert isinstance(recognizer, EntityRecognizer)
    assert set(recognizer.labels) == set(ner.LABELS)


def test_loaded_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    first = ner.load_model()

    def no_reload(*args: object, **kwargs: object) -> None:
        raise AssertionError("spacy.load called a second time")

    monkeypatch.setattr(spacy, "load", no_reload)
    assert ner.load_model() is first
    ner.find_named_entities(normalize("وصل الوفد الى بيروت امس."))
    assert ner.load_model() is first


def test_factory_registered_only_by_importing_claims_ner() -> None:
    code = (
        "import spacy, claims.normalize\n"
        "from spacy.language import Language\n"
        "before = Language.has_factory('cc_ner')\n"
        "import claims.ner\n"
        "print(before, Language.has_factory('cc_ner'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A minister with an invented surname.
        ("قال الوزير هشام الزعبلاوي إن الحكومة ستعيد فتح المعابر خلال أيام.",
         ("هشام الزعبلاوي", "PER")),
        # An earthquake in an invented town.
        ("ضرب زلزال بقوة 5.8 درجات بلدة تل الريحان في ولاية قونية التركية فجر الأحد.",
         ("تل الريحان", "LOC")),
        # A flood near a real Darfur town that no training corpus mentions.
        ("غمرت السيول قرية الحميدات الشرقية قرب مدينة زالنجي بعد أمطار غزيرة.",
         ("زالنجي", "LOC")),
        # A military spokesman, invented.
        ("وأكد المتحدث باسم الجيش العقيد نادر الشهوان أن القوات انسحبت من قاعدة الصفصاف.",
         ("نادر الشهوان", "PER")),
        # A head of state whose surname is in no training corpus.
        ("واستقبل الرئيس الغاني جون ماهاما في أكرا وفدا من البنك الدولي.",
         ("جون ماهاما", "PER")),
    ],
)
def test_recognises_unseen_names(sentence: str, expected: tuple[str, str]) -> None:
    name, label = expected
    found = _entities(sentence)
    assert (normalize(name), label) in found, found


def test_recognises_an_unseen_company() -> None:
    found = _entities("أعلنت شركة بترونوفا الكندية عن اكتشاف حقل غاز جديد قبالة السواحل.")
    # The span may include the head noun ("شركة بترونوفا"), as in the training data.
    assert any("بترونوفا" in text and label == "ORG" for text, label in found), found


def test_does_not_tag_a_sentence_without_names() -> None:
    assert _entities("ارتفعت درجات الحرارة امس وهطلت امطار خفيفة على المرتفعات.") == set()


def test_empty_and_blank_text() -> None:
    assert ner.find_named_entities("") == []
    assert ner.find_named_entities("  \n ") == []


def test_offsets_are_into_normalised_text_and_map_back() -> None:
    original = "وَقالَ المُتَحَدِّثُ باسمِ الحكومةِ هشام الزعبلاوي إنّ الوفدَ وصلَ إلى بيروت."
    mapped = normalize_with_map(original)
    found = ner.find_named_entities(mapped.text)
    assert found, "expected at least one entity"
    for start, end, label in found:
        assert label in ner.LABELS
        surface = mapped.text[start:end]
        assert surface == surface.strip() and surface
        # Back in the original text the span still holds the same letters.
        assert normalize(mapped.original_slice(start, end)) == surface


def test_component_writes_spans_with_char_offsets() -> None:
    text = normalize("واستقبل رئيس البلدية سليم طراف في بلدة كفر دبيان وفدا من الصليب الأحمر.")
    nlp = spacy.blank("ar")
    nlp.add_pipe("cc_ner")
    doc = nlp(text)
    spans = doc.spans["ner"]
    expected = ner.find_named_entities(text)
    assert expected, "expected at least one entity"
    assert [(s.start_char, s.end_char, s.label_) for s in spans] == expected
    for span in spans:
        assert span.text == text[span.start_char : span.end_char]
