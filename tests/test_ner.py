"""The shipped statistical NER model (claims.ner): packaging, loading, offsets, and names
it never saw in training.

The sentences below were written for these tests (other stories and phrasings than the
demo articles); each name a test asserts on was checked to be absent from the training
corpora (ANERcorp, NewsFANE, WikiFANE, AQMAR, Wojood). docs/ner-model.md lists every
sentence written, including those the model gets wrong.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from importlib import resources

import pycrfsuite
import pytest
import spacy

from claims import ner
from claims.normalize import normalize, normalize_with_map

MAX_MODEL_BYTES = 25 * 1024 * 1024
# The conjunctions, prepositions and article the consistency pass strips (as the model).
PROCLITICS = ("وال", "بال", "ال", "و", "ب", "ل")


def _entities(text: str) -> set[tuple[str, str]]:
    norm = normalize(text)
    return {(norm[s:e], label) for s, e, label in ner.find_named_entities(norm)}


def test_model_is_package_data_and_small() -> None:
    root = resources.files("claims").joinpath("ner_model")
    for name in (ner.MODEL_FILE, ner.AUXILIARY_FILE, ner.RESOURCES_FILE, "meta.json",
                 "LICENSE.md"):
        assert root.joinpath(name).is_file(), name
    files = [p for p in root.rglob("*") if p.is_file()]  # type: ignore[attr-defined]
    assert sum(p.stat().st_size for p in files) < MAX_MODEL_BYTES


def test_loads_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the NER model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    # A fresh load in this test only; monkeypatch restores the shared instance afterwards.
    monkeypatch.setattr(ner, "_model", None)
    model = ner.load_model()
    assert set(model.labels) == set(ner.LABELS)
    assert model.spans(["قال", "الرئيس", "جورج", "بوش", "في", "واشنطن", "."])


def test_loaded_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    first = ner.load_model()

    def no_reload(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was loaded a second time")

    monkeypatch.setattr(ner, "load_dir", no_reload)
    monkeypatch.setattr(pycrfsuite, "Tagger", no_reload)
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
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A minister with an invented surname.
        (
            "قال الوزير هشام الزعبلاوي إن الحكومة ستعيد فتح المعابر خلال أيام.",
            ("هشام الزعبلاوي", "PER"),
        ),
        # An earthquake in an invented town.
        (
            "ضرب زلزال بقوة 5.8 درجات بلدة تل الريحان في ولاية قونية التركية فجر الأحد.",
            ("تل الريحان", "LOC"),
        ),
        # A flood near a real Darfur town that no training corpus mentions.
        ("غمرت السيول قرية الحميدات الشرقية قرب مدينة زالنجي بعد أمطار غزيرة.", ("زالنجي", "LOC")),
        # A military spokesman, invented.
        (
            "وأكد المتحدث باسم الجيش العقيد نادر الشهوان أن القوات انسحبت من قاعدة الصفصاف.",
            ("نادر الشهوان", "PER"),
        ),
        # A head of state whose surname is in no training corpus.
        ("واستقبل الرئيس الغاني جون ماهاما في أكرا وفدا من البنك الدولي.", ("جون ماهاما", "PER")),
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


# --------------------------------------------------------------------------- in extraction
#
# The extraction pipeline runs cc_ner after cc_entities, on the sentences that hold an event
# trigger candidate and no place the gazetteer resolved. Sentences below: a troop movement
# to an Angolan town (in no gazetteer), a withdrawal from a listed city, a weather line.

_UNKNOWN_TOWN = "وصلت قوة عسكرية إلى كاسينغا مساء الخميس."
_KNOWN_CITY = "وانسحبت القوات من مدينة الموصل بعد أسبوع."
_NO_TRIGGER = "وكان الطقس باردا طوال اليوم."


@pytest.fixture(scope="module")
def ner_pipeline() -> spacy.language.Language:
    from claims.pipeline import PipelineSettings, build_pipeline

    return build_pipeline(PipelineSettings(use_ner=True))


def _run(nlp: spacy.language.Language, text: str) -> spacy.tokens.Doc:
    from claims.tokenizer import seed_text

    norm = normalize(text)
    doc = nlp.make_doc(norm)
    seed_text(doc, norm)
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sentences the model tags, as text (tokens joined by spaces)."""
    seen: list[str] = []
    real = ner.NerModel.tag

    def record(self: ner.NerModel, words: list[str]) -> list[str]:
        seen.append(" ".join(words))
        return real(self, words)

    monkeypatch.setattr(ner.NerModel, "tag", record)
    return seen


def _words(text: str) -> str:
    return " ".join(t.text for t in spacy.blank("ar")(normalize(text)) if t.text.strip())


def test_ner_runs_after_the_gazetteer_and_before_its_readers(
    ner_pipeline: spacy.language.Language,
) -> None:
    names = ner_pipeline.pipe_names
    assert names.index("cc_entities") < names.index("cc_ner") < names.index("cc_attribution")
    assert names.index("cc_ner") < names.index("cc_events")


def test_gated_model_reads_only_trigger_sentences_without_a_resolved_place(
    ner_pipeline: spacy.language.Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _recording(monkeypatch)
    text = " ".join([_UNKNOWN_TOWN, _KNOWN_CITY, _NO_TRIGGER])
    doc = _run(ner_pipeline, text)
    # One sentence tagged: the troop-movement sentence, not the whole doc.
    assert seen == [_words(_UNKNOWN_TOWN)]
    first_end = len(normalize(_UNKNOWN_TOWN))
    for span in doc.spans["ner"]:
        # Offsets are in the whole doc; nothing comes from the other two sentences.
        assert span.end_char <= first_end
        assert span.text == doc.text[span.start_char : span.end_char]
    # The model never reads the sentence whose place the gazetteer resolved.
    mosul = [m for m in doc.user_data["cc_entities"] if m.key == "mosul"]
    assert len(mosul) == 1 and mosul[0].source == "gazetteer"


def test_whole_doc_mode_still_available(
    ner_pipeline: spacy.language.Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    component = ner_pipeline.get_pipe("cc_ner")
    assert isinstance(component, ner.NamedEntityComponent)
    seen = _recording(monkeypatch)
    monkeypatch.setattr(component, "gated", False)
    text = " ".join([_UNKNOWN_TOWN, _NO_TRIGGER])
    _run(ner_pipeline, text)
    # Every sentence of the doc, each on its own.
    assert seen == [_words(_UNKNOWN_TOWN), _words(_NO_TRIGGER)]


def test_no_model_call_when_every_trigger_sentence_has_a_known_place(
    ner_pipeline: spacy.language.Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _recording(monkeypatch)
    doc = _run(ner_pipeline, " ".join([_KNOWN_CITY, _NO_TRIGGER]))
    # No text at all reached the model.
    assert not seen and list(doc.spans["ner"]) == []


@pytest.mark.parametrize(
    "sentence",
    [
        _UNKNOWN_TOWN,  # no trigger noun before the name: the model's LOC
        "وصلت قوة إلى بلدة كاسينغا جنوب البلاد.",  # after "بلدة": the name pattern
    ],
)
def test_unknown_town_is_a_place_without_key_or_ancestors(
    ner_pipeline: spacy.language.Language, sentence: str
) -> None:
    from datetime import date

    from claims.assemble import Assembler
    from claims.model import Article
    from claims.pipeline import claims_with

    article = Article.from_text("angola.txt", sentence, published=date(2024, 3, 7))
    claims = claims_with(ner_pipeline, Assembler(), article)
    places = [e for c in claims for e in [c.location, *c.destinations] if e is not None]
    town = [e for e in places if e.surface == normalize("كاسينغا")]
    assert town, [c.model_dump() for c in claims]
    for entity in town:
        assert entity.source in ("ner", "pattern")
        assert entity.key is None and entity.ancestors == [] and entity.kind == "place"
        # Offsets are into the original text.
        assert entity.span is not None
        assert sentence[entity.span.start : entity.span.end] == "كاسينغا"


def test_ner_name_drops_a_proclitic_only_when_the_rest_is_surely_a_word(
    ner_pipeline: spacy.language.Language,
) -> None:
    from claims.entities import EntitiesComponent, add_ner_mentions

    entities = ner_pipeline.get_pipe("cc_entities")
    assert isinstance(entities, EntitiesComponent)

    def mentions(text: str, spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
        norm = normalize(text)
        doc = _run_until(ner_pipeline, norm, "cc_ner")
        ner_spans = []
        for surface, label in spans:
            start = norm.index(normalize(surface))
            span = doc.char_span(start, start + len(normalize(surface)), label=label)
            assert span is not None
            ner_spans.append(span)
        doc.spans["ner"] = ner_spans
        added = add_ner_mentions(doc, entities.gaz)
        return [(m.surface, m.source) for m in added]

    # "كاسينغا" stands bare earlier in the article: "و" is the conjunction.
    assert mentions(
        "دخلت القوات كاسينغا صباحا. وانسحبت لاحقا من ماتالا وكاسينغا.",
        [("وكاسينغا", "LOC")],
    ) == [(normalize("كاسينغا"), "ner")]
    # A definite name: the proclitic before the article goes ("وبالمحاريق").
    assert mentions("تمركزت القوات وبالمحاريق", [("وبالمحاريق", "LOC")]) == [
        (normalize("المحاريق"), "ner")
    ]
    # Nothing shows that "و" is a clitic here: the name keeps it (many names start so).
    assert mentions("وصلت الشاحنات إلى وهدان", [("وهدان", "LOC")]) == [(normalize("وهدان"), "ner")]


def _run_until(nlp: spacy.language.Language, norm: str, stop: str) -> spacy.tokens.Doc:
    from claims.tokenizer import seed_text

    doc = nlp.make_doc(norm)
    seed_text(doc, norm)
    for name, component in nlp.pipeline:
        if name == stop:
            break
        doc = component(doc)
    return doc


# --------------------------------------------------------------------------- consistency


def test_a_name_tagged_once_is_a_name_where_it_recurs() -> None:
    sentences = [
        ["وصل", "وزير", "الدفاع", "دونالد", "رامسفيلد", "الى", "كابول", "."],
        ["وقال", "رامسفيلد", "ان", "القوات", "باقية", "."],
        ["وعاد", "الى", "كابول", "امس", "."],
    ]
    spans = [[(3, 5, "PER"), (6, 7, "LOC")], [], []]
    out = ner.consistent(sentences, spans, PROCLITICS)
    assert out[0] == spans[0]
    # The surname alone is not a name the model tagged: nothing is guessed for it.
    assert out[1] == []
    # The place recurs as it was tagged, with a proclitic or without.
    assert out[2] == [(2, 3, "LOC")]
    sentences[1][1] = "ورامسفيلد"
    spans[0].append((4, 5, "PER"))  # as if also tagged alone
    assert ner.consistent(sentences, spans, PROCLITICS)[1] == [(1, 2, "PER")]


def test_consistency_never_overrides_the_model_or_carries_short_words() -> None:
    sentences = [["زار", "بان", "كي", "مون", "جوبا", "."], ["وقال", "مون", "كي", "يعود", "."]]
    # "كي" (a two-letter word) tagged inside a name is not carried on its own.
    spans = [[(1, 4, "PER"), (2, 3, "PER")], [(1, 2, "LOC")]]
    out = ner.consistent(sentences, spans, PROCLITICS)
    assert out[1] == [(1, 2, "LOC")]
    assert out[0] == sorted(spans[0])


def test_find_named_entities_is_consistent_across_the_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The model's output is replaced, to show what the text-level pass adds: the bank is
    # tagged in the first sentence only.
    def spans(self: ner.NerModel, words: list[str]) -> list[tuple[int, int, str]]:
        return [(1, 3, "ORG")] if words[:1] == ["اعلن"] else []

    monkeypatch.setattr(ner.NerModel, "spans", spans)
    text = normalize("اعلن بنك كوروفا ارباحه. وقال متحدث إن بنك كوروفا سيوسع فروعه.")
    found = [(text[s:e], label) for s, e, label in ner.find_named_entities(text)]
    assert found.count((normalize("بنك كوروفا"), "ORG")) == 2


def test_bio_spans_reads_bio_and_stray_inside_tags() -> None:
    assert ner.bio_spans(["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "B-ORG"]) == [
        (0, 2, "PER"), (3, 4, "LOC"), (4, 5, "ORG"), (5, 6, "ORG")]
    assert ner.bio_spans(["B-PER", "I-LOC"]) == [(0, 1, "PER"), (1, 2, "LOC")]
    assert ner.bio_spans([]) == []
