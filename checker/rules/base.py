"""What a rule is: its declared spec, its two hooks, and what a hook returns.

Every rule module has the same shape::

    SPEC = RuleSpec(name="x_conflict.v1", code="C0NN", ...)   # declared, checked at build

    class XConflict(BaseRule):
        spec = SPEC
        def fact(self, claim, ctx) -> str | None: ...           # optional: which fact
        def check_pair(self, a, b, ctx) -> Hit | None: ...     # and/or check_claim

    def register(registry: RuleRegistry) -> None:
        registry.register(XConflict())

A rule reads *facts* of an event: ``fact`` names the fact a claim states a value of (the
date of the start of a withdrawal at one base; the death toll at one place), and
``check_pair`` is the judge of two values of one fact: it returns a ``Hit`` when they
cannot both be right, None when they agree or cannot be compared. The engine groups the
values of each fact (``checker.rules.engine``) and makes one finding per fact whose value
groups disagree, so a rule never sees all pairs of an event.

A rule outside this package is written the same way and registered through the same
``RuleRegistry.register`` call; nothing registers itself on import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal, TypedDict

from checker.rules import semantics as sem
from checker.settings import CheckerSettings, LabelData
from claims.model import Certainty, Claim, ComparedValue, Entity, FindingKind, Severity, Span

RuleScope = Literal["claim", "pair"]

# Placeholders every message template may use; the engine fills them for each finding.
COMMON_PARAMS: frozenset[str] = frozenset(
    {
        "event",
        "event_ar",
        "place",
        "place_ar",
        "phase",
        "phase_ar",
        "phase_event",
        "phase_event_ar",
        "value_a",
        "value_b",
        "quote_a",
        "quote_b",
    }
)


@dataclass(frozen=True)
class MessageTemplates:
    """``str.format`` templates of the explanation shown to editors."""

    en: str
    ar: str


@dataclass(frozen=True)
class RuleSpec:
    """Everything the registry checks and the engine needs to know about one rule."""

    name: str  # versioned: "date_conflict.v1"
    code: str  # stable: "C001"
    kind: FindingKind
    severity: Severity
    summary: str  # one English line, shown in listings
    scopes: tuple[RuleScope, ...]  # "pair": two claims of two reports; "claim": one claim
    reads: tuple[str, ...]  # dotted Claim field paths, e.g. "time.earliest"
    messages: MessageTemplates  # for pair findings
    claim_messages: MessageTemplates | None = None  # for one-claim findings
    params: tuple[str, ...] = ()  # extra placeholders the rule fills
    # Codes whose finding on the very same claims this rule's finding replaces.
    suppresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """What a rule found: the claims, the compared values and how sure it is."""

    claim_ids: tuple[str, ...]
    values: tuple[ComparedValue, ...]
    certainty: Certainty
    params: Mapping[str, str] = field(default_factory=dict)
    # Why the certainty is what it is, one sentence in English and in Arabic.
    reason: str = ""
    reason_ar: str = ""


@dataclass(frozen=True)
class RuleContext:
    """Settings and display data handed to every hook."""

    settings: CheckerSettings
    labels: LabelData


class BaseRule:
    """Default hooks find nothing; a rule overrides the ones its spec's scopes name."""

    spec: ClassVar[RuleSpec]
    # A rule whose facts span the events of one check (a province's toll against its
    # country's: a place inside another is another event) sets this.
    across_events: ClassVar[bool] = False
    # The claim slots whose values the rule compares ("time", "quantity", ...): a claim
    # whose such slot was carried from elsewhere in its article is "inferred".
    compares: ClassVar[tuple[str, ...]] = ()
    # Whether the rule reads a claim the extractor derived from another event's words
    # (``Claim.inherited["derived_from"]``: the empty place a completed withdrawal leaves). Only
    # a rule made for such a claim does; the others never see it.
    reads_derived: ClassVar[bool] = False

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """The fact of its event that ``claim`` states a value of, for this rule, or None
        when the rule does not read the claim. The default: the event type, its phase and
        its place (claims of one event with another phase or place are other facts)."""
        return default_fact(claim)

    def check_claim(self, claim: Claim, ctx: RuleContext) -> Hit | None:
        return None

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        return None


# --- building blocks shared by the rules ------------------------------------------------


def _span_or_evidence(claim: Claim, span: Span | None) -> Span:
    return span if span is not None else claim.evidence


def _quote(claim: Claim, span: Span | None) -> str:
    return span.text if span is not None and span.text else claim.quote


def time_value(claim: Claim, ctx: RuleContext, value: str | None = None) -> ComparedValue:
    """The claim's time as compared, quoting the time expression when it has a span."""
    span = claim.time.span if claim.time else None
    return ComparedValue(
        claim_id=claim.id,
        field="time",
        value=value if value is not None else sem.describe_time(claim.time, ctx.settings),
        quote=_quote(claim, span),
        span=_span_or_evidence(claim, span),
    )


def quantity_value(claim: Claim, ctx: RuleContext) -> ComparedValue:
    span = claim.quantity.span if claim.quantity else None
    return ComparedValue(
        claim_id=claim.id,
        field="quantity",
        value=sem.describe_quantity(claim.quantity, ctx.settings),
        quote=_quote(claim, span),
        span=_span_or_evidence(claim, span),
    )


def entity_value(claim: Claim, field_name: str, entities: list[Entity]) -> ComparedValue:
    """Several entities (a destination list) are quoted by the span that covers them."""
    spans = [e.span for e in entities if e.span is not None]
    span = (
        Span(
            start=min(s.start for s in spans),
            end=max(s.end for s in spans),
            text=" … ".join(s.text for s in spans if s.text),
        )
        if spans
        else None
    )
    return ComparedValue(
        claim_id=claim.id,
        field=field_name,
        value="; ".join(sem.describe_entity(e) for e in entities) or "none",
        quote=_quote(claim, span),
        span=_span_or_evidence(claim, span),
    )


def claim_value(claim: Claim, field_name: str, value: str) -> ComparedValue:
    """A value that belongs to the whole claim (its modality, its phase): quote the evidence."""
    return ComparedValue(
        claim_id=claim.id, field=field_name, value=value, quote=claim.quote, span=claim.evidence
    )


def certainty(hard: bool) -> Certainty:
    return "hard" if hard else "soft"


# Why a finding is soft, in one sentence per language: the first reason that applies.
SOFT_PLAN = (
    "Soft: one side is a plan or forecast, not a report of what happened.",
    "غير قاطع: أحد الطرفين خطة أو توقع، لا خبر عما حدث.",
)
SOFT_HEDGED = (
    "Soft: one side is reported second-hand or hedged.",
    "غير قاطع: أحد الطرفين منقول عن غيره أو غير جازم.",
)
SOFT_PRECISION = (
    "Soft: the two are said at different precision (a day against a month or a year).",
    "غير قاطع: القيمتان بدقة مختلفة (يوم مقابل شهر أو سنة).",
)
SOFT_YEARLESS = (
    "Soft: one side does not give the year; the two dates differ whatever the year.",
    "غير قاطع: أحد الطرفين لا يذكر السنة؛ والتاريخان مختلفان أياً كانت السنة.",
)
SOFT_UNDATED = (
    "Soft: one side gives no date, so the two may be about different moments.",
    "غير قاطع: أحد الطرفين بلا تاريخ، فقد يتحدثان عن لحظتين مختلفتين.",
)
SOFT_VAGUE = (
    "Soft: an amount is approximate or vague.",
    "غير قاطع: أحد العددين تقريبي أو غير محدد.",
)
SOFT_UNSOURCED = (
    "Soft: agencies measure this each their own way, and a report does not say whose "
    "figure it gives.",
    "غير قاطع: لكل جهة رصد قياسها، وأحد التقريرين لا يذكر الجهة التي أخذ عنها الرقم.",
)
HARD = (
    "Hard: both sides state it as fact, at the same precision, and cannot both be right.",
    "قاطع: الطرفان يذكرانه على أنه واقع، وبالدقة نفسها، ولا يمكن أن يصحا معاً.",
)


class Reason(TypedDict, total=False):
    """The ``Hit`` keyword arguments that say why it is hard or soft."""

    reason: str
    reason_ar: str


def reason_of(hard: bool, *soft: tuple[bool, tuple[str, str]]) -> Reason:
    """``Hit`` keyword arguments ``reason``/``reason_ar``: ``HARD`` for a hard finding,
    else the first soft reason whose condition holds."""
    if hard:
        return {"reason": HARD[0], "reason_ar": HARD[1]}
    for holds, (en, ar) in soft:
        if holds:
            return {"reason": en, "reason_ar": ar}
    return {}


def place_ref(claim: Claim) -> str:
    """The claim's place as facts are keyed: the gazetteer key (or the name), "-" for none."""
    if claim.location is None:
        return "-"
    ref = sem.entity_ref(claim.location) or "-"
    return f"!{ref}" if claim.location.complement else ref


def default_fact(claim: Claim) -> str:
    return f"{claim.event}|{claim.phase or '-'}|at:{place_ref(claim)}"


def same_event_scope(a: Claim, b: Claim) -> bool:
    """Same event type, same place (same gazetteer key: a base is not its country) and
    actors that do not rule it out."""
    return (
        a.event == b.event
        and sem.place_relation(a.location, b.location) == "same"
        and sem.actor_relation(a.actors, b.actors) != "different"
    )


def comparable(claim: Claim, ctx: RuleContext) -> bool:
    """Not a hypothetical or a denial (denials have their own rule)."""
    return not sem.is_ignored(claim, ctx.settings) and not sem.is_negated(claim)
