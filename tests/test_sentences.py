"""Sentence, line, paragraph and clause splitting (claims.sentences)."""

from __future__ import annotations

from spacy.tokens import Doc

from claims.normalize import normalize
from claims.pipeline import get_pipeline
from claims.sentences import ClauseInfo, SentenceInfo


def _doc(text: str) -> Doc:
    return get_pipeline()(normalize(text))


def _sentences(text: str) -> list[str]:
    doc = _doc(text)
    infos: list[SentenceInfo] = doc.user_data["cc_sentences"]
    return [doc.text[s.start : s.end] for s in infos]


def _clauses(text: str) -> list[str]:
    doc = _doc(text)
    clauses: list[ClauseInfo] = doc.user_data["cc_clauses"]
    return [doc.text[c.start : c.end] for c in clauses]


def test_splits_on_arabic_and_latin_punctuation() -> None:
    got = _sentences("وصل الوفد. هل انتهى الاجتماع؟ لا! انتهى؛ ثم غادر? نعم")
    assert len(got) == 6


def test_decimal_point_and_abbreviation_do_not_split() -> None:
    got = _sentences("قطع الرتل 3.5 كيلومتر قبل أن يتوقف. وقال د. أحمد إن الطريق آمن.")
    assert len(got) == 2
    assert got[0].endswith(".")
    assert "3.5" in got[0]


def test_every_line_is_a_sentence_and_the_first_is_the_headline() -> None:
    text = (
        "رتل يغادر القاعدة\n\n"
        "غادر رتل عسكري القاعدة صباح اليوم. وتوجه إلى الحدود\n"
        "  • بند أول\n"
        "العنصر التفصيل\n"
        "عدد الآليات 40 آلية"
    )
    doc = _doc(text)
    infos: list[SentenceInfo] = doc.user_data["cc_sentences"]
    texts = [doc.text[s.start : s.end] for s in infos]
    assert len(texts) == 6
    assert [s.headline for s in infos] == [True, False, False, False, False, False]
    # the blank line separates the headline's paragraph from the body
    assert infos[0].paragraph != infos[1].paragraph
    assert infos[1].paragraph == infos[5].paragraph
    assert texts[3].startswith("•")


def test_heading_lines_start_sections() -> None:
    text = (
        "العنوان الرئيسي للخبر\n"
        "فقرة أولى طويلة تشرح ما حدث في المدينة خلال الأيام الماضية بالتفصيل الكامل للقارئ.\n"
        "خلفية القرار\n"
        "فقرة ثانية طويلة تشرح خلفية القرار الذي اتخذته الحكومة في الأسبوع الماضي بعد المشاورات.\n"
    )
    infos: list[SentenceInfo] = _doc(text).user_data["cc_sentences"]
    assert [s.heading for s in infos] == [False, False, True, False]
    assert infos[1].section != infos[3].section
    assert infos[2].section == infos[3].section


def test_sentence_starts_are_set_on_tokens() -> None:
    doc = _doc("وصل الوفد. ثم غادر.")
    assert [s.text for s in doc.sents] == ["وصل الوفد.", "ثم غادر."]


def test_clause_split_when_both_sides_carry_a_trigger() -> None:
    got = _clauses("انسحبت القوات من المدينة، فيما سيتم نقل المعدات إلى قاعدة التاجي.")
    assert len(got) == 2
    assert got[1].startswith("فيما")


def test_no_clause_split_without_a_trigger_on_one_side() -> None:
    got = _clauses("انسحبت القوات من المدينة، فيما يرى مراقبون أن الوضع هادئ.")
    assert len(got) == 1


def test_clause_split_before_wa_glued_to_a_verb_trigger() -> None:
    got = _clauses("أغلقت القوات قاعدة القيارة وانسحبت إلى أربيل.")
    assert len(got) == 2
    assert got[1].startswith("وانسحبت")


def test_connector_without_trigger_does_not_steal_the_next_split() -> None:
    """ "A، حيث B، وأن C": B has no trigger, so the split is before C, not before B."""
    got = _clauses(
        "تحركت قافلة من الجنود نحو سوريا حيث تحتفظ واشنطن بقواعد "
        "وأن جنودا آخرين سيعاد نشرهم في أربيل."
    )
    assert len(got) == 2
    assert got[1].startswith("وان")
