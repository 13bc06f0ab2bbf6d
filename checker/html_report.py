"""The HTML pages: the :class:`~checker.report.Report` and its parts rendered with Jinja2.

JSON first: every page renders an object that a JSON answer holds (the report, a claim,
a finding, an event, an article) and adds nothing that is not derived from it
(highlight ranges, safe links, Arabic labels from ``checker/data/labels.yaml``). Templates
live in ``checker/templates`` with autoescaping on for everything; article text, titles,
outlets and URLs come from outside and are only ever shown as text. A URL becomes a link
only when it is ``http`` or ``https``.

A finding card is made to be judged alone: per side, each report's outlet, publication
date, how it states the value (a report, a forecast, a plan), the phase and the time, all
in Arabic words; why the finding is hard or soft in one sentence; internal IDs, rule
codes and character offsets behind a "details" control.

The report page is one self-contained file: CSS and JavaScript are inline, there is no
external resource at all, and a Content-Security-Policy allows only that exact script and
style (by hash), so even a markup mistake could not run injected script. It carries every
article in full, so that "the whole article" opens from disk too. The same template, with
``live=True``, is what the API serves at ``/``: it says who is signed in (a
:class:`Viewer`), review buttons post a signed-in editor's decisions back to the server
with the session's CSRF token (a visitor who is not signed in gets a sign-in link
instead), and links go to the page of each claim, finding, event and article.

Every page says each article's language, and text from an article carries its language
and direction (``lang``/``dir``): an English quote is a left-to-right isolate on the
right-to-left page.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from checker.report import (
    ArticleDetails,
    ClaimDetails,
    Delta,
    FindingDetails,
    FindingRef,
    Report,
    ReportArticle,
    ReportClaim,
    ReportEvent,
    ReportFact,
    ReportFinding,
    ReportQuote,
    ReportReview,
    ReportSide,
    date_ar,
    side_label,
)
from checker.settings import DisplayLabel, load_labels
from claims.model import (
    SELF_FACT_PREFIX,
    Certainty,
    Finding,
    FindingKind,
    ReviewStatus,
    Severity,
    Span,
)

# What a review button does, by the status it records (the badge shows the status).
REVIEW_ACTIONS: dict[str, str] = {
    "confirmed": "تأكيد التناقض",
    "dismissed": "رفض",
    "needs_info": "طلب معلومات إضافية",
    "open": "إعادة فتح",
}
# A side shows this many quotes; the rest are one click away.
SIDE_QUOTES_SHOWN = 3
# Sides are named with Arabic letters in the abjad order (أ، ب، ج...).
SIDE_LETTERS_AR = "أبجدهوزحطيكلمنسعفصقرشتثخذضظغ"
UNKNOWN_OUTLET = "وسيلة غير معروفة"
UNKNOWN_DATE = "تاريخ النشر غير معروف"
# Facet value of a report without an outlet or a date, or a finding outside any event.
UNKNOWN = "?"

# Each article's language, in Arabic words, and the direction its text runs in: an English
# quote on the right-to-left page is a left-to-right isolate (and an Arabic one the
# reverse on any page), so that its words keep their order.
LANGUAGE_NAMES_AR = {"ar": "العربية", "en": "الإنجليزية"}
RTL_SCRIPTS = frozenset({"ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO"})
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "ps", "ckb", "he", "yi", "dv", "syr", "ug"})
UNKNOWN_LANGUAGE = "لغة غير معروفة"

FONT_STACK = (
    '"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Geeza Pro", "Segoe UI", Tahoma, '
    "sans-serif"
)


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) URL that is safe to put in ``href``, else
    None (``javascript:``, ``data:``, relative paths and anything malformed stay text)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ord(ch) < 0x21 or ch in '<>"\'`\\' for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def reports_ar(count: int) -> str:
    """A number of reports in Arabic, with the noun the number takes."""
    if count == 1:
        return "تقرير واحد"
    if count == 2:
        return "تقريران"
    if 3 <= count <= 10:
        return f"{count} تقارير"
    return f"{count} تقريراً"


def _short(text: str, limit: int = 90) -> str:
    """A title on a card: one line (the whole title is on the article's page)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def side_letter_ar(index: int) -> str:
    return SIDE_LETTERS_AR[index] if index < len(SIDE_LETTERS_AR) else str(index + 1)


def published_ar(published: date | str | None) -> str:
    if published is None or published == "":
        return ""
    day = published if isinstance(published, date) else date.fromisoformat(str(published))
    return date_ar(day)


# -- languages -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _scripts() -> dict[str, str]:
    from claims.lexicon.schemas import languages_file

    return {entry.code: entry.script for entry in languages_file().languages}


def text_direction(language: str | None) -> str:
    """``rtl`` or ``ltr`` for a language code; ``auto`` (the browser decides by the first
    strong letter) when the language is not known."""
    primary = (language or "").split("-")[0].lower()
    if not primary:
        return "auto"
    script = _scripts().get(primary)
    if script is not None:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if primary in RTL_LANGUAGES else "auto"


def language_view(language: str | None) -> dict[str, str]:
    """An article's language for the page: its code (the ``lang`` attribute), its name in
    Arabic and the direction of its text."""
    primary = (language or "").split("-")[0].lower()
    return {
        "code": language or "",
        "ar": LANGUAGE_NAMES_AR.get(primary, language or UNKNOWN_LANGUAGE),
        "dir": text_direction(language),
    }


# -- the person looking at a served page ------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """Who looks at a served page. Signed in: ``name``, ``display`` (the name shown) and,
    for a browser session, ``csrf``, the token every decision sent from the page must
    carry. Signed out: all None; the page offers ``sign_in`` instead of review buttons."""

    name: str | None = None
    display: str | None = None
    csrf: str | None = None
    sign_in: str = "/login"

    @property
    def signed_in(self) -> bool:
        return self.name is not None


def _viewer_context(live: bool, viewer: Viewer | None) -> dict[str, Any]:
    """What every page template needs to know about the account: whether to show the
    account bar (a served page given a viewer), and whether decisions can be sent from
    it. ``viewer=None`` on a live page: review controls without an account bar (a caller
    that signs its users in some other way)."""
    if not live:
        return {"live": False, "viewer": None, "can_review": False, "csrf": None,
                "sign_in": ""}
    if viewer is None:
        return {"live": True, "viewer": None, "can_review": True, "csrf": None, "sign_in": ""}
    return {
        "live": True,
        "viewer": {
            "signed_in": viewer.signed_in,
            "name": viewer.name,
            "display": viewer.display or viewer.name,
            "sign_in": viewer.sign_in,
        },
        "can_review": viewer.csrf is not None,
        "csrf": viewer.csrf,
        # Where a card's "sign in" link goes; only for a visitor who is not signed in.
        "sign_in": "" if viewer.signed_in else viewer.sign_in,
    }


def _with_reviewers(
    findings: Iterable[dict[str, Any]], reviewers: Mapping[str, str] | None
) -> None:
    """Each finding's review shows the display name of the user who made it."""
    names = reviewers or {}
    for finding in findings:
        by = finding["review"].get("by")
        finding["review"]["by_display"] = names.get(by, by) if by else None


# -- labels ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, DisplayLabel]]:
    labels = load_labels()
    return {
        name: {str(key): value for key, value in table.items()}
        for name, table in (
            ("kind", labels.finding_kinds),
            ("severity", labels.severities),
            ("certainty", labels.certainties),
            ("status", labels.review_statuses),
            ("slot", labels.slots),
            ("fact", labels.fact_kinds),
        )
    }


def _table(name: str) -> dict[str, DisplayLabel]:
    return _tables()[name]


def label(table: str, value: object) -> dict[str, str]:
    """A value with its Arabic and English names (the value itself when it has none)."""
    key = str(value) if value is not None else ""
    found = _table(table).get(key)
    return {"value": key, "ar": found.ar if found else key, "en": found.en if found else key}


def _field_label(field: object) -> dict[str, str]:
    """A compared field ("time.weekday") under its slot's label ("الزمن")."""
    key = str(field or "")
    head = key.partition(".")[0]
    found = _table("slot").get(head)
    return {"value": key, "ar": found.ar if found else key, "en": key}


def status_labels() -> dict[str, str]:
    return {status: label("status", status)["ar"] for status in get_args(ReviewStatus)}


def review_buttons() -> list[dict[str, str]]:
    """One button per review status the model knows, the decisions first."""
    order = [s for s in get_args(ReviewStatus) if s != "open"] + ["open"]
    return [
        {"status": s, "action": REVIEW_ACTIONS.get(s, label("status", s)["ar"]),
         "label": label("status", s)["ar"]}
        for s in order
    ]


# -- links -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Where a claim, finding, event or article opens: its own page when served, its
    section of the report file otherwise (the file is opened from disk)."""

    served: bool

    def claim(self, claim_id: str) -> str:
        return f"/claims/{claim_id}/page" if self.served else f"#claim-{claim_id}"

    def finding(self, finding_id: str) -> str:
        return f"/findings/{finding_id}/page" if self.served else f"#finding-{finding_id}"

    def event(self, event_id: str | None) -> str | None:
        if not event_id:
            return None
        return f"/events/{event_id}/page" if self.served else f"#event-{event_id}"

    def article(self, article_id: str | None) -> str | None:
        if not article_id:
            return None
        return f"/articles/{article_id}/page" if self.served else f"#article-{article_id}"


# -- highlighting ----------------------------------------------------------------------------

# (text, compared words, the claim's own quote inside a wider sentence)
Segment = tuple[str, bool, bool]


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def local_range(
    text: str, text_start: int | None, span: Span | None, fallback: str = ""
) -> tuple[int, int] | None:
    """Where a compared value lies inside ``text`` (which starts at article offset
    ``text_start``): from the value's article offsets when they fall inside the text and
    agree with its recorded text, else the first occurrence of that text; None if neither."""
    needle = ""
    if span is not None:
        needle = span.text
        if (
            text_start is not None
            and text_start <= span.start < span.end <= text_start + len(text)
        ):
            local = (span.start - text_start, span.end - text_start)
            if not needle or text[local[0] : local[1]] == needle:
                return local
    needle = needle or fallback
    if needle:
        found = text.find(needle)
        if found >= 0:
            return (found, found + len(needle))
    return None


def segments(
    text: str, ranges: Iterable[tuple[int, int]], evidence: tuple[int, int] | None = None
) -> list[Segment]:
    """``text`` cut into (piece, highlighted, in evidence) parts; the template escapes every
    piece. ``evidence`` is given when ``text`` is a sentence around the claim's quote."""
    n = len(text)
    marks = [(max(0, a), min(n, b)) for a, b in _merge(ranges) if min(n, b) > max(0, a)]
    cuts = {0, n}
    for a, b in [*marks, *([evidence] if evidence else [])]:
        cuts.update((max(0, min(n, a)), max(0, min(n, b))))
    out: list[Segment] = []
    points = sorted(cuts)
    for a, b in zip(points, points[1:], strict=False):
        hit = any(ma <= a and b <= mb for ma, mb in marks)
        ev = evidence is not None and evidence[0] <= a and b <= evidence[1]
        if out and out[-1][1] == hit and out[-1][2] == ev:
            out[-1] = (out[-1][0] + text[a:b], hit, ev)
        else:
            out.append((text[a:b], hit, ev))
    return out or [("", False, False)]


def article_pieces(
    text: str, claims: Sequence[ReportClaim], disputed: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """The whole article cut at every claim's evidence: each piece with the claims that
    cover it (by number, 1 = the first claim in the text), the claims that start there,
    and whether a finding is about one of them. The template escapes every piece."""
    n = len(text)
    spans = [
        (max(0, min(n, c.evidence.start)), max(0, min(n, c.evidence.end)), number, c.id)
        for number, c in enumerate(claims, start=1)
    ]
    cuts = {0, n}
    for start, end, _, _ in spans:
        cuts.update((start, end))
    points = sorted(cuts)
    pieces: list[dict[str, Any]] = []
    started: set[str] = set()
    for a, b in zip(points, points[1:], strict=False):
        covering = [(num, cid) for start, end, num, cid in spans if start <= a and b <= end]
        starts = [(num, cid) for start, _, num, cid in spans if start == a and cid not in started]
        started.update(cid for _, cid in starts)
        pieces.append({
            "text": text[a:b],
            "claims": [cid for _, cid in covering],
            "starts": [{"number": num, "id": cid} for num, cid in starts],
            "disputed": any(cid in disputed for _, cid in covering),
        })
    return pieces or [{"text": "", "claims": [], "starts": [], "disputed": False}]


# -- view model ------------------------------------------------------------------------------


def _ranges(
    text: str, start: int | None, quotes: Sequence[ReportQuote]
) -> list[tuple[int, int] | None]:
    return [local_range(text, start, q.compared) for q in quotes if q.compared is not None]


def quote_view(
    quotes: Sequence[ReportQuote],
    articles: Mapping[str, ReportArticle],
    sentence: Span | None = None,
    new_articles: frozenset[str] = frozenset(),
    links: Links = Links(served=False),
    side_value_ar: str = "",
) -> dict[str, Any]:
    """One claim on one side: its quote with every compared word marked, and what an
    editor needs to judge it: outlet, date, how it states the value, phase and time.
    ``quotes`` are that claim's quotes on the side (one per compared value); ``sentence``
    the claim's sentence, shown instead of the quote when a compared word lies outside
    the quote."""
    labels = load_labels()
    first = max(quotes, key=lambda q: len(q.quote))
    text, start = first.quote, first.start
    found = _ranges(text, start, quotes)
    evidence = None
    # A compared word outside the quote (a date earlier in the sentence): show the whole
    # sentence, with the quote set off, so that the word can be marked where it stands.
    if None in found and sentence is not None and sentence.text:
        wider = _ranges(sentence.text, sentence.start, quotes)
        where = local_range(
            sentence.text, sentence.start,
            Span(start=start, end=first.end, text=text)
            if start is not None and first.end is not None and first.end >= start
            else None,
            text,
        )
        if where is not None and sum(r is not None for r in wider) > sum(
            r is not None for r in found
        ):
            text, found, evidence = sentence.text, wider, where
    ranges = [r for r in found if r is not None]
    article = articles.get(first.article_id or "")
    values = list(dict.fromkeys((q.field, q.value, q.value_ar) for q in quotes
                                if q.field or q.value))
    own_ar = list(dict.fromkeys(q.value_ar for q in quotes if q.value_ar))
    outlet = first.outlet or (article.outlet if article else None)
    published = first.published or (article.published if article else None)
    modality = first.modality
    return {
        "claim_id": first.claim_id,
        "claim_href": links.claim(first.claim_id),
        "article_id": first.article_id,
        "article_name": first.article_name or (article.name if article else None),
        "article_href": links.article(first.article_id),
        "title": _short(article.title) if article else "",
        "full_title": article.title if article else "",
        "outlet": outlet,
        "outlet_ar": outlet or UNKNOWN_OUTLET,
        "published": published.isoformat() if published else None,
        "published_ar": published_ar(published) or UNKNOWN_DATE,
        "url": article.url if article else None,
        "href": safe_url(article.url) if article else None,
        "language": language_view(article.language if article else None),
        "modality": modality,
        "modality_ar": labels.modalities_ar[modality] if modality else "",
        "prospective": modality in ("expected", "planned") or first.phase == "planned",
        "phase_ar": labels.phases_ar[first.phase] if first.phase else "",
        "time_ar": first.time_ar,
        "segments": segments(text, ranges, evidence),
        "marked": bool(ranges),
        "in_sentence": evidence is not None,
        "start": start,
        "end": first.end,
        "inferred": any(q.inferred for q in quotes),
        "is_new": first.article_id in new_articles,
        # The claim's own value, when the side groups several values.
        "value_ar": "؛ ".join(own_ar) if own_ar and "؛ ".join(own_ar) != side_value_ar else "",
        "values": [
            {"field": _field_label(f), "value": v, "value_ar": ar} for f, v, ar in values
        ],
    }


def side_view(
    index: int,
    side: ReportSide,
    articles: Mapping[str, ReportArticle],
    sentences: Mapping[str, Span],
    new_articles: frozenset[str] = frozenset(),
    links: Links = Links(served=False),
) -> dict[str, Any]:
    by_claim: dict[str, list[ReportQuote]] = {}
    for quote in side.quotes:
        by_claim.setdefault(quote.claim_id, []).append(quote)
    value_ar = side.value_ar or side.value
    quotes = [
        quote_view(group, articles, sentences.get(claim_id), new_articles, links, value_ar)
        for claim_id, group in by_claim.items()
    ]
    return {
        "label": side_label(index),
        "letter_ar": side_letter_ar(index),
        "value": side.value,
        "value_ar": value_ar,
        "tally": side.tally,
        "tally_ar": reports_ar(side.tally),
        "claim_ids": side.claim_ids,
        "shown": quotes[:SIDE_QUOTES_SHOWN],
        "more": quotes[SIDE_QUOTES_SHOWN:],
        "inferred": sum(1 for q in quotes if q["inferred"]),
        "gained": any(q["is_new"] for q in quotes),
    }


def finding_view(
    finding: ReportFinding,
    articles: Mapping[str, ReportArticle],
    delta_new: frozenset[str] = frozenset(),
    sentences: Mapping[str, Span] | None = None,
    new_articles: frozenset[str] = frozenset(),
    links: Links = Links(served=False),
    event_label: str = "",
    places: Sequence[str] = (),
) -> dict[str, Any]:
    """One finding ready for the template: labels, sides with their quotes highlighted,
    review, links, and its facets (outlets, dates, places, event) for the page's search.
    ``sentences``: each claim's sentence span (with text), by claim ID, when known;
    ``new_articles``: reports that joined a side since the previous run."""
    sides = [
        side_view(i, side, articles, sentences or {}, new_articles, links)
        for i, side in enumerate(finding.sides)
    ]
    quotes = [q for side in sides for q in [*side["shown"], *side["more"]]]
    review = finding.review.model_dump(mode="json")
    kind = finding.display_kind or finding.kind
    certainty = label("certainty", finding.certainty)
    reason = finding.certainty_reason_ar or (
        f"{certainty['ar']}: لم يُسجَّل سبب لذلك." if finding.certainty else ""
    )
    facets = {
        "outlet": sorted({q["outlet"] or UNKNOWN for q in quotes}),
        "date": sorted({q["published"] or UNKNOWN for q in quotes}),
        "place": sorted(set(places)),
        "event": [finding.event_id or UNKNOWN],
    }
    return {
        "id": finding.id,
        "href": links.finding(finding.id),
        "rule": finding.rule,
        "code": finding.code,
        "fact": finding.fact,
        "fact_ar": finding.fact_ar,
        "kind": label("kind", kind),
        "rule_kind": label("kind", finding.kind),
        "refiled": kind != finding.kind,
        "severity": label("severity", finding.severity),
        "certainty": certainty,
        "certainty_reason": finding.certainty_reason,
        "certainty_reason_ar": reason,
        "status": label("status", finding.review.status),
        "event_id": finding.event_id,
        "event_href": links.event(finding.event_id),
        "event_label": event_label,
        "claim_ids": list(finding.claim_ids),
        "sides": sides,
        # a report at odds with itself: one claim, or several dated by the same words
        "one_claim": finding.fact.startswith(SELF_FACT_PREFIX) or len(finding.claim_ids) == 1,
        "explanation_ar": finding.explanation_ar,
        "explanation_en": finding.explanation_en,
        "review": review,
        "is_new": finding.id in delta_new,
        "gained": any(side["gained"] for side in sides),
        "facets": json.dumps(facets, ensure_ascii=False, separators=(",", ":")),
        "facet_values": facets,
    }


def fact_views(facts: Sequence[ReportFact]) -> list[dict[str, Any]]:
    """An event's facts for the template: what the fact is and each value with its tally."""
    return [
        {
            "kind": label("fact", fact.kind),
            "fact": fact.fact,
            "label_ar": fact.label_ar,
            "values": [
                {"value": v.value, "value_ar": v.value_ar or v.value, "tally": v.tally,
                 "tally_ar": reports_ar(v.tally)}
                for v in fact.values
            ],
            "disputed": len(fact.values) > 1,
        }
        for fact in facts
    ]


def claim_view(
    claim: ReportClaim,
    finding_ids: Sequence[str] = (),
    links: Links = Links(served=False),
    finding_names: Mapping[str, str] | None = None,
    languages: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One claim ready for the template: its sentence with the evidence highlighted, its
    slots in Arabic words; ``finding_names`` names each finding it links to (its kind);
    ``languages`` gives each article's language by article ID (its text's direction)."""
    names = finding_names or {}
    context = claim.sentence.text
    rng = local_range(context, claim.sentence.start, claim.evidence, claim.quote) if context \
        else None
    if not context or rng is None:
        context = claim.quote
        rng = (0, len(context))
    labels = load_labels()
    return {
        "id": claim.id,
        "href": links.claim(claim.id),
        "article_id": claim.article_id,
        "article_name": claim.article_name,
        "article_href": links.article(claim.article_id),
        "outlet": claim.outlet,
        "outlet_ar": claim.outlet or UNKNOWN_OUTLET,
        "published": claim.published.isoformat() if claim.published else None,
        "published_ar": published_ar(claim.published) or UNKNOWN_DATE,
        "url": claim.url,
        "href_url": safe_url(claim.url),
        "language": language_view((languages or {}).get(claim.article_id)),
        "quote": claim.quote,
        "segments": segments(context, [rng]),
        "event": claim.event,
        "event_id": claim.event_id,
        "event_href": links.event(claim.event_id),
        "modality_ar": labels.modalities_ar[claim.modality],  # type: ignore[index]
        "prospective": claim.modality in ("expected", "planned") or claim.phase == "planned",
        "slots": [
            {"field": _field_label(key), "value": value,
             "value_ar": claim.slots_ar.get(key, value)}
            for key, value in claim.slots_text.items()
        ],
        "evidence": claim.evidence,
        "finding_ids": list(finding_ids),
        "finding_links": [
            {"id": f, "href": links.finding(f), "name": names.get(f, f"التناقض {i}")}
            for i, f in enumerate(finding_ids, start=1)
        ],
    }


def _counted(values: Iterable[str], table: str, known: Sequence[str]) -> list[dict[str, Any]]:
    """Filter options: every known value, then any other value the data has."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    order = list(known) + sorted(v for v in counts if v not in known)
    return [{**label(table, v), "count": counts.get(v, 0)} for v in order]


def _gone(finding: Finding | FindingRef) -> dict[str, Any]:
    """A resolved finding: whatever is known of it (the whole finding or only its ID)."""
    if isinstance(finding, FindingRef):
        return {"id": finding.id, "code": "", "kind": None, "explanation_ar": ""}
    return {
        "id": finding.id,
        "code": finding.code,
        "kind": label("kind", finding.kind),
        "explanation_ar": finding.explanation_ar,
    }


def delta_view(delta: Delta | None) -> dict[str, Any] | None:
    """The "since the previous run" section. Findings that still fire are "still found",
    each counted by its review status now: never "still open", which reads as a review
    status."""
    if delta is None:
        return None
    counts = delta.counts
    reviews = [
        {**label("status", status), "count": count}
        for status in get_args(ReviewStatus)
        if (count := delta.open_reviews.get(status, 0))
    ]
    view: dict[str, Any] = {
        "previous_run": delta.previous_run_id,
        "first_run": delta.previous_run_id is None,
        "new": {"ids": [f.id for f in delta.new], "count": counts.get("new", len(delta.new))},
        "open": {"ids": delta.open, "count": counts.get("open", len(delta.open)),
                 "reviews": reviews},
        "resolved": {
            "items": [_gone(f) for f in delta.resolved],
            "count": counts.get("resolved", len(delta.resolved)),
        },
        "updated": {
            "items": [
                {
                    "id": update.id,
                    "code": update.code,
                    "kind": label("kind", update.kind),
                    "sides": [
                        {
                            "value": gain.value,
                            "tally_ar": reports_ar(gain.tally),
                            "previous_ar": reports_ar(gain.previous_tally)
                            if gain.previous_tally else "",
                            "articles": [a.name or a.id for a in gain.new_articles],
                            "new_claims": len(gain.new_claim_ids),
                        }
                        for gain in update.sides
                    ],
                }
                for update in delta.updated
            ],
            # None: not known (a delta rebuilt from the store does not know it).
            "count": counts.get("updated"),
        },
    }
    return view


def timeline_view(
    claims: Sequence[ReportClaim],
    finding_of: Mapping[str, Sequence[str]],
    links: Links,
    languages: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """What each report of an event said and when: one entry per article, the earliest
    published first (reports without a date last), each with its claims in text order;
    ``languages``: each article's language by article ID."""
    labels = load_labels()
    by_article: dict[str, list[ReportClaim]] = {}
    for claim in claims:
        by_article.setdefault(claim.article_id, []).append(claim)
    entries = []
    for article_id, group in by_article.items():
        first = group[0]
        said = []
        for claim in sorted(group, key=lambda c: (c.evidence.start, c.id)):
            what = " ".join(
                p for p in (claim.slots_ar.get("phase", ""), claim.slots_ar.get("event", "")) if p
            )
            said.append({
                "id": claim.id,
                "href": links.claim(claim.id),
                "what": what,
                "modality_ar": labels.modalities_ar[claim.modality],  # type: ignore[index]
                "prospective": claim.modality in ("expected", "planned")
                or claim.phase == "planned",
                "time_ar": claim.slots_ar.get("time", ""),
                "details": [
                    {"field": _field_label(k), "value_ar": v}
                    for k, v in claim.slots_ar.items()
                    if k in ("quantity", "location", "destinations", "actors", "attribution")
                ],
                "quote": claim.quote,
                "findings": [{"id": f, "href": links.finding(f)} for f in finding_of.get(
                    claim.id, ())],
            })
        entries.append({
            "article_id": article_id,
            "article_name": first.article_name,
            "article_href": links.article(article_id),
            "outlet_ar": first.outlet or UNKNOWN_OUTLET,
            "published": first.published.isoformat() if first.published else None,
            "published_ar": published_ar(first.published) or UNKNOWN_DATE,
            "language": language_view((languages or {}).get(article_id)),
            "said": said,
        })
    entries.sort(key=lambda e: (e["published"] is None, e["published"] or "",
                                e["article_name"] or ""))
    return entries


def _finding_names(findings: Iterable[dict[str, Any]]) -> dict[str, str]:
    """How a claim names a finding it is part of: "خلاف على التاريخ"."""
    return {f["id"]: f"خلاف على {f['kind']['ar']}" for f in findings}


def _places(claims: Iterable[ReportClaim]) -> list[str]:
    found: list[str] = []
    for claim in claims:
        for key in ("location", "destinations"):
            text = claim.slots_ar.get(key, "")
            found.extend(p for p in text.split("، ") if p)
    return list(dict.fromkeys(found))


def _event_entry(
    event: ReportEvent,
    findings: list[dict[str, Any]],
    links: Links,
) -> dict[str, Any]:
    return {
        "id": event.id,
        "href": links.event(event.id),
        "label": event.label,
        "label_ar": event.label_ar,
        "event": event.event,
        "location_key": event.location_key,
        "facts": fact_views(event.facts),
        "findings": findings,
    }


def _facet_options(
    findings: Sequence[dict[str, Any]], events: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The search facets of the report page, each value with how many findings it has."""
    names = {
        "outlet": ("الوسيلة", lambda v: "غير معروفة" if v == UNKNOWN else v),
        "date": ("تاريخ النشر", lambda v: "غير معروف" if v == UNKNOWN else published_ar(v)),
        "place": ("المكان", lambda v: v),
        "event": ("الحدث", lambda v: "خارج أي حدث" if v == UNKNOWN else events.get(v, v)),
    }
    facets = []
    for facet, (legend, show) in names.items():
        counts: dict[str, int] = {}
        for finding in findings:
            for value in finding["facet_values"][facet]:
                counts[value] = counts.get(value, 0) + 1
        ordered = sorted(counts, key=lambda v: (v == UNKNOWN, v))
        facets.append({
            "facet": facet,
            "legend": legend,
            "options": [{"value": v, "text": show(v), "count": counts[v]} for v in ordered],
        })
    return facets


def report_context(
    report: Report,
    *,
    live: bool = False,
    viewer: Viewer | None = None,
    reviewers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the report template needs, derived from the report (``viewer`` and
    ``reviewers``: see :func:`render_report_html`)."""
    links = Links(served=live)
    articles = {a.id: a for a in report.articles}
    languages = {a.id: a.language for a in report.articles}
    delta = delta_view(report.delta)
    new_ids = frozenset(delta["new"]["ids"]) if delta else frozenset()
    gained: dict[str, frozenset[str]] = {
        update.id: frozenset(a.id for gain in update.sides for a in gain.new_articles)
        for update in (report.delta.updated if report.delta else [])
    }
    every_claim = [*(c for e in report.events for c in e.claims), *report.claims_outside_events]
    claims_by_id = {c.id: c for c in every_claim}
    sentences = {c.id: c.sentence for c in every_claim}
    event_labels = {e.id: e.label_ar or e.label for e in report.events}

    claim_findings: dict[str, list[str]] = {}
    all_findings: list[dict[str, Any]] = []

    def view(finding: ReportFinding) -> dict[str, Any]:
        for claim_id in finding.claim_ids:
            claim_findings.setdefault(claim_id, []).append(finding.id)
        places = _places(claims_by_id[i] for i in finding.claim_ids if i in claims_by_id)
        item = finding_view(
            finding, articles, new_ids, sentences, gained.get(finding.id, frozenset()),
            links, event_labels.get(finding.event_id or "", ""), places,
        )
        all_findings.append(item)
        return item

    entries = [
        _event_entry(event, [view(f) for f in event.findings], links) for event in report.events
    ]
    outside = [view(f) for f in report.findings_outside_events]
    # Claims last: they link to every finding they are part of.
    names = _finding_names(all_findings)
    for entry, event in zip(entries, report.events, strict=True):
        entry["claims"] = [
            claim_view(c, claim_findings.get(c.id, ()), links, names, languages)
            for c in event.claims
        ]
        entry["timeline"] = timeline_view(event.claims, claim_findings, links, languages)
    events_with = [entry for entry in entries if entry["findings"]]
    events_without = [entry for entry in entries if not entry["findings"]]
    claims_outside: dict[str, list[dict[str, Any]]] = {}
    for claim in report.claims_outside_events:
        claims_outside.setdefault(claim.article_name or "?", []).append(
            claim_view(claim, claim_findings.get(claim.id, ()), links, names, languages)
        )
    _with_reviewers(all_findings, reviewers)

    claims_of_article: dict[str, list[ReportClaim]] = {}
    for claim in every_claim:
        claims_of_article.setdefault(claim.article_id, []).append(claim)
    disputed = frozenset(claim_findings)
    summary = report.summary
    filters = [
        ("kind", "النوع", _counted(
            (f["kind"]["value"] for f in all_findings), "kind", get_args(FindingKind))),
        ("severity", "الخطورة", _counted(
            (f["severity"]["value"] for f in all_findings), "severity", get_args(Severity))),
        ("certainty", "اليقين", _counted(
            (f["certainty"]["value"] for f in all_findings), "certainty",
            get_args(Certainty))),
        ("status", "المراجعة", _counted(
            (f["status"]["value"] for f in all_findings), "status", get_args(ReviewStatus))),
    ]
    articles_view = [
        {
            **a.model_dump(mode="json", exclude={"text"}),
            "href": safe_url(a.url),
            "page_href": links.article(a.id),
            "outlet_ar": a.outlet or UNKNOWN_OUTLET,
            "published_ar": published_ar(a.published) or UNKNOWN_DATE,
            "language": language_view(a.language),
            "body": article_pieces(
                a.text,
                sorted(claims_of_article.get(a.id, []), key=lambda c: (c.evidence.start, c.id)),
                disputed,
            ) if a.text is not None else None,
            "claims": [
                {"id": c.id, "href": f"#claim-{c.id}"}
                for c in sorted(
                    claims_of_article.get(a.id, []), key=lambda c: (c.evidence.start, c.id)
                )
            ],
        }
        for a in report.articles
    ]
    return {
        "generated_at": report.generated_at.isoformat(),
        "run_id": report.run.id if report.run else None,
        "schema_version": report.schema_version,
        "summary": summary,
        # By the kind an editor files each finding under, as the kind filter counts them.
        "kind_counts": [o for o in filters[0][2] if o["count"]],
        "severity_counts": [
            {**label("severity", k), "count": summary.findings_by_severity.get(k, 0)}
            for k in get_args(Severity)
        ],
        "status_counts": [
            {**label("status", k), "count": summary.findings_by_status.get(k, 0)}
            for k in get_args(ReviewStatus)
        ],
        "delta": delta,
        "events_with_findings": events_with,
        "events_without_findings": events_without,
        "findings_outside": outside,
        "claims_outside": claims_outside,
        "articles": articles_view,
        "rejected": [r.model_dump(mode="json") for r in report.rejected],
        "total_findings": len(all_findings),
        "filters": filters,
        "facets": _facet_options(all_findings, event_labels),
        **_viewer_context(live, viewer),
    }


# -- rendering -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> Environment:
    # autoescape=True for every template: nothing from a report reaches the page unescaped.
    env = Environment(
        loader=PackageLoader("checker", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(review_buttons=review_buttons, status_labels=status_labels)
    return env


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@lru_cache(maxsize=1)
def assets() -> tuple[str, str]:
    """The page's inline stylesheet and script (static: no report data in them)."""
    env = environment()
    css = env.get_template("report.css").render(font_stack=Markup(FONT_STACK))
    js = env.get_template("report.js").render()
    if "</" in css or "</" in js:
        raise ValueError("inline assets must not contain '</'")
    return css, js


def content_security_policy(*, served: bool, meta: bool = False, forms: bool = False) -> str:
    """Only the page's own inline style and script; no other source of anything. A served
    page may also call its own API (``connect-src 'self'``). ``meta``: the copy inside
    the page, where browsers ignore ``frame-ancestors`` (the HTTP header carries it).
    ``forms``: the page's forms post to its own server (the sign-in page); every other
    page posts nothing (its decisions go through the script)."""
    css, js = assets()
    parts = [
        "default-src 'none'",
        f"style-src {_csp_hash(css)}",
        f"script-src {_csp_hash(js)}",
        "img-src 'none'",
        "base-uri 'none'",
        "form-action 'self'" if forms else "form-action 'none'",
        "connect-src 'self'" if served else "connect-src 'none'",
    ]
    if served and not meta:
        parts.append("frame-ancestors 'none'")
    return "; ".join(parts)


def _render(
    template: str, context: dict[str, Any], *, served: bool, forms: bool = False
) -> str:
    css, js = assets()
    context = {
        **context,
        "style": Markup(css),  # our own static stylesheet, not report data
        "script": Markup(js),  # our own static script, not report data
        "csp": content_security_policy(served=served, meta=True, forms=forms),
        "served": served,
    }
    return environment().get_template(template).render(**context)


def render_report_html(
    report: Report,
    *,
    live: bool = False,
    viewer: Viewer | None = None,
    reviewers: Mapping[str, str] | None = None,
) -> str:
    """The whole report as one self-contained HTML page.

    ``live`` turns on the review controls and links to each claim's, finding's, event's
    and article's own page (the page is served by ``claimcheck serve``). ``viewer`` is who
    looks at a served page: the page says who is signed in and sends decisions with the
    session's CSRF token, or offers a sign-in link instead of review buttons.
    ``reviewers`` maps user names to the names shown for them (display names).
    """
    context = report_context(report, live=live, viewer=viewer, reviewers=reviewers)
    return _render("report.html", context, served=live)


def write_report_html(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report_html(report), encoding="utf-8")


def _article_view(article: ReportArticle | None, links: Links) -> dict[str, Any]:
    if article is None:
        return {"name": None, "title": "", "href": None, "page_href": None,
                "outlet_ar": UNKNOWN_OUTLET, "published_ar": UNKNOWN_DATE, "url": None,
                "language": language_view(None)}
    return {
        **article.model_dump(mode="json", exclude={"text"}),
        "href": safe_url(article.url),
        "page_href": links.article(article.id),
        "outlet_ar": article.outlet or UNKNOWN_OUTLET,
        "published_ar": published_ar(article.published) or UNKNOWN_DATE,
        "language": language_view(article.language),
    }


def _history(
    reviews: Sequence[ReportReview], reviewers: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    names = reviewers or {}
    return [
        {
            "status": label("status", r.status),
            "by": r.by,
            "by_display": names.get(r.by, r.by) if r.by else None,
            "note": r.note,
            "at": r.at.isoformat() if r.at else None,
            "at_ar": published_ar(r.at.date()) + r.at.strftime(" %H:%M") if r.at else "",
        }
        for r in reviews
    ]


def _page_context(
    live: bool,
    viewer: Viewer | None,
    reviewers: Mapping[str, str] | None,
    findings: Iterable[dict[str, Any]],
) -> dict[str, Any]:
    _with_reviewers(findings, reviewers)
    return _viewer_context(live, viewer)


def render_claim_page(
    details: ClaimDetails,
    articles: Mapping[str, ReportArticle],
    *,
    live: bool = True,
    viewer: Viewer | None = None,
    reviewers: Mapping[str, str] | None = None,
) -> str:
    """One claim's page (the HTML twin of ``GET /claims/{id}``): ``articles`` are the
    involved articles by ID."""
    links = Links(served=True)
    claim = details.claim
    languages = {a.id: a.language for a in articles.values()}
    sentences = {claim.id: claim.sentence}
    findings = [
        finding_view(f, articles, sentences=sentences, links=links) for f in details.findings
    ]
    context = {
        "claim": claim_view(claim, [f["id"] for f in findings], links, _finding_names(findings),
                            languages),
        "article": _article_view(articles.get(claim.article_id), links),
        "article_title": details.article_title,
        "event": details.event,
        "event_href": links.event(details.event.id if details.event else None),
        "agrees_with": [claim_view(c, (), links, None, languages) for c in details.agrees_with],
        "agrees_unread": details.agrees_unread,
        "findings": findings,
        **_page_context(live, viewer, reviewers, findings),
    }
    return _render("claim.html", context, served=live)


def render_finding_page(
    details: FindingDetails,
    articles: Mapping[str, ReportArticle],
    *,
    live: bool = True,
    viewer: Viewer | None = None,
    reviewers: Mapping[str, str] | None = None,
) -> str:
    """One finding's page (the HTML twin of ``GET /findings/{id}``): its sides with every
    quote, its event's facts, its claims and its review history; ``articles`` are the
    involved articles."""
    links = Links(served=True)
    languages = {a.id: a.language for a in articles.values()}
    sentences = {c.id: c.sentence for c in details.claims}
    event_label = (details.event.label_ar or details.event.label) if details.event else ""
    finding = finding_view(
        details.finding, articles, sentences=sentences, links=links, event_label=event_label
    )
    context = {
        "f": finding,
        "event": details.event,
        "event_href": links.event(details.event.id if details.event else None),
        "facts": fact_views(details.event.facts) if details.event else [],
        "claims": [
            claim_view(c, [finding["id"]], links, _finding_names([finding]), languages)
            for c in details.claims
        ],
        "history": _history(details.reviews, reviewers),
        **_page_context(live, viewer, reviewers, [finding]),
    }
    return _render("finding.html", context, served=live)


def render_event_page(
    event: ReportEvent,
    articles: Mapping[str, ReportArticle],
    *,
    live: bool = True,
    viewer: Viewer | None = None,
    reviewers: Mapping[str, str] | None = None,
) -> str:
    """One event's page (the HTML twin of ``GET /events/{id}``): what each report said
    and when, the tally of every fact, and its findings."""
    links = Links(served=True)
    sentences = {c.id: c.sentence for c in event.claims}
    finding_of: dict[str, list[str]] = {}
    for f in event.findings:
        for claim_id in f.claim_ids:
            finding_of.setdefault(claim_id, []).append(f.id)
    label_ar = event.label_ar or event.label
    languages = {a.id: a.language for a in articles.values()}
    findings = [
        finding_view(f, articles, sentences=sentences, links=links, event_label=label_ar)
        for f in event.findings
    ]
    context = {
        "event": event,
        "label_ar": label_ar,
        "facts": fact_views(event.facts),
        "timeline": timeline_view(event.claims, finding_of, links, languages),
        "findings": findings,
        "outlets": len({c.article_id for c in event.claims}),
        **_page_context(live, viewer, reviewers, findings),
    }
    return _render("event.html", context, served=live)


def render_article_page(
    details: ArticleDetails,
    articles: Mapping[str, ReportArticle],
    *,
    live: bool = True,
    viewer: Viewer | None = None,
    reviewers: Mapping[str, str] | None = None,
) -> str:
    """One article's page (the HTML twin of ``GET /articles/{id}``): its whole text with
    every claim marked and numbered, its outlet, date and link, its claims and the
    findings they are part of."""
    links = Links(served=True)
    article = details.article
    finding_of: dict[str, list[str]] = {}
    for f in details.findings:
        for claim_id in f.claim_ids:
            finding_of.setdefault(claim_id, []).append(f.id)
    sentences = {c.id: c.sentence for c in details.claims}
    findings = [
        finding_view(f, {**articles, article.id: article}, sentences=sentences, links=links)
        for f in details.findings
    ]
    names = _finding_names(findings)
    languages = {a.id: a.language for a in articles.values()}
    languages[article.id] = article.language
    context = {
        "article": _article_view(article, links),
        "body": article_pieces(article.text or "", details.claims, frozenset(finding_of)),
        "claims": [
            {**claim_view(c, finding_of.get(c.id, ()), links, names, languages),
             "number": number}
            for number, c in enumerate(details.claims, start=1)
        ],
        "events": [
            {"id": e.id, "href": links.event(e.id), "label_ar": e.label_ar or e.label}
            for e in details.events
        ],
        "findings": findings,
        **_page_context(live, viewer, reviewers, findings),
    }
    return _render("article.html", context, served=live)


def render_error_page(status: int, message: str) -> str:
    """An error as a page, for a browser that asked for a page (an API client gets JSON)."""
    titles = {
        404: "الصفحة غير موجودة",
        405: "طريقة الطلب غير مقبولة",
        422: "رابط غير صالح",
        500: "خطأ داخلي",
    }
    context = {"status": status, "title": titles.get(status, "تعذّر عرض الصفحة"),
               "message": message}
    return _render("error.html", context, served=True)


def render_login_page(
    *, message: str = "", name: str = "", next_path: str = "/", viewer: Viewer | None = None
) -> str:
    """The sign-in page: a form (user name and password) posted to ``/login``, then back to
    ``next_path``. ``message`` says why the last attempt was refused; ``viewer`` (signed
    in) says who is signed in already."""
    context = {
        "message": message,
        "name": name,
        "next": next_path,
        **_viewer_context(True, viewer),
    }
    return _render("login.html", context, served=True, forms=True)
