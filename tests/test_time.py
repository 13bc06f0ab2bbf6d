"""The Arabic temporal tagger (claims.time): table-driven cases, spans, settings, spaCy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import spacy
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.model import TimeValue
from claims.normalize import normalize
from claims.time import TimeSettings, find_times

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "time_cases.yaml").read_text(encoding="utf-8")
)
# Fields a case may leave out: then they must have these values.
DEFAULTS: dict[str, Any] = {
    "modifier": None,
    "weekday": None,
    "time_of_day": None,
    "within_days": None,
    "relative": False,
    "time_zone": None,
    "utc_offset": None,
    "utc_time": None,
    "utc_day_offset": None,
    "clock_approx": None,
    "twelve_hour": None,
}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _check_spans(text: str, values: list[TimeValue]) -> None:
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
    found = find_times(text, _date(case["published"]))
    _check_spans(text, found)
    assert [v.span.text for v in found if v.span] == [normalize(e["span"]) for e in case["expect"]]
    for value, expected in zip(found, case["expect"], strict=True):
        got = value.model_dump(mode="json")
        for key, want in {**DEFAULTS, **expected}.items():
            if key == "span":
                continue
            assert got[key] == want, f"{key} of {expected['span']!r}"
        if not value.resolved:
            assert value.reason, "an unresolved time says why"
            assert value.earliest is None and value.latest is None


def test_enough_cases() -> None:
    """The table covers both month systems, relative times, negatives and Hijri dates."""
    assert len(CASES) >= 40
    assert sum(1 for c in CASES if not c["expect"]) >= 5


@pytest.mark.parametrize(
    "sentence",
    [
        "قتل 1400 جندي في الهجوم",
        "قطعت القافلة 350 كيلومترا",
        "بقي 500 عنصر في القاعدة",
        "أرسل الجيش 2000 جندي و1900 آلية",
        "بلغ عدد الضحايا 2023 قتيلا",
    ],
)
def test_counts_are_never_years(sentence: str) -> None:
    """dateparser reads "1400 جندي" as the year 1400; a count followed by its unit is not a date."""
    assert find_times(normalize(sentence)) == []


def test_weekday_is_kept_next_to_a_date_it_contradicts() -> None:
    """21 August 2025 was a Thursday: the tagger keeps "Wednesday" for a rule to flag."""
    (value,) = find_times(normalize("وقع الهجوم يوم الأربعاء 21 أغسطس 2025"))
    assert value.value == "2025-08-21" and value.weekday == 2
    assert dt.date(2025, 8, 21).weekday() == 3


def test_context_anchor_only_within_the_sentence() -> None:
    text = normalize("بدأ الانسحاب في 21 أغسطس 2025. وسيكتمل في منتصف أكتوبر.")
    first, second = find_times(text)
    assert first.anchor == "absolute"
    assert second.resolved is False and second.value == "XXXX-10"
    with_pub = find_times(text, dt.date(2024, 12, 1))[1]
    assert with_pub.anchor == "publication" and with_pub.value == "2024-10"


def test_deictic_month_counts_from_publication_not_context() -> None:
    """ "سبتمبر القادم" is the next September after writing, even next to "15 سبتمبر 2025"."""
    text = normalize("تغلق القاعدة بحلول مطلع سبتمبر القادم، على أن يتم إخلاؤها في 15 سبتمبر 2025")
    assert find_times(text, dt.date(2025, 8, 23))[0].value == "2025-09"
    assert find_times(text, dt.date(2025, 10, 2))[0].value == "2026-09"
    no_pub = find_times(text)[0]
    assert no_pub.anchor == "context" and no_pub.value == "2025-09"


def test_modifier_ranges_come_from_settings() -> None:
    text = normalize("بحلول نهاية عام 2026")
    default = find_times(text)[0]
    assert (default.earliest, default.latest) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    narrow = find_times(text, settings=TimeSettings(year_end_months=(12, 12)))[0]
    assert (narrow.earliest, narrow.latest) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    start = find_times(normalize("في مطلع سبتمبر 2025"))[0]
    assert (start.earliest, start.latest) == (dt.date(2025, 9, 1), dt.date(2025, 9, 10))


def test_weekday_direction_setting() -> None:
    text = normalize("أعلن الجيش يوم السبت انتهاء العملية")
    published = dt.date(2025, 8, 20)  # a Wednesday
    past = find_times(text, published)[0]
    assert past.value == "2025-08-16"
    both = find_times(text, published, settings=TimeSettings(weekday_direction="both"))[0]
    assert both.value is None and both.granularity == "weekday"
    assert (both.earliest, both.latest) == (dt.date(2025, 8, 16), dt.date(2025, 8, 23))
    last = find_times(normalize("يوم السبت الماضي"), dt.date(2025, 8, 23))[0]
    assert last.value == "2025-08-16"


def test_datetime_publication_is_accepted() -> None:
    value = find_times(normalize("أمس"), dt.datetime(2024, 3, 2, 23, 59))[0]
    assert value.value == "2024-03-01"


def test_spans_map_back_to_the_original_text() -> None:
    from claims.normalize import normalize_with_map

    original = "وَقَعَ الهُجُومُ فِي ٧ أُكْتُوبَر ٢٠٢٣ عَلَى المَوَاقِعِ"
    mapped = normalize_with_map(original)
    (value,) = find_times(mapped.text)
    assert value.span is not None
    assert mapped.original_slice(value.span.start, value.span.end).startswith("فِي ٧")
    assert value.value == "2023-10-07"


ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةىئؤ"
PIECES = [
    "سبتمبر",
    "أيلول",
    "آب",
    "الخميس",
    "يوم",
    "مساء",
    "بحلول",
    "نهاية",
    "عام",
    "منذ",
    "خلال",
    "في غضون",
    "أيام",
    "الساعة",
    "قبل",
    "الماضي",
    "المقبل",
    "رمضان",
    "هـ",
    "م",
    "من",
    "و",
    "الأول",
    "الحادي والعشرين",
    "أمس",
    "اليوم",
    "الربع",
    "صيف",
    "عامي",
    "جندي",
    "كم",
]
TEXT = st.lists(
    st.one_of(
        st.text(
            alphabet=ARABIC + "0123456789٠١٢٣٤٥٦٧٨٩/-.:،,%() \n\u200f\u200e\u202b\u064b\u0640",
            max_size=12,
        ),
        st.sampled_from(PIECES),
        st.integers(min_value=0, max_value=3000).map(str),
    ),
    max_size=25,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    TEXT,
    st.one_of(st.none(), st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31))),
)
def test_never_raises_and_spans_are_inside(raw: str, published: dt.date | None) -> None:
    text = normalize(raw)
    values = find_times(text, published)
    _check_spans(text, values)
    for value in values:
        if value.earliest and value.latest:
            assert value.earliest <= value.latest


@given(st.text(max_size=60))
def test_any_unicode_never_raises(raw: str) -> None:
    text = normalize(raw)
    _check_spans(text, find_times(text))


def test_spacy_component() -> None:
    import claims.time  # noqa: F401  (registers the factory)

    nlp = spacy.blank("ar")
    nlp.add_pipe("cc_times")
    doc = nlp.make_doc(normalize("وصل الرتل مساء أمس، وسيغادر بحلول نهاية عام 2026"))
    doc.user_data["published"] = dt.date(2025, 1, 5)
    doc = nlp(doc)
    values = doc.user_data["cc_times"]
    assert [v.value for v in values] == ["2025-01-04", "2026"]
    assert [span.text for span in doc.spans["times"]] == [v.span.text for v in values]


def test_utc_days_tell_a_rule_when_a_zone_may_change_the_day() -> None:
    """23:05 local time on the 14th may be the 15th in UTC west of Greenwich; with its
    offset known it is the 14th; 01:15 Mecca time on the 2nd is the 1st in UTC."""
    from claims.time import utc_days

    (local,) = find_times(normalize("الساعة 23:05 بالتوقيت المحلي يوم السبت 14 مايو 2022"))
    assert utc_days(local) == (dt.date(2022, 5, 14), dt.date(2022, 5, 15))
    (paired,) = find_times(
        normalize("الساعة 23:05 بالتوقيت المحلي (20:05 ت.غ) يوم السبت 14 مايو 2022")
    )
    assert utc_days(paired) == (dt.date(2022, 5, 14), dt.date(2022, 5, 14))
    (mecca,) = find_times(normalize("الساعة 1:15 فجرا بتوقيت مكة يوم الأحد 2 يونيو 2024"))
    assert mecca.utc_day_offset == -1
    assert utc_days(mecca) == (dt.date(2024, 6, 1), dt.date(2024, 6, 1))
    (no_clock,) = find_times(normalize("يوم الأحد 2 يونيو 2024"))
    assert utc_days(no_clock) == (dt.date(2024, 6, 1), dt.date(2024, 6, 3))


def test_two_clock_times_no_offset_joins_stay_two() -> None:
    """13:38 and 08:09 UTC are 5h29 apart: no zone is that far off a quarter hour, so the
    second is not the first in UTC (refused, not guessed)."""
    found = find_times(normalize("الساعة 13:38 (08:09 ت.غ)"))
    assert [v.utc_offset for v in found] == [None, 0]
