"""The Arabic quantity tagger (claims.quantity): table-driven cases, bounds, settings, spaCy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.model import Quantity
from claims.normalize import normalize
from claims.quantity import QuantitySettings, find_quantities
from claims.time import find_times

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "quantity_cases.yaml").read_text(encoding="utf-8")
)
DEFAULTS: dict[str, Any] = {
    "low_inclusive": True,
    "high_inclusive": True,
    "approximate": False,
    "vague": False,
    "resolved": True,
    "of": None,
    "holder": None,
    "leader": None,
    "scope": None,
    "reference": None,
    "bearing": None,
}


def _check_spans(text: str, values: list[Quantity]) -> None:
    previous_end = 0
    for value in values:
        assert value.span is not None
        assert 0 <= value.span.start < value.span.end <= len(text)
        assert text[value.span.start : value.span.end] == value.span.text
        assert value.span.start >= previous_end, "sorted and non-overlapping"
        previous_end = value.span.end


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    text = normalize(case["text"])
    found = find_quantities(text)
    _check_spans(text, found)
    assert [q.span.text for q in found if q.span] == [normalize(e["span"]) for e in case["expect"]]
    for value, expected in zip(found, case["expect"], strict=True):
        got = value.model_dump(mode="json")
        for key, want in {**DEFAULTS, **expected}.items():
            if key == "span":
                continue
            if key in ("holder", "leader", "reference") and want is not None:
                want = normalize(want)  # names are written as a reader writes them
            if isinstance(want, float):
                assert got[key] == pytest.approx(want), f"{key} of {expected['span']!r}"
            else:
                assert got[key] == want, f"{key} of {expected['span']!r}"


def test_enough_cases() -> None:
    assert len(CASES) >= 40
    assert sum(1 for c in CASES if not c["expect"]) >= 3


def test_seed_like_bounds() -> None:
    """The shapes GOLD-FORMAT describes: more than, fewer than, at least, about, hundreds."""
    (more,) = find_quantities(normalize("انسحبت أكثر من 50 آلية عسكرية"))
    assert (more.low, more.low_inclusive, more.high, more.unit) == (50, False, None, "vehicles")
    (fewer,) = find_quantities(normalize("يبقى أقل من 500 عنصر"))
    assert (fewer.low, fewer.high, fewer.high_inclusive, fewer.unit) == (0, 500, False, "soldiers")
    (hundreds,) = find_quantities(normalize("غادر مئات الجنود"))
    assert (hundreds.low, hundreds.high, hundreds.vague) == (200, 999, True)


def test_tolerance_comes_from_settings() -> None:
    text = normalize("قطعت القافلة حوالي 350 كيلومترًا")
    (default,) = find_quantities(text)
    assert (default.value, default.approximate, default.unit) == (350, True, "km")
    assert (default.low, default.high) == (pytest.approx(315), pytest.approx(385))
    (wide,) = find_quantities(text, settings=QuantitySettings(approx_tolerance=0.2))
    assert (wide.low, wide.high) == (pytest.approx(280), pytest.approx(420))


def test_a_figure_hedged_to_its_last_digits_reaches_less_than_a_round_one() -> None:
    """ "نحو 1100" is about a tenth either way; "تقريبا 1,254,317" is about its last
    digits (never less than the floor), so a count of 1,300,000 is outside it."""
    (counted,) = find_quantities(normalize("بلغ عدد المقترعين تقريبا 1,254,317 ناخبا"))
    assert counted.approximate and counted.value == 1254317
    low, high = pytest.approx(1254317 * 0.995), pytest.approx(1254317 * 1.005)
    assert (counted.low, counted.high) == (low, high)
    (round_,) = find_quantities(normalize("انتشر نحو 1100 جندي"))
    assert (round_.low, round_.high) == (pytest.approx(990), pytest.approx(1210))


def test_times_are_not_counts_and_can_be_passed_in() -> None:
    """Numbers inside dates and clock times are skipped; the caller may pass the times."""
    text = normalize("في 15 سبتمبر 2025 عند الساعة 19:17 عبرت 40 شاحنة و3 صهاريج")
    times = find_times(text)
    from_times = find_quantities(text, times=times)
    assert [(q.value, q.unit) for q in from_times] == [(40, "trucks"), (3, "trucks")]
    assert find_quantities(text) == from_times
    unskipped = find_quantities(text, skip_spans=[])
    assert len(unskipped) > len(from_times)


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("بـ350 جنديا", 350),
        ("و50 آلية", 50),
        ("ب300 صاروخ", 300),
        ("ل20 مقاتلا", 20),
        ("وبخمسين شاحنة", 50),
        ("للجنود الـ1200", None),
    ],
)
def test_clitics(sentence: str, value: float | None) -> None:
    found = find_quantities(normalize(sentence))
    if value is None:
        assert all(q.unit is None for q in found)
    else:
        assert found[0].value == value and found[0].unit is not None


ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةىئؤ"
PIECES = [
    "أكثر من",
    "نحو",
    "بين",
    "و",
    "إلى",
    "مئات",
    "عشرات",
    "الآلاف",
    "ألف",
    "مليون",
    "ونصف",
    "جندي",
    "آلية",
    "كيلومترًا",
    "%",
    "في المئة",
    "عدد قليل من",
    "بضعة",
    "جنديان",
    "واحد",
    "سبتمبر",
    "عام",
    "الساعة",
    "خلال",
    "أيام",
    "على الأقل",
    "-",
    "F-",
    # cues of what an amount is of, who holds it, where a distance is from
    "بقوة",
    "على عمق",
    "على بعد",
    "جنوب غرب",
    "من أصل",
    "حصل تحالف",
    "مقعدا",
    "حزب",
    ":",
    "وعلى متنها",
    "راكبا",
    "والطاقم",
]
TEXT = st.lists(
    st.one_of(
        st.text(
            alphabet=ARABIC + "0123456789٠١٢٣٤٥٦٧٨٩٫٬/-.:،,%() \n\u200f\u202b\u064b\u0640",
            max_size=12,
        ),
        st.sampled_from(PIECES),
        st.floats(min_value=0, max_value=1e7, allow_nan=False).map(lambda f: f"{f:,.1f}"),
    ),
    max_size=25,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_never_raises_and_spans_are_inside(raw: str) -> None:
    text = normalize(raw)
    found = find_quantities(text)
    _check_spans(text, found)
    for q in found:
        if q.low is not None and q.high is not None:
            assert q.low <= q.high


@given(st.text(max_size=60))
def test_any_unicode_never_raises(raw: str) -> None:
    text = normalize(raw)
    _check_spans(text, find_quantities(text))


def test_spacy_component_reuses_times() -> None:
    import claims.quantity  # noqa: F401  (registers the factories)
    import claims.time  # noqa: F401

    nlp = spacy.blank("ar")
    nlp.add_pipe("cc_times")
    nlp.add_pipe("cc_quantities")
    doc = nlp(normalize("في 7 أكتوبر 2023 عبر أكثر من 1200 مقاتل الحدود"))
    quantities = doc.user_data["cc_quantities"]
    assert [(q.low, q.unit) for q in quantities] == [(1200, "soldiers")]
    assert [span.text for span in doc.spans["quantities"]] == ["اكثر من 1200 مقاتل"]
    assert len(doc.spans["times"]) == 1


# English amounts: what they are of, who holds them, where a distance is measured from
# (the English tagger reads the same `aspects`, `holders` and `distance` as the Arabic).
EN_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("A magnitude 7.8 earthquake struck southern Turkey.", "7.8", {"unit": "magnitude"}),
    ("A 6.3-magnitude quake hit western Afghanistan.", "6.3-magnitude", {"unit": "magnitude"}),
    ("The quake struck at a depth of 17.9 km.", "17.9 km", {"unit": "km", "of": "depth"}),
    (
        "The epicentre was 40 km (25 miles) northwest of Herat.",
        "40 km",
        {"unit": "km", "of": "distance", "bearing": "NW", "reference": "herat"},
    ),
    (
        "The shell landed about 3 km from the town of Qaim.",
        "about 3 km",
        {"unit": "km", "of": "distance", "reference": "qaim"},
    ),
    ("Turnout was 23.03 percent, the authority said.", "23.03 percent", {"of": "turnout"}),
    (
        "The National Rally of Independents won 102 seats.",
        "102 seats",
        {"unit": "seats", "holder": "national rally of independents"},
    ),
    ("Istiqlal party: 81 seats", "81 seats", {"unit": "seats", "holder": "istiqlal"}),
    ("The party won 81 of the 395 seats.", "395 seats", {"unit": "seats", "of": "total"}),
    (
        "In all, 9.2 million registered voters were called to the polls.",
        "9.2 million registered voters",
        {"unit": "voters", "of": "registered"},
    ),
    ("Some 4.5 million cast their ballots.", "Some 4.5 million", {"unit": "voters", "of": "cast"}),
    (
        "The plane was carrying 149 passengers and eight crew.",
        "149 passengers",
        {"unit": "passengers", "of": "on_board"},
    ),
    (
        "The plane was carrying 149 passengers and eight crew.",
        "eight crew",
        {"unit": "crew", "of": "on_board"},
    ),
    ("The ferry had 300 people on board.", "300 people", {"unit": "people", "of": "on_board"}),
    ("Rescuers found two survivors.", "two survivors", {"unit": "survivors"}),
    (
        "Turnout in the special voting was 82.5 percent.",
        "82.5 percent",
        {"of": "turnout", "scope": "special"},
    ),
    ("In the runoff, turnout was 41 percent.", "41 percent", {"scope": "second_round"}),
]


@pytest.mark.parametrize(("text", "span", "want"), EN_CASES)
def test_english_amounts_say_what_they_are_of(text: str, span: str, want: dict[str, Any]) -> None:
    from claims.en.quantity import find_quantities as find_english

    found = {q.span.text: q for q in find_english(text) if q.span}
    assert span in found, list(found)
    got = found[span].model_dump()
    for key, value in want.items():
        assert got[key] == value, key


def test_a_count_of_people_of_two_kinds_is_of_people() -> None:
    """ "242 من الركاب والطاقم" counts everyone on board, not the passengers alone; two
    figures ("230 راكبا و12 من الطاقم") stay two."""
    (both,) = find_quantities(normalize("وكان على متنها 242 من الركاب والطاقم"))
    assert (both.unit, both.value) == ("people", 242)
    two = find_quantities(normalize("وكان على متنها 230 راكبا و12 من الطاقم"))
    assert [(q.unit, q.value, q.of) for q in two] == [
        ("passengers", 230, "on_board"),
        ("crew", 12, "on_board"),
    ]


def test_a_magnitude_needs_a_plausible_value() -> None:
    """ "بقوة" also means "with a force of": 2000 after it is no magnitude."""
    (force,) = find_quantities(normalize("دخلت المدينة بقوة 2000"))
    assert force.unit is None and force.of is None


def test_claim_ids_stay_stable_when_the_later_fields_are_empty() -> None:
    """`of`, `holder`, `leader`, `reference` and `bearing` came after IDs were first stored: a claim
    that leaves them empty keeps the ID it had (an editor's saved ID stays valid); one that
    sets them is another claim."""
    from claims.model import Claim, Span, stable_hash

    base = Claim(
        article_id="a_1",
        sentence=Span(start=0, end=10),
        evidence=Span(start=0, end=10),
        quote="x",
        event="other",
        quantity=Quantity(value=45, low=45, high=45, unit="seats"),
    )
    slots = base.model_dump(
        mode="json", include={"event", "phase", "time", "quantity", "location", "modality"}
    )
    for name in ("of", "holder", "leader", "scope", "reference", "bearing"):
        del slots["quantity"][name]
    assert base.id == "c_" + stable_hash("a_1", 0, 10, slots)
    held = base.model_copy(update={"id": ""})
    assert held.quantity is not None
    held.quantity = held.quantity.model_copy(update={"holder": "الاعمار والتنميه"})
    assert held.compute_id() != base.id


# --- negated bounds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high", "of"),
    [
        # a negated "more than" is "at most", also with the subject before the number
        ("لم تتجاوز نسبة المشاركة في الانتخابات البلدية 38 في المئة", 0, 38, "turnout"),
        ("لم تتجاوز 20% من الأصوات", 0, 20, None),
        ("ولا يتجاوز عددهم 150 مقاتلا في المنطقة", 0, 150, None),
        ("لم يتجاوز عدد القتلى المدنيين 12 شخصا", 0, 12, None),
        # a negated "less than" is "at least"
        ("لم تقل عن 70 في المئة", 70, None, None),
    ],
)
def test_a_negated_bound_turns_around(
    text: str, low: float, high: float | None, of: str | None
) -> None:
    (q,) = find_quantities(normalize(text))
    assert (q.low, q.high, q.of) == (low, high, of)
    assert q.low_inclusive and q.high_inclusive


def test_a_bound_verb_reaches_past_its_subject() -> None:
    """ "تجاوزت نسبة المشاركة 55%": the subject between the verb and the number says what is
    counted; the bound is still the verb's."""
    (q,) = find_quantities(normalize("تجاوزت نسبة المشاركة 55 في المئة"))
    assert (q.low, q.low_inclusive, q.high, q.of) == (55, False, None, "turnout")
    (q,) = find_quantities(normalize("تجاوزت القوات الحدود واعتقلت 20 شخصا"))
    assert (q.low, q.high) == (20, 20)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Turnout in the municipal vote did not exceed 38 percent.", 0, 38),
        ("The number of fighters there does not exceed 150.", 0, 150),
        ("The death toll has not exceeded 12 people, officials said.", 0, 12),
        ("Turnout did not fall below 70 percent.", 70, None),
    ],
)
def test_a_negated_bound_turns_around_in_english(text: str, low: float, high: float | None) -> None:
    from claims.en.quantity import find_quantities as find_english

    (q,) = find_english(text)
    assert (q.low, q.high) == (low, high)


# --- the time elapsed since a named event -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "value", "high", "unit", "of"),
    [
        (
            "سقطت الطائرة بعد 40 ثانية من إقلاعها من مطار بيشكيك",
            "40 ثانية",
            40,
            40,
            "seconds",
            "after_takeoff",
        ),
        (
            "ووقع انفجار ثان بعد 20 دقيقة من الانفجار الأول",
            "20 دقيقة",
            20,
            20,
            "minutes",
            "after_explosion",
        ),
        ("انهار الفندق بعد ساعتين من الزلزال", "ساعتين", 2, 2, "hours", "after_earthquake"),
        (
            "وصلت الإسعاف بعد مرور 15 دقيقة على الهجوم",
            "15 دقيقة",
            15,
            15,
            "minutes",
            "after_attack",
        ),
        (
            "هوت المروحية بعد أقل من دقيقتين على إقلاعها",
            "أقل من دقيقتين",
            2,
            2,
            "minutes",
            "after_takeoff",
        ),
    ],
)
def test_a_length_after_a_named_event_says_which(
    text: str, span: str, value: float, high: float, unit: str, of: str | None
) -> None:
    found = {q.span.text: q for q in find_quantities(normalize(text)) if q.span}
    assert normalize(span) in found, list(found)
    q = found[normalize(span)]
    assert (q.value, q.high, q.unit, q.of) == (value, high, unit, of)


def test_only_a_length_after_the_event_is_the_time_since_it() -> None:
    """The event after the amount names what it counts from only after "بعد": ten minutes
    *before* landing is not the time since it, and a length after no named event is only
    elapsed (it stays out of claims)."""
    found = [q.of for q in find_quantities(normalize("انطفأ المحرك بعد 10 دقائق من هبوطها"))]
    assert found == ["after_landing"]
    found = [q.of for q in find_quantities(normalize("انطفأ المحرك قبل 10 دقائق من هبوطها"))]
    assert found == [None]
    found = [q.of for q in find_quantities(normalize("وصلت الشرطة بعد 30 دقيقة من البلاغ"))]
    assert found == ["elapsed"]


@pytest.mark.parametrize(
    ("text", "span", "low", "high", "unit", "of"),
    [
        (
            "The cargo plane crashed less than a minute after take-off.",
            "less than a minute",
            0,
            1,
            "minutes",
            "after_takeoff",
        ),
        (
            "The jet went down 40 seconds after takeoff.",
            "40 seconds",
            40,
            40,
            "seconds",
            "after_takeoff",
        ),
        (
            "The hotel collapsed two hours after the quake.",
            "two hours",
            2,
            2,
            "hours",
            "after_earthquake",
        ),
        (
            "A second explosion hit the port 20 minutes after the first blast.",
            "20 minutes",
            20,
            20,
            "minutes",
            "after_explosion",
        ),
        ("Ambulances arrived an hour after the attack.", "an hour", 1, 1, "hours", "after_attack"),
    ],
)
def test_a_length_after_a_named_event_says_which_in_english(
    text: str, span: str, low: float, high: float, unit: str, of: str
) -> None:
    from claims.en.quantity import find_quantities as find_english

    found = {q.span.text: q for q in find_english(text) if q.span}
    assert span in found, list(found)
    q = found[span]
    assert (q.low, q.high, q.unit, q.of) == (low, high, unit, of)


def test_other_lengths_of_time_are_no_amount_in_english() -> None:
    """ "a minute" is one only as the time since a named event; a length after anything else
    stays the time tagger's."""
    from claims.en.quantity import find_quantities as find_english

    assert find_english("A minute of silence was held after the attack.") == []
    assert find_english("The meeting ended 30 minutes after it began.") == []
    (q,) = find_english("Police arrived 30 minutes after the attack began.")
    assert q.of == "after_attack"
