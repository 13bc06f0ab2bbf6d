"""Running the registered rules over a linked claim graph.

Rules only ever see claims of one event cluster, and inside a cluster only pairs that
share a comparison key (event family with the same origin place, or with the same
destination) and that could be one event by themselves (``semantics.one_event_veto``):
no all-pairs over the store. Findings on the same claims are reduced by the
rules' declared ``suppresses`` (a weekday conflict replaces the date conflict it implies).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations
from typing import TYPE_CHECKING

from checker.rules import semantics as sem
from checker.rules.base import BaseRule, Hit, RuleContext
from checker.rules.registry import RuleRegistry
from checker.settings import CheckerSettings, LabelData
from claims.model import Claim, ComparedValue, Finding

if TYPE_CHECKING:  # the linker imports this package's semantics; avoid an import cycle
    from checker.linking import ClaimGraph

_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def comparison_keys(claim: Claim, settings: CheckerSettings) -> set[str]:
    """Keys under which two claims of one cluster are worth comparing."""
    family = settings.family(claim.event)
    keys: set[str] = set()
    if claim.location is not None:
        ref = sem.entity_ref(claim.location)
        if ref:
            keys.add(f"{family}|at:{'!' if claim.location.complement else ''}{ref}")
    for destination in claim.destinations:
        ref = sem.entity_ref(destination)
        if ref and not destination.complement:
            keys.add(f"{family}|to:{ref}")
            keys.update(f"{family}|to:{a}" for a in destination.ancestors)
    return keys


def candidate_pairs(
    members: Sequence[Claim], settings: CheckerSettings
) -> Iterator[tuple[Claim, Claim]]:
    """Pairs of one cluster sharing a comparison key, each once, in a stable order."""
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim in members:
        for key in comparison_keys(claim, settings):
            groups[key].append(claim)
    seen: set[tuple[str, str]] = set()
    for key in sorted(groups):
        for a, b in combinations(sorted(groups[key], key=lambda c: c.id), 2):
            pair = (a.id, b.id)
            if pair in seen or a.id == b.id:
                continue
            seen.add(pair)
            if a.article_id == b.article_id and not settings.compare_within_article:
                continue
            yield a, b


def _enabled(registry: RuleRegistry, settings: CheckerSettings) -> list[BaseRule]:
    off = set(settings.disabled_rules)
    return [
        rule
        for rule in registry
        if not off & {rule.spec.code, rule.spec.name, rule.spec.name.split(".")[0]}
    ]


def _sides(values: Sequence[ComparedValue]) -> tuple[list[ComparedValue], list[ComparedValue]]:
    """Split compared values into side A (the claim of the first value) and side B."""
    if len({v.claim_id for v in values}) < 2:
        return list(values[:1]), list(values[1:2])
    first = values[0].claim_id
    return [v for v in values if v.claim_id == first], [v for v in values if v.claim_id != first]


def _params(hit: Hit, claims: Sequence[Claim], labels: LabelData) -> dict[str, str]:
    claim = claims[0]
    event = labels.events[claim.event]
    place = claim.location
    side_a, side_b = _sides(hit.values)
    params = {
        "event": event.noun_en,
        "event_ar": event.noun_ar,
        "place": (place.label or place.key or place.surface) if place else labels.unknown_place_en,
        "place_ar": (place.surface or place.label or place.key or labels.unknown_place_ar)
        if place
        else labels.unknown_place_ar,
        "phase": labels.phases_en[claim.phase] if claim.phase else "",
        "phase_ar": labels.phases_ar[claim.phase] if claim.phase else "",
        "phase_event": f"{labels.phases_en[claim.phase]} of the {event.noun_en}"
        if claim.phase
        else event.noun_en,
        "phase_event_ar": f"{labels.phases_ar[claim.phase]} {event.noun_ar}"
        if claim.phase
        else event.noun_ar,
        "value_a": "; ".join(v.value for v in side_a),
        "value_b": "; ".join(v.value for v in side_b),
        "quote_a": " … ".join(v.quote for v in side_a),
        "quote_b": " … ".join(v.quote for v in side_b),
    }
    params.update(hit.params)
    return params


def _finding(
    rule: BaseRule,
    hit: Hit,
    by_id: dict[str, Claim],
    event_of: dict[str, str],
    ctx: RuleContext,
) -> Finding:
    spec = rule.spec
    claims = [by_id[i] for i in hit.claim_ids]
    templates = spec.messages if len(claims) == 2 else spec.claim_messages
    assert templates is not None  # checked when the registry was built
    params = _params(hit, claims, ctx.labels)
    return Finding(
        rule=spec.name,
        code=spec.code,
        kind=spec.kind,
        severity=ctx.settings.severity_overrides.get(spec.code, spec.severity),
        certainty=hit.certainty,
        claim_ids=sorted(hit.claim_ids),
        event_id=event_of.get(claims[0].id),
        values=list(hit.values),
        explanation_en=templates.en.format(**params),
        explanation_ar=templates.ar.format(**params),
    )


def _suppress(found: list[tuple[BaseRule, Finding]]) -> list[Finding]:
    by_claims: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for rule, finding in found:
        by_claims[tuple(finding.claim_ids)].update(rule.spec.suppresses)
    return [f for _, f in found if f.code not in by_claims[tuple(f.claim_ids)]]


def run_rules(
    graph: ClaimGraph,
    claims: Iterable[Claim],
    registry: RuleRegistry,
    ctx: RuleContext,
) -> list[Finding]:
    by_id = {claim.id: claim for claim in claims}
    rules = _enabled(registry, ctx.settings)
    claim_rules = [r for r in rules if "claim" in r.spec.scopes]
    pair_rules = [r for r in rules if "pair" in r.spec.scopes]
    found: list[tuple[BaseRule, Finding]] = []

    for claim_id in sorted(by_id):
        claim = by_id[claim_id]
        for rule in claim_rules:
            hit = rule.check_claim(claim, ctx)
            if hit is not None:
                found.append((rule, _finding(rule, hit, by_id, graph.event_of, ctx)))

    for event in sorted(graph.events, key=lambda e: e.id):
        members = [by_id[i] for i in event.claim_ids if i in by_id]
        for a, b in candidate_pairs(members, ctx.settings):
            if sem.is_ignored(a, ctx.settings) or sem.is_ignored(b, ctx.settings):
                continue
            # Claims joined only through others (an undated report between two attacks
            # months apart) are never compared if they cannot be one event themselves.
            if sem.one_event_veto(a, b, ctx.settings) is not None:
                continue
            for rule in pair_rules:
                hit = rule.check_pair(a, b, ctx)
                if hit is not None:
                    found.append((rule, _finding(rule, hit, by_id, graph.event_of, ctx)))

    findings = _suppress(found)
    unique = {f.id: f for f in findings}
    return sorted(unique.values(), key=lambda f: (_SEVERITY_RANK[f.severity], f.code, f.id))
