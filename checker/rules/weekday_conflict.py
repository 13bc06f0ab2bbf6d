"""C002 weekday conflict: one event (same type, phase and place) put on different weekdays
by two reports ("began on Sunday" against "began on Thursday 21 August"), or, inside one
claim, a weekday that is not the weekday of the stated calendar date.

Two phases of one timeline (began on Thursday, completion announced on Saturday) are not
compared. "Thursday night" may mean the evening before, so night expressions also accept
the previous weekday; weekdays given with clock times in different zones (or a zoned time
near midnight against a weekday with none) are compared on the UTC calendar. Replaces a
date conflict (C001) on the same two claims: the weekday is what the reports explicitly
disagree on.
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    SOFT_HEDGED,
    SOFT_PLAN,
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
    name="weekday_conflict.v1",
    code="C002",
    kind="weekday",
    severity="high",
    summary="Two reports put one event on different weekdays, or a weekday misses its date.",
    scopes=("pair", "claim"),
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
        "time.weekday",
        "time.relation",
        "time.time_of_day",
        "time.resolved",
        "time.granularity",
        "time.earliest",
        "time.latest",
        "time.value",
        "time.modifier",
        "time.span",
        "time.time_zone",
        "time.utc_day_offset",
    ),
    messages=MessageTemplates(
        en="The reports put the {phase_event} at {place} on different days of the "
        "week: {weekday_a} versus {weekday_b}.",
        ar="تضع التقارير {phase_event_ar} في {place_ar} في يومين مختلفين من الأسبوع: "
        "يوم {weekday_a_ar} («{quote_a}») مقابل يوم {weekday_b_ar} («{quote_b}»).",
    ),
    claim_messages=MessageTemplates(
        en="The report says {weekday_a}, but {date} fell on a {weekday_b}.",
        ar="يذكر التقرير يوم {weekday_a_ar}، لكن تاريخ {date} وافق يوم {weekday_b_ar} "
        "(«{quote_a}»).",
    ),
    params=("weekday_a", "weekday_b", "weekday_a_ar", "weekday_b_ar", "date"),
    suppresses=("C001",),
)


def _names(ctx: RuleContext, a: int, b: int) -> dict[str, str]:
    labels = ctx.labels
    return {
        "weekday_a": labels.weekdays_en[a],
        "weekday_b": labels.weekdays_en[b],
        "weekday_a_ar": labels.weekdays_ar[a],
        "weekday_b_ar": labels.weekdays_ar[b],
    }


class WeekdayConflict(BaseRule):
    spec = SPEC
    compares = ("time",)

    def check_claim(self, claim: Claim, ctx: RuleContext) -> Hit | None:
        if claim.time is None or not comparable(claim, ctx):
            return None
        said = sem.stated_weekday(claim.time)
        day = sem.stated_calendar_day(claim.time)
        if said is None or day is None:
            return None
        if sem.weekdays_agree(said, day.weekday(), claim.time, ctx.settings):
            return None
        names = _names(ctx, said, day.weekday())
        said_value = time_value(claim, ctx, value=names["weekday_a"])
        said_value = said_value.model_copy(update={"field": "time.weekday"})
        date_value = time_value(claim, ctx, value=f"{day.isoformat()} ({names['weekday_b']})")
        return Hit(
            claim_ids=(claim.id,),
            values=(said_value, date_value),
            # The report contradicts itself: no second source can make both right.
            certainty="hard",
            params={**names, "date": day.isoformat()},
            reason="Hard: the report names a weekday that its own date does not fall on.",
            reason_ar="قاطع: يذكر التقرير يوماً من الأسبوع لا يوافق التاريخ الذي يذكره هو نفسه.",
        )

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        if a.time is None or b.time is None:
            return None
        if not (comparable(a, ctx) and comparable(b, ctx) and same_event_scope(a, b)):
            return None
        if a.phase != b.phase or sem.plan_vs_outcome(a, b, settings):
            return None
        day_a, day_b = sem.stated_weekday(a.time), sem.stated_weekday(b.time)
        if day_a is None or day_b is None:
            return None
        if sem.weekdays_agree(day_a, day_b, a.time, settings) or sem.weekdays_agree(
            day_b, day_a, b.time, settings
        ):
            return None
        if sem.weekdays_meet_in_utc(a.time, day_a, b.time, day_b):
            return None  # "Friday 23:11 local time" may be "Saturday 00:11 GMT"
        names = _names(ctx, day_a, day_b)
        values = []
        for claim, weekday in ((a, names["weekday_a"]), (b, names["weekday_b"])):
            day = sem.stated_calendar_day(claim.time)
            shown = f"{weekday} ({day.isoformat()})" if day else weekday
            values.append(
                time_value(claim, ctx, value=shown).model_copy(update={"field": "time.weekday"})
            )
        hard = all(sem.is_factual(c, settings) and not sem.is_plan(c, settings) for c in (a, b))
        return Hit(
            claim_ids=(a.id, b.id),
            values=tuple(values),
            certainty=certainty(hard),
            params=names,
            **reason_of(
                hard,
                (sem.is_plan(a, settings) or sem.is_plan(b, settings), SOFT_PLAN),
                (True, SOFT_HEDGED),
            ),
        )


def register(registry: RuleRegistry) -> None:
    registry.register(WeekdayConflict())
