"""Linking claims about the same event across reports into a networkx claim graph.

Nodes are claims; an edge carries the same-event score of two claims and its parts (event
type, place, actor, time, phase). Edges whose places are the same (or one is unknown) are
"same_event" edges; a place inside the other (a base and its country) gives a "related"
edge that never merges events: the two claims have a different scope. Event clusters are
the connected components of the same-event edges.

Linking never compares all pairs. Claims are blocked by ``block_keys`` (event family ×
place root and × each destination's root; claims with neither by family × actor),
and inside a block a claim is compared only with claims at the same place, above or below
it in the containment hierarchy, or with no keyed place. ``link_incremental`` links a new
batch against stored claims fetched by the same block keys.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from string import Formatter

import networkx as nx

from checker.rules import semantics as sem
from checker.settings import CheckerSettings, LabelData, get_settings, load_labels
from claims.model import Claim, EventCluster, EventType
from claims.normalize import normalize

log = logging.getLogger(__name__)

SAME_EVENT = "same_event"
RELATED = "related"


@dataclass
class ClaimGraph:
    graph: nx.Graph = field(default_factory=nx.Graph)
    events: list[EventCluster] = field(default_factory=list)
    event_of: dict[str, str] = field(default_factory=dict)
    pairs_compared: int = 0
    # block key -> claim ids, the index a later batch is linked through
    blocks: dict[str, list[str]] = field(default_factory=dict)

    def event(self, event_id: str) -> EventCluster | None:
        for cluster in self.events:
            if cluster.id == event_id:
                return cluster
        return None


@dataclass(frozen=True)
class EdgeScore:
    score: float
    event: float
    place: float
    actor: float
    time: float
    phase: float
    place_relation: str


# --- blocking ------------------------------------------------------------------------------


def _family_key(claim: Claim, settings: CheckerSettings) -> str | None:
    if claim.event != "other":
        return settings.family(claim.event)
    # "other" events only meet events named by the same word.
    word = " ".join(re.findall(r"\w+", normalize(claim.event_word or "")))
    return f"other:{word}" if word else None


def block_keys(claim: Claim, settings: CheckerSettings | None = None) -> list[str]:
    """The blocks a claim is compared in: event family × the root of its place, and
    family × the root of each destination.

    A claim with no place key and no keyed destination is blocked by a place known only
    by name (that name) or else by its actors; a claim with none of these is not linked.
    """
    settings = settings or get_settings()
    family = _family_key(claim, settings)
    if family is None:
        return []
    location = claim.location
    keys: list[str] = []
    root = sem.place_root(location)
    if root is not None:
        keys.append(f"{family}|{root}")
    # A movement also meets the reports that only say where it went ("reached Erbil").
    for destination in claim.destinations:
        dest_root = sem.place_root(destination)
        if dest_root is not None and not destination.complement:
            keys.append(f"{family}|{dest_root}")
    if root is not None:
        return sorted(set(keys))
    if location is not None and location.key is None:
        ref = sem.entity_ref(location)
        if ref:
            keys.append(f"{family}|place:{ref}")
    if not keys:
        for actor in claim.actors:
            ref = sem.entity_ref(actor)
            if ref:
                keys.append(f"{family}|actor:{ref}")
    return sorted(set(keys))


def is_placed(claim: Claim) -> bool:
    """The claim names a gazetteer place: it joins events through all its edges (see
    ``_cluster``)."""
    return bool(claim.location is not None and claim.location.key)


def _keyed_place(claim: Claim) -> str | None:
    location = claim.location
    if location is None or location.key is None or location.complement:
        return None
    return location.key


def _block_pairs(members: Sequence[Claim], new_count: int) -> Iterator[tuple[int, int]]:
    """Index pairs (i, j), i < j, i among the first ``new_count`` members, whose places
    may be one event: same place, one inside the other, or a place not keyed."""
    by_key: dict[str, list[int]] = defaultdict(list)
    by_ancestor: dict[str, list[int]] = defaultdict(list)
    loose: list[int] = []
    for index, claim in enumerate(members):
        key = _keyed_place(claim)
        if key is None:
            loose.append(index)
            continue
        by_key[key].append(index)
        for ancestor in claim.location.ancestors if claim.location else []:
            by_ancestor[ancestor].append(index)
    everyone = range(len(members))
    for i in range(new_count):
        key = _keyed_place(members[i])
        if key is None:
            candidates: set[int] | range = everyone
        else:
            found = set(by_key[key]) | set(by_ancestor[key]) | set(loose)
            location = members[i].location
            for ancestor in location.ancestors if location else []:
                found.update(by_key.get(ancestor, ()))
            candidates = found
        for j in sorted(candidates):
            if j > i:
                yield i, j


# --- scoring -------------------------------------------------------------------------------


def score_pair(a: Claim, b: Claim, settings: CheckerSettings | None = None) -> EdgeScore | None:
    """How likely two claims are about one event, or None when they cannot be."""
    settings = settings or get_settings()
    if sem.one_event_veto(a, b, settings) is not None:
        return None
    scores = settings.slot_scores
    event = scores.event_same_type if a.event == b.event else scores.event_same_family

    relation = sem.place_relation(a.location, b.location)
    if relation == "same":
        place = scores.place_same
    elif relation in ("inside", "contains"):
        place = scores.place_contained
    elif sem.shared_destination(a.destinations, b.destinations):
        place = scores.destination_shared
    else:
        place = scores.place_unknown

    actors = sem.actor_relation(a.actors, b.actors)
    actor = {
        "same": scores.actor_same,
        "unknown": scores.actor_unknown,
        "different": scores.actor_different,
    }[actors]

    # The time score reads stated dates only; occurrences too far apart were vetoed above.
    days_a = sem.allowed_days(a.time, settings)
    days_b = sem.allowed_days(b.time, settings)
    if days_a is None or days_b is None:
        time = scores.time_unknown
    elif days_a.intersects(days_b):
        time = scores.time_overlap
    else:
        time = scores.time_disjoint
    # Without a place in common, the event type alone would join every report of, say, a
    # convoy: two such reports are one event only on the same days, or when one actor
    # is named by both and both give a date (which may then conflict).
    if place == scores.place_unknown and not (
        time == scores.time_overlap or (actors == "same" and time == scores.time_disjoint)
    ):
        return None

    if a.phase is None or b.phase is None:
        phase = scores.phase_unknown
    elif a.phase == b.phase:
        phase = scores.phase_same
    else:
        phase = scores.phase_different

    w = settings.link_weights
    total = w.event + w.place + w.actor + w.time + w.phase
    score = (
        w.event * event + w.place * place + w.actor * actor + w.time * time + w.phase * phase
    ) / total
    return EdgeScore(round(score, 4), event, place, actor, time, phase, relation)


# --- graph ---------------------------------------------------------------------------------


def _node_attributes(claim: Claim, settings: CheckerSettings) -> dict[str, str | float]:
    """Scalar attributes only, so the graph exports to GraphML as is."""
    location = claim.location
    actor = claim.actors[0] if claim.actors else None
    return {
        "article_id": claim.article_id,
        "event": claim.event,
        "phase": claim.phase or "",
        "modality": claim.modality,
        "quote": claim.quote,
        "evidence_start": claim.evidence.start,
        "evidence_end": claim.evidence.end,
        "location_key": (location.key or "") if location else "",
        "location_label": (location.label or "") if location else "",
        "location_surface": _clean_surface(location.surface) if location else "",
        "location_depth": len(location.ancestors) if location else 0,
        "location_complement": bool(location.complement) if location else False,
        "destinations": "; ".join(sem.describe_entity(d) for d in claim.destinations),
        "actor_ref": (sem.entity_ref(actor) or "") if actor else "",
        "actor_label": (actor.label or "") if actor else "",
        "actor_surface": _clean_surface(actor.surface) if actor else "",
        "time": sem.describe_time(claim.time, settings) if claim.time else "",
        "quantity": sem.describe_quantity(claim.quantity, settings) if claim.quantity else "",
        "event_id": "",
    }


def _clean_surface(text: str) -> str:
    return " ".join(re.findall(r"[\w\-]+", text))


def link(claims: Sequence[Claim], *, settings: CheckerSettings | None = None) -> ClaimGraph:
    """Link claims into a claim graph with event clusters."""
    return link_incremental(claims, {}, settings=settings)


def link_incremental(
    new_claims: Sequence[Claim],
    stored_claims_by_block: Mapping[str, Sequence[Claim]],
    previous: ClaimGraph | None = None,
    *,
    settings: CheckerSettings | None = None,
) -> ClaimGraph:
    """Link a new batch against stored claims without comparing stored pairs again.

    ``stored_claims_by_block`` maps block keys (see :func:`block_keys`) to the stored claims
    of that block; only the blocks of the new claims are read. ``previous`` is the graph
    the stored claims were linked into (its edges and clusters are kept). The result's
    ``pairs_compared`` counts only the comparisons made for this batch.
    """
    settings = settings or get_settings()
    result = ClaimGraph(
        graph=previous.graph.copy() if previous else nx.Graph(),
        blocks={k: list(v) for k, v in previous.blocks.items()} if previous else {},
    )
    graph = result.graph
    new: dict[str, Claim] = {}
    for claim in new_claims:
        if claim.id not in new and claim.id not in graph:
            new[claim.id] = claim

    new_by_block: dict[str, list[Claim]] = defaultdict(list)
    for claim in new.values():
        graph.add_node(claim.id, **_node_attributes(claim, settings))
        for key in block_keys(claim, settings):
            new_by_block[key].append(claim)

    seen: set[tuple[str, str]] = set()
    for key in sorted(new_by_block):
        fresh = sorted(new_by_block[key], key=lambda c: c.id)
        stored = sorted(
            (c for c in stored_claims_by_block.get(key, ()) if c.id not in new),
            key=lambda c: c.id,
        )
        members = fresh + stored
        if len(members) > settings.large_block_warning:
            log.warning("block %s holds %d claims", key, len(members))
        for i, j in _block_pairs(members, len(fresh)):
            a, b = members[i], members[j]
            pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
            if pair in seen:
                continue
            seen.add(pair)
            result.pairs_compared += 1
            scored = score_pair(a, b, settings)
            if scored is None or scored.score < settings.link_threshold:
                continue
            kind = RELATED if scored.place_relation in ("inside", "contains") else SAME_EVENT
            for claim in (a, b):
                if claim.id not in graph:
                    graph.add_node(claim.id, **_node_attributes(claim, settings))
            graph.add_edge(
                *pair,
                kind=kind,
                score=scored.score,
                event_score=scored.event,
                place_score=scored.place,
                actor_score=scored.actor,
                time_score=scored.time,
                phase_score=scored.phase,
                place_relation=scored.place_relation,
            )
        ids = result.blocks.setdefault(key, [])
        known = set(ids)
        ids.extend(c.id for c in members if c.id not in known)

    _cluster(result, previous, settings)
    return result


def _cluster(result: ClaimGraph, previous: ClaimGraph | None, settings: CheckerSettings) -> None:
    """Event clusters: connected components of the same-event graph, with at least
    ``min_cluster_size`` claims. A cluster whose members did not change keeps its label.

    Claims placed by a gazetteer place join through all their same-event edges. A claim
    with no such place (an undated "a convoy arrived") would otherwise bridge every event
    it could belong to, so it joins one only: the cluster of its best-scoring placed
    neighbour, else of its best-scoring neighbour (ties go to the smaller claim ID). Edges
    marked ``chain`` stand for an event already clustered and always join.
    """
    graph = result.graph
    kept = {tuple(e.claim_ids): e for e in previous.events} if previous else {}
    placed = {node for node, key in graph.nodes(data="location_key") if key}
    same = nx.Graph()
    same.add_nodes_from(graph.nodes)
    options: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for u, v, data in graph.edges(data=True):
        if data.get("kind") != SAME_EVENT:
            continue
        if data.get("chain") or (u in placed and v in placed):
            same.add_edge(u, v)
            continue
        score = float(data.get("score", 0.0))
        for loose, other in ((u, v), (v, u)):
            if loose not in placed:
                options[loose].append((score, other))

    def best(choices: list[tuple[float, str]]) -> str | None:
        if not choices:
            return None
        return min(choices, key=lambda choice: (-choice[0], choice[1]))[1]

    for loose in sorted(options):
        target = best([c for c in options[loose] if c[1] in placed]) or best(options[loose])
        if target is not None:
            same.add_edge(loose, target)

    labels = load_labels()
    events: list[EventCluster] = []
    for component in nx.connected_components(same):
        if len(component) < settings.min_cluster_size:
            continue  # a claim nothing else speaks of stays outside any event
        claim_ids = sorted(component)
        cluster = kept.get(tuple(claim_ids)) or _make_cluster(graph, claim_ids, labels)
        events.append(cluster)
        for claim_id in claim_ids:
            result.event_of[claim_id] = cluster.id
            graph.nodes[claim_id]["event_id"] = cluster.id
    result.events = sorted(events, key=lambda e: e.id)


def _most_common(values: list[str], rank: Mapping[str, int] | None = None) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    # Ties: a deeper place (rank) first, then alphabetical, so the choice is stable.
    return min(counts, key=lambda v: (-counts[v], -(rank or {}).get(v, 0), v))


def _make_cluster(graph: nx.Graph, claim_ids: list[str], labels: LabelData) -> EventCluster:
    nodes = [graph.nodes[i] for i in claim_ids]
    order: list[EventType] = list(labels.events)
    event_counts = Counter(str(n["event"]) for n in nodes)
    event = min(
        (e for e in order if event_counts[e]), key=lambda e: (-event_counts[e], order.index(e))
    )

    keyed = [n for n in nodes if n["location_key"] and not n["location_complement"]]
    depth = {str(n["location_key"]): int(n["location_depth"]) for n in keyed}
    location_key = _most_common([str(n["location_key"]) for n in keyed], depth)
    at_place = (
        [n for n in keyed if n["location_key"] == location_key]
        if location_key
        else [n for n in nodes if n["location_surface"] and not n["location_complement"]]
    )
    place_en = (
        _most_common([str(n["location_label"]) for n in at_place])
        or (location_key.replace("_", " ").title() if location_key else None)
        or _most_common([str(n["location_surface"]) for n in at_place])
    )
    place_ar = _most_common([str(n["location_surface"]) for n in at_place]) or place_en

    actor_ref = _most_common([str(n["actor_ref"]) for n in nodes])
    with_actor = [n for n in nodes if n["actor_ref"] == actor_ref] if actor_ref else []
    actor_en = _most_common([str(n["actor_label"]) for n in with_actor]) or _most_common(
        [str(n["actor_surface"]) for n in with_actor]
    )
    actor_ar = _most_common([str(n["actor_surface"]) for n in with_actor]) or actor_en

    templates = labels.events[event]
    label_en = _fill(templates.label_en, {"actor": actor_en, "place": place_en})
    label_ar = _fill(templates.label_ar, {"actor": actor_ar, "place": place_ar})
    return EventCluster(
        id=EventCluster.compute_id(claim_ids),
        label=label_en[:1].upper() + label_en[1:],
        label_ar=label_ar,
        event=event,
        location_key=location_key,
        claim_ids=claim_ids,
    )


def _fill(templates: list[str], values: Mapping[str, str | None]) -> str:
    for template in templates:
        names = {name for _, name, _, _ in Formatter().parse(template) if name}
        if all(values.get(name) for name in names):
            return template.format(**{k: v for k, v in values.items() if v})
    return templates[-1]
