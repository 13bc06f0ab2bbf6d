"""C007 denial against assertion: one report denies an event ("no force went to Erbil")
that another reports as having happened ("troops moved to Erbil").

The denial covers the asserted event when the type (or, for movements, the family)
matches, the origins are the same place (or the denial names none), every destination the
denial names covers a destination of the assertion, the phases agree, the actors do not
rule it out and the times overlap or are unknown. Hard only when both times are known and
overlap; a plan or forecast is never "asserted".
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    SOFT_UNDATED,
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    certainty,
    claim_value,
    reason_of,
)
from checker.rules.registry import RuleRegistry
from claims.model import Claim

SPEC = RuleSpec(
    name="denial_conflict.v1",
    code="C007",
    kind="other",
    severity="high",
    summary="One report denies what another reports as having happened.",
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
        "destinations.key",
        "destinations.ancestors",
        "destinations.complement",
        "destinations.surface",
        "time.resolved",
        "time.earliest",
        "time.latest",
        "time.value",
        "time.modifier",
        "time.relation",
    ),
    messages=MessageTemplates(
        en="One report denies the {event} ({value_a}); the other reports it ({value_b}).",
        ar="ينفي أحد التقارير {event_ar} («{quote_a}»)، بينما يؤكده الآخر («{quote_b}»).",
    ),
)


def _same_kind(a: Claim, b: Claim, ctx: RuleContext) -> bool:
    if a.event == b.event:
        return True
    movement = ctx.settings.movement_events
    return a.event in movement and b.event in movement


def _covers(denial: Claim, assertion: Claim) -> bool:
    """The denied event includes the asserted one (place and destinations)."""
    if denial.location is not None:
        if sem.place_relation(denial.location, assertion.location) != "same":
            return False
    elif not denial.destinations:
        return False  # a denial with neither origin nor destination is too vague to compare
    for denied in denial.destinations:
        if denied.complement:
            return False
        covered = [
            d
            for d in assertion.destinations
            if not d.complement
            and (
                (denied.key is not None and d.key is not None and sem.is_within(d, denied.key))
                or (denied.key is None and sem.entity_ref(denied) == sem.entity_ref(d))
            )
        ]
        if not covered:
            return False
    return True


class DenialConflict(BaseRule):
    spec = SPEC
    compares = ("modality",)

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """Whether the event happened at all (movements are one kind of event here)."""
        kind = "movement" if claim.event in ctx.settings.movement_events else claim.event
        return f"{kind}|occurred"

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        if sem.is_negated(a) and sem.is_outcome(b, settings):
            denial, assertion = a, b
        elif sem.is_negated(b) and sem.is_outcome(a, settings):
            denial, assertion = b, a
        else:
            return None
        if denial.phase == "planned":
            return None  # "there is no plan to ..." says nothing about what happened
        if not _same_kind(denial, assertion, ctx) or not _covers(denial, assertion):
            return None
        if denial.phase is not None and assertion.phase is not None:
            if denial.phase != assertion.phase:
                return None
        if sem.actor_relation(denial.actors, assertion.actors) == "different":
            return None
        days_d = sem.allowed_days(denial.time, settings)
        days_a = sem.allowed_days(assertion.time, settings)
        if days_d is not None and days_a is not None and not days_d.intersects(days_a):
            return None
        hard = days_d is not None and days_a is not None
        return Hit(
            claim_ids=(a.id, b.id),
            values=(
                claim_value(denial, "modality", "negated"),
                claim_value(assertion, "modality", assertion.modality),
            ),
            certainty=certainty(hard),
            **reason_of(hard, (True, SOFT_UNDATED)),
        )


def register(registry: RuleRegistry) -> None:
    registry.register(DenialConflict())
