"""Event triggers, their type and phase (claims.events and the assembler's phase rules)."""

from __future__ import annotations

from datetime import date

import pytest

from claims.events import TriggerMention
from claims.model import Article, Claim
from claims.normalize import normalize
from claims.pipeline import extract_claims, get_pipeline


def _triggers(text: str) -> list[TriggerMention]:
    return list(get_pipeline()(normalize(text)).user_data["cc_triggers"])


def _claims(text: str, published: date | None = None) -> list[Claim]:
    return extract_claims(Article.from_text("t", text, published=published))


def _one(text: str) -> Claim:
    claims = _claims(text)
    assert len(claims) == 1, [(c.event, c.quote) for c in claims]
    return claims[0]


@pytest.mark.parametrize(
    ("text", "event", "tense"),
    [
        ("انسحبت القوات", "withdrawal", "past"),
        ("سينسحب الجنود من القاعدة", "withdrawal", "future"),
        ("بدأت القوات بسحب معداتها", "withdrawal", "noun"),
        ("وغادروا القاعدة", "withdrawal", "past"),
        ("قصفت الطائرات المدينة", "attack", "past"),
        ("تعرضت القوافل لهجمات", "attack", "noun"),
        ("وقع الطرفان مذكرة تفاهم", "agreement", "noun"),
        ("ضرب زلزال المنطقة", "other", "noun"),
        ("أدى الانفجار إلى مقتل 5 أشخاص", "casualties", "noun"),
        ("تسلمت القوات العراقية القاعدة", "handover", "past"),
    ],
)
def test_trigger_types_and_forms(text: str, event: str, tense: str) -> None:
    found = [(t.event, t.tense) for t in _triggers(text)]
    assert (event, tense) in found


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # the subject between a verb and its object: one past-tense trigger over the three
        ("وأطلق مسلحون مجهولون النار على حافلة ركاب في ولاية بلاتو", "اطلق مسلحون مجهولون النار"),
        ("فتح الجيش النار على المتسللين قرب الحدود", "فتح الجيش النار"),
    ],
)
def test_a_subject_between_a_verb_and_its_object(text: str, words: str) -> None:
    doc = get_pipeline()(normalize(text))
    found = [
        (doc.text[t.start : t.end], t.event, t.tense) for t in doc.user_data["cc_triggers"]
    ]
    assert (words, "attack", "past") in found


def test_a_preposition_parts_a_verb_from_an_object_word() -> None:
    """"فتحت الشرطة تحقيقا في اطلاق النار": the police opened an inquiry, not fire."""
    doc = get_pipeline()(normalize("فتحت الشرطة تحقيقا في إطلاق النار على المتظاهرين"))
    found = [(doc.text[t.start : t.end], t.tense) for t in doc.user_data["cc_triggers"]]
    assert found == [("اطلاق النار", "noun")]


def test_convoy_noun_absorbs_its_movement_verb() -> None:
    (trigger,) = _triggers("غادر رتل عسكري القاعدة")
    assert trigger.event == "convoy_departure" and trigger.tense == "past"
    (trigger,) = _triggers("أول رتل عسكري يغادر القاعدة")
    assert trigger.event == "convoy_departure" and trigger.tense == "present"


def test_adjacent_triggers_of_one_type_are_one_mention() -> None:
    (trigger,) = _triggers("شنت الفصائل ما لا يقل عن 70 هجوما على القاعدة")
    assert trigger.event == "attack"


def test_triggers_that_need_context_are_dropped_without_it() -> None:
    """ "عودة" is troop presence only with forces; "بقاء" needs forces or a count."""
    assert _triggers("عاد الهدوء إلى شوارع المدينة") == []
    assert [t.event for t in _triggers("منذ عودة القوات إلى القاعدة")] == ["troop_presence"]
    assert _triggers("أكد ضرورة البقاء في المنزل") == []


def test_closure_of_something_not_a_base_falls_back_to_other() -> None:
    (road,) = _triggers("أغلقت السلطات الطريق الدولي")
    assert road.event == "other"
    (base,) = _triggers("أغلقت القوات قاعدة حرير")
    assert base.event == "base_closure"


def test_zero_presence_pattern_gives_a_presence_of_nobody() -> None:
    claim = _one("ستكون القاعدة خالية تماما من أي وجود أجنبي")
    assert claim.event == "troop_presence"
    assert claim.quantity is not None
    assert (claim.quantity.low, claim.quantity.high, claim.quantity.unit) == (0, 0, "soldiers")
    assert claim.quote == "خالية تماما من أي وجود"


def test_withdrawal_counted_in_vehicles_is_a_convoy() -> None:
    claim = _one("انسحاب أكثر من 20 آلية من المعسكر")
    assert claim.event == "convoy_departure"


@pytest.mark.parametrize(
    ("text", "phase"),
    [
        ("تخطط القوات للانسحاب من المدينة", "planned"),
        ("من المقرر أن يبدأ الانسحاب من المدينة", "planned"),
        ("سيتم الانسحاب من المدينة", "planned"),
        ("ستنسحب القوات من المدينة", "planned"),
        ("بدأت القوات الانسحاب من المدينة", "began"),
        ("باشرت القوات الانسحاب من المدينة", "began"),
        ("الانسحاب من المدينة بدأ أمس", "began"),
        ("لا يزال الانسحاب من المدينة مستمرا", "ongoing"),
        ("يجري الانسحاب من المدينة على مراحل", "ongoing"),
        ("أكملت القوات انسحابها من المدينة", "completed"),
        ("انسحبت القوات من المدينة", "completed"),
        ("أعلن الجيش عن انسحاب القوات من المدينة", "completed"),
    ],
)
def test_phase_from_verb_form_and_cues(text: str, phase: str) -> None:
    claims = [c for c in _claims(text) if c.event == "withdrawal"]
    assert claims and claims[0].phase == phase, [(c.phase, c.quote) for c in claims]


def test_adjective_cue_speaks_only_about_its_noun() -> None:
    """ "التغيرات الجارية" (ongoing changes) does not make a later withdrawal ongoing."""
    claims = _claims("في ظل التغيرات الجارية في المنطقة، أعلن الجيش انسحاب القوات من المدينة.")
    (withdrawal,) = [c for c in claims if c.event == "withdrawal"]
    assert withdrawal.phase == "completed"


def test_a_plan_frames_the_clauses_that_follow() -> None:
    claims = _claims(
        "من المقرر أن تغلق القاعدة نهائيا في أيار المقبل، على أن ينتقل الجنود إلى أربيل، "
        "ويبقى منهم 200 جندي في بغداد."
    )
    assert {c.event: c.phase for c in claims} == {
        "base_closure": "planned",
        "relocation": "planned",
        "troop_presence": "planned",
    }


def test_what_was_agreed_on_is_planned() -> None:
    claims = _claims("اتفق الطرفان على انسحاب القوات من المدينة.")
    (withdrawal,) = [c for c in claims if c.event == "withdrawal"]
    assert withdrawal.phase == "planned"


def test_event_word_names_the_kind_of_other_event() -> None:
    (claim,) = [c for c in _claims("ضربت فيضانات عارمة إقليم الحوز") if c.event == "other"]
    assert claim.event_word == "flood"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("تحطمت طائرة ركاب كانت متجهة إلى القاهرة وعلى متنها 150 راكبا.", "ar"),
        ("انتقل 300 شخص من المخيم إلى مدرسة قريبة بعد الفيضانات.", "ar"),
        ("Gunmen stormed a village on Saturday evening, leaving at least 40 people dead.", "en"),
    ],
)
def test_a_count_of_people_makes_no_troop_movement(text: str, language: str) -> None:
    """A movement verb that needs a count to be a troop movement needs a count of a force:
    passengers on board, people moving house or people left dead are not troops."""
    article = Article.from_text("t", text, published=date(2025, 4, 22), language=language)
    events = {c.event for c in extract_claims(article)}
    assert not events & {"withdrawal", "relocation", "convoy_departure", "troop_presence"}


def test_a_count_of_soldiers_still_makes_a_movement() -> None:
    assert {c.event for c in _claims("انتقل 300 جندي من القاعدة إلى مطار أربيل.")} & {
        "relocation"
    }


def test_counts_of_kinds_said_together_add_up_to_the_whole() -> None:
    """ "312 راكبا و18 من أفراد الطاقم" are also 330 people on board (`count_sums`), beside
    the two counts; an approximate part, or a part alone, gives no sum."""

    def on_board(text: str) -> list[tuple[str | None, float | None, str | None]]:
        article = Article.from_text("a", text, published=date(2025, 6, 13))
        return [
            (c.quantity.unit, c.quantity.value, c.inherited.get("quantity"))
            for c in extract_claims(article)
            if c.quantity is not None and c.quantity.of == "on_board"
        ]

    both = on_board("غرقت العبارة قرب الموصل وعلى متنها 312 راكبا و18 من أفراد الطاقم.")
    assert sorted(both, key=str) == sorted(
        [("passengers", 312.0, None), ("crew", 18.0, None), ("people", 330.0, "sum")], key=str
    )
    rough = on_board("غرقت العبارة قرب الموصل وعلى متنها نحو 300 راكب و18 من أفراد الطاقم.")
    assert all(unit != "people" for unit, _, _ in rough)
    alone = on_board("غرقت العبارة قرب الموصل وعلى متنها 312 راكبا.")
    assert all(unit != "people" for unit, _, _ in alone)


def test_english_counts_of_kinds_add_up_too() -> None:
    text = "The plane crashed near Ahmedabad on Thursday with 230 passengers and 12 crew on board."
    article = Article.from_text("a", text, language="en", published=date(2025, 6, 13))
    sums = [
        (c.quantity.unit, c.quantity.value)
        for c in extract_claims(article)
        if c.quantity is not None and c.inherited.get("quantity") == "sum"
    ]
    assert sums == [("people", 242.0)]


def _left_empty(text: str, language: str = "ar") -> list[tuple[str | None, str | None]]:
    """(place, time relation) of each presence a completed withdrawal leaves empty."""
    article = Article.from_text("a", text, language=language, published=date(2025, 3, 2))
    return [
        (c.location.key if c.location else None, c.time.relation if c.time else None)
        for c in extract_claims(article)
        if c.event == "troop_presence" and c.inherited.get("derived_from") == "withdrawal"
        and c.quantity is not None and c.quantity.high == 0
    ]


def test_a_completed_withdrawal_of_the_whole_force_leaves_its_place_empty() -> None:
    """`empties`: none of the force remains where it withdrew from, from that day on."""
    assert _left_empty("أكملت القوات الفرنسية انسحابها من مالي في 15 أغسطس 2022.") == [
        ("mali", "since")
    ]
    assert _left_empty("British troops completed their withdrawal from Basra.", "en") == [
        ("basra", None)
    ]
    # a part of the force, a count of it, a plan or a withdrawal under way leave no one
    # empty place
    assert _left_empty("سحبت فرنسا معظم قواتها من مالي.") == []
    assert _left_empty("انسحب 600 جندي فرنسي من مالي.") == []
    assert _left_empty("Most British troops withdrew from Basra.", "en") == []
    assert _left_empty("ستنسحب القوات الفرنسية من مالي قبل نهاية العام.") == []
    assert _left_empty("بدأت القوات الفرنسية الانسحاب من مالي.") == []


def test_the_country_is_that_of_the_place_named_before() -> None:
    """ "البلاد" refers to the country of the places the last sentence naming one names
    ("في أغاديز ... من البلاد": Niger), when they lie in one country."""
    text = "سلمت القوات الفرنسية قاعدة غاو إلى الجيش المالي، لتكمل بذلك انسحابها من البلاد."
    assert {c.location.key for c in _claims(text) if c.event == "withdrawal" and c.location} == {
        "mali"
    }
    two = "انتقلت القوات من مالي إلى النيجر، ثم انسحبت من البلاد."
    assert all(
        c.location is None or c.location.key is None
        for c in _claims(two)
        if c.event == "withdrawal" and "البلاد" in c.quote
    )
