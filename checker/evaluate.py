"""Scoring a system's claims and findings against a gold annotation file.

The gold format is described in ``docs/evaluation.md``. ``run_eval`` reads a gold file and
the articles it names, runs the same analysis as ``claimcheck run`` and scores it;
``score`` is the pure part, callable with hand-made predictions.

Matching is by character spans in the original article text: a gold quote is located by
exact substring search, and a predicted claim matches when its evidence span overlaps it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from claims.model import Article, Claim, Entity, Finding, Phase, Quantity, TimeRelation, TimeValue

FIELDS: tuple[str, ...] = (
    "event",
    "status",
    "date",
    "date_relation",
    "weekday",
    "quantity",
    "location",
    "destination",
)

WEEKDAYS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

WeekdayName = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_GOLD_EVENTS = frozenset(
    {
        "withdrawal",
        "convoy_departure",
        "base_closure",
        "handover",
        "relocation",
        "attack",
        "agreement",
        "troop_presence",
        "casualties",
        "other",
    }
)
_DATE_FORMS = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Deadline relations: the date that matters is the last day the expression allows.
_DEADLINE_RELATIONS = frozenset({"by", "until"})
# Tolerance for "exact values within 1%".
_REL_TOLERANCE = 0.01


# --------------------------------------------------------------------------- errors


class EvalError(Exception):
    """Base class of every error the evaluation raises on bad input."""


class GoldFileError(EvalError):
    """The gold file cannot be read, does not follow the format, or does not fit its
    articles."""


class GoldQuoteNotFoundError(GoldFileError):
    """One or more gold quotes are not exact substrings of their article's text."""

    def __init__(self, missing: Sequence[tuple[str, str]]) -> None:
        self.missing = list(missing)
        lines = "\n".join(f"  {article}: «{quote}»" for article, quote in self.missing)
        super().__init__(
            f"{len(self.missing)} gold quote(s) not found in the article text "
            f"(quotes must be exact substrings):\n{lines}"
        )


class PredictionError(EvalError):
    """The predictions are inconsistent (a finding names a claim that is not given)."""


class MissingArticleError(EvalError):
    """An article named by the gold file is not among the articles given."""

    def __init__(
        self,
        names: Sequence[str],
        where: str = "the articles given",
        reasons: Mapping[str, str] | None = None,
    ) -> None:
        self.names = list(names)
        reasons = reasons or {}
        shown = [f"{n} ({reasons[n]})" if n in reasons else n for n in self.names]
        super().__init__(
            f"{len(self.names)} gold article(s) missing from {where}: " + ", ".join(shown)
        )


class ArticlesDirError(EvalError):
    """The articles folder cannot be read at all."""


# --------------------------------------------------------------------------- gold models


class _GoldModel(BaseModel):
    # The format says readers ignore unknown fields (e.g. "note").
    model_config = ConfigDict(extra="ignore", frozen=True)


class GoldQuantity(_GoldModel):
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    approximate: bool | None = None


class GoldClaim(_GoldModel):
    article: str
    quote: str = Field(min_length=1)
    event: str
    status: Phase | None = None
    date: str | None = None
    date_relation: TimeRelation | None = None
    weekday: WeekdayName | None = None
    quantity: GoldQuantity | None = None
    actor: str | None = None
    location: str | None = None
    destination: str | None = None
    scope: str | None = None

    @field_validator("event")
    @classmethod
    def _known_event(cls, value: str) -> str:
        base, _, word = value.partition(":")
        if base not in _GOLD_EVENTS or (base != "other" and word) or (":" in value and not word):
            raise ValueError(
                f"unknown event {value!r}: expected one of {sorted(_GOLD_EVENTS)} or other:<word>"
            )
        return value

    @field_validator("date")
    @classmethod
    def _date_form(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _DATE_FORMS.match(value):
            raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        parts = [int(p) for p in value.split("-")]
        try:
            date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError as err:
            raise ValueError(f"date {value!r} is not a calendar date: {err}") from err
        return value

    @property
    def event_base(self) -> str:
        """The event as scored: gold "other:<word>" counts as the model's "other"."""
        return self.event.partition(":")[0]


class GoldQuote(_GoldModel):
    article: str
    quote: str = Field(min_length=1)


class GoldContradiction(_GoldModel):
    kind: Literal["date", "weekday", "count", "status", "location", "presence", "other"]
    certainty: Literal["hard", "soft"]
    a: GoldQuote
    b: GoldQuote
    why: str = ""


class GoldNonContradiction(_GoldModel):
    a: GoldQuote
    b: GoldQuote
    why: str = ""


class GoldStory(_GoldModel):
    story: str
    articles: list[str] = Field(min_length=1)
    claims: list[GoldClaim] = Field(default_factory=list)
    contradictions: list[GoldContradiction] = Field(default_factory=list)
    non_contradictions: list[GoldNonContradiction] = Field(default_factory=list)

    def pairs(self) -> list[GoldContradiction | GoldNonContradiction]:
        return [*self.contradictions, *self.non_contradictions]

    @model_validator(mode="after")
    def _articles_listed(self) -> GoldStory:
        listed = set(self.articles)
        used = [c.article for c in self.claims]
        for pair in self.pairs():
            used += [pair.a.article, pair.b.article]
        unlisted = sorted({name for name in used if name not in listed})
        if unlisted:
            raise ValueError(
                f"story {self.story!r} refers to articles not in its 'articles' list: "
                + ", ".join(unlisted)
            )
        return self


class GoldFile(_GoldModel):
    stories: list[GoldStory] = Field(min_length=1)

    def article_names(self) -> list[str]:
        """Every article named by any story, in first-seen order."""
        return list(dict.fromkeys(name for story in self.stories for name in story.articles))


def load_gold(path: Path) -> GoldFile:
    """Read and validate a gold file; every problem becomes a ``GoldFileError``."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise GoldFileError(f"cannot read gold file {path}: {err}") from err
    except json.JSONDecodeError as err:
        raise GoldFileError(f"gold file {path} is not valid JSON: {err}") from err
    try:
        return GoldFile.model_validate(raw)
    except ValidationError as err:
        raise GoldFileError(f"gold file {path} does not follow the gold format:\n{err}") from err


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class FieldCheck:
    """One scored field of a matched claim, both sides rendered in the gold's notation."""

    field: str
    gold: str | None
    predicted: str | None
    ok: bool


@dataclass(frozen=True)
class ClaimOutcome:
    story: str
    article: str
    quote: str
    event: str
    claim_id: str | None = None
    predicted_quote: str | None = None
    overlap: int = 0
    checks: tuple[FieldCheck, ...] = ()

    @property
    def matched(self) -> bool:
        return self.claim_id is not None


@dataclass(frozen=True)
class ContradictionOutcome:
    story: str
    gold: GoldContradiction
    finding_ids: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return bool(self.finding_ids)


@dataclass(frozen=True)
class TrapHit:
    story: str
    trap: GoldNonContradiction


Verdict = Literal["match", "false_alarm", "unmatched"]


@dataclass(frozen=True)
class FindingOutcome:
    """A counted finding (not a plan change, all its claims inside one story's articles)."""

    finding_id: str
    rule: str
    kind: str
    sides: tuple[tuple[str, str], ...]  # (article name, evidence quote) per claim
    verdict: Verdict
    contradictions: tuple[GoldContradiction, ...] = ()
    traps: tuple[TrapHit, ...] = ()


@dataclass
class EvalResult:
    claim_outcomes: list[ClaimOutcome] = field(default_factory=list)
    contradiction_outcomes: list[ContradictionOutcome] = field(default_factory=list)
    finding_outcomes: list[FindingOutcome] = field(default_factory=list)
    traps: int = 0
    predicted_claims: int = 0
    plan_changes: int = 0
    outside_stories: int = 0

    # -- claims
    @property
    def claims_gold(self) -> int:
        return len(self.claim_outcomes)

    @property
    def claims_matched(self) -> int:
        return sum(1 for o in self.claim_outcomes if o.matched)

    def field_correct(self, name: str) -> int:
        return sum(1 for o in self.claim_outcomes for c in o.checks if c.field == name and c.ok)

    @property
    def missed_claims(self) -> list[ClaimOutcome]:
        return [o for o in self.claim_outcomes if not o.matched]

    @property
    def mismatches(self) -> list[tuple[ClaimOutcome, FieldCheck]]:
        return [(o, c) for o in self.claim_outcomes for c in o.checks if not c.ok]

    # -- contradictions
    @property
    def contradictions_gold(self) -> int:
        return len(self.contradiction_outcomes)

    @property
    def contradictions_gold_hard(self) -> int:
        return sum(1 for o in self.contradiction_outcomes if o.gold.certainty == "hard")

    @property
    def contradictions_matched(self) -> int:
        return sum(1 for o in self.contradiction_outcomes if o.matched)

    @property
    def contradictions_matched_hard(self) -> int:
        return sum(
            1 for o in self.contradiction_outcomes if o.matched and o.gold.certainty == "hard"
        )

    @property
    def missed_contradictions(self) -> list[ContradictionOutcome]:
        return [o for o in self.contradiction_outcomes if not o.matched]

    @property
    def predicted_findings(self) -> int:
        return len(self.finding_outcomes)

    @property
    def correct_findings(self) -> int:
        return sum(1 for o in self.finding_outcomes if o.verdict == "match")

    @property
    def false_alarm_findings(self) -> list[FindingOutcome]:
        return [o for o in self.finding_outcomes if o.verdict == "false_alarm"]

    @property
    def unmatched_findings(self) -> list[FindingOutcome]:
        return [o for o in self.finding_outcomes if o.verdict == "unmatched"]

    def as_dict(self) -> dict[str, Any]:
        matched = self.claims_matched
        return {
            "claims": {
                "gold": self.claims_gold,
                "matched": matched,
                "recall": _ratio(matched, self.claims_gold),
                "fields": {name: _ratio(self.field_correct(name), matched) for name in FIELDS},
            },
            "contradictions": {
                "gold": self.contradictions_gold,
                "gold_hard": self.contradictions_gold_hard,
                "predicted": self.predicted_findings,
                "matched": self.contradictions_matched,
                "matched_hard": self.contradictions_matched_hard,
                "recall": _ratio(self.contradictions_matched, self.contradictions_gold),
                "recall_hard": _ratio(
                    self.contradictions_matched_hard, self.contradictions_gold_hard
                ),
                "precision": _ratio(self.correct_findings, self.predicted_findings),
                "false_alarms": len(self.false_alarm_findings),
                "traps": self.traps,
            },
        }


def _ratio(numerator: int, denominator: int) -> float:
    """Rounded to 4 places; 0.0 when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else 0.0


# --------------------------------------------------------------------------- rendering


def _num(x: float) -> str:
    return "∞" if math.isinf(x) else f"{x:g}"


def render_date(time: TimeValue | None) -> str | None:
    """A predicted time in the gold's date notation (YYYY, YYYY-MM, YYYY-MM-DD or None).

    A part of a year ("end of 2026") is written at month precision: the month of the first
    allowed day for "start", of the last for "end", of the middle one for "mid". With a
    deadline relation ("by"/"until") the month is always that of the last allowed day, as
    in the format's "by the first quarter of 2026" = 2026-03. When the allowed days are
    not given, the whole year stands for them (start = January, mid = July, end = December).
    """
    if time is None or not time.resolved or not time.value:
        return None
    value = time.value
    if time.granularity == "day":
        return value[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", value) else value
    if time.granularity == "month":
        return value[:7] if re.match(r"^\d{4}-\d{2}", value) else value
    if time.granularity == "year":
        if not re.match(r"^\d{4}", value):
            return value
        year = int(value[:4])
        if time.modifier not in ("start", "mid", "end"):
            return value[:4]
        bounded = time.earliest is not None and time.latest is not None
        first = time.earliest or date(year, 1, 1)
        last = time.latest or date(year, 12, 31)
        # Without the allowed days, a deadline's last day is unknown: the modifier decides.
        if (bounded and time.relation in _DEADLINE_RELATIONS) or time.modifier == "end":
            day = last
        elif time.modifier == "start":
            day = first
        else:
            day = first + timedelta(days=(last - first).days // 2)
        return f"{day.year:04d}-{day.month:02d}"
    # weekday-only and unknown granularity carry no calendar date.
    return None


def render_place(entity: Entity | None) -> str | None:
    """English label; a place known only by its Arabic surface form shows that form (and
    cannot match an English gold name). A complement is "outside <label>"."""
    if entity is None:
        return None
    name = (entity.label or entity.surface or entity.key or "?").strip()
    return f"outside {name}" if entity.complement else name


def render_weekday(time: TimeValue | None) -> str | None:
    if time is None or time.weekday is None:
        return None
    return WEEKDAYS[time.weekday]


def _render_gold_quantity(q: GoldQuantity | None) -> str | None:
    if q is None:
        return None
    unit = q.unit or "?"
    if q.low is None and q.high is None:
        if q.value is None:
            return f"some {unit}"
        return f"{'~' if q.approximate else ''}{_num(q.value)} {unit}"
    low, high = _gold_interval(q)
    text = f"{_num(low)}..{_num(high)} {unit}"
    return text if q.value is not None else text + " (vague)"


def _render_pred_quantity(q: Quantity | None) -> str | None:
    if q is None or not q.resolved:
        return None
    unit = q.unit or "?"
    if q.low is None and q.high is None:
        return f"{_num(q.value)} {unit}" if q.value is not None else f"some {unit}"
    low, high = _pred_interval(q)
    text = f"{_num(low)}..{_num(high)} {unit}"
    return text + (f" (value {_num(q.value)})" if q.value is not None else "")


def _show(value: str | None) -> str:
    return "null" if value is None else value


# --------------------------------------------------------------------------- field checks


def _same_text(a: str | None, b: str | None) -> bool:
    def norm(s: str | None) -> str | None:
        return None if s is None else " ".join(s.split()).casefold()

    return norm(a) == norm(b)


def _close(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= _REL_TOLERANCE * max(abs(a), abs(b))


def _gold_interval(q: GoldQuantity) -> tuple[float, float]:
    # Amounts are never negative, so a missing low bound is 0.
    return (q.low if q.low is not None else 0.0, q.high if q.high is not None else math.inf)


def _pred_interval(q: Quantity) -> tuple[float, float]:
    if q.low is None and q.high is None:
        if q.value is not None:
            return (q.value, q.value)
        return (0.0, math.inf)
    return (q.low if q.low is not None else 0.0, q.high if q.high is not None else math.inf)


def quantity_agrees(gold: GoldQuantity | None, pred: Quantity | None) -> bool:
    """The format's rule: unit matches and bounds agree (see docs/evaluation.md)."""
    if pred is not None and not pred.resolved:
        pred = None  # an unresolved amount states nothing
    if gold is None or pred is None:
        return gold is None and pred is None
    if not _same_text(gold.unit, pred.unit):
        return False
    if gold.value is not None and gold.low is None and gold.high is None:
        # An exact or approximate single value ("350", "about 350").
        point = pred.value
        if point is None and pred.low is not None and pred.low == pred.high:
            point = pred.low
        return point is not None and _close(point, gold.value)
    g_low, g_high = _gold_interval(gold)
    p_low, p_high = _pred_interval(pred)
    if gold.value is not None:
        # Stated bounds ("more than 50", "fewer than 500"): both ends equal.
        return _close(g_low, p_low) and _close(g_high, p_high)
    # A vague amount ("hundreds"): any overlap.
    return max(g_low, p_low) <= min(g_high, p_high)


def check_fields(gold: GoldClaim, claim: Claim) -> tuple[FieldCheck, ...]:
    """Every scored field of one gold claim against one predicted claim."""
    time = claim.time
    pred_date = render_date(time)
    pred_relation = time.relation if time is not None else None
    pred_weekday = render_weekday(time)
    pred_location = render_place(claim.location)
    pred_dests = sorted({p for p in (render_place(d) for d in claim.destinations) if p})
    gold_dests = sorted({d.strip() for d in (gold.destination or "").split(";") if d.strip()})
    event_ok = gold.event_base == claim.event
    return (
        FieldCheck("event", gold.event, claim.event, event_ok),
        FieldCheck("status", gold.status, claim.phase, gold.status == claim.phase),
        FieldCheck("date", gold.date, pred_date, gold.date == pred_date),
        FieldCheck(
            "date_relation", gold.date_relation, pred_relation, gold.date_relation == pred_relation
        ),
        FieldCheck("weekday", gold.weekday, pred_weekday, gold.weekday == pred_weekday),
        FieldCheck(
            "quantity",
            _render_gold_quantity(gold.quantity),
            _render_pred_quantity(claim.quantity),
            quantity_agrees(gold.quantity, claim.quantity),
        ),
        FieldCheck(
            "location", gold.location, pred_location, _same_text(gold.location, pred_location)
        ),
        FieldCheck(
            "destination",
            "; ".join(gold_dests) or None,
            "; ".join(pred_dests) or None,
            {d.casefold() for d in gold_dests} == {d.casefold() for d in pred_dests},
        ),
    )


# --------------------------------------------------------------------------- spans


def occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """Every [start, end) at which ``quote`` occurs in ``text`` (overlapping ones too)."""
    found = []
    start = text.find(quote)
    while start != -1:
        found.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return found


def _overlap(start: int, end: int, spans: Iterable[tuple[int, int]]) -> int:
    return max((min(end, e) - max(start, s) for s, e in spans), default=0)


class _Index:
    """Gold quotes located in their articles, and claims looked up by ID and article."""

    def __init__(self, gold: GoldFile, articles: Sequence[Article], claims: Sequence[Claim]):
        by_name = {a.name: a for a in articles}
        missing_articles = [n for n in gold.article_names() if n not in by_name]
        if missing_articles:
            raise MissingArticleError(missing_articles)
        self.articles = by_name
        # Identical texts share an article ID, so one ID may stand for several names.
        self.names_of_id: dict[str, set[str]] = {}
        for name in gold.article_names():
            self.names_of_id.setdefault(by_name[name].id, set()).add(name)
        self.spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
        missing: list[tuple[str, str]] = []
        for story in gold.stories:
            quotes = [(c.article, c.quote) for c in story.claims]
            for pair in story.pairs():
                quotes += [(pair.a.article, pair.a.quote), (pair.b.article, pair.b.quote)]
            for key in quotes:
                if key in self.spans or key in missing:
                    continue
                found = occurrences(by_name[key[0]].text, key[1])
                if found:
                    self.spans[key] = found
                else:
                    missing.append(key)
        if missing:
            raise GoldQuoteNotFoundError(missing)
        self.claims = {c.id: c for c in claims}

    def names(self, claim: Claim) -> set[str]:
        return self.names_of_id.get(claim.article_id, set())

    def overlap(self, claim_names: set[str], spans: Iterable[tuple[int, int]], q: GoldQuote) -> int:
        if q.article not in claim_names:
            return 0
        located = self.spans[(q.article, q.quote)]
        return max((_overlap(s, e, located) for s, e in spans), default=0)


def check_gold_quotes(gold: GoldFile, articles: Sequence[Article]) -> None:
    """Raise ``MissingArticleError`` or ``GoldQuoteNotFoundError`` before any analysis."""
    _Index(gold, articles, [])


# --------------------------------------------------------------------------- scoring


def _match_claims(gold: GoldFile, index: _Index, claims: Sequence[Claim]) -> list[ClaimOutcome]:
    """One-to-one: all overlapping (gold, predicted) pairs, best first by overlap in
    characters, then field agreement, then the earlier predicted evidence; each gold and
    each predicted claim is used at most once."""
    golds = [(story.story, g) for story in gold.stories for g in story.claims]
    Candidate = tuple[int, int, int, int, int, tuple[FieldCheck, ...]]
    candidates: list[Candidate] = []
    for gi, (_, g) in enumerate(golds):
        quote = GoldQuote(article=g.article, quote=g.quote)
        for pi, claim in enumerate(claims):
            span = [(claim.evidence.start, claim.evidence.end)]
            ov = index.overlap(index.names(claim), span, quote)
            if ov > 0:
                checks = check_fields(g, claim)
                agree = sum(c.ok for c in checks)
                candidates.append((-ov, -agree, claim.evidence.start, pi, gi, checks))
    candidates.sort(key=lambda c: c[:5])
    chosen: dict[int, Candidate] = {}
    used: set[int] = set()
    for cand in candidates:
        pi, gi = cand[3], cand[4]
        if gi in chosen or pi in used:
            continue
        chosen[gi] = cand
        used.add(pi)
    outcomes = []
    for gi, (story, g) in enumerate(golds):
        base = ClaimOutcome(story=story, article=g.article, quote=g.quote, event=g.event)
        if gi not in chosen:
            outcomes.append(base)
            continue
        neg_ov, _, _, pi, _, checks = chosen[gi]
        claim = claims[pi]
        outcomes.append(
            ClaimOutcome(
                story=story,
                article=g.article,
                quote=g.quote,
                event=g.event,
                claim_id=claim.id,
                predicted_quote=claim.quote,
                overlap=-neg_ov,
                checks=checks,
            )
        )
    return outcomes


Side = tuple[set[str], list[tuple[int, int]]]


def _sides(finding: Finding, index: _Index) -> list[Side]:
    """Per claim of the finding: its article names and its spans (the claim's evidence
    and the spans of the values the finding compares for that claim)."""
    sides: list[Side] = []
    for claim_id in finding.claim_ids:
        claim = index.claims.get(claim_id)
        if claim is None:
            raise PredictionError(f"finding {finding.id} refers to unknown claim {claim_id}")
        spans = [(claim.evidence.start, claim.evidence.end)]
        spans += [
            (v.span.start, v.span.end) for v in finding.values if v.claim_id == claim_id and v.span
        ]
        sides.append((index.names(claim), spans))
    return sides


def _pair_matches(sides: list[Side], a: GoldQuote, b: GoldQuote, index: _Index) -> bool:
    def hits(side: Side, q: GoldQuote) -> bool:
        return index.overlap(side[0], side[1], q) > 0

    if len(sides) == 1:
        # A finding inside one claim: that claim must cover both quotes (usually the same
        # quote, as the format annotates a contradiction inside one claim).
        return hits(sides[0], a) and hits(sides[0], b)
    first, second = sides[0], sides[1]
    return (hits(first, a) and hits(second, b)) or (hits(first, b) and hits(second, a))


def score(
    gold: GoldFile,
    articles: Sequence[Article],
    claims: Sequence[Claim],
    findings: Sequence[Finding],
) -> EvalResult:
    """Score predicted claims and findings against the gold file.

    Raises ``MissingArticleError`` when a gold article is not in ``articles`` and
    ``GoldQuoteNotFoundError`` when a gold quote is not in its article text.
    """
    index = _Index(gold, articles, claims)
    result = EvalResult(
        traps=sum(len(s.non_contradictions) for s in gold.stories),
        predicted_claims=sum(1 for c in claims if index.names(c)),
    )
    result.claim_outcomes = _match_claims(gold, index, claims)

    matched_by: dict[tuple[int, int], list[str]] = {}
    for finding in findings:
        if finding.kind == "plan_change":
            result.plan_changes += 1
            continue
        sides = _sides(finding, index)
        stories = [
            (si, story)
            for si, story in enumerate(gold.stories)
            if all(names & set(story.articles) for names, _ in sides)
        ]
        if not stories:
            result.outside_stories += 1
            continue
        hit: list[GoldContradiction] = []
        traps: list[TrapHit] = []
        for si, story in stories:
            for ci, item in enumerate(story.contradictions):
                if _pair_matches(sides, item.a, item.b, index):
                    hit.append(item)
                    matched_by.setdefault((si, ci), []).append(finding.id)
            for trap in story.non_contradictions:
                if _pair_matches(sides, trap.a, trap.b, index):
                    traps.append(TrapHit(story=story.story, trap=trap))
        # A finding that matches a gold contradiction is right even if it also touches a
        # trap's quotes; only findings that match no contradiction can be false alarms.
        verdict: Verdict = "match" if hit else ("false_alarm" if traps else "unmatched")
        result.finding_outcomes.append(
            FindingOutcome(
                finding_id=finding.id,
                rule=finding.rule,
                kind=finding.kind,
                sides=tuple(
                    (sorted(index.names(index.claims[cid]))[0], index.claims[cid].quote)
                    for cid in finding.claim_ids
                ),
                verdict=verdict,
                contradictions=tuple(hit),
                traps=tuple(traps),
            )
        )

    result.contradiction_outcomes = [
        ContradictionOutcome(
            story=story.story, gold=item, finding_ids=tuple(matched_by.get((si, ci), ()))
        )
        for si, story in enumerate(gold.stories)
        for ci, item in enumerate(story.contradictions)
    ]
    return result


def run_eval(gold_path: Path, articles_dir: Path) -> EvalResult:
    """Load the gold file, read its articles from ``articles_dir``, analyse them with the
    full pipeline and score the result. Only the gold's articles are analysed."""
    # Imported here so that tests can replace the analysis, and so that scoring alone
    # does not load the extraction pipeline.
    from checker import analysis
    from checker.ingest import DropError, read_drop

    gold = load_gold(gold_path)
    try:
        drop = read_drop(Path(articles_dir))
    except DropError as err:
        raise ArticlesDirError(str(err)) from err
    by_name = {a.name: a for a in drop.articles}
    missing = [name for name in gold.article_names() if name not in by_name]
    if missing:
        # Say why a file that is there was not read (e.g. a duplicate of another file).
        reasons = {r.path: f"rejected: {r.reason}, {r.detail}" for r in drop.rejected}
        raise MissingArticleError(missing, str(articles_dir), reasons)
    articles = [by_name[name] for name in gold.article_names()]
    check_gold_quotes(gold, articles)  # fail before the slow part
    done = analysis.analyse(articles)
    return score(gold, articles, done.claims, done.findings)


# --------------------------------------------------------------------------- report


def _quote(article: str, quote: str) -> str:
    return f"{article} «{quote}»"


def format_table(result: EvalResult) -> str:
    """A plain-text report: the numbers, then every miss, mismatch and false alarm."""
    d = result.as_dict()
    cl, co = d["claims"], d["contradictions"]
    lines = [
        f"Claims: {cl['matched']}/{cl['gold']} gold claims matched, recall {cl['recall']:.4f}"
        f" ({result.predicted_claims} predicted claims in gold articles)",
        "",
        f"  {'field':<14}{'accuracy':>9}  correct/matched",
    ]
    for name in FIELDS:
        lines.append(
            f"  {name:<14}{cl['fields'][name]:>9.4f}  {result.field_correct(name)}/{cl['matched']}"
        )
    lines += [
        "",
        f"Contradictions: {co['matched']}/{co['gold']} matched, recall {co['recall']:.4f};"
        f" hard {co['matched_hard']}/{co['gold_hard']}, recall {co['recall_hard']:.4f}",
        f"Findings: {co['predicted']} counted, {result.correct_findings} correct,"
        f" precision {co['precision']:.4f}; false alarms {co['false_alarms']}"
        f" (traps in gold: {co['traps']})",
    ]
    if result.plan_changes or result.outside_stories:
        lines.append(
            f"Not counted: {result.plan_changes} plan change(s),"
            f" {result.outside_stories} finding(s) across stories"
        )

    def section(title: str, rows: list[str]) -> None:
        lines.extend(["", f"{title} ({len(rows)}):" if rows else f"{title}: none"])
        lines.extend(rows)

    section(
        "Missed gold claims",
        [f"  - [{o.event}] {_quote(o.article, o.quote)}" for o in result.missed_claims],
    )
    section(
        "Field mismatches",
        [
            f"  - {c.field}: gold {_show(c.gold)} | predicted {_show(c.predicted)}"
            f"  in {_quote(o.article, o.quote)} (claim {o.claim_id})"
            for o, c in result.mismatches
        ],
    )
    section(
        "Missed contradictions",
        [
            f"  - [{o.gold.certainty} {o.gold.kind}] {_quote(o.gold.a.article, o.gold.a.quote)}"
            f" <> {_quote(o.gold.b.article, o.gold.b.quote)}"
            + (f"\n      {o.gold.why}" if o.gold.why else "")
            for o in result.missed_contradictions
        ],
    )
    section(
        "False alarms",
        [
            f"  - {f.finding_id} ({f.rule}, {f.kind}): "
            + " <> ".join(_quote(article, quote) for article, quote in f.sides)
            + "".join(
                f"\n      hit trap {_quote(t.trap.a.article, t.trap.a.quote)}"
                f" <> {_quote(t.trap.b.article, t.trap.b.quote)}"
                + (f"\n      {t.trap.why}" if t.trap.why else "")
                for t in f.traps
            )
            for f in result.false_alarm_findings
        ],
    )
    section(
        "Unmatched findings",
        [
            f"  - {f.finding_id} ({f.rule}, {f.kind}): "
            + " <> ".join(_quote(article, quote) for article, quote in f.sides)
            for f in result.unmatched_findings
        ],
    )
    return "\n".join(lines) + "\n"
