"""The HTML report: the report rendered as one self-contained, right-to-left page."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, get_args

import pytest
from markupsafe import escape

from checker.html_report import (
    Viewer,
    assets,
    finding_view,
    local_range,
    render_report_html,
    safe_url,
    segments,
)
from checker.report import (
    ArabicNames,
    ArticleRef,
    Delta,
    FindingRef,
    FindingUpdate,
    Report,
    ReportFinding,
    ReportQuote,
    ReportSide,
    SideGain,
    build_report,
    counted_ar,
    date_ar,
    quantity_ar,
    time_ar,
    words_ar,
)
from checker.run import run
from checker.settings import load_labels
from checker.store import Store
from claims.model import Article, Claim, Entity, Finding, Quantity, ReviewStatus, Span
from tests.card_drop import build_card_store
from tests.claim_builders import day
from tests.web_demo import DROP, build_demo_store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    tmp = tmp_path_factory.mktemp("html")
    store, _summary = build_demo_store(tmp)
    yield store, tmp / "out"
    store.close()


@pytest.fixture(scope="module")
def report(demo: tuple[Store, Path]) -> Report:
    return build_report(demo[0])


@pytest.fixture(scope="module")
def page(demo: tuple[Store, Path]) -> str:
    return (demo[1] / "report.html").read_text(encoding="utf-8")


def _finding_block(page: str, finding_id: str) -> str:
    start = page.index(f'id="finding-{finding_id}"')
    return page[start : page.index("</article>", start)]


def test_run_writes_report_html_next_to_json(demo: tuple[Store, Path], page: str) -> None:
    out = demo[1]
    assert (out / "report.json").is_file() and (out / "report.md").is_file()
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="ar" dir="rtl">' in page
    assert '"Noto Naskh Arabic"' in page and "Tahoma" in page


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every element of a page with its attributes, as a browser would parse them."""
    parser = _TagCollector()
    parser.feed(page)
    return parser.tags


def _all_findings(report: Report) -> list[ReportFinding]:
    return [f for e in report.events for f in e.findings] + report.findings_outside_events


def test_summary_and_every_finding_and_claim_are_on_the_page(report: Report, page: str) -> None:
    summary = report.summary
    assert summary.findings >= 3, "the demo drop has contradictions"
    cards = re.search(r'<ul class="cards">(.*?)</ul>', page[page.index('id="summary"'):], re.S)
    assert cards is not None
    numbers = [int(n) for n in re.findall(r"<b>(\d+)</b>", cards.group(1))]
    assert numbers[:4] == [summary.articles, summary.claims, summary.events, summary.findings]
    findings = _all_findings(report)
    assert len(findings) == summary.findings
    for finding in findings:
        assert page.count(f'id="finding-{finding.id}"') == 1
        for claim_id in finding.claim_ids:
            assert f'href="#claim-{claim_id}"' in page
    claims = [c for e in report.events for c in e.claims] + report.claims_outside_events
    assert len(claims) == summary.claims
    for claim in claims:
        assert page.count(f'id="claim-{claim.id}"') == 1


def test_findings_grouped_by_event_most_severe_first(report: Report, page: str) -> None:
    rank = {"high": 0, "medium": 1, "low": 2}
    for event in report.events:
        if not event.findings:
            continue
        section_start = page.index(f'id="event-{event.id}"')
        section = page[section_start : page.index('<details class="claims">', section_start)]
        shown = re.findall(r'data-finding="(f_[0-9a-f]{16})" data-kind="\w+" '
                           r'data-severity="(\w+)"', section)
        assert [fid for fid, _ in shown] == [f.id for f in event.findings]
        severities = [rank[s] for _, s in shown]
        assert severities == sorted(severities)


def test_compared_words_are_marked_inside_each_quote(report: Report, page: str) -> None:
    counts = [f for f in _all_findings(report) if f.kind == "count"]
    assert counts, "the flood reports disagree on the toll"
    count = counts[0]
    block = _finding_block(page, count.id)
    quotes = [q for side in count.sides for q in side.quotes]
    for quote in quotes:
        assert quote.compared is not None
        assert f"<mark>{quote.compared.text}</mark>" in block
    # the values compared: in Arabic words on the card, the normalised form in the details
    assert len(quotes) == 2
    for side in count.sides:
        assert side.value_ar and f'<bdi class="side-value" dir="rtl">{side.value_ar}</bdi>' in block
    details = block[block.index('<details class="tech">'):]
    for quote in quotes:
        assert f'<bdi dir="ltr" class="ltr en">{quote.value}</bdi>' in details
    # rule code and name only in the details; the explanation in Arabic on the card
    head = block[: block.index('<details class="tech">')]
    assert count.code not in head and count.rule not in head
    assert count.code in details and count.rule in details
    assert count.explanation_ar in head and count.explanation_en in details


def test_a_finding_card_lists_its_sides_with_tallies_and_why(report: Report, page: str) -> None:
    """The flood's weekday finding: two reports say Tuesday, one says Monday."""
    finding = next(f for f in _all_findings(report) if f.kind == "weekday"
                   and len(f.claim_ids) == 3)
    block = _finding_block(page, finding.id)
    sides = re.findall(r'<section class="side[^"]*" data-side="(\w)">', block)
    assert sides == ["A", "B"]
    assert [s.tally for s in finding.sides] == [2, 1]
    assert '<span class="tally" data-tally="2">تقريران</span>' in block
    assert '<span class="tally" data-tally="1">تقرير واحد</span>' in block
    for side in finding.sides:
        assert f'<bdi class="side-value" dir="rtl">{side.value_ar}</bdi>' in block
        for quote in side.quotes:
            assert f'data-claim="{quote.claim_id}"' in block
            assert f"{quote.start}–{quote.end}" in block
            assert quote.outlet is not None and str(escape(quote.outlet)) in block
            assert quote.published is not None
            assert f'<time datetime="{quote.published.isoformat()}">' in block
    # why hard, in Arabic on the card and in English behind the toggle
    assert finding.certainty_reason_ar and finding.certainty_reason_ar in block
    assert finding.certainty_reason in block


def test_the_inferred_mark_and_a_side_beyond_three_quotes() -> None:
    """A claim that joined only through its event's other reports is marked; a side of
    many reports shows three quotes and keeps the rest one click away."""
    quotes = [
        ReportQuote(claim_id=f"c_{i:016x}", article_id=f"a_{i:016x}", article_name=f"r{i}.txt",
                    quote=f"نص {i}", start=0, end=4, field="quantity", value="5 deaths",
                    inferred=i == 4)
        for i in range(5)
    ]
    finding = ReportFinding(
        id="f_0000000000000001", rule="count_conflict.v1", code="C003", kind="count",
        severity="medium", certainty="soft", claim_ids=[q.claim_id for q in quotes],
        sides=[
            ReportSide(value="5 deaths", tally=4, claim_ids=[q.claim_id for q in quotes[:4]],
                       quotes=quotes[:4]),
            ReportSide(value="9 deaths", tally=1, claim_ids=[quotes[4].claim_id],
                       quotes=[quotes[4]]),
        ],
    )
    view = finding_view(finding, {})
    first, second = view["sides"]
    assert (len(first["shown"]), len(first["more"])) == (3, 1)
    assert first["tally_ar"] == "4 تقارير" and second["inferred"] == 1
    assert second["shown"][0]["inferred"] and not first["shown"][0]["inferred"]


def _reviewers(store: Store, *names: str) -> None:
    """Decisions are recorded by registered users when the store keeps users."""
    add_user = getattr(store, "add_user", None)
    if add_user is not None:
        for name in names:
            add_user(name)


def test_review_status_note_and_reviewer_are_shown(tmp_path: Path) -> None:
    store, _ = build_demo_store(tmp_path)
    _reviewers(store, "رنا")
    finding = store.findings()[0]
    store.set_review(finding.id, "dismissed", note="مرحلتان مختلفتان", by="رنا")
    html = render_report_html(build_report(store))
    block = _finding_block(html, finding.id)
    assert 'data-status="dismissed"' in block
    assert "مرحلتان مختلفتان" in block and "رنا" in block
    store.close()


def test_page_is_self_contained_and_locked_down(page: str) -> None:
    """No external resource of any kind; only our own inline script and style may run."""
    tags = _tags(page)
    assert "link" not in {tag for tag, _ in tags}
    assert not [tag for tag, attrs in tags if "src" in attrs], "no element loads anything"
    assert "@import" not in page and "url(" not in page
    assert page.count("<script>") == 1 and page.count("<style>") == 1
    css, js = assets()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1).replace("&#39;", "'")
    digest = base64.b64encode(hashlib.sha256(js.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert f"<script>{js}</script>" in page and f"<style>{css}</style>" in page


def test_static_page_has_filters_but_no_review_buttons(page: str, tmp_path: Path) -> None:
    for dim in ("kind", "severity", "certainty", "status"):
        assert f'data-filter="{dim}"' in page
    assert "<button type=\"button\" data-review" not in page
    store, _ = build_demo_store(tmp_path)
    live = render_report_html(build_report(store), live=True)
    buttons = live.count('<button type="button" data-review="confirmed"')
    assert buttons == store.counts()["findings"]
    assert 'id="token"' not in live
    # A served page for a visitor who is not signed in: a sign-in link, no review button.
    signed_out = render_report_html(build_report(store), live=True, viewer=Viewer())
    assert 'id="sign-in"' in signed_out and '<button type="button" data-review' not in signed_out
    store.close()


def test_delta_section_renders_when_the_report_has_one(
    report: Report, demo: tuple[Store, Path]
) -> None:
    first = report.events[0].findings[0].id
    weekday = next(f for f in _all_findings(report) if len(f.claim_ids) == 3)
    gained = weekday.sides[0].quotes[0]
    assert gained.article_id is not None
    gone = Finding.model_validate(
        demo[0].findings()[0].model_dump()
        | {"id": "f_00000000000000aa", "explanation_ar": "نص <b>قديم</b>"}
    )
    with_delta = report.model_copy(update={"delta": Delta(
        run_id="r_2",
        previous_run_id="r_1",
        new=[demo[0].get_finding(first) or FindingRef(id=first)],
        open=[weekday.id],
        updated=[FindingUpdate(
            id=weekday.id, code=weekday.code, kind=weekday.kind, severity=weekday.severity,
            review_status="open",
            sides=[SideGain(value=weekday.sides[0].value, tally=2, previous_tally=1,
                            new_articles=[ArticleRef(id=gained.article_id,
                                                     name="<i>جديد</i>.md")])],
        )],
        resolved=[gone, FindingRef(id="f_00000000000000bb")],
        counts={"new": 1, "open": 1, "updated": 1, "resolved": 2},
    )})
    html = render_report_html(with_delta)
    assert 'id="delta"' in html
    assert '<b data-delta="new">1</b>' in html and '<b data-delta="resolved">2</b>' in html
    assert '<b data-delta="updated">1</b>' in html
    assert f'href="#finding-{first}"' in html
    assert "f_00000000000000bb" in html and "نص &lt;b&gt;قديم&lt;/b&gt;" in html
    assert 'class="badge new"' in _finding_block(html, first)
    # the report that joined a side: named in the box, marked on its quote in the card
    assert "&lt;i&gt;جديد&lt;/i&gt;.md" in html and "(كان تقرير واحد)" in html
    block = _finding_block(html, weekday.id)
    assert block.count("تقرير جديد") == 1 and 'class="side gained"' in block


def test_the_delta_in_report_json_is_typed(report: Report) -> None:
    """The delta is a field of the report, so report.json's shape is one model."""
    delta = Delta(run_id="r_2", previous_run_id=None, new=[FindingRef(id="f_0000000000000001")])
    data = report.model_copy(update={"delta": delta}).model_dump(mode="json")
    again = Report.model_validate(data)
    assert again.delta == delta
    assert "هذا أول تشغيل" in render_report_html(again)


def test_empty_report_renders(tmp_path: Path) -> None:
    store = Store(tmp_path / "empty.db")
    html = render_report_html(build_report(store))
    assert "لم يُعثر على أي تناقض" in html and "</html>" in html
    store.close()


def test_real_extraction_run_writes_a_valid_page(tmp_path: Path) -> None:
    """Whatever extraction finds in the drop today, the page is written and escaped."""
    store = Store(tmp_path / "real.db")
    run([DROP], store, tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert "<script>alert(1)</script>" not in html
    assert html.count('<details class="article" id="article-') == 5
    store.close()


# -- highlighting and links --------------------------------------------------------------------


def test_local_range_uses_offsets_and_checks_the_text() -> None:
    quote = "قتل 12 شخصاً في الهجوم"
    assert local_range(quote, 100, Span(start=104, end=106, text="12")) == (4, 6)
    # offsets that disagree with the recorded text: fall back to finding the text
    assert local_range(quote, 100, Span(start=90, end=92, text="12")) == (4, 6)
    assert local_range(quote, None, None, fallback="الهجوم") == (16, 22)
    assert local_range(quote, 100, Span(start=500, end=510, text="غير موجود")) is None


def test_segments_merge_overlaps_and_keep_every_character() -> None:
    text = "abcdefghij"
    parts = segments(text, [(2, 5), (4, 7), (9, 20)])
    assert parts == [("ab", False, False), ("cdefg", True, False), ("hi", False, False),
                     ("j", True, False)]
    assert "".join(p for p, _, _ in parts) == text
    assert segments("", []) == [("", False, False)]
    # a sentence with the quote (evidence) set off and a mark before it
    parts = segments("0123456789", [(1, 3)], evidence=(5, 8))
    assert parts == [("0", False, False), ("12", True, False), ("34", False, False),
                     ("567", False, True), ("89", False, False)]


def test_a_compared_word_outside_the_quote_is_marked_in_its_sentence() -> None:
    """The date is earlier in the sentence than the quoted words: the sentence is shown."""
    sentence = "يوم الأحد بدأ الانسحاب من القاعدة الجوية"
    article_offset = 200
    quote = "بدأ الانسحاب من القاعدة"
    q_start = article_offset + sentence.index(quote)
    compared = ReportQuote(
        claim_id="c_1", quote=quote, start=q_start, end=q_start + len(quote),
        field="time.weekday", value="Sunday",
        compared=Span(start=article_offset, end=article_offset + 9, text="يوم الأحد"),
    )
    finding = ReportFinding(
        id="f_1", rule="weekday_conflict.v1", code="C002", kind="weekday", severity="high",
        certainty="hard", claim_ids=["c_1"],
        sides=[ReportSide(value="Sunday", tally=1, claim_ids=["c_1"], quotes=[compared])],
    )
    sentences = {"c_1": Span(start=article_offset, end=article_offset + len(sentence),
                             text=sentence)}
    (side,) = finding_view(finding, {}, sentences=sentences)["sides"]
    (view,) = side["shown"]
    assert view["in_sentence"]
    assert [(p, m, e) for p, m, e in view["segments"] if m] == [("يوم الأحد", True, False)]
    assert [p for p, _, e in view["segments"] if e] == [quote]
    # without the sentence, the quote is shown alone and nothing is marked
    (alone,) = finding_view(finding, {})["sides"][0]["shown"]
    assert not alone["in_sentence"] and not alone["marked"]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a?b=1", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("//evil.example/x", False),
        ("/etc/passwd", False),
        ('https://example.org/"onmouseover="alert(1)', False),
        ("https://", False),
        (None, False),
    ],
)
def test_only_http_urls_become_links(url: Any, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_a_finding_quote_covers_the_compared_words_said_before_the_event() -> None:
    """"يوم الأحد بدأ الانسحاب من القاعدة": the weekday stands before the event's words,
    so the side's quote is widened to show it; an editor reads the quote alone."""
    from checker.report import _report_finding
    from claims.model import Article, Claim, ComparedValue, FindingSide

    text = "يوم الأحد بدأ الانسحاب من القاعدة."
    article = Article.from_text("a.txt", text)
    start = text.index("الانسحاب")
    evidence = Span(start=start, end=len(text) - 1, text=text[start:-1])
    claim = Claim(article_id=article.id, sentence=evidence, evidence=evidence,
                  quote=evidence.text, event="withdrawal")
    weekday = Span(start=0, end=9, text=text[:9])
    said = ComparedValue(claim_id=claim.id, field="time.weekday", value="Sunday",
                         quote=weekday.text, span=weekday)
    finding = Finding(
        rule="weekday_conflict.v1", code="C002", kind="weekday", severity="high",
        certainty="hard", claim_ids=[claim.id],
        sides=[FindingSide(value="Sunday", claim_ids=[claim.id], quotes=[said]),
               FindingSide(value="2025-08-21 (Thursday)", claim_ids=[claim.id])],
    )
    first, second = _report_finding(
        finding, {claim.id: claim}, {article.id: article}, None
    ).sides
    (quote,) = first.quotes
    assert (quote.start, quote.end) == (0, len(text) - 1)
    assert quote.quote == text[:-1] and "يوم الأحد" in quote.quote
    assert quote.compared == weekday and quote.article_name == "a.txt"
    # a claim on a side without compared words is still quoted, with its evidence
    (plain,) = second.quotes
    assert (plain.start, plain.end, plain.quote) == (start, len(text) - 1, evidence.text)


# -- what an editor reads on a card ------------------------------------------------------------


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    """The card drop (tests/card_drop.py): three reports of one withdrawal with outlets,
    dates and links, and a lone report whose file name starts with digits."""
    tmp = tmp_path_factory.mktemp("cards")
    store, _summary = build_card_store(tmp)
    yield store, tmp / "out"
    store.close()


@pytest.fixture(scope="module")
def cards_report(cards: tuple[Store, Path]) -> Report:
    return build_report(cards[0])


@pytest.fixture(scope="module")
def cards_page(cards: tuple[Store, Path]) -> str:
    return (cards[1] / "report.html").read_text(encoding="utf-8")


def _blocks(page: str, css_class: str) -> list[str]:
    """The HTML of every <figure class="quote ..."> (or other element) of a page."""
    found = []
    for match in re.finditer(rf'<figure class="{css_class}[^"]*"', page):
        found.append(page[match.start() : page.index("</figure>", match.start())])
    return found


def _visible_text(block: str) -> str:
    """A card's text without its "details" part and without markup (``block`` may start
    inside its first tag, as :func:`_finding_block` cuts it)."""
    block = block[block.index(">") + 1 :]
    shown = re.sub(r'<details class="tech">.*?</details>', " ", block, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", shown))


def test_values_are_arabic_words_with_their_bounds() -> None:
    """'أكثر من 50 آلية' was shown as exactly 50 elsewhere, and compared values were
    English on an Arabic page ('Erbil', '0 soldiers', 'Thursday')."""
    more = Quantity(value=50, low=50, low_inclusive=False, unit="vehicles")
    assert quantity_ar(more) == "أكثر من 50 آلية"
    few = Quantity(value=None, low=1, high=None, unit="soldiers", vague=True)
    text = quantity_ar(few)
    assert text.startswith("جندي واحد على الأقل") and not set(text) & set("[]∞≈")
    assert quantity_ar(Quantity(value=0, low=0, high=0, unit="soldiers")) == "لا جنود"
    assert quantity_ar(Quantity(value=500, low=0, high=500, high_inclusive=False,
                                unit="soldiers")) == "أقل من 500 جندي"
    assert quantity_ar(Quantity(value=70, low=70, unit="attacks")) == "70 هجوماً على الأقل"
    assert quantity_ar(Quantity(value=350, low=315, high=385, unit="km",
                                approximate=True)) == "نحو 350 كم"
    assert [counted_ar(n, "soldiers") for n in (1, 2, 5, 23, 200)] == [
        "جندي واحد", "جنديان", "5 جنود", "23 جندياً", "200 جندي"]
    assert time_ar(day("2025-08-21", weekday=3, time_of_day="evening")) == (
        "الخميس 21 أغسطس 2025 مساءً")
    assert time_ar(day("2025-09", relation="by", modifier="start")) == "بحلول مطلع سبتمبر 2025"
    assert time_ar(day("2026", relation="by", modifier="end")) == "بحلول أواخر عام 2026"
    assert words_ar("Thursday (2025-08-21)") == "الخميس (21 أغسطس 2025)"


def test_places_are_named_as_the_reports_write_them() -> None:
    """The gazetteer's name as a report wrote it ("عين الأسد"), never an anaphor
    ("القاعدة") or an adjective ("الأراضي السورية") written for the same key."""
    text = "نص"
    span = Span(start=0, end=len(text), text=text)

    def claim(*places: Entity) -> Claim:
        return Claim(article_id=Article.content_id(text), sentence=span, evidence=span,
                     quote=text, event="withdrawal", destinations=list(places))

    base = Entity(kind="place", key="ain_al_asad", label="Ain al-Asad", surface="القاعدة")
    named = base.model_copy(update={"surface": "عين الأسد"})
    syria = Entity(kind="place", key="syria", label="Syria", surface="الأراضي السورية")
    names = ArabicNames([claim(base, syria), claim(base), claim(named)])
    assert names.name(base) == "عين الأسد"
    assert names.name(syria) != "الأراضي السورية" and "Syria" not in names.name(syria)
    outside = Entity(kind="place", key="iraq", label="Iraq", surface="العراق", complement=True)
    assert ArabicNames([claim(outside)]).name(outside) == "خارج العراق"
    # a town the gazetteer does not name: as the reports spell it, not its English label
    town = Entity(kind="place", key="konduga_ng", label="Konduga", surface="كوندوغا")
    other = town.model_copy(update={"surface": "كندوغا"})
    assert ArabicNames([claim(town), claim(town), claim(other)]).name(town) == "كوندوغا"


def test_each_side_shows_outlet_date_modality_phase_and_time(
    cards_report: Report, cards_page: str
) -> None:
    """A forecast looked like a report: each quote now says how it is stated, when it was
    published and by whom, the phase and the time, in Arabic words."""
    labels = load_labels()
    findings = _all_findings(cards_report)
    assert len(findings) == 3
    for finding in findings:
        block = _finding_block(cards_page, finding.id)
        figures = _blocks(block, "quote")
        quotes = [q for side in finding.sides for q in side.quotes]
        assert len(figures) == len({q.claim_id for q in quotes})
        for quote in quotes:
            (figure,) = [f for f in figures if f'data-claim="{quote.claim_id}"' in f]
            text = _visible_text(figure)
            assert quote.outlet and quote.outlet in text
            assert quote.published and date_ar(quote.published) in text
            assert quote.modality and labels.modalities_ar[quote.modality] in text
            if quote.phase:
                assert labels.phases_ar[quote.phase] in text
            assert (quote.time_ar or "لا يذكر زمناً") in text
            assert ('class="quote prospective"' in figure) == (quote.modality == "expected")
    forecast = next(f for f in findings if f.kind == "location")
    assert "توقّع" in _visible_text(_finding_block(cards_page, forecast.id))


def test_a_card_says_why_it_is_hard_or_soft() -> None:
    """'soft' had no reason when a stored finding carried none: the card always says why,
    in one Arabic sentence."""
    quote = ReportQuote(claim_id="c_0000000000000001", quote="نص", value="5 deaths")
    bare = ReportFinding(
        id="f_0000000000000001", rule="count_conflict.v1", code="C003", kind="count",
        severity="medium", certainty="soft", claim_ids=[quote.claim_id],
        sides=[ReportSide(value="5 deaths", tally=1, claim_ids=[quote.claim_id],
                          quotes=[quote])],
    )
    html = render_report_html(_report_with(bare))
    block = _finding_block(html, bare.id)
    assert "<b>لماذا؟</b> غير قاطع: لم يُسجَّل سبب" in block
    reasoned = bare.model_copy(update={"certainty_reason_ar": "غير قاطع: الحصيلة قد ترتفع."})
    block = _finding_block(render_report_html(_report_with(reasoned)), bare.id)
    assert "<b>لماذا؟</b> غير قاطع: الحصيلة قد ترتفع." in block


def _report_with(finding: ReportFinding) -> Report:
    with Store(":memory:") as store:
        empty = build_report(store)
    return empty.model_copy(update={"findings_outside_events": [finding]})


def test_ids_codes_and_offsets_are_behind_the_details_control(
    report: Report, page: str, cards_report: Report, cards_page: str
) -> None:
    """Internal codes (f_..., c_..., C002 weekday_conflict.v1, character offsets) took
    the place an editor reads first; they are now one click away."""
    for rep, html in ((report, page), (cards_report, cards_page)):
        for finding in _all_findings(rep):
            block = _finding_block(html, finding.id)
            shown = _visible_text(block)
            assert "f_" not in shown and "c_" not in shown, shown
            assert finding.code not in shown and finding.rule not in shown
            assert not re.search(r"\d+–\d+", shown)
            details = block[block.index('<details class="tech">'):]
            assert finding.id in details and finding.code in details


def test_a_weekday_finding_between_two_calendar_days_is_filed_under_date(
    cards_report: Report, cards_page: str
) -> None:
    """14 against 15 October was filed under 'weekday', so the date filter showed 0."""
    (finding,) = [f for f in _all_findings(cards_report) if f.kind == "weekday"]
    assert finding.display_kind == "date"
    block = _finding_block(cards_page, finding.id)
    assert 'data-kind="date"' in block
    assert re.search(r'value="date" checked> تاريخ <span class="muted">\(1\)</span>',
                     cards_page)


def test_certainty_and_review_labels_never_share_a_word(page: str) -> None:
    """Certainty 'hard' read 'مؤكد', and so did the review status 'تناقض مؤكد'."""

    def words(texts: Iterable[str]) -> set[str]:
        return {re.sub(r"[\u064B-\u0652]", "", w) for t in texts for w in t.split()}

    def options(dim: str) -> list[str]:
        return re.findall(rf'data-dim="{dim}" name="{dim}" value="\w+" checked> ([^<]+) <', page)

    certainty, review = options("certainty"), options("status")
    assert len(certainty) == 2 and len(review) >= 3
    assert not words(certainty) & words(review), (certainty, review)
    assert load_labels().certainties["hard"].ar == "قاطع"


def test_needs_info_has_an_arabic_label_a_filter_and_a_button(tmp_path: Path) -> None:
    assert "needs_info" in get_args(ReviewStatus)
    store, _ = build_demo_store(tmp_path)
    live = render_report_html(build_report(store), live=True)
    assert 'data-dim="status" name="status" value="needs_info" checked> يحتاج إلى معلومات إضافية' \
        in live
    assert live.count('data-review="needs_info" data-label="يحتاج إلى معلومات إضافية"') == len(
        store.findings())
    store.close()


def test_the_report_file_carries_every_article_in_full(
    cards_report: Report, cards_page: str
) -> None:
    """There was no way to read the whole article, its outlet, date and link."""
    assert len(cards_report.articles) == 4
    for article in cards_report.articles:
        assert article.text
        start = cards_page.index(f'<details class="article" id="article-{article.id}">')
        section = cards_page[start : cards_page.index("</details>", start)]
        body = section[section.index('<div class="article-text"'):]
        assert unescape(re.sub(r"<a class=\"claim-no\"[^>]*>\d+</a>|<[^>]+>", "", body)) \
            .strip() == article.text.strip()
        assert article.outlet and str(escape(article.outlet)) in section
        assert article.published and date_ar(article.published) in section
        assert article.url and f'href="{article.url}"' in section
        claims = [c for e in cards_report.events for c in e.claims]
        claims += cards_report.claims_outside_events
        for claim in claims:
            if claim.article_id == article.id:
                assert f'href="#claim-{claim.id}"' in section
        assert section.count('<mark class="claim-span') >= 1
    # every quote on a card links to its article
    for finding in _all_findings(cards_report):
        block = _finding_block(cards_page, finding.id)
        for quote in (q for s in finding.sides for q in s.quotes):
            assert f'href="#article-{quote.article_id}">المقال كاملاً' in block


def test_file_names_stay_whole_in_the_claims_outside_events(cards_page: str) -> None:
    """'004_3f7f….md' in a right-to-left summary was split at its digits and reordered."""
    section = cards_page[cards_page.index('id="claims-outside"'):]
    assert ('<summary><bdi dir="ltr" class="ltr article-name">004_3f7f84dab7bd4a36.md</bdi>'
            in section)


def test_an_event_section_shows_what_each_report_said_and_when(
    cards_report: Report, cards_page: str
) -> None:
    (event,) = cards_report.events
    start = cards_page.index(f'id="event-{event.id}"')
    section = cards_page[start : cards_page.index('<section id="other-events"', start)]
    timeline = section[section.index('<ol class="timeline">'):]
    outlets = re.findall(r'<div class="when-who">.*?<bdi class="outlet">([^<]+)</bdi>', timeline)
    # the earliest published first: the forecast of 10 October, then 15 and 16 October
    assert outlets == ["قناة الفرات", "وكالة الرافدين", "صحيفة المدى"]
    for fact in event.facts:
        for value in fact.values:
            assert value.value_ar and value.value_ar in section
