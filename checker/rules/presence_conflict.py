"""C005 presence conflict: one report says a place is (or will be) empty of a force, the
other that some of it remains, at the same place and at overlapping or unknown times.

"Completely empty of any presence" is a presence of 0 (or a denied presence); "a small
number remain" is a presence of at least 1. A completed withdrawal of the whole force
leaves its place empty from its day on (the extractor's `empties`): that is compared
only with a force said to remain there now, or on a known day after it. A state said to
hold "by" a deadline holds from the deadline on. Soft when either side is a plan or
forecast, or a time is unknown. Replaces
a count conflict (C003), a denial (C007) and a plan change (C008) on the same two claims.
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    SOFT_HEDGED,
    SOFT_PLAN,
    SOFT_UNDATED,
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    certainty,
    claim_value,
    place_ref,
    quantity_value,
    reason_of,
)
from checker.rules.registry import RuleRegistry
from claims.model import DERIVED_FROM, Claim, ComparedValue

SPEC = RuleSpec(
    name="presence_conflict.v1",
    code="C005",
    kind="presence",
    severity="medium",
    summary="One report empties a place that another says still holds some of the force.",
    scopes=("pair",),
    reads=(
        "event",
        "modality",
        "phase",
        "inherited",
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
        "quantity.precision",
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
        en="One report says {place} is left with no presence ({value_a}); the other says "
        "some remain ({value_b}).",
        ar="يقول أحد التقارير إنه لا وجود متبقياً في {place_ar} («{quote_a}»)، بينما يقول "
        "الآخر إن عدداً بقي هناك («{quote_b}»).",
    ),
    suppresses=("C003", "C007", "C008"),
)


class PresenceConflict(BaseRule):
    spec = SPEC
    compares = ("quantity",)
    reads_derived = True  # the place a completed withdrawal left empty

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """Whether some of the force remains at one place."""
        if claim.event != ctx.settings.presence_event:
            return None
        return f"{claim.event}|remaining|at:{place_ref(claim)}"

    def _empty(self, claim: Claim, ctx: RuleContext) -> bool:
        if claim.modality == "negated":
            return claim.quantity is None
        interval = sem.quantity_interval(claim.quantity, ctx.settings)
        return interval is not None and interval.low <= 0 and interval.high == 0

    def _remaining(self, claim: Claim, ctx: RuleContext) -> bool:
        if claim.modality == "negated":
            return False
        interval = sem.quantity_interval(claim.quantity, ctx.settings)
        return interval is not None and (
            interval.low > 0 or (interval.low == 0 and not interval.low_inclusive)
        )

    def _value(self, claim: Claim, ctx: RuleContext) -> ComparedValue:
        if claim.quantity is None:
            return claim_value(claim, "quantity", "0 (denied presence)")
        left = claim.inherited.get(DERIVED_FROM)
        if left is not None:  # the place a completed withdrawal left empty
            return claim_value(claim, "quantity", f"0 ({left} completed)")
        return quantity_value(claim, ctx)

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        if a.event != settings.presence_event or b.event != settings.presence_event:
            return None
        if sem.is_ignored(a, settings) or sem.is_ignored(b, settings):
            return None
        if sem.place_relation(a.location, b.location) != "same":
            return None
        if sem.actor_relation(a.actors, b.actors) == "different":
            return None
        if self._empty(a, ctx) and self._remaining(b, ctx):
            empty, remaining = a, b
        elif self._empty(b, ctx) and self._remaining(a, ctx):
            empty, remaining = b, a
        else:
            return None
        unit_e = empty.quantity.unit if empty.quantity else None
        unit_r = remaining.quantity.unit if remaining.quantity else None
        if unit_e is not None and unit_r is not None and unit_e != unit_r:
            return None
        days_e = sem.state_days(empty.time, settings)
        days_r = sem.state_days(remaining.time, settings)
        if days_e is not None and days_r is not None and not days_e.intersects(days_r):
            return None
        if DERIVED_FROM in empty.inherited and remaining.phase != "ongoing" and (
            days_e is None or days_r is None
        ):
            # Left empty by a completed withdrawal: a force said to be there with no day,
            # or before it ("كان هناك 1100 جندي"), may be the one that left.
            return None
        prospective = sem.is_plan(empty, settings) or sem.is_plan(remaining, settings)
        hard = (
            not prospective
            and days_e is not None
            and days_r is not None
            and all(c.modality == "negated" or sem.is_factual(c, settings) for c in (a, b))
        )
        # values and quotes: the empty side first, as the templates read.
        return Hit(
            claim_ids=(a.id, b.id),
            values=(self._value(empty, ctx), self._value(remaining, ctx)),
            certainty=certainty(hard),
            **reason_of(
                hard,
                (prospective, SOFT_PLAN),
                (days_e is None or days_r is None, SOFT_UNDATED),
                (True, SOFT_HEDGED),
            ),
        )


def register(registry: RuleRegistry) -> None:
    registry.register(PresenceConflict())
