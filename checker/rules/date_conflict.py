"""C001 date conflict: two reports date one event (same type, phase and place) to days
that cannot both be right.

"On 15 September" allows that day; "by the end of 2026" any day up to 31 December 2026;
the two conflict only when the sets of days they allow do not intersect. Times stated in
different zones, or a zoned clock time near midnight against a day with no zone ("23:11
local time" on Friday, "Saturday" in a report on another clock), are compared on the UTC
calendar (``semantics.compared_days``). A base and its country are different scopes and
are not compared; a plan against an outcome is a change of plan (C008), not this rule; an
unresolved time never fires, but for a date said without its year ("في يوليو" in a report
with no date of its own): it conflicts, softly, with a date it can meet in no year ("July"
against "August 2024", "5 August" against "7 August").
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    SOFT_HEDGED,
    SOFT_PLAN,
    SOFT_PRECISION,
    SOFT_YEARLESS,
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    certainty,
    comparable,
    reason_of,
    same_event_scope,
    time_value,
)
from checker.rules.registry import RuleRegistry
from claims.model import Claim

SPEC = RuleSpec(
    name="date_conflict.v1",
    code="C001",
    kind="date",
    severity="high",
    summary="One event, one phase, one place: two reports allow no common day.",
    scopes=("pair",),
    reads=(
        "event",
        "phase",
        "modality",
        "location.key",
        "location.ancestors",
        "location.complement",
        "location.surface",
        "actors.key",
        "actors.surface",
        "actors.ancestors",
        "time.resolved",
        "time.earliest",
        "time.latest",
        "time.value",
        "time.granularity",
        "time.modifier",
        "time.relation",
        "time.span",
        "time.time_zone",
        "time.time_of_day",
        "time.utc_day_offset",
    ),
    messages=MessageTemplates(
        en="The reports date the {phase_event} at {place} differently: "
        "{value_a} versus {value_b}; no day satisfies both.",
        ar="تختلف التقارير في تاريخ {phase_event_ar} في {place_ar}: "
        "«{quote_a}» مقابل «{quote_b}»، ولا يوجد يوم يوافق الروايتين معاً.",
    ),
)


class DateConflict(BaseRule):
    spec = SPEC
    compares = ("time",)

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        if not (comparable(a, ctx) and comparable(b, ctx) and same_event_scope(a, b)):
            return None
        if a.phase != b.phase or sem.plan_vs_outcome(a, b, settings):
            return None
        days_a, days_b = sem.compared_days(a.time, b.time, settings)
        if days_a is None or days_b is None:
            if sem.never_same_day(a.time, b.time, settings):
                return Hit(
                    claim_ids=(a.id, b.id),
                    values=(time_value(a, ctx), time_value(b, ctx)),
                    certainty="soft",
                    reason=SOFT_YEARLESS[0],
                    reason_ar=SOFT_YEARLESS[1],
                )
            return None
        if days_a.intersects(days_b):
            return None
        hard = (
            sem.is_factual(a, settings)
            and sem.is_factual(b, settings)
            and not sem.is_plan(a, settings)
            and not sem.is_plan(b, settings)
            and sem.time_precision(a.time) == sem.time_precision(b.time)
        )
        return Hit(
            claim_ids=(a.id, b.id),
            values=(time_value(a, ctx), time_value(b, ctx)),
            certainty=certainty(hard),
            **reason_of(
                hard,
                (sem.is_plan(a, settings) or sem.is_plan(b, settings), SOFT_PLAN),
                (not (sem.is_factual(a, settings) and sem.is_factual(b, settings)), SOFT_HEDGED),
                (True, SOFT_PRECISION),
            ),
        )


def register(registry: RuleRegistry) -> None:
    registry.register(DateConflict())
