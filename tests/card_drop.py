"""A drop whose findings can only be judged with the whole card: outlet, date, modality,
phase, time and values in Arabic.

Three reports of one withdrawal from Ain al-Asad, each with an outlet, a publication date
and a link: two put its start on Tuesday 14 and Wednesday 15 October (a weekday finding
whose sides are two calendar days), count 20 against "more than 50" vehicles, and send
the troops to Erbil against a forecast of "outside Iraq". A fourth report, whose file name
starts with digits, tells of nothing the others do (its claim is outside any event).
``hand_extract`` builds the
claims (with real offsets) that extraction should give, so that the pages can be tested
whatever the extractor does today; everything after extraction is the real ``run``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.run import RunSummary, run
from checker.store import Store
from claims.model import Article, Claim, Entity, Quantity, Span, TimeValue
from tests.claim_builders import day

BASE = Entity(kind="place", key="ain_al_asad", label="Ain al-Asad", surface="عين الأسد",
              ancestors=["anbar", "iraq"])
ERBIL = Entity(kind="place", key="erbil", label="Erbil", surface="أربيل", ancestors=["iraq"])
US = Entity(kind="actor", key="us_forces", label="US forces", surface="القوات الأمريكية")

ARTICLES = {
    "rafidain.md": (
        "وكالة الرافدين", "2025-10-15", "https://example.org/rafidain/withdrawal",
        "بدء الانسحاب من عين الأسد",
        "أعلنت وزارة الدفاع أن القوات الأمريكية بدأت الانسحاب من قاعدة عين الأسد يوم "
        "الثلاثاء 14 أكتوبر 2025. وغادرت 20 آلية القاعدة. ونُقلت القوات إلى أربيل.",
    ),
    "mada.md": (
        "صحيفة المدى", "2025-10-16", "https://example.org/mada/asad",
        "الانسحاب من عين الأسد يبدأ",
        "قالت مصادر إن الانسحاب من قاعدة عين الأسد بدأ يوم الأربعاء 15 أكتوبر 2025. "
        "وأضافت أن أكثر من 50 آلية غادرت القاعدة.",
    ),
    "furat.md": (
        "قناة الفرات", "2025-10-10", "https://example.org/furat/forecast",
        "توقعات بنقل القوات",
        "ويُتوقع أن تُنقل القوات الأمريكية من عين الأسد إلى خارج العراق.",
    ),
    "004_3f7f84dab7bd4a36.md": (
        "إذاعة بغداد", "2025-10-12", "https://example.org/baghdad/closure",
        "إغلاق قاعدة في بغداد",
        "أُغلقت قاعدة فكتوري قرب مطار بغداد يوم الأحد 12 أكتوبر 2025.",
    ),
}
LONE = "004_3f7f84dab7bd4a36.md"
BAGHDAD = Entity(kind="place", key="baghdad", label="Baghdad", surface="بغداد",
                 ancestors=["iraq"])


def write_drop(folder: Path) -> Path:
    """The three articles as Markdown files with front matter, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (outlet, published, url, title, text) in ARTICLES.items():
        (folder / name).write_text(
            f"---\ntitle: {title}\noutlet: {outlet}\nurl: {url}\npublished: {published}\n"
            f"---\n{text}\n",
            encoding="utf-8",
        )
    return folder


def _span(text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span(start=start, end=start + len(needle), text=needle)


def _claim(article: Article, sentence: str, evidence: str, **slots: Any) -> Claim:
    return Claim(article_id=article.id, sentence=_span(article.text, sentence),
                 evidence=_span(article.text, evidence), quote=evidence, **slots)


def _on(text: str, surface: str, value: str, weekday: int) -> TimeValue:
    return day(value, weekday=weekday).model_copy(update={"span": _span(text, surface)})


def _where(text: str, entity: Entity, surface: str | None = None) -> Entity:
    return entity.model_copy(update={"span": _span(text, surface or entity.surface)})


def hand_extract(article: Article) -> list[Claim]:
    text = article.text
    if article.name == "rafidain.md":
        first = text[: text.index("2025.") + 5]
        return [
            _claim(article, first, "بدأت الانسحاب من قاعدة عين الأسد يوم الثلاثاء 14 أكتوبر 2025",
                   event="withdrawal", phase="began", location=_where(text, BASE), actors=[US],
                   time=_on(text, "يوم الثلاثاء 14 أكتوبر 2025", "2025-10-14", 1)),
            _claim(article, "وغادرت 20 آلية القاعدة.", "وغادرت 20 آلية القاعدة",
                   event="convoy_departure", location=BASE,
                   quantity=Quantity(span=_span(text, "20 آلية"), value=20, low=20, high=20,
                                     unit="vehicles")),
            _claim(article, "ونُقلت القوات إلى أربيل.", "ونُقلت القوات إلى أربيل",
                   event="withdrawal", location=BASE, actors=[US],
                   destinations=[_where(text, ERBIL)]),
        ]
    if article.name == "mada.md":
        first = text[: text.index("2025.") + 5]
        return [
            _claim(article, first, "الانسحاب من قاعدة عين الأسد بدأ يوم الأربعاء 15 أكتوبر 2025",
                   event="withdrawal", phase="began", location=_where(text, BASE),
                   modality="reported",
                   time=_on(text, "يوم الأربعاء 15 أكتوبر 2025", "2025-10-15", 2)),
            _claim(article, "وأضافت أن أكثر من 50 آلية غادرت القاعدة.",
                   "أكثر من 50 آلية غادرت القاعدة", event="convoy_departure", location=BASE,
                   modality="reported",
                   quantity=Quantity(span=_span(text, "أكثر من 50 آلية"), value=50, low=50,
                                     low_inclusive=False, unit="vehicles")),
        ]
    if article.name == "furat.md":
        sentence = text.strip()
        outside = Entity(kind="place", key="iraq", label="Iraq", surface="العراق",
                         complement=True, span=_span(text, "العراق"))
        return [
            _claim(article, sentence, "أن تُنقل القوات الأمريكية من عين الأسد إلى خارج العراق",
                   event="withdrawal", location=BASE, actors=[US], modality="expected",
                   destinations=[outside]),
        ]
    if article.name == LONE:
        sentence = text.strip()
        return [
            _claim(article, sentence, "أُغلقت قاعدة فكتوري قرب مطار بغداد",
                   event="base_closure", phase="completed", location=_where(text, BAGHDAD),
                   time=_on(text, "يوم الأحد 12 أكتوبر 2025", "2025-10-12", 6)),
        ]
    return []


def build_card_store(tmp: Path) -> tuple[Store, RunSummary]:
    """A store in ``tmp`` filled by ``run`` over the drop (hand extraction), with the
    report written to ``tmp/out``."""
    tmp.mkdir(parents=True, exist_ok=True)
    store = Store(tmp / "cards.db")
    summary = run([write_drop(tmp / "drop")], store, tmp / "out", extractor=hand_extract,
                  extractor_version="cards-hand")
    return store, summary
