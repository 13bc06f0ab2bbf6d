"""Arabic numbers (claims.numbers): number words, digits with separators, vague amounts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.normalize import normalize
from claims.numbers import (
    find_numbers,
    hour_forms,
    ordinal_forms,
    parse_digits,
    parse_number_words,
    rounding_step,
)


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("واحد", 1),
        ("اثنان", 2),
        ("ثلاثة", 3),
        ("عشرة", 10),
        ("أحد عشر", 11),
        ("اثنا عشر", 12),
        ("خمسة عشر", 15),
        ("تسع عشرة", 19),
        ("عشرون", 20),
        ("خمسين", 50),
        ("واحد وعشرون", 21),
        ("ستة وخمسون", 56),
        ("مئة", 100),
        ("مائة", 100),
        ("مئتان", 200),
        ("ثلاثمئة", 300),
        ("ثلاثمائة", 300),
        ("ثلاث مئة", 300),
        ("ثلاثمئة وستة وخمسون", 356),
        ("ألف", 1000),
        ("ألفان", 2000),
        ("ألفين وخمسمئة", 2500),
        ("ثلاثة آلاف", 3000),
        ("عشرة آلاف", 10000),
        ("أحد عشر ألفا", 11000),
        ("خمسون ألفا", 50000),
        ("مئة وخمسون ألفا", 150000),
        ("مليون", 1e6),
        ("مليونان", 2e6),
        ("ثلاثة ملايين", 3e6),
        ("مليون ونصف", 1.5e6),
        ("نصف مليون", 5e5),
        ("ثلاثة ملايين وخمسمئة ألف", 3.5e6),
        ("مليار", 1e9),
        ("ألف وثلاثمئة وعشرون", 1320),
        ("1,200", 1200),
        ("1.5", 1.5),
    ],
)
def test_parse_number_words(words: str, value: float) -> None:
    assert parse_number_words(normalize(words)) == value


@pytest.mark.parametrize("words", ["", "جندي", "نصف", "ثلاثة جنود", "احد", "و"])
def test_not_a_number(words: str) -> None:
    assert parse_number_words(normalize(words)) is None


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("1,200", 1200),
        ("1,200,000", 1200000),
        ("1.5", 1.5),
        ("1,5", 1.5),
        ("1.200.000", 1200000),
        ("12", 12),
        ("0.75", 0.75),
        ("1,2,3", None),
        ("1.2.3", None),
    ],
)
def test_parse_digits(token: str, value: float | None) -> None:
    assert parse_digits(token) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separators_roundtrip(n: int) -> None:
    assert parse_digits(f"{n:,}") == n


def _found(text: str) -> list[tuple[str, float | None, float | None, float | None]]:
    norm = normalize(text)
    return [(norm[n.start : n.end], n.value, n.low, n.high) for n in find_numbers(norm)]


def test_find_numbers_with_clitics_and_scales() -> None:
    assert _found("وصل بـ٣٥٠ جنديا و50 آخرين و1.5 مليون نازح") == [
        ("350", 350, 350, 350),
        ("50", 50, 50, 50),
        ("1.5 مليون", 1.5e6, 1.5e6, 1.5e6),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a scaled number and its smaller rest after "و" are one number
        ("نزح مليون و500 الف شخص", 1_500_000),
        ("بلغ عدد الناخبين 10 ملايين و898 الف ناخب", 10_898_000),
        ("قتل الف و200 شخص", 1_200),
        ("وصل 3 الاف و400 لاجئ", 3_400),
        ("بلغ عدد المقترعين ثلاثة ملايين وخمسمئة الف", 3_500_000),
    ],
)
def test_a_scaled_number_and_its_rest_are_one(text: str, value: float) -> None:
    numbers = find_numbers(normalize(text))
    assert [n.value for n in numbers] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "قتل 1000 و200 جريح",  # no scale word: two numbers
        "وصل 5 الاف جندي و300 اليه",  # a noun between: two counts
        "بين 30 و40 الف نازح",  # a range, not a sum
    ],
)
def test_two_numbers_joined_by_and_stay_two(text: str) -> None:
    assert len(find_numbers(normalize(text))) == 2


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("من اصل 21.4 مليونا", 100_000),  # any figure that rounds to 21.4 million
        ("نزح 2 مليون شخص", 1_000_000),
        ("بلغ 3.25 مليار دولار", 10_000_000),
        ("قتل 1,500 شخص", None),  # written in full
        ("قتل الف شخص", None),  # in words
    ],
)
def test_a_scaled_figure_is_as_precise_as_its_last_digit(text: str, step: float | None) -> None:
    norm = normalize(text)
    numbers = find_numbers(norm)
    assert [rounding_step(n, norm) for n in numbers] == [step]


def test_find_vague_amounts() -> None:
    assert _found("عشرات الآلاف ومئات وبضعة وعدد قليل من") == [
        ("عشرات الالاف", None, 20000, 99999),
        ("مئات", None, 200, 999),
        ("بضعه", None, 3, 9),
        ("عدد قليل من", None, 1, None),
    ]


def test_numbers_glued_to_words_are_not_counts() -> None:
    assert _found("طائرات F16 وصواريخ ام16") == []


def test_lone_ambiguous_words_need_a_unit() -> None:
    (six,) = find_numbers(normalize("ست"))
    assert six.needs_unit
    (fifty,) = find_numbers(normalize("خمسون"))
    assert not fifty.needs_unit


def test_ordinals_cover_days_of_the_month() -> None:
    forms = ordinal_forms()
    assert sorted(set(forms.values())) == list(range(1, 32))
    assert forms["الحادي والعشرين"] == 21 and forms["الخامس عشر"] == 15 and forms["الاولي"] == 1
    assert hour_forms()["الواحده"] == 1 and hour_forms()["الثانيه عشره"] == 12
