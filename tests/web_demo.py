"""A small Arabic drop (tests/data/web_drop) and a store filled from it by a real run.

The drop holds two stories written for these tests: floods in Hodeidah reported with
different death tolls and days, and an attack on a checkpoint near Kirkuk dated to two
different days. One flood report is hostile: its title, outlet, URL and text carry markup
and a ``javascript:`` URL that every page must show as text.

``hand_extract`` is a stand-in extractor that knows these five articles: it builds the
claims (with real character offsets into each article) that extraction should give, so
the pages can be tested whatever the state of ``claims.pipeline``. Everything after
extraction (storing, linking, the rules, the report) is the real code of ``run``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.run import RunSummary, run
from checker.store import Store
from claims.model import Article, Claim, Entity, Quantity, Span, TimeValue
from tests.claim_builders import day

DROP = Path(__file__).resolve().parent / "data" / "web_drop"

HOSTILE_STRINGS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
)

HODEIDAH = Entity(
    kind="place", key="hodeidah", label="Hodeidah", surface="الحديدة", ancestors=["yemen"]
)
KIRKUK = Entity(kind="place", key="kirkuk", label="Kirkuk", surface="كركوك", ancestors=["iraq"])


def _span(text: str, needle: str, within: Span | None = None) -> Span:
    lo = within.start if within else 0
    start = text.index(needle, lo)
    return Span(start=start, end=start + len(needle), text=needle)


def _time(text: str, surface: str, value: str, weekday: int) -> TimeValue:
    base = day(value, weekday=weekday)
    return base.model_copy(update={"span": _span(text, surface)})


def _deaths(text: str, surface: str, value: float, **bounds: Any) -> Quantity:
    return Quantity(span=_span(text, surface), value=value, unit="deaths", **bounds)


def _claim(article: Article, sentence: str, evidence: str, **slots: Any) -> Claim:
    sentence_span = _span(article.text, sentence)
    evidence_span = _span(article.text, evidence, sentence_span)
    return Claim(
        article_id=article.id,
        sentence=sentence_span,
        evidence=evidence_span,
        quote=evidence,
        **slots,
    )


def hand_extract(article: Article) -> list[Claim]:
    """The claims of the web drop's articles, by article name (others give none)."""
    text = article.text
    stem = Path(article.name).stem
    if stem == "hodeidah_a":
        sentence = text[: text.index("الساحلية.") + len("الساحلية.")]
        evidence = (
            "أن 23 شخصاً لقوا حتفهم جراء السيول التي اجتاحت المدينة يوم الثلاثاء 12 أغسطس 2025"
        )
        return [
            _claim(
                article, sentence, evidence, event="casualties", event_word="لقوا حتفهم",
                phase="completed", location=HODEIDAH,
                time=_time(text, "يوم الثلاثاء 12 أغسطس 2025", "2025-08-12", 1),
                quantity=_deaths(text, "23 شخصاً", 23),
            )
        ]
    if stem == "hodeidah_b":
        sentence = text.strip()
        evidence = (
            "السيول التي ضربت المدينة يوم الثلاثاء 12 أغسطس 2025 أودت بحياة 61 شخصاً على الأقل"
        )
        return [
            _claim(
                article, sentence, evidence, event="casualties", event_word="أودت بحياة",
                phase="completed", location=HODEIDAH,
                time=_time(text, "يوم الثلاثاء 12 أغسطس 2025", "2025-08-12", 1),
                quantity=_deaths(text, "61 شخصاً على الأقل", 61, low=61),
                modality="reported",
            )
        ]
    if stem == "hodeidah_hostile":
        sentence = text.strip()
        evidence = (
            '"><svg onload=alert(1)> إن 40 شخصاً لقوا مصرعهم في سيول الحديدة '
            "يوم الاثنين 11 أغسطس 2025"
        )
        return [
            _claim(
                article, sentence, evidence, event="casualties", event_word="لقوا مصرعهم",
                phase="completed", location=HODEIDAH,
                time=_time(text, "يوم الاثنين 11 أغسطس 2025", "2025-08-11", 0),
                quantity=_deaths(text, "40 شخصاً", 40),
                modality="reported",
            )
        ]
    if stem == "kirkuk_a":
        sentence = text.strip()
        evidence = "هاجم مسلحون حاجزاً للشرطة الاتحادية جنوب غربي كركوك فجر السبت 9 أغسطس 2025"
        return [
            _claim(
                article, sentence, evidence, event="attack", event_word="هاجم",
                phase="completed", location=KIRKUK,
                time=_time(text, "فجر السبت 9 أغسطس 2025", "2025-08-09", 5),
            )
        ]
    if stem == "kirkuk_b":
        sentence = text.strip()
        evidence = "الهجوم على حاجز الشرطة الاتحادية قرب كركوك وقع مساء الخميس 7 أغسطس 2025"
        return [
            _claim(
                article, sentence, evidence, event="attack", event_word="الهجوم",
                phase="completed", location=KIRKUK,
                time=_time(text, "مساء الخميس 7 أغسطس 2025", "2025-08-07", 3),
                modality="reported",
            )
        ]
    return []


def build_demo_store(tmp: Path) -> tuple[Store, RunSummary]:
    """A store in ``tmp`` filled by ``run`` over the web drop (hand extraction), with the
    reports written to ``tmp/out``."""
    store = Store(tmp / "web.db")
    summary = run([DROP], store, tmp / "out", extractor=hand_extract,
                  extractor_version="web-demo-hand")
    return store, summary
