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
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from claims.entities import load_gazetteer
from claims.model import (
    DERIVED_FROM,
    PLACE_FACT_WORD,
    Article,
    Claim,
    Entity,
    Finding,
    Phase,
    Quantity,
    TimeRelation,
    TimeValue,
)

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
    # Pairs of one story with the same group are one disagreement; None: a disagreement
    # of its own.
    group: str | None = None


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
    """One gold contradiction pair and the counted findings that match it."""

    story: str
    gold: GoldContradiction
    finding_ids: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return bool(self.finding_ids)


@dataclass(frozen=True)
class DisagreementOutcome:
    """One gold disagreement: the pairs of one story that share a group, or one pair
    without a group. ``finding_ids`` has one entry per counted finding that matches at
    least one of its pairs."""

    story: str
    group: str | None
    pairs: tuple[ContradictionOutcome, ...]
    finding_ids: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return bool(self.finding_ids)

    @property
    def hard(self) -> bool:
        return any(p.gold.certainty == "hard" for p in self.pairs)

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(p.gold.kind for p in self.pairs))


@dataclass(frozen=True)
class StoryOutcome:
    """The contradiction numbers of one story. A finding whose claims lie in the articles
    of two stories counts in both."""

    story: str
    disagreements: int
    disagreements_matched: int
    findings: int
    correct: int
    false_alarms: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "disagreements": self.disagreements,
            "disagreements_matched": self.disagreements_matched,
            "findings": self.findings,
            "correct": self.correct,
            "false_alarms": self.false_alarms,
        }


@dataclass(frozen=True)
class TrapHit:
    story: str
    trap: GoldNonContradiction


Verdict = Literal["match", "false_alarm", "unmatched"]


@dataclass(frozen=True)
class SideOutcome:
    """One side of a counted finding as the report shows it."""

    value: str
    reports: tuple[tuple[str, str], ...]  # (article name, claim quote) per claim


@dataclass(frozen=True)
class FindingOutcome:
    """A counted finding (not a plan change, all its claims inside one story's articles)."""

    finding_id: str
    rule: str
    kind: str
    sides: tuple[SideOutcome, ...]
    verdict: Verdict
    fact: str = ""
    stories: tuple[str, ...] = ()
    contradictions: tuple[GoldContradiction, ...] = ()
    traps: tuple[TrapHit, ...] = ()


@dataclass
class EvalResult:
    claim_outcomes: list[ClaimOutcome] = field(default_factory=list)
    contradiction_outcomes: list[ContradictionOutcome] = field(default_factory=list)
    disagreement_outcomes: list[DisagreementOutcome] = field(default_factory=list)
    story_outcomes: list[StoryOutcome] = field(default_factory=list)
    finding_outcomes: list[FindingOutcome] = field(default_factory=list)
    traps: int = 0
    predicted_claims: int = 0
    plan_changes: int = 0
    outside_stories: int = 0
    # article name -> its language, for the per-language figures
    languages: dict[str, str] = field(default_factory=dict)

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

    # -- disagreements (the headline numbers)
    @property
    def disagreements_gold(self) -> int:
        return len(self.disagreement_outcomes)

    @property
    def disagreements_matched(self) -> int:
        return sum(1 for o in self.disagreement_outcomes if o.matched)

    @property
    def disagreements_gold_hard(self) -> int:
        return sum(1 for o in self.disagreement_outcomes if o.hard)

    @property
    def disagreements_matched_hard(self) -> int:
        return sum(1 for o in self.disagreement_outcomes if o.matched and o.hard)

    @property
    def findings_on_matched_disagreements(self) -> int:
        """Counted findings per matched disagreement, summed: a finding that matches two
        disagreements counts for each."""
        return sum(len(o.finding_ids) for o in self.disagreement_outcomes)

    @property
    def missed_disagreements(self) -> list[DisagreementOutcome]:
        return [o for o in self.disagreement_outcomes if not o.matched]

    # -- contradiction pairs
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

    # -- findings
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

    # -- per article language
    def language_of(self, article: str) -> str:
        return self.languages.get(article, "")

    @property
    def claim_languages(self) -> list[str]:
        """The languages of the gold claims' articles, most claims first."""
        counts = Counter(self.language_of(o.article) for o in self.claim_outcomes)
        return [lang for lang, _ in counts.most_common()]

    def claims_in(self, language: str) -> list[ClaimOutcome]:
        return [o for o in self.claim_outcomes if self.language_of(o.article) == language]

    def disagreements_involving(self, language: str) -> list[DisagreementOutcome]:
        """The disagreements with a report in ``language`` on either side of a pair."""
        return [
            d
            for d in self.disagreement_outcomes
            if any(
                self.language_of(q.article) == language
                for p in d.pairs
                for q in (p.gold.a, p.gold.b)
            )
        ]

    def per_story_claims(self) -> dict[str, dict[str, Any]]:
        """Gold claims found and the accuracy of each field, per story (stories in the
        gold's order)."""
        out: dict[str, dict[str, Any]] = {}
        for story in dict.fromkeys(o.story for o in self.claim_outcomes):
            outcomes = [o for o in self.claim_outcomes if o.story == story]
            matched = sum(1 for o in outcomes if o.matched)
            checks = [c for o in outcomes for c in o.checks]
            out[story] = {
                "gold": len(outcomes),
                "matched": matched,
                "recall": _ratio(matched, len(outcomes)),
                "fields": {
                    name: _ratio(sum(1 for c in checks if c.field == name and c.ok), matched)
                    for name in FIELDS
                },
                "fields_overall": _ratio(sum(1 for c in checks if c.ok), len(checks)),
            }
        return out

    def per_language(self) -> dict[str, dict[str, Any]]:
        """Claims found and field accuracy per article language, and the disagreements
        that involve a report in each language (found/all)."""
        out: dict[str, dict[str, Any]] = {}
        for language in self.claim_languages:
            outcomes = self.claims_in(language)
            matched = sum(1 for o in outcomes if o.matched)
            checks = [c for o in outcomes for c in o.checks]
            correct = sum(1 for c in checks if c.ok)
            involved = self.disagreements_involving(language)
            found = sum(1 for d in involved if d.matched)
            # found through a pair with a report in the language, not only through the
            # group's other pairs
            via = sum(
                1
                for d in involved
                if any(
                    p.matched
                    and language in {self.language_of(p.gold.a.article),
                                     self.language_of(p.gold.b.article)}
                    for p in d.pairs
                )
            )
            out[language] = {
                "gold": len(outcomes),
                "matched": matched,
                "recall": _ratio(matched, len(outcomes)),
                "fields": {
                    name: _ratio(sum(1 for c in checks if c.field == name and c.ok), matched)
                    for name in FIELDS
                },
                "fields_overall": _ratio(correct, len(checks)),
                "disagreements": len(involved),
                "disagreements_matched": found,
                "disagreements_recall": _ratio(found, len(involved)),
                "disagreements_matched_via_language": via,
            }
        return out

    def as_dict(self) -> dict[str, Any]:
        matched = self.claims_matched
        per_language = self.per_language()
        return {
            "claims": {
                "gold": self.claims_gold,
                "matched": matched,
                "recall": _ratio(matched, self.claims_gold),
                "fields": {name: _ratio(self.field_correct(name), matched) for name in FIELDS},
                # claims found and field accuracy per article language, and the
                # disagreements with a report in that language (found/all)
                "per_language": per_language,
                # claims found and field accuracy per story
                "per_story": self.per_story_claims(),
            },
            "contradictions": {
                "disagreements": self.disagreements_gold,
                "disagreements_matched": self.disagreements_matched,
                "disagreements_recall": _ratio(self.disagreements_matched, self.disagreements_gold),
                "disagreements_hard": self.disagreements_gold_hard,
                "disagreements_hard_matched": self.disagreements_matched_hard,
                "disagreements_hard_recall": _ratio(
                    self.disagreements_matched_hard, self.disagreements_gold_hard
                ),
                "findings_per_matched_disagreement": _ratio(
                    self.findings_on_matched_disagreements, self.disagreements_matched
                ),
                "predicted": self.predicted_findings,
                "precision": _ratio(self.correct_findings, self.predicted_findings),
                "false_alarms": len(self.false_alarm_findings),
                "traps": self.traps,
                # Pair-level numbers, as before groups existed.
                "gold": self.contradictions_gold,
                "gold_hard": self.contradictions_gold_hard,
                "matched": self.contradictions_matched,
                "matched_hard": self.contradictions_matched_hard,
                "recall": _ratio(self.contradictions_matched, self.contradictions_gold),
                "recall_hard": _ratio(
                    self.contradictions_matched_hard, self.contradictions_gold_hard
                ),
                "per_story": [o.as_dict() for o in self.story_outcomes],
            },
        }


def _ratio(numerator: int, denominator: int) -> float:
    """Rounded to 4 places; 0.0 when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else 0.0


# --------------------------------------------------------------------------- rendering


def render_relation(time: TimeValue | None, rendered_date: str | None) -> str | None:
    """A predicted relation in the gold's notation: how the event relates to the rendered
    date, so None when no date renders ("on Thursday" with no known day relates the event
    to no date; the weekday is scored on its own)."""
    if time is None or rendered_date is None:
        return None
    return time.relation


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


def _fold(name: str) -> str:
    """A place name compared without case, spacing or accents ("Abéché" is "Abeche")."""
    decomposed = unicodedata.normalize("NFKD", " ".join(name.split()).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# The English words that follow the name of a place of each type in its full English
# name ("Al Haouz Province", "Anantnag district"): the same place as the bare name.
_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "province": ("province", "governorate", "prefecture", "state"),
    "district": ("district",),
    "region": ("region",),
}


@lru_cache(maxsize=1)
def _english_names() -> dict[str, frozenset[str]]:
    """Every English name the gazetteer gives each place key, folded, also with the word
    of the place's type after it ("Al Haouz Province")."""
    out: dict[str, frozenset[str]] = {}
    for place in load_gazetteer().places:
        names = {_fold(n) for n in [place.label, *place.names.get("en", [])]}
        words = _TYPE_WORDS.get(place.type, ())
        out[place.key] = frozenset(names | {f"{n} {w}" for n in names for w in words})
    return out


def same_place(gold: str | None, entity: Entity | None) -> bool:
    """Gold's English name is one of the names the gazetteer gives the predicted place
    (its label or any English name); a complement must be one on both sides."""
    if gold is None or entity is None:
        return gold is None and entity is None
    wanted = gold.strip()
    if entity.complement:
        if not wanted.casefold().startswith("outside "):
            return False
        wanted = wanted[len("outside ") :]
    names = set(_english_names().get(entity.key or "", frozenset()))
    names.add(_fold(entity.label or entity.surface or entity.key or "?"))
    return _fold(wanted) in names


def _same_places(gold: Sequence[str], entities: Sequence[Entity]) -> bool:
    """Gold's destinations and the predicted ones name the same set of places."""
    named = {render_place(e): e for e in entities}
    if len(gold) != len(named):
        return False
    left = list(named.values())
    for name in gold:
        match = next((e for e in left if same_place(name, e)), None)
        if match is None:
            return False
        left.remove(match)
    return True


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
    pred_relation = render_relation(time, pred_date)
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
            "location", gold.location, pred_location, same_place(gold.location, claim.location)
        ),
        FieldCheck(
            "destination",
            "; ".join(gold_dests) or None,
            "; ".join(pred_dests) or None,
            _same_places(gold_dests, claim.destinations),
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

    def overlap(
        self, claim_names: Collection[str], spans: Iterable[tuple[int, int]], q: GoldQuote
    ) -> int:
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
    each predicted claim is used at most once. Gold claims are event mentions: a claim of
    where a place lies (``PLACE_FACT_WORD``) is none, nor is a claim derived from another
    event's words (``inherited["derived_from"]``: the place a withdrawal left empty); neither is
    ever matched to one."""
    golds = [(story.story, g) for story in gold.stories for g in story.claims]
    Candidate = tuple[int, int, int, int, int, tuple[FieldCheck, ...]]
    candidates: list[Candidate] = []
    for gi, (_, g) in enumerate(golds):
        quote = GoldQuote(article=g.article, quote=g.quote)
        for pi, claim in enumerate(claims):
            if claim.event == "other" and claim.event_word == PLACE_FACT_WORD:
                continue
            if DERIVED_FROM in claim.inherited:
                continue
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


@dataclass(frozen=True)
class _Part:
    """One claim of one side of a finding: its article names and the spans it covers."""

    names: frozenset[str]
    spans: tuple[tuple[int, int], ...]


def _claim_of(finding: Finding, claim_id: str, index: _Index) -> Claim:
    claim = index.claims.get(claim_id)
    if claim is None:
        raise PredictionError(f"finding {finding.id} refers to unknown claim {claim_id}")
    return claim


def _parts(finding: Finding, index: _Index) -> list[list[_Part]]:
    """Per side of the finding, per claim of that side: its article names and its spans
    (the claim's evidence and the spans of the words the side compares for that claim).

    A finding about one claim (the claim contradicts itself; its sides all hold it) gives
    one side with one part that carries the compared spans of every side.
    """
    for claim_id in finding.claim_ids:
        _claim_of(finding, claim_id, index)
    groups = [
        [(cid, [q for q in side.quotes if q.claim_id == cid]) for cid in side.claim_ids]
        for side in finding.sides
    ]
    if finding.self_contradictory:
        only = finding.claim_ids[0]  # the claim whose words are at fault
        groups = [
            [(only, [q for side in finding.sides for q in side.quotes if q.claim_id == only])]
        ]
    sides: list[list[_Part]] = []
    for group in groups:
        parts = []
        for claim_id, quotes in group:
            claim = _claim_of(finding, claim_id, index)
            spans = [(claim.evidence.start, claim.evidence.end)]
            spans += [(q.span.start, q.span.end) for q in quotes if q.span]
            parts.append(_Part(frozenset(index.names(claim)), tuple(spans)))
        sides.append(parts)
    return sides


def _pair_matches(sides: list[list[_Part]], a: GoldQuote, b: GoldQuote, index: _Index) -> bool:
    def hits(side: list[_Part], q: GoldQuote) -> bool:
        return any(index.overlap(p.names, p.spans, q) > 0 for p in side)

    if len(sides) == 1:
        # A finding inside one claim: that claim must cover both quotes (usually the same
        # quote, as the format annotates a contradiction inside one claim). One side with
        # several claims states no disagreement and matches nothing.
        only = sides[0]
        return len(only) == 1 and hits(only, a) and hits(only, b)
    # Some claim of one side on `a` and some claim of another side on `b`, either way.
    return any(
        hits(first, a) and hits(second, b)
        for i, first in enumerate(sides)
        for j, second in enumerate(sides)
        if i != j
    )


def _disagreement_keys(story: GoldStory) -> list[str | int]:
    """Per contradiction of the story, the disagreement it belongs to: its group, or its
    own position when it has none."""
    return [
        item.group if item.group is not None else ci for ci, item in enumerate(story.contradictions)
    ]


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
        languages={a.name: a.language for a in articles},
    )
    result.claim_outcomes = _match_claims(gold, index, claims)

    keys = [_disagreement_keys(story) for story in gold.stories]
    matched_by: dict[tuple[int, int], list[str]] = {}
    # Disagreement -> positions of the findings that match it (each finding once).
    found_by: dict[tuple[int, str | int], list[int]] = {}
    counted = [0] * len(gold.stories)
    correct = [0] * len(gold.stories)
    false_alarms = [0] * len(gold.stories)
    for fi, finding in enumerate(findings):
        if finding.kind == "plan_change":
            result.plan_changes += 1
            continue
        sides = _parts(finding, index)
        stories = [
            (si, story)
            for si, story in enumerate(gold.stories)
            if all(part.names & set(story.articles) for side in sides for part in side)
        ]
        if not stories:
            result.outside_stories += 1
            continue
        hit: list[GoldContradiction] = []
        traps: list[TrapHit] = []
        hit_in: set[int] = set()
        trap_in: set[int] = set()
        for si, story in stories:
            counted[si] += 1
            for ci, item in enumerate(story.contradictions):
                if _pair_matches(sides, item.a, item.b, index):
                    hit.append(item)
                    hit_in.add(si)
                    matched_by.setdefault((si, ci), []).append(finding.id)
                    positions = found_by.setdefault((si, keys[si][ci]), [])
                    if fi not in positions:
                        positions.append(fi)
            for trap in story.non_contradictions:
                if _pair_matches(sides, trap.a, trap.b, index):
                    traps.append(TrapHit(story=story.story, trap=trap))
                    trap_in.add(si)
        # A finding that matches a gold contradiction is right even if it also touches a
        # trap's quotes; only findings that match no contradiction can be false alarms.
        verdict: Verdict = "match" if hit else ("false_alarm" if traps else "unmatched")
        for si in hit_in:
            correct[si] += 1
        if verdict == "false_alarm":
            for si in trap_in:
                false_alarms[si] += 1
        result.finding_outcomes.append(
            FindingOutcome(
                finding_id=finding.id,
                rule=finding.rule,
                kind=finding.kind,
                fact=finding.fact,
                sides=tuple(
                    SideOutcome(
                        value=side.value,
                        reports=tuple(
                            (sorted(index.names(index.claims[cid]))[0], index.claims[cid].quote)
                            for cid in side.claim_ids
                        ),
                    )
                    for side in finding.sides
                ),
                verdict=verdict,
                stories=tuple(story.story for _, story in stories),
                contradictions=tuple(hit),
                traps=tuple(traps),
            )
        )

    for si, story in enumerate(gold.stories):
        pairs = [
            ContradictionOutcome(
                story=story.story, gold=item, finding_ids=tuple(matched_by.get((si, ci), ()))
            )
            for ci, item in enumerate(story.contradictions)
        ]
        result.contradiction_outcomes += pairs
        grouped: dict[str | int, list[ContradictionOutcome]] = {}
        for key, pair in zip(keys[si], pairs, strict=True):
            grouped.setdefault(key, []).append(pair)
        disagreements = [
            DisagreementOutcome(
                story=story.story,
                group=key if isinstance(key, str) else None,
                pairs=tuple(members),
                finding_ids=tuple(findings[fi].id for fi in found_by.get((si, key), ())),
            )
            for key, members in grouped.items()
        ]
        result.disagreement_outcomes += disagreements
        result.story_outcomes.append(
            StoryOutcome(
                story=story.story,
                disagreements=len(disagreements),
                disagreements_matched=sum(1 for d in disagreements if d.matched),
                findings=counted[si],
                correct=correct[si],
                false_alarms=false_alarms[si],
            )
        )
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


def _share(numerator: int, denominator: int, places: int = 4) -> str:
    """A ratio for reading: "-" when there is nothing to divide by, so that 0/0 is not
    mistaken for "all wrong"."""
    return f"{numerator / denominator:.{places}f}" if denominator else "-"


def _pair_line(item: GoldContradiction | GoldNonContradiction) -> str:
    return f"{_quote(item.a.article, item.a.quote)} <> {_quote(item.b.article, item.b.quote)}"


def _finding_lines(f: FindingOutcome) -> list[str]:
    head = f"  - {f.finding_id} ({f.rule}, {f.kind})" + (f" {f.fact}" if f.fact else "") + ":"
    lines = [head]
    for side in f.sides:
        reports = "; ".join(_quote(article, quote) for article, quote in side.reports)
        tally = len({article for article, _ in side.reports})
        lines.append(f"      side «{side.value}» ({tally} report(s)): {reports}")
    return lines


def _story_table(result: EvalResult) -> list[str]:
    width = max([len("story"), *(len(o.story) for o in result.story_outcomes)])
    lines = [
        f"  {'story':<{width}}  {'found':>9}  {'recall':>6}  {'findings':>8}  {'correct':>7}"
        f"  {'precision':>9}  {'false alarms':>12}"
    ]
    for o in result.story_outcomes:
        found = f"{o.disagreements_matched}/{o.disagreements}"
        recall = _share(o.disagreements_matched, o.disagreements)
        lines.append(
            f"  {o.story:<{width}}  {found:>9}  {recall:>6}"
            f"  {o.findings:>8}  {o.correct:>7}  {_share(o.correct, o.findings):>9}"
            f"  {o.false_alarms:>12}"
        )
    return lines


def _story_claims_table(result: EvalResult) -> list[str]:
    """Claims found and field accuracy (all fields, then each) per story."""
    short = {"date_relation": "relation", "destination": "dest"}
    per_story = result.per_story_claims()
    width = max([len("story"), *(len(story) for story in per_story)])
    lines = [
        f"  {'story':<{width}}  {'claims':>7}  {'recall':>6}  {'fields':>6}  "
        + "  ".join(f"{short.get(n, n):>8}" for n in FIELDS)
    ]
    for story, f in per_story.items():
        lines.append(
            f"  {story:<{width}}  {f['matched']:>3}/{f['gold']:<3}  {f['recall']:>6.2f}"
            f"  {f['fields_overall']:>6.2f}  "
            + "  ".join(f"{f['fields'][n]:>8.2f}" for n in FIELDS)
        )
    return lines


def _language_table(result: EvalResult) -> list[str]:
    """Claims found, field accuracy (all fields, then each) and disagreements involving a
    report, per article language."""
    short = {"date_relation": "relation", "destination": "dest"}
    names = [short.get(name, name) for name in FIELDS]
    lines = [
        f"  {'language':<8}  {'claims':>7}  {'recall':>6}  {'fields':>6}  "
        + "  ".join(f"{n:>8}" for n in names)
        + f"  {'disagreements':>13}  {'via':>4}"
    ]
    for language, f in result.per_language().items():
        outcomes = result.claims_in(language)
        matched = f["matched"]
        checks = [c for o in outcomes for c in o.checks]
        per_field = [
            _share(sum(1 for c in checks if c.field == name and c.ok), matched)
            for name in FIELDS
        ]
        found = f"{f['disagreements_matched']}/{f['disagreements']}"
        claims = f"{matched}/{f['gold']}"
        lines.append(
            f"  {language or '-':<8}  {claims:>7}"
            f"  {_share(matched, f['gold']):>6}"
            f"  {_share(sum(1 for c in checks if c.ok), len(checks)):>6}  "
            + "  ".join(f"{v:>8}" for v in per_field)
            + f"  {found:>13}  {f['disagreements_matched_via_language']:>4}"
        )
    lines.append(
        "  (disagreements: found/those with a report in the language; via: found through a "
        "pair that has one)"
    )
    return lines


def format_table(result: EvalResult) -> str:
    """A plain-text report: the numbers per disagreement, per pair and per story, then
    every miss, mismatch and false alarm."""
    r = result
    lines = [
        f"Claims: {r.claims_matched}/{r.claims_gold} gold claims matched,"
        f" recall {_share(r.claims_matched, r.claims_gold)}"
        f" ({r.predicted_claims} predicted claims in gold articles)",
        "",
        f"  {'field':<14}{'accuracy':>9}  correct/matched",
    ]
    for name in FIELDS:
        correct = r.field_correct(name)
        lines.append(
            f"  {name:<14}{_share(correct, r.claims_matched):>9}  {correct}/{r.claims_matched}"
        )
    lines += [
        "",
        f"Disagreements: {r.disagreements_matched}/{r.disagreements_gold} found,"
        f" recall {_share(r.disagreements_matched, r.disagreements_gold)};"
        f" hard {r.disagreements_matched_hard}/{r.disagreements_gold_hard},"
        f" recall {_share(r.disagreements_matched_hard, r.disagreements_gold_hard)}",
        f"Findings per found disagreement: "
        f"{_share(r.findings_on_matched_disagreements, r.disagreements_matched, 2)}"
        f" ({r.findings_on_matched_disagreements}/{r.disagreements_matched}; ideal 1)",
        f"Findings: {r.predicted_findings} counted, {r.correct_findings} correct,"
        f" precision {_share(r.correct_findings, r.predicted_findings)};"
        f" false alarms {len(r.false_alarm_findings)} (traps in gold: {r.traps})",
        f"Pairs: {r.contradictions_matched}/{r.contradictions_gold} matched,"
        f" recall {_share(r.contradictions_matched, r.contradictions_gold)};"
        f" hard {r.contradictions_matched_hard}/{r.contradictions_gold_hard},"
        f" recall {_share(r.contradictions_matched_hard, r.contradictions_gold_hard)}",
    ]
    if r.plan_changes or r.outside_stories:
        lines.append(
            f"Not counted: {r.plan_changes} plan change(s),"
            f" {r.outside_stories} finding(s) across stories"
        )
    lines += ["", "Per story:", *_story_table(r)]
    if len(r.per_story_claims()) > 1:
        lines += ["", "Claims per story:", *_story_claims_table(r)]
    if r.claim_languages:
        lines += ["", "Per language (of the article):", *_language_table(r)]

    def section(title: str, items: list[list[str]]) -> None:
        lines.extend(["", f"{title} ({len(items)}):" if items else f"{title}: none"])
        for item in items:
            lines.extend(item)

    section(
        "Missed gold claims",
        [[f"  - [{o.event}] {_quote(o.article, o.quote)}"] for o in r.missed_claims],
    )
    section(
        "Field mismatches",
        [
            [
                f"  - {c.field}: gold {_show(c.gold)} | predicted {_show(c.predicted)}"
                f"  in {_quote(o.article, o.quote)} (claim {o.claim_id})"
            ]
            for o, c in r.mismatches
        ],
    )
    section(
        "Missed disagreements",
        [
            [
                f"  - {d.story} {f'group {d.group}' if d.group else '(no group)'}"
                f" [{'hard' if d.hard else 'soft'} {', '.join(d.kinds)}],"
                f" {len(d.pairs)} pair(s):"
            ]
            + [
                f"      {_pair_line(p.gold)}" + (f"\n        {p.gold.why}" if p.gold.why else "")
                for p in d.pairs
            ]
            for d in r.missed_disagreements
        ],
    )
    section(
        "False alarms",
        [
            _finding_lines(f)
            + [
                f"      hit trap {_pair_line(t.trap)}"
                + (f"\n        {t.trap.why}" if t.trap.why else "")
                for t in f.traps
            ]
            for f in r.false_alarm_findings
        ],
    )
    section("Unmatched findings", [_finding_lines(f) for f in r.unmatched_findings])
    return "\n".join(lines) + "\n"
