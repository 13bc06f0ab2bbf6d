"""The facts of an event, as its reports state them: for display and lookup.

For each event, what its reports say of when each phase happened, how many (per unit and
counted thing), where a movement went and whether it happened at all, with the claims
and articles that state each value. Values here are grouped by their normal form; the
rule engine (``checker.rules.engine``) decides which of them contradict each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from checker.rules import semantics as sem
from checker.rules.base import default_fact, place_ref
from checker.settings import CheckerSettings, get_settings
from claims.model import Claim

FactKind = Literal["time", "quantity", "destination", "occurrence"]


class FactValue(BaseModel):
    """One value of a fact, with every claim and article that states it."""

    model_config = ConfigDict(extra="forbid")

    value: str
    claim_ids: list[str] = Field(default_factory=list)
    article_ids: list[str] = Field(default_factory=list, description="distinct: the tally")


class EventFact(BaseModel):
    """One fact of an event and the values its reports give."""

    model_config = ConfigDict(extra="forbid")

    fact: str = Field(description='e.g. "withdrawal|began|at:ain_al_asad"')
    kind: FactKind
    values: list[FactValue] = Field(default_factory=list)


def _entry(claim: Claim, settings: CheckerSettings) -> list[tuple[FactKind, str, str]]:
    """(kind, fact, value) for each fact the claim states a value of."""
    if sem.is_ignored(claim, settings):
        return []
    found: list[tuple[FactKind, str, str]] = []
    occurred = (
        "denied"
        if sem.is_negated(claim)
        else ("planned" if sem.is_plan(claim, settings) else "reported")
    )
    kind = "movement" if claim.event in settings.movement_events else claim.event
    found.append(("occurrence", f"{kind}|occurred", occurred))
    if sem.is_negated(claim):
        return found
    if sem.allowed_days(claim.time, settings) is not None:
        found.append(("time", default_fact(claim), sem.describe_time(claim.time, settings)))
    quantity = claim.quantity
    if quantity is not None and quantity.unit and quantity.resolved:
        word = claim.event_word if claim.event_word in settings.distinct_count_words else ""
        found.append(
            (
                "quantity",
                f"{claim.event}|{quantity.unit}|{word}|at:{place_ref(claim)}",
                sem.describe_quantity(quantity, settings),
            )
        )
    if claim.destinations and claim.event in settings.movement_events:
        found.append(
            (
                "destination",
                f"movement|destination|from:{place_ref(claim)}",
                "; ".join(sem.describe_entity(d) for d in claim.destinations),
            )
        )
    return found


def event_facts(
    claims: Sequence[Claim], settings: CheckerSettings | None = None
) -> list[EventFact]:
    """The facts the claims of one event state, each with its values (most reported
    first), ordered by kind and fact."""
    settings = settings or get_settings()
    facts: dict[tuple[FactKind, str], dict[str, FactValue]] = {}
    for claim in sorted(claims, key=lambda c: c.id):
        for kind, fact, value in _entry(claim, settings):
            values = facts.setdefault((kind, fact), {})
            item = values.setdefault(value, FactValue(value=value))
            item.claim_ids.append(claim.id)
            if claim.article_id not in item.article_ids:
                item.article_ids.append(claim.article_id)
    order = {"occurrence": 0, "time": 1, "quantity": 2, "destination": 3}
    return [
        EventFact(
            fact=fact,
            kind=kind,
            values=sorted(values.values(), key=lambda v: (-len(v.article_ids), v.value)),
        )
        for (kind, fact), values in sorted(
            facts.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])
        )
    ]
