"""C010 clock conflict: two reports give one moment of one event (same type, phase and
place) times of day that cannot be the same moment ("عند الساعة 10 صباحا" against "في
تمام الساعة 1:38 ظهرا", both in one zone).

The two clocks are compared in one frame (``semantics.clock_frame``): in UTC when both
offsets are known, as stated when both are in one named zone or both in the place's local
time; a clock with no zone is in an unknown frame and is refused, unless the settings say
unzoned times are local (``clock_unzoned_is_local``).
Reports round, so exact times ``clock_tolerance_minutes`` apart agree, and each time said
approximately ("حوالي", "around") adds ``clock_approx_minutes``. An hour of a 12-hour dial
with no part of the day may be either half of the day. A part of the day alone is not
compared. Only a time stated for the event itself ("on", in the claim's own words) is
read: a clock carried from another sentence, a deadline ("by 6 pm") or a clock of another
verb never is. The days must agree or be unknown: days that differ are C001's. A plan
against an outcome is a change of plan (C008).
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
from claims.model import Claim, TimeValue

SPEC = RuleSpec(
    name="clock_conflict.v1",
    code="C010",
    kind="date",
    severity="medium",
    summary="One event, one phase, one place: two reports give times of day that are not "
    "one moment.",
    scopes=("pair",),
    reads=(
        "event",
        "event_word",
        "phase",
        "modality",
        "inherited",
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
        "time.time_of_day",
        "time.time_zone",
        "time.utc_offset",
        "time.utc_time",
        "time.utc_day_offset",
        "time.clock_approx",
        "time.twelve_hour",
    ),
    messages=MessageTemplates(
        en="The reports give different times of day for the {phase_event} at {place}: "
        "{value_a} versus {value_b}, more than {tolerance} minutes apart.",
        ar="تختلف التقارير في ساعة {phase_event_ar} في {place_ar}: «{quote_a}» مقابل "
        "«{quote_b}»، والفارق أكثر من {tolerance} دقيقة.",
    ),
    params=("tolerance",),
)

SOFT_APPROX = (
    "Soft: a time of day is given approximately.",
    "غير قاطع: أحد الوقتين مذكور على وجه التقريب.",
)


def _own_clock(claim: Claim) -> TimeValue | None:
    """The claim's clock time, when its own words state it for the moment of the event."""
    t = claim.time
    if t is None or "time" in claim.inherited or (t.relation or "on") != "on":
        return None
    return t


class ClockConflict(BaseRule):
    spec = SPEC
    compares = ("time",)

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        if not (comparable(a, ctx) and comparable(b, ctx) and same_event_scope(a, b)):
            return None
        if a.event == "other" and a.event_word != b.event_word:
            return None
        if a.phase != b.phase or sem.plan_vs_outcome(a, b, settings):
            return None
        ta, tb = _own_clock(a), _own_clock(b)
        if ta is None or tb is None:
            return None
        frame = sem.clock_frame(a, b, settings)
        if frame is None:
            return None
        minutes_a, minutes_b = sem.clock_minutes(ta, frame), sem.clock_minutes(tb, frame)
        if minutes_a is None or minutes_b is None:
            return None
        days_a, days_b = sem.compared_days(ta, tb, settings)
        if days_a is not None and days_b is not None and not days_a.intersects(days_b):
            return None  # another day is a date conflict (C001), not a time of day
        tolerance = sem.clock_tolerance(ta, tb, settings)
        if sem.clock_gap(minutes_a, minutes_b) <= tolerance:
            return None
        approx = bool(ta.clock_approx or tb.clock_approx)
        factual = sem.is_factual(a, settings) and sem.is_factual(b, settings)
        plan = sem.is_plan(a, settings) or sem.is_plan(b, settings)
        hard = factual and not plan and not approx
        return Hit(
            claim_ids=(a.id, b.id),
            values=(
                time_value(a, ctx, value=sem.describe_clock(ta, frame)),
                time_value(b, ctx, value=sem.describe_clock(tb, frame)),
            ),
            certainty=certainty(hard),
            params={"tolerance": str(tolerance)},
            **reason_of(
                hard,
                (plan, SOFT_PLAN),
                (not factual, SOFT_HEDGED),
                (True, SOFT_APPROX),
            ),
        )


def register(registry: RuleRegistry) -> None:
    registry.register(ClockConflict())
