"""Verb-first sentences: the country right after the verb is who acts, not where; verb
forms of shootings, handovers and stationed troops. Sentences of our own, from other
stories (Russia in Syria, France in Côte d'Ivoire, a concert hall attack near Moscow,
British troops in Estonia)."""

from __future__ import annotations

from datetime import date

import pytest

from claims.model import Article, Claim
from claims.pipeline import extract_claims


def claims_of(text: str) -> list[Claim]:
    article = Article.from_text("t.txt", text, published=date(2024, 3, 23), language="ar")
    return extract_claims(article)


def only(claims: list[Claim], event: str) -> Claim:
    (found,) = [c for c in claims if c.event == event]
    return found


@pytest.mark.parametrize(
    ("text", "event", "place"),
    [
        ("وسحبت روسيا قواتها من قاعدة حميميم.", "withdrawal", "hmeimim"),
        ("سلمت فرنسا قاعدة عسكرية إلى ساحل العاج خلال حفل أقيم في أبيدجان.", "handover",
         "abidjan"),
        ("وأخلت تركيا قاعدة عسكرية في إدلب.", "withdrawal", "idlib"),
    ],
    ids=["owned-force", "base-then-at", "base"],
)
def test_the_country_after_the_verb_acts_and_is_not_the_place(
    text: str, event: str, place: str
) -> None:
    claim = only(claims_of(text), event)
    assert claim.location is not None and claim.location.key == place


def test_a_country_after_the_verb_with_nothing_after_it_is_the_place_left() -> None:
    claim = only(claims_of("وغادرت القوات الأمريكية بغداد."), "withdrawal")
    assert claim.location is not None and claim.location.key == "baghdad"


def test_the_masculine_handover_verb_needs_a_force_that_hands_over() -> None:
    claim = only(claims_of("سلم الجيش الفرنسي صباح اليوم السبت قاعدة بورت بويه للجيش الإيفواري."),
                 "handover")
    assert claim.time is not None and claim.time.weekday == 5
    spared = claims_of("وسلم المتهم نفسه للشرطة صباح السبت.")
    assert [c for c in spared if c.event == "handover"] == []


def test_shooting_verbs_are_attacks() -> None:
    claim = only(claims_of("وأطلقوا النار بشكل عشوائي على الحضور في موسكو مساء الجمعة."), "attack")
    assert claim.location is not None and claim.location.key == "moscow"
    assert claim.time is not None and claim.time.weekday == 4


def test_stationed_troops_are_present() -> None:
    claim = only(claims_of("وكان نحو 900 جندي بريطاني يتمركزون في إستونيا."), "troop_presence")
    assert claim.quantity is not None and claim.quantity.value == 900
    assert claim.location is not None and claim.location.key == "estonia"


def test_a_presence_told_in_the_past_is_not_the_one_that_remains() -> None:
    was = only(claims_of("وكان نحو 900 جندي بريطاني يتمركزون في إستونيا."), "troop_presence")
    now = only(claims_of("ولا يزال 300 جندي بريطاني يتمركزون في إستونيا."), "troop_presence")
    assert (was.phase, now.phase) == ("completed", "ongoing")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("تحطمت طائرة ركاب أوكرانية بعد دقائق من إقلاعها من مطار طهران صباح الأربعاء.", "ar"),
        ("A Ukrainian airliner crashed minutes after take-off from Tehran on Wednesday.", "en"),
    ],
    ids=["ar", "en"],
)
def test_a_plane_crash_is_an_event_with_its_day(text: str, language: str) -> None:
    article = Article.from_text("c.txt", text, published=date(2020, 1, 9), language=language)
    (crash,) = [c for c in extract_claims(article) if c.event_word == "crash"]
    assert crash.time is not None and crash.time.weekday == 2


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("Of these, 3.4 million cast their votes, a turnout of 49 percent.", "en", 49),
        ("وبلغت نسبة المشاركة في الاستفتاء 23.7 بالمئة.", "ar", 23.7),
    ],
    ids=["en", "ar"],
)
def test_turnout_and_voting_are_election_claims(text: str, language: str, value: float) -> None:
    article = Article.from_text("v.txt", text, published=date(2024, 9, 8), language=language)
    shares = [
        c.quantity.value
        for c in extract_claims(article)
        if c.event_word == "election" and c.quantity is not None and c.quantity.unit == "percent"
    ]
    assert shares == [value]


def test_a_collapse_told_with_its_verb_is_an_event_with_its_day_and_place() -> None:
    claims = claims_of("انهار مبنى سكني قديم في القاهرة يوم الجمعة.")
    (collapse,) = [c for c in claims if c.event_word == "collapse"]
    assert collapse.location is not None and collapse.location.key == "cairo"
    assert collapse.time is not None and collapse.time.weekday == 4


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("غرق مركب يقل مهاجرين قبالة سواحل تونس فجر الأحد، ولقي 12 مهاجرا حتفهم.", "ar"),
        ("A boat carrying migrants sank off the coast of Tunisia early on Sunday, killing 12.",
         "en"),
    ],
    ids=["ar", "en"],
)
def test_a_sinking_is_an_event_with_its_day_and_place(text: str, language: str) -> None:
    article = Article.from_text("s.txt", text, published=date(2023, 9, 12), language=language)
    (sinking,) = [c for c in extract_claims(article) if c.event_word == "sinking"]
    assert sinking.location is not None and sinking.location.key == "tunisia"
    assert sinking.time is not None and sinking.time.weekday == 6


def test_migrants_are_counted_people_and_the_drowned_are_dead() -> None:
    claims = claims_of("ولقي 12 مهاجرا حتفهم، وبلغ عدد الغرقى 15 شخصا.")
    counts = [(c.event_word, c.quantity.value, c.quantity.unit)
              for c in claims if c.event == "casualties" and c.quantity is not None]
    assert counts == [("killed", 12, "people"), ("killed", 15, "people")]
    # the verb alone, with no count, is a person drowning: no sinking
    assert [c for c in claims_of("وغرق رجل في البحر.") if c.event_word == "sinking"] == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("واعتقلت الشرطة 150 متظاهرا في باريس مساء السبت.", "ar"),
        ("Police arrested 150 protesters in Paris on Saturday evening.", "en"),
    ],
    ids=["ar", "en"],
)
def test_arrests_are_events_with_their_count(text: str, language: str) -> None:
    article = Article.from_text("p.txt", text, published=date(2024, 11, 28), language=language)
    (arrest,) = [c for c in extract_claims(article) if c.event_word == "arrest"]
    assert arrest.quantity is not None and arrest.quantity.value == 150
    assert arrest.location is not None and arrest.location.key == "paris"
