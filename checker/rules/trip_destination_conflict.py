"""C012 trip destination conflict: two reports send one trip (a plane that crashed, a
ferry that sank) to different places.

A trip has one destination: "a plane bound for Birmingham" against "bound for London"
cannot both be right, while "to Gatwick airport in London" and "to London", or "to
Britain" and "to London", agree (one place inside the other). Only the events whose word
is in the `trip_words` setting are trips: a movement of forces may go to several places
at once, and two lists of them are partial accounts (C006 reads those). A destination
the gazetteer does not know, or "outside" a place, is never compared.
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    SOFT_HEDGED,
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    certainty,
    comparable,
    entity_value,
    place_ref,
    reason_of,
)
from checker.rules.registry import RuleRegistry
from claims.model import Claim, Entity

SPEC = RuleSpec(
    name="trip_destination_conflict.v1",
    code="C012",
    kind="location",
    severity="medium",
    summary="Two reports send one trip (a flight, a ferry) to different places.",
    scopes=("pair",),
    reads=(
        "event",
        "event_word",
        "modality",
        "location.key",
        "location.ancestors",
        "location.complement",
        "location.surface",
        "actors.key",
        "actors.surface",
        "actors.ancestors",
        "destinations.key",
        "destinations.ancestors",
        "destinations.complement",
        "destinations.surface",
        "destinations.label",
        "destinations.span",
        "time.resolved",
        "time.earliest",
        "time.latest",
        "time.value",
        "time.modifier",
        "time.relation",
    ),
    messages=MessageTemplates(
        en="The reports give the {event} at {place} different destinations: {value_a} "
        "versus {value_b}.",
        ar="تذكر التقارير وجهتين مختلفتين لـ{event_ar} في {place_ar}: «{quote_a}» مقابل "
        "«{quote_b}».",
    ),
)


def _known(claim: Claim) -> list[Entity]:
    """The destinations the gazetteer knows, none of them a complement."""
    return [d for d in claim.destinations if d.key is not None and not d.complement]


def _compatible(a: list[Entity], b: list[Entity]) -> bool:
    """Some destination of one is (or lies inside, or holds) one of the other's."""
    return any(
        x.key is not None
        and y.key is not None
        and (sem.is_within(x, y.key) or sem.is_within(y, x.key))
        for x in a
        for y in b
    )


class TripDestinationConflict(BaseRule):
    spec = SPEC
    compares = ("destinations",)

    def _trip(self, claim: Claim, ctx: RuleContext) -> bool:
        return claim.event == "other" and claim.event_word in ctx.settings.trip_words

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """Where the trip that ended at one place was bound."""
        if not self._trip(claim, ctx) or not _known(claim):
            return None
        return f"trip|{claim.event_word}|destination|at:{place_ref(claim)}"

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        if not (self._trip(a, ctx) and self._trip(b, ctx)) or a.event_word != b.event_word:
            return None
        if not (comparable(a, ctx) and comparable(b, ctx)):
            return None
        if sem.place_relation(a.location, b.location) != "same":
            return None
        if sem.actor_relation(a.actors, b.actors) == "different":
            return None
        days_a = sem.allowed_days(a.time, settings)
        days_b = sem.allowed_days(b.time, settings)
        if days_a is not None and days_b is not None and not days_a.intersects(days_b):
            return None  # another trip, another day
        to_a, to_b = _known(a), _known(b)
        if not to_a or not to_b or _compatible(to_a, to_b):
            return None
        hard = all(sem.is_factual(c, settings) for c in (a, b))
        return Hit(
            claim_ids=(a.id, b.id),
            values=(
                entity_value(a, "destinations", to_a),
                entity_value(b, "destinations", to_b),
            ),
            certainty=certainty(hard),
            **reason_of(hard, (True, SOFT_HEDGED)),
        )


def register(registry: RuleRegistry) -> None:
    registry.register(TripDestinationConflict())
