"""C003 count conflict: two reports give one event (same type, place and unit) amounts
whose intervals do not overlap.

"More than 50 vehicles" is (50, ∞) and conflicts with "30 vehicles" but not with "about
60"; "hundreds" is a wide range that "about 300" falls in. Different units, different
places, times that do not overlap, a plan against an outcome (C008) and unresolved or
bare-number amounts are not compared, nor are counts of different things (the dead
against the injured). Counts that grow as reports come in (death tolls)
are at most a soft conflict.
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    certainty,
    comparable,
    quantity_value,
    same_event_scope,
)
from checker.rules.registry import RuleRegistry
from claims.model import Claim

SPEC = RuleSpec(
    name="count_conflict.v2",
    code="C003",
    kind="count",
    severity="medium",
    summary="One event, one place, one unit: two reports give amounts that cannot both hold.",
    scopes=("pair",),
    reads=(
        "event",
        "event_word",
        "phase",
        "modality",
        "location.key",
        "location.ancestors",
        "location.complement",
        "location.surface",
        "actors.key",
        "actors.surface",
        "actors.ancestors",
        "quantity.resolved",
        "quantity.value",
        "quantity.low",
        "quantity.high",
        "quantity.low_inclusive",
        "quantity.high_inclusive",
        "quantity.unit",
        "quantity.approximate",
        "quantity.vague",
        "quantity.span",
        "time.resolved",
        "time.earliest",
        "time.latest",
        "time.value",
        "time.modifier",
        "time.relation",
    ),
    messages=MessageTemplates(
        en="The reports give different amounts for the {event} at {place}: "
        "{value_a} versus {value_b}; the ranges do not overlap.",
        ar="تختلف التقارير في الأعداد المذكورة عن {event_ar} في {place_ar}: "
        "«{quote_a}» مقابل «{quote_b}»، ولا يتداخل النطاقان.",
    ),
)


class CountConflict(BaseRule):
    spec = SPEC

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        if a.quantity is None or b.quantity is None:
            return None
        if not (comparable(a, ctx) and comparable(b, ctx) and same_event_scope(a, b)):
            return None
        if a.phase is not None and b.phase is not None and a.phase != b.phase:
            return None
        if sem.plan_vs_outcome(a, b, settings):
            return None
        if a.quantity.unit is None or a.quantity.unit != b.quantity.unit:
            return None
        words = settings.distinct_count_words
        if a.event_word in words and b.event_word in words and a.event_word != b.event_word:
            return None  # the dead against the injured: two different numbers
        interval_a = sem.quantity_interval(a.quantity, settings)
        interval_b = sem.quantity_interval(b.quantity, settings)
        if interval_a is None or interval_b is None or not interval_a.disjoint(interval_b):
            return None
        # Amounts at different known times may both be right (a garrison shrinks).
        days_a = sem.allowed_days(a.time, settings)
        days_b = sem.allowed_days(b.time, settings)
        if days_a is not None and days_b is not None and not days_a.intersects(days_b):
            return None
        hard = (
            all(sem.is_factual(c, settings) and not sem.is_plan(c, settings) for c in (a, b))
            and sem.quantity_is_precise(a.quantity)
            and sem.quantity_is_precise(b.quantity)
            and a.event not in settings.evolving_count_events
        )
        return Hit(
            claim_ids=(a.id, b.id),
            values=(quantity_value(a, ctx), quantity_value(b, ctx)),
            certainty=certainty(hard),
        )


def register(registry: RuleRegistry) -> None:
    registry.register(CountConflict())
