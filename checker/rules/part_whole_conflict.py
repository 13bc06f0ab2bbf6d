"""C009 part-whole conflict: a count for a place is larger than the count, of the same
thing on the same day, for a place that contains it (a province's death toll above the
national one).

A part smaller than its whole is no conflict: the rest is elsewhere. The two are given for
the same day (the day each report gives for its figure, else its publication day); a
count for another day may simply be older. Only counts that add up over places are read
(``evolving_count_events``: the dead, the injured, the missing), never a measurement.
Hard when both figures are exact, stated as fact and dated by the reports themselves.
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    SOFT_HEDGED,
    SOFT_UNDATED,
    SOFT_VAGUE,
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    certainty,
    comparable,
    quantity_value,
    reason_of,
)
from checker.rules.registry import RuleRegistry
from claims.model import Claim

SPEC = RuleSpec(
    name="part_whole_conflict.v1",
    code="C009",
    kind="count",
    severity="medium",
    summary="A count for a place is larger than the same day's count for a place containing it.",
    scopes=("pair",),
    reads=(
        "event",
        "event_word",
        "phase",
        "modality",
        "published",
        "location.key",
        "location.ancestors",
        "location.complement",
        "location.label",
        "location.surface",
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
        "time.time_of_day",
    ),
    messages=MessageTemplates(
        en="The count for {part} ({value_a}) is larger than the count for {whole} "
        "({value_b}), which contains it, on the same day.",
        ar="العدد المذكور في {part_ar} («{quote_a}») أكبر من العدد المذكور في {whole_ar} "
        "كلها («{quote_b}»)، وهي تضمها، في اليوم نفسه.",
    ),
    params=("part", "whole", "part_ar", "whole_ar"),
)


def _as_of(claim: Claim, ctx: RuleContext) -> tuple[sem.DayRange | None, bool]:
    """The days a count is given for, and whether the report itself states them."""
    days = sem.as_of_days(claim.time, ctx.settings)
    if days is not None:
        return days, True
    if claim.published is not None:
        return sem.DayRange(claim.published, claim.published), False
    return None, False


class PartWholeConflict(BaseRule):
    spec = SPEC
    compares = ("quantity",)
    across_events = True

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """The count of one thing across the places of one country."""
        settings = ctx.settings
        quantity, location = claim.quantity, claim.location
        if claim.event not in settings.evolving_count_events or quantity is None:
            return None
        if quantity.unit is None or location is None or location.complement:
            return None
        root = sem.place_root(location)
        if root is None:
            return None
        word = claim.event_word if claim.event_word in settings.distinct_count_words else ""
        return f"{claim.event}|{quantity.unit}|{word}|within:{root}"

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        if not (comparable(a, ctx) and comparable(b, ctx)):
            return None
        if sem.is_plan(a, settings) or sem.is_plan(b, settings):
            return None
        relation = sem.place_relation(a.location, b.location)
        if relation == "inside":
            part, whole = a, b
        elif relation == "contains":
            part, whole = b, a
        else:
            return None
        assert part.location is not None and whole.location is not None
        days_part, stated_part = _as_of(part, ctx)
        days_whole, stated_whole = _as_of(whole, ctx)
        if days_part is None or days_whole is None or not days_part.intersects(days_whole):
            return None  # another day's count may simply be older
        if sem.different_hours(part.time, whole.time, settings):
            return None  # or another hour's: two bulletins of one day
        interval_part = sem.quantity_interval(part.quantity, settings)
        interval_whole = sem.quantity_interval(whole.quantity, settings)
        if interval_part is None or interval_whole is None:
            return None
        if not (
            interval_part.disjoint(interval_whole) and interval_part.low >= interval_whole.high
        ):
            return None
        precise = sem.quantity_is_precise(part.quantity) and sem.quantity_is_precise(whole.quantity)
        factual = sem.is_factual(part, settings) and sem.is_factual(whole, settings)
        dated = stated_part and stated_whole
        hard = precise and factual and dated
        labels = (part.location, whole.location)
        return Hit(
            claim_ids=(part.id, whole.id),
            values=(quantity_value(part, ctx), quantity_value(whole, ctx)),
            certainty=certainty(hard),
            params={
                "part": labels[0].label or labels[0].key or labels[0].surface,
                "whole": labels[1].label or labels[1].key or labels[1].surface,
                "part_ar": labels[0].surface or labels[0].label or labels[0].key or "",
                "whole_ar": labels[1].surface or labels[1].label or labels[1].key or "",
            },
            **reason_of(
                hard,
                (not dated, SOFT_UNDATED),
                (not precise, SOFT_VAGUE),
                (True, SOFT_HEDGED),
            ),
        )


def register(registry: RuleRegistry) -> None:
    registry.register(PartWholeConflict())
