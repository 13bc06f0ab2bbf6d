"""Attribution (who says so) and modality (asserted, reported, expected, planned, negated,
hypothetical), as the rules that compare claims rely on them."""

from __future__ import annotations

import pytest

from claims.attribution import ReportCue
from claims.model import Article, Claim
from claims.normalize import normalize
from claims.pipeline import extract_claims, get_pipeline


def _claim(text: str, event: str = "withdrawal") -> Claim:
    claims = [c for c in extract_claims(Article.from_text("t", text)) if c.event == event]
    assert claims, text
    return claims[0]


def _reports(text: str) -> list[ReportCue]:
    return list(get_pipeline()(normalize(text)).user_data["cc_reporting_cues"])


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("أعلنت وزارة الدفاع العراقية أن القوات انسحبت من المدينة", "official"),
        ("قال المتحدث باسم الجيش إن القوات انسحبت من المدينة", "official"),
        ("قالت مصادر أمنية إن القوات انسحبت من المدينة", "anonymous"),
        ("أكد ضابط طلب عدم الكشف عن هويته أن القوات انسحبت من المدينة", "anonymous"),
        ("ذكرت صحيفة محلية أن القوات انسحبت من المدينة", "media"),
        ("نقلت وكالة رويترز أن القوات انسحبت من المدينة", "media"),
        ("انسحبت القوات من المدينة، وفقا لتقارير إعلامية", "media"),
    ],
)
def test_source_kind(text: str, kind: str) -> None:
    claim = _claim(text)
    assert claim.attribution is not None
    assert claim.attribution.kind == kind
    assert claim.attribution.span is not None
    assert (
        text[claim.attribution.span.start : claim.attribution.span.end]
        == claim.attribution.span.text
    )


def test_source_text_is_what_follows_the_cue() -> None:
    claim = _claim("ذكرت وكالة رويترز أن القوات انسحبت من المدينة")
    assert claim.attribution is not None and claim.attribution.source == normalize("وكالة رويترز")


def test_a_participle_speaks_for_the_sentence_s_speaker() -> None:
    """"قال المتحدث ...، مضيفا ان": the participle's subject is the speaker before it;
    the words after it are what is said, never a source."""
    claim = _claim(
        "قال المتحدث باسم البعثة إن الانسحاب بدأ، مضيفا أن 400 جندي سيبقون في قاعدة غاو",
        event="troop_presence",
    )
    assert claim.attribution is not None
    assert claim.attribution.source == normalize("المتحدث باسم البعثة")
    assert claim.attribution.kind == "official"


def test_passive_report_has_no_source_and_is_reported() -> None:
    claim = _claim("وذُكر في وقت سابق أن القوات انسحبت من المدينة")
    assert claim.attribution is not None and claim.attribution.source is None
    assert claim.modality == "reported"


def test_official_statement_is_asserted_and_media_report_is_reported() -> None:
    assert _claim("أعلنت وزارة الدفاع انسحاب القوات من المدينة").modality == "asserted"
    assert _claim("ذكرت تقارير أن القوات انسحبت من المدينة").modality == "reported"
    assert _claim("انسحبت القوات من المدينة").modality == "asserted"


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("لم تنسحب القوات من المدينة", "withdrawal"),
        ("لن تنسحب القوات من المدينة قبل نهاية العام", "withdrawal"),
        ("لم تتوجه أي قوة إلى أربيل", "relocation"),
        ("نفى المتحدث باسم التحالف انسحاب قواته من المدينة", "withdrawal"),
        ("لا صحة للأنباء عن انسحاب القوات من المدينة", "withdrawal"),
        ("أكد الجيش عدم انسحاب القوات من المدينة", "withdrawal"),
    ],
)
def test_negated(text: str, event: str) -> None:
    assert _claim(text, event).modality == "negated"


@pytest.mark.parametrize(
    "text",
    [
        "لا تزال القوات منسحبة من المدينة منذ أسبوع",
        "انسحب ما لا يقل عن 50 جنديا من المدينة",
        "لم يعلق المتحدث على أنباء انسحاب القوات من المدينة",
    ],
)
def test_not_negated(text: str) -> None:
    """ "لا تزال" and "لا يقل عن" contain a negation word without negating; a negation
    further away than its reach does not negate the claim."""
    assert _claim(text).modality != "negated"


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("قد تنسحب القوات من المدينة", "hypothetical"),
        ("إذا انسحبت القوات من المدينة فسيحدث فراغ", "hypothetical"),
        ("يمكن أن يؤدي انسحاب القوات من المدينة إلى فراغ", "hypothetical"),
        ("من المتوقع أن تنسحب القوات من المدينة", "expected"),
        ("من المرجح أن تنسحب القوات من المدينة", "expected"),
        ("تخطط القيادة لسحب القوات من المدينة", "planned"),
        ("من المقرر أن تنسحب القوات من المدينة", "planned"),
    ],
)
def test_hedges_forecasts_and_plans(text: str, modality: str) -> None:
    assert _claim(text).modality == modality


def test_past_qad_is_not_a_hedge() -> None:
    assert _claim("أكد ضابط أن القوات قد أكملت انسحابها من المدينة").modality != "hypothetical"


def test_time_inside_a_report_frame_dates_the_report_not_the_event() -> None:
    claim = _claim("ذكرت مصادر في سبتمبر 2024 أن القوات انسحبت من المدينة")
    assert claim.time is None
    claim = _claim("أعلنت الوزارة يوم السبت عن انسحاب القوات من المدينة")
    assert claim.time is not None and claim.time.weekday == 5


def test_report_frame_ends_at_the_complementizer() -> None:
    (cue,) = _reports("ذكرت مصادر في سبتمبر 2024 أن القوات انسحبت")
    assert cue.frame_end is not None and cue.kind == "anonymous" and not cue.passive


def test_two_reports_of_one_source_name_it_alike() -> None:
    """The rule engine keys a measurement by its named source: "وفقا للمركز" and "أعلن
    المركز ... مساء الجمعة أن" must give the same name, without the preposition, the time
    or a trailing "إلى"."""
    fronted = _claim("وفقا للمعهد الوطني للجيوفيزياء، بلغت قوة الزلزال 5.1 درجات.", "other")
    verbal = _claim(
        "أعلن المعهد الوطني للجيوفيزياء مساء الجمعة أن قوة الزلزال بلغت 5.3 درجات.", "other"
    )
    pointed = _claim("وأشار المعهد الوطني للجيوفيزياء إلى أن قوة الزلزال بلغت 5.2 درجات.", "other")
    names = {c.attribution.source if c.attribution else None for c in (fronted, verbal, pointed)}
    assert names == {normalize("المعهد الوطني للجيوفيزياء")}
    assert fronted.attribution is not None and fronted.attribution.span is not None
    assert fronted.attribution.span.text == "معهد الوطني للجيوفيزياء"  # "لل" left out


def test_a_fronted_source_names_no_event_but_one_after_the_figure_may() -> None:
    """At the head of a sentence "وفقا لمركز رصد الزلازل،" is a name; after the figure "وفق
    حصيلة غير نهائية" still counts the dead."""
    claims = extract_claims(
        Article.from_text("t", "وفقا لمركز رصد الزلازل، بلغت قوة الهزة الأرضية 6 درجات.")
    )
    assert [c.quote for c in claims if c.event_word == "earthquake"] == ["الهزة الأرضية 6 درجات"]
    tail = extract_claims(
        Article.from_text("t", "ارتفع عدد القتلى إلى 300، وفق حصيلة غير نهائية أعلنتها الوزارة.")
    )
    assert any(c.quote.startswith("حصيلة") for c in tail)


def test_negated_outcome_leaves_its_subject_asserted() -> None:
    claims = extract_claims(Article.from_text("t", "لم تؤد الغارات على المدينة إلى سقوط ضحايا."))
    modality = {c.event: c.modality for c in claims}
    assert modality == {"attack": "asserted", "casualties": "negated"}


def test_any_carries_a_negation_only_within_its_phrase() -> None:
    """ "أي" takes a negation to its event across other words, never across a comma."""
    far = _claim("لم تسجل فرق المراقبة الدولية حتى مساء أمس أي انسحاب من المدينة.")
    assert far.modality == "negated"
    cut = _claim("لم يعلق الجيش، لكن أي انسحاب من المدينة سيتم بالتنسيق مع السكان.")
    assert cut.modality != "negated"
