"""C004 timeline conflict: the phases of one event are dated so that their order is
impossible (it was completed before it began).

Phases follow ``settings.phase_order`` (began, ongoing, completed). A later phase whose
last allowed day is before the first allowed day of an earlier phase cannot be right.
Plans are not phases of what happened and are left to the plan-change rule (C008).
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    SOFT_PRECISION,
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    certainty,
    comparable,
    place_ref,
    reason_of,
    same_event_scope,
    time_value,
)
from checker.rules.registry import RuleRegistry
from claims.model import Claim

SPEC = RuleSpec(
    name="timeline_conflict.v1",
    code="C004",
    kind="timeline",
    severity="high",
    summary="The dates of two phases of one event put them in an impossible order.",
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
    ),
    messages=MessageTemplates(
        en="The {event} at {place} is dated so that its {later} ({later_value}) comes before "
        "its {earlier} ({earlier_value}).",
        ar="تواريخ {event_ar} في {place_ar} تجعل {later_ar} {event_ar} («{later_quote}») "
        "يسبق {earlier_ar} {event_ar} («{earlier_quote}»)، وهذا ترتيب مستحيل.",
    ),
    params=(
        "earlier",
        "later",
        "earlier_ar",
        "later_ar",
        "earlier_value",
        "later_value",
        "earlier_quote",
        "later_quote",
    ),
)


class TimelineConflict(BaseRule):
    spec = SPEC
    compares = ("time",)

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """The order of the phases of one event at one place."""
        if claim.phase not in ctx.settings.phase_order:
            return None
        return f"{claim.event}|phases|at:{place_ref(claim)}"

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        order = settings.phase_order
        if a.phase not in order or b.phase not in order or a.phase == b.phase:
            return None
        if not (comparable(a, ctx) and comparable(b, ctx) and same_event_scope(a, b)):
            return None
        if not (sem.is_outcome(a, settings) and sem.is_outcome(b, settings)):
            return None
        earlier, later = (a, b) if order.index(a.phase) < order.index(b.phase) else (b, a)
        days_earlier = sem.allowed_days(earlier.time, settings)
        days_later = sem.allowed_days(later.time, settings)
        if days_earlier is None or days_later is None:
            return None
        if days_later.hi is None or days_earlier.lo is None or days_later.hi >= days_earlier.lo:
            return None
        assert earlier.phase is not None and later.phase is not None
        earlier_value, later_value = time_value(earlier, ctx), time_value(later, ctx)
        labels = ctx.labels
        hard = sem.time_precision(a.time) == sem.time_precision(b.time)
        values = (earlier_value, later_value) if earlier is a else (later_value, earlier_value)
        return Hit(
            claim_ids=(a.id, b.id),
            values=values,
            certainty=certainty(hard),
            **reason_of(hard, (True, SOFT_PRECISION)),
            params={
                "earlier": labels.phases_en[earlier.phase],
                "later": labels.phases_en[later.phase],
                "earlier_ar": labels.phases_ar[earlier.phase],
                "later_ar": labels.phases_ar[later.phase],
                "earlier_value": earlier_value.value,
                "later_value": later_value.value,
                "earlier_quote": earlier_value.quote,
                "later_quote": later_value.quote,
            },
        )


def register(registry: RuleRegistry) -> None:
    registry.register(TimelineConflict())
