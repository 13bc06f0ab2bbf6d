"""C006 destination conflict: one report sends a movement "outside" a country, another
sends the same movement (same origin) to a place inside that country.

Only a destination explicitly inside the complemented country conflicts: "to Syria"
against "to Erbil, Syria or Kuwait" share Syria and never fire, and two different lists
without a complement are partial accounts, not a contradiction. Always soft: the two
reports may describe different parts of one move (equipment versus troops).
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    comparable,
    entity_value,
    place_ref,
)
from checker.rules.registry import RuleRegistry
from claims.model import Claim, Entity

SPEC = RuleSpec(
    name="destination_conflict.v1",
    code="C006",
    kind="location",
    severity="medium",
    summary="A move 'outside' a country against the same move to a place inside it.",
    scopes=("pair",),
    reads=(
        "event",
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
        en="One report sends the {event} from {place} {value_a}; the other sends it to "
        "{inside}, which lies inside {country}.",
        ar="يذكر أحد التقارير أن {event_ar} من {place_ar} يتجه إلى خارج «{quote_a}»، "
        "بينما يذكر الآخر وجهة داخلها: «{quote_b}».",
    ),
    params=("inside", "country"),
)


def _conflicting(outside: Entity, others: list[Entity]) -> list[Entity]:
    assert outside.key is not None
    return [d for d in others if not d.complement and d.key and sem.is_within(d, outside.key)]


class DestinationConflict(BaseRule):
    spec = SPEC
    compares = ("destinations",)

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """Where a movement from one place went."""
        if claim.event not in ctx.settings.movement_events or not claim.destinations:
            return None
        return f"movement|destination|from:{place_ref(claim)}"

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        movement = settings.movement_events
        if a.event not in movement or b.event not in movement:
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
            return None
        for first, second in ((a, b), (b, a)):
            for outside in first.destinations:
                if not outside.complement or outside.key is None:
                    continue
                inside = _conflicting(outside, second.destinations)
                if not inside:
                    continue
                # The "outside" side first: the templates read it as value_a / quote_a.
                return Hit(
                    claim_ids=(a.id, b.id),
                    values=(
                        entity_value(first, "destinations", [outside]),
                        entity_value(second, "destinations", inside),
                    ),
                    certainty="soft",
                    reason="Soft: the two reports may tell different parts of one move "
                    "(equipment against troops).",
                    reason_ar="غير قاطع: قد يروي التقريران جزأين مختلفين من عملية نقل واحدة "
                    "(المعدات مقابل الجنود).",
                    params={
                        "inside": ", ".join(d.label or d.key or d.surface for d in inside),
                        "country": outside.label or outside.key,
                    },
                )
        return None


def register(registry: RuleRegistry) -> None:
    registry.register(DestinationConflict())
