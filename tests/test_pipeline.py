"""The extraction contract: one article in, claims out, every span an exact slice of the
original text; the pipeline checks at build time that each claim field has a provider."""

from __future__ import annotations

import dataclasses
import string
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import layers
from claims import pipeline as pipeline_module
from claims.assemble import Assembler
from claims.layers import Contract
from claims.model import Article, Claim, Span
from claims.pipeline import (
    EN_UNITS,
    UNITS,
    PipelineError,
    PipelineSettings,
    Unit,
    build_pipeline,
    check_pipeline,
    claims_with,
    extract_claims,
    get_pipeline,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _spans(claim: Claim) -> list[Span]:
    spans = [claim.sentence, claim.evidence]
    for entity in [*claim.actors, *claim.destinations, claim.location]:
        if entity is not None and entity.span is not None:
            spans.append(entity.span)
    for value in (claim.time, claim.quantity, claim.attribution):
        if value is not None and value.span is not None:
            spans.append(value.span)
    return spans


def _assert_spans_are_slices(article: Article, claims: list[Claim]) -> None:
    for claim in claims:
        assert claim.quote == article.text[claim.evidence.start : claim.evidence.end]
        for span in _spans(claim):
            assert 0 <= span.start <= span.end <= len(article.text)
            assert article.text[span.start : span.end] == span.text


def test_spans_point_into_the_original_text_despite_normalisation() -> None:
    """Diacritics, tatweel, Arabic-Indic digits, hamza forms and bidi marks are changed or
    removed by normalisation; claims still quote the original."""
    text = (
        "\u200fانسحبـت القواتُ الأمريكيّة مِن قاعدة عين الأسد بالأنبار يوم ١٥ سبتمبر ٢٠٢٥، "
        "ونُقل أكثرُ من ٥٠ آليةً إلى إقليم كردستان."
    )
    article = Article.from_text("messy", text)
    claims = extract_claims(article)
    _assert_spans_are_slices(article, claims)
    withdrawal = next(c for c in claims if c.event == "withdrawal")
    assert withdrawal.location is not None and withdrawal.location.label == "Ain al-Asad"
    assert withdrawal.location.surface == "عين الأسد"
    assert withdrawal.time is not None and withdrawal.time.span is not None
    assert withdrawal.time.span.text.endswith("١٥ سبتمبر ٢٠٢٥")


def test_claim_ids_are_content_addressed_and_stable() -> None:
    article = Article.from_text("a", "انسحبت القوات من قاعدة حرير في 3 آذار 2024.")
    first = extract_claims(article)
    again = extract_claims(article)
    assert [c.id for c in first] == [c.id for c in again]
    assert all(c.id.startswith("c_") for c in first)
    assert all(c.article_id == article.id for c in first)


def test_publication_date_reaches_the_time_tagger() -> None:
    article = Article.from_text("a", "انسحبت القوات من المدينة أمس.", published=date(2024, 3, 5))
    (claim,) = extract_claims(article)
    assert claim.time is not None and claim.time.value == "2024-03-04"


def _withdrawals(claims: list[Claim]) -> list[Claim]:
    """The withdrawal claims (a completed one also leaves its place empty: a presence)."""
    return [c for c in claims if c.event == "withdrawal"]


def test_a_text_without_publication_date_is_anchored_to_its_dateline() -> None:
    """The date of writing read from the text anchors relative days as a publication date
    would, says so in the value's reason, and is never the date of an event itself."""
    text = "نواكشوط - 12 يناير 2025\nأكملت القوات الفرنسية انسحابها من قاعدة في مالي أمس."
    (claim,) = _withdrawals(extract_claims(Article.from_text("a", text)))
    assert claim.time is not None and claim.time.value == "2025-01-11"
    assert claim.time.anchor == "publication" and claim.time.reason is not None
    assert "2025-01-12" in claim.time.reason and "dateline" in claim.time.reason
    assert claim.published is None  # the metadata stays what it was


def test_metadata_publication_date_wins_over_the_dateline() -> None:
    text = "نواكشوط - 12 يناير 2025\nأكملت القوات الفرنسية انسحابها من قاعدة في مالي أمس."
    (claim,) = _withdrawals(
        extract_claims(Article.from_text("a", text, published=date(2025, 1, 13)))
    )
    assert claim.time is not None and claim.time.value == "2025-01-12"
    assert claim.time.reason is None


def test_reference_date_refuses_two_different_dates() -> None:
    from claims.context import reference_date
    from claims.normalize import normalize
    from claims.time import find_times

    one = normalize("بغداد - 3 مارس 2024\nقال المتحدث اليوم الأحد 3 مارس 2024 إن ...")
    two = normalize("بغداد - 3 مارس 2024\nقال المتحدث اليوم الاثنين 4 مارس 2024 إن ...")
    found = reference_date(one, find_times(one), [])
    assert found is not None and found.day == date(2024, 3, 3)
    assert reference_date(two, find_times(two), []) is None


def _carrying() -> Assembler:
    """An assembler that carries the lead's day (off by default) as well as its place."""
    from claims.context import ContextSettings

    return Assembler(settings=ContextSettings(carry_time=True))


def test_a_title_outside_the_text_is_context_only() -> None:
    """A page or front-matter title gives the text its lead (date, place) but no claims:
    every claim still points into the text, and a carried place from the title has no
    span."""
    article = Article.from_text(
        "a.md",
        "أسفر الانفجار عن إصابة 12 عاملا بجروح.",
        title="انفجار يهز ميناء العقبة الأردني صباح الاثنين",
        published=date(2024, 7, 9),
    )
    claims = claims_with(get_pipeline(), _carrying(), article)
    _assert_spans_are_slices(article, claims)
    blast = next(c for c in claims if c.event_word == "explosion")
    assert blast.location is not None and blast.location.label == "Aqaba"
    assert blast.location.span is None and blast.location.surface == "ميناء العقبة"
    assert blast.time is not None and blast.time.value == "2024-07-08" and blast.time.span is None


def test_a_carried_day_points_at_the_words_that_gave_it() -> None:
    text = (
        "اندلع حريق في سوق بمدينة حلب يوم الخميس 13 يونيو 2024.\n\n"
        "وقالت فرق الإطفاء إنها سيطرت على النيران.\n\nوأتى الحريق على عشرات المحال."
    )
    article = Article.from_text("a", text)
    claims = claims_with(get_pipeline(), _carrying(), article)
    _assert_spans_are_slices(article, claims)
    last = [c for c in claims if c.event_word == "fire"][-1]
    assert last.inherited.get("time") == "article"
    assert last.time is not None and last.time.anchor == "context"
    assert last.time.span is not None and last.time.span.text == "يوم الخميس 13 يونيو 2024"
    assert last.time.weekday is None  # the weekday was a word of the lead, not of this claim


def test_carrying_can_be_switched_off() -> None:
    from claims.context import ContextSettings

    text = "اندلع حريق في سوق بمدينة حلب يوم الخميس 13 يونيو 2024.\n\nوأتى الحريق على المحال."
    assembler = Assembler(settings=ContextSettings(carry_time=False, carry_place=False))
    last = [c for c in claims_with(get_pipeline(), assembler, Article.from_text("a", text))][-1]
    assert last.time is None


def test_empty_and_eventless_texts_give_no_claims() -> None:
    assert extract_claims(Article.from_text("empty", "")) == []
    assert extract_claims(Article.from_text("blank", "  \n\n ")) == []


def test_pipeline_is_built_once_per_process() -> None:
    assert get_pipeline() is get_pipeline()
    assert get_pipeline().pipe_names[:2] == ["cc_sentences", "cc_times"]


def test_every_claim_field_has_a_provider() -> None:
    errors, warnings = check_pipeline(list(UNITS), {})
    assert errors == [] and warnings == []


def test_build_check_reports_every_problem_at_once() -> None:
    broken = [
        Unit(
            "cc_events",
            "claims.events:EventsComponent",
            declared=Contract(
                provides=frozenset({"event", "phase"}),
                reads=(layers.ENTITIES,),
                writes=(layers.TRIGGERS,),
            ),
        ),
        Unit(
            "cc_entities",
            "claims.entities:EntitiesComponent",
            declared=Contract(provides=frozenset({"location"}), writes=(layers.ENTITIES,)),
        ),
    ]
    errors, _ = check_pipeline(broken, {})
    text = "\n".join(errors)
    # an order problem and every field nobody provides, in one report
    assert "cc_events: needs the layer 'entities'" in text
    assert "cc_entities writes it after cc_events" in text
    for missing in ("'time'", "'quantity'", "'modality'", "'evidence'", "'destinations'"):
        assert missing in text
    assert len(errors) > 5


def test_a_pipeline_without_a_producer_is_refused_with_the_layer_it_misses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the attribution tagger the event tagger and the assembler read reporting
    cues nobody writes: the build is refused, naming each reader, the layer (where it
    lives on the doc) and the claim fields left without a provider."""
    without = tuple(u for u in UNITS if u.name != "cc_attribution")
    spec = pipeline_module.LANGUAGES["ar"]
    monkeypatch.setitem(
        pipeline_module.LANGUAGES, "ar", dataclasses.replace(spec, units=without)
    )
    with pytest.raises(PipelineError) as err:
        build_pipeline(PipelineSettings())
    problems = err.value.problems
    cue = 'doc.user_data["cc_reporting_cues"]'
    assert any(p.startswith("cc_events: needs the layer 'reporting_cues'") and cue in p
               and p.endswith("which no earlier unit writes") for p in problems)
    assert any(p.startswith("assemble: needs the layer 'modality_cues'") for p in problems)
    assert "claim field 'attribution': no unit provides it" in problems


def test_every_layer_a_unit_reads_comes_from_an_earlier_unit_in_both_pipelines() -> None:
    for units in (UNITS, EN_UNITS):
        written = set(pipeline_module.GIVEN)
        for unit in units:
            assert set(unit.contract.reads) <= written, unit.name
            written |= set(unit.contract.writes)


def test_missing_optional_tagger_is_a_warning_and_a_required_one_an_error() -> None:
    errors, warnings = check_pipeline(list(UNITS), {"cc_times": False})
    assert errors == []
    assert any("cc_times" in w for w in warnings) and any("'time'" in w for w in warnings)
    errors, _ = check_pipeline(list(UNITS), {"cc_events": False})
    assert any("cc_events" in e for e in errors) and any("'event'" in e for e in errors)


def test_pipeline_runs_without_the_time_tagger(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the taggers exist (or if one fails to import) the other slots still work."""
    real = pipeline_module._importable
    monkeypatch.setattr(
        pipeline_module, "_importable", lambda module: module != "claims.time" and real(module)
    )
    nlp = build_pipeline(PipelineSettings())
    assert "cc_times" not in nlp.pipe_names
    article = Article.from_text("a", "انسحبت القوات من قاعدة حرير في 3 آذار 2024.")
    (claim,) = _withdrawals(claims_with(nlp, Assembler(), article))
    assert claim.location is not None and claim.time is None


def test_build_raises_pipeline_error_listing_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline_module, "_importable", lambda module: module != "claims.events")
    with pytest.raises(PipelineError) as err:
        build_pipeline(PipelineSettings())
    assert "cc_events" in str(err.value) and "'event'" in str(err.value)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_articles_extract_with_consistent_spans(path: Path) -> None:
    article = Article.from_text(path.name, path.read_text(encoding="utf-8"))
    claims = extract_claims(article)
    assert claims
    _assert_spans_are_slices(article, claims)


_ARABIC_LETTERS = "".join(chr(c) for c in range(0x0621, 0x064B))
_MARKS = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0640\u0670"
_DIGITS = (
    "0123456789"
    + "".join(chr(0x0660 + i) for i in range(10))
    + "".join(chr(0x06F0 + i) for i in range(10))
)
_PUNCT = "،؛؟.!?:\"'«»“”()-•/%٪٫٬ \n\t"
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u2066\u2067\u2069\u200b\u200d\ufeff"
_FORMS = "\ufefb\ufef5\ufe8d\ufe8e\ufdf2"  # presentation forms and ligatures
_WORDS = [
    "انسحبت",
    "القوات",
    "الأمريكية",
    "من",
    "قاعدة",
    "عين",
    "الأسد",
    "إلى",
    "أربيل",
    "خارج",
    "العراق",
    "بالأنبار",
    "رتل",
    "يغادر",
    "سيتم",
    "نقل",
    "لم",
    "نفى",
    "قد",
    "تنسحب",
    "هجوم",
    "زلزال",
    "مقتل",
    "50",
    "آلية",
    "أكثر",
    "يوم",
    "السبت",
    "15",
    "سبتمبر",
    "2025",
    "بحلول",
    "نهاية",
    "عام",
    "خالية",
    "تماما",
    "أي",
    "وجود",
    "القاعدة",
    "ذكرت",
    "مصادر",
    "أن",
    "،",
    ".",
    "\n",
    "•",
    "في",
    "مئات",
    "الجنود",
    "وفقا",
    "لتقارير",
    "على",
    "بدأت",
    "الانسحاب",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(
            _ARABIC_LETTERS + _MARKS + _DIGITS + _PUNCT + _BIDI + _FORMS + string.ascii_letters
        ),
        max_size=300,
    )
)
def test_never_raises_on_arbitrary_text(text: str) -> None:
    article = Article.from_text("fuzz", text)
    _assert_spans_are_slices(article, extract_claims(article))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_WORDS),
            st.text(alphabet=_MARKS + _BIDI + "ـ", min_size=1, max_size=2),
        ),
        max_size=60,
    ).map(" ".join)
)
def test_never_raises_on_scrambled_news_words(text: str) -> None:
    """Real trigger, place and time words in random order reach every assembly path."""
    article = Article.from_text("fuzz", text)
    _assert_spans_are_slices(article, extract_claims(article))
