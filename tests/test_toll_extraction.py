"""Tolls as real reports give them: lists of counts by place, the dead then the injured, and
the event a toll counts named inside it. Sentences of our own, from other stories (floods
in Libya, an earthquake in Turkey and Syria, a bombing in Baghdad, a storm in Bangladesh).
"""

from __future__ import annotations

from datetime import date

import pytest

from claims.model import Article, Claim
from claims.pipeline import extract_claims


def claims_of(text: str, published: date = date(2023, 2, 8)) -> list[Claim]:
    article = Article.from_text("toll.txt", text, published=published, language="ar")
    return extract_claims(article)


def counts(claims: list[Claim]) -> list[tuple[float | None, str | None, str | None]]:
    """Each count of people: its value, what befell them (the claim's word: "260 قتيلا"
    and "مقتل 260 شخصا" alike are people, killed) and its place."""
    out = []
    for c in claims:
        if c.event == "casualties" and c.quantity is not None:
            assert c.quantity.unit == "people", c.quantity.unit
            out.append((c.quantity.value, c.event_word, c.location.key if c.location else None))
    return out


def test_each_count_of_a_list_takes_the_place_said_after_it() -> None:
    found = claims_of(
        "وأفاد المتحدث بأنه تم تسجيل 3100 وفاة في مدينة غازي عنتاب، و1200 وفاة في مدينة "
        "أضنة، و450 وفاة في مدينة حلب."
    )
    assert counts(found) == [
        (3100, "killed", "gaziantep"),
        (1200, "killed", "adana"),
        (450, "killed", "aleppo"),
    ]


def test_the_injured_after_the_dead_are_a_count_of_their_own() -> None:
    found = claims_of("وارتفعت حصيلة ضحايا التفجير في بغداد إلى 35 قتيلا و120 جريحا.")
    assert [(v, u) for v, u, _ in counts(found)] == [(35, "killed"), (120, "injured")]
    found = claims_of(
        "وأعلنت السلطات ارتفاع أعداد قتلى الإعصار في بنغلادش إلى 40 شخصا، و230 مصابا."
    )
    assert [(v, u) for v, u, _ in counts(found)] == [(40, "killed"), (230, "injured")]


@pytest.mark.parametrize(
    "text",
    [
        "أعلنت وزارة الصحة صباح الأحد ارتفاع أعداد ضحايا فيضانات درنة إلى 5300 شخص.",
        "وقالت الوزارة يوم الأحد إن حصيلة قتلى زلزال تركيا ارتفعت إلى 5300 شخص.",
    ],
    ids=["announced", "said"],
)
def test_the_event_a_toll_counts_takes_neither_its_count_nor_its_day(text: str) -> None:
    found = claims_of(text, published=date(2023, 9, 10))
    named = [c for c in found if c.event != "casualties"]
    assert named, "the flood or the earthquake is still a claim of its own"
    assert all(c.quantity is None and c.time is None for c in named)
    assert [c.quantity.value for c in found if c.event == "casualties" and c.quantity] == [5300]


def test_a_count_after_a_part_marker_is_not_the_event_count() -> None:
    found = claims_of("أسفر الانفجار عن مقتل 14 شخصا، بينهم ثلاثة أطفال، في سوق ببغداد.")
    assert [(v, u) for v, u, _ in counts(found)] == [(14, "killed")]
    article = Article.from_text(
        "wire.txt",
        "Five people, including two children, died in the blaze in Valparaiso.",
        published=date(2024, 2, 4),
        language="en",
    )
    (claim,) = [c for c in extract_claims(article) if c.event == "casualties"]
    assert claim.quantity is not None and claim.quantity.value == 5
