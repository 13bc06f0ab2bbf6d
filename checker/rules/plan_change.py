"""C008 change of plan: a plan or forecast (phase planned, or modality planned/expected)
against a reported outcome that differs from it. Shown as a low-severity "plan_change",
not as two reports contradicting each other.

Dates: a completed (or phase-less) outcome must fall on a day the plan allowed; a start or
an ongoing stage only conflicts when it begins after the plan's last day (a process may
start before its deadline). Counts: same unit, intervals disjoint, a finished outcome at
the time the plan is about. Same type, same place.
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    SOFT_HEDGED,
    SOFT_PRECISION,
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    certainty,
    place_ref,
    quantity_value,
    reason_of,
    same_event_scope,
    time_value,
)
from checker.rules.registry import RuleRegistry
from claims.model import Claim, ComparedValue

SPEC = RuleSpec(
    name="plan_change.v1",
    code="C008",
    kind="plan_change",
    severity="low",
    summary="What was planned or forecast differs from what is reported to have happened.",
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
        "quantity.resolved",
        "quantity.value",
        "quantity.low",
        "quantity.high",
        "quantity.low_inclusive",
        "quantity.high_inclusive",
        "quantity.unit",
        "quantity.approximate",
        "quantity.precision",
        "quantity.vague",
        "quantity.span",
    ),
    messages=MessageTemplates(
        en="The {event} at {place} was planned as {value_a}, but is reported as {value_b}: "
        "a change of plan, not a contradiction between reports.",
        ar="كان {event_ar} في {place_ar} مخططاً له «{quote_a}»، لكن التقارير تذكر أنه جرى "
        "«{quote_b}»: تغيير في الخطة، لا تناقض بين التقارير.",
    ),
)


class PlanChange(BaseRule):
    spec = SPEC
    compares = ("time", "quantity")

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """What was planned against what happened, for one event at one place."""
        return f"{claim.event}|plan|at:{place_ref(claim)}"

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        if sem.is_plan(a, settings) and sem.is_outcome(b, settings):
            plan, outcome = a, b
        elif sem.is_plan(b, settings) and sem.is_outcome(a, settings):
            plan, outcome = b, a
        else:
            return None
        if sem.is_ignored(plan, settings) or not same_event_scope(plan, outcome):
            return None
        plan_values: list[ComparedValue] = []
        outcome_values: list[ComparedValue] = []
        precise = True
        days_p = sem.allowed_days(plan.time, settings)
        days_o = sem.allowed_days(outcome.time, settings)
        if days_p is not None and days_o is not None:
            if outcome.phase in (None, "completed"):
                moved = not days_p.intersects(days_o)
            else:
                moved = days_p.hi is not None and days_o.lo is not None and days_o.lo > days_p.hi
            if moved:
                plan_values.append(time_value(plan, ctx))
                outcome_values.append(time_value(outcome, ctx))
                precise = sem.time_precision(plan.time) == sem.time_precision(outcome.time)
        # A count is compared only with a finished outcome at the time the plan is about:
        # 120 soldiers gone in August is progress toward "500 by September", not a change.
        state = plan.event == settings.presence_event
        span_p = sem.state_days(plan.time, settings) if state else days_p
        span_o = sem.state_days(outcome.time, settings) if state else days_o
        same_time = span_p is None or span_o is None or span_p.intersects(span_o)
        if (
            same_time
            and outcome.phase in (None, "completed")
            and plan.quantity is not None
            and outcome.quantity is not None
            and plan.quantity.unit is not None
            and plan.quantity.unit == outcome.quantity.unit
        ):
            interval_p = sem.quantity_interval(plan.quantity, settings)
            interval_o = sem.quantity_interval(outcome.quantity, settings)
            if interval_p and interval_o and interval_p.disjoint(interval_o):
                plan_values.append(quantity_value(plan, ctx))
                outcome_values.append(quantity_value(outcome, ctx))
                precise = (
                    precise
                    and sem.quantity_is_precise(plan.quantity)
                    and sem.quantity_is_precise(outcome.quantity)
                )
        if not plan_values:
            return None
        hard = precise and sem.is_factual(plan, settings)
        return Hit(
            claim_ids=(a.id, b.id),
            values=(*plan_values, *outcome_values),
            certainty=certainty(hard),
            **reason_of(hard, (not precise, SOFT_PRECISION), (True, SOFT_HEDGED)),
        )


def register(registry: RuleRegistry) -> None:
    registry.register(PlanChange())
