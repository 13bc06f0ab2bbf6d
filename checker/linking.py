"""Linking claims about the same event across reports into a networkx claim graph.

Nodes are claims; an edge carries the same-event score of two claims and its parts (event
type, place, actor, time, phase). Edges whose places are the same (or one is unknown) are
"same_event" edges; a place inside the other (a base and its country) gives a "related"
edge that never merges events: the two claims have a different scope. Event clusters are
the connected components of the same-event edges.

Linking never compares all pairs. Claims are blocked by ``block_keys`` (event family ×
place root and × each destination's root; claims with neither by family × actor). A block
of up to ``EXHAUSTIVE_BLOCK`` claims is compared pair by pair: a claim with claims at the
same place, above or below it in the containment hierarchy, or with no keyed place. A
larger block (a big story: hundreds of reports of one withdrawal) is linked in time about
linear in its size, to the same event clusters (see ``_BoundedBlock``): claims with the
same linking signature are compared once, a claim is compared only with claims that its
place, days, actors or destinations allow, and no further with an event it has joined.
``link_incremental`` links a new batch against stored claims fetched by the same block
keys.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from string import Formatter

import networkx as nx

from checker.rules import semantics as sem
from checker.settings import CheckerSettings, LabelData, get_settings, load_labels
from claims.model import Claim, EventCluster, EventType
from claims.normalize import normalize

log = logging.getLogger(__name__)

SAME_EVENT = "same_event"
RELATED = "related"

# Blocks of up to this many claims (new and stored together) are compared pair by pair,
# every edge included ("related" ones too: a graph small enough to look at). A larger
# block is linked through signatures and indexes: the same clusters at a cost about
# linear in the block, with only the edges that make them.
EXHAUSTIVE_BLOCK = 100
# Claims whose days span more than this are not put in the day index of a large block:
# they are candidates for every dated claim ("in 2024", "since 2014").
INDEXED_DAY_SPAN = 62


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


def node_attributes(
    claim: Claim, settings: CheckerSettings | None = None
) -> dict[str, str | float]:
    """A claim's node in the claim graph. Scalar attributes only, so the graph exports to
    GraphML as is."""
    settings = settings or get_settings()
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
    edges_only: bool = False,
) -> ClaimGraph:
    """Link a new batch against stored claims without comparing stored pairs again.

    ``stored_claims_by_block`` maps block keys (see :func:`block_keys`) to the stored claims
    of that block; only the blocks of the new claims are read. ``previous`` is the graph
    the stored claims were linked into (its edges and clusters are kept). The result's
    ``pairs_compared`` counts only the comparisons made for this batch. ``edges_only``:
    the edges without clusters or node attributes, for a caller that clusters later.
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
        graph.add_node(claim.id, **({} if edges_only else node_attributes(claim, settings)))
        for key in block_keys(claim, settings):
            new_by_block[key].append(claim)

    blocks_of: Counter[str] = Counter()
    members_of: dict[str, list[Claim]] = {}
    for key in sorted(new_by_block):
        fresh = sorted(new_by_block[key], key=lambda c: c.id)
        stored = sorted(
            (c for c in stored_claims_by_block.get(key, ()) if c.id not in new),
            key=lambda c: c.id,
        )
        members_of[key] = fresh + stored
        blocks_of.update(c.id for c in members_of[key])
    linker = _Linker(
        result, settings, shared={i for i, n in blocks_of.items() if n > 1}, bare=edges_only
    )

    for key in sorted(new_by_block):
        members = members_of.pop(key)
        fresh_count = len(new_by_block[key])
        if len(members) > settings.large_block_warning:
            # Reported, not a problem: a large block is linked in about linear time.
            log.info("block %s holds %d claims", key, len(members))
        if len(members) <= EXHAUSTIVE_BLOCK:
            for i, j in _block_pairs(members, fresh_count):
                linker.compare(members[i], members[j])
        else:
            _BoundedBlock(members, fresh_count, linker).link()
        linker.end_block()
        ids = result.blocks.setdefault(key, [])
        known = set(ids)
        ids.extend(c.id for c in members if c.id not in known)

    if not edges_only:
        _cluster(result, previous, settings)
    return result


class _Linker:
    """Compares claim pairs for one linking call: counts them, keeps each result, and
    adds the edges they give to the graph."""

    def __init__(
        self, result: ClaimGraph, settings: CheckerSettings, shared: set[str], *, bare: bool
    ) -> None:
        self.result = result
        self.bare = bare  # nodes without attributes
        self.graph = result.graph
        self.settings = settings
        # Pairs of claims that are both in several blocks can come up again in another
        # block; every other result is kept for the current block only.
        self.shared = shared
        self.kept: dict[tuple[str, str], EdgeScore | None] = {}
        self.block: dict[tuple[str, str], EdgeScore | None] = {}
        self.signatures: dict[str, Signature] = {}
        self.parent: dict[str, str] = {}

    def signature(self, claim: Claim) -> Signature:
        found = self.signatures.get(claim.id)
        if found is None:
            found = self.signatures[claim.id] = link_signature(claim, self.settings)
        return found

    def compare(self, a: Claim, b: Claim) -> EdgeScore | None:
        """The pair's score when it links the two claims (at or above the threshold)."""
        pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        memo = self.kept if a.id in self.shared and b.id in self.shared else self.block
        if pair in memo:
            return memo[pair]
        self.result.pairs_compared += 1
        scored = score_pair(a, b, self.settings)
        if scored is not None and scored.score < self.settings.link_threshold:
            scored = None
        memo[pair] = scored
        if scored is not None:
            self.add_edge(a, b, scored)
        return scored

    def end_block(self) -> None:
        self.block.clear()

    def add_edge(self, a: Claim, b: Claim, scored: EdgeScore) -> None:
        kind = RELATED if scored.place_relation in ("inside", "contains") else SAME_EVENT
        for claim in (a, b):
            if claim.id not in self.graph and not self.bare:
                self.graph.add_node(claim.id, **node_attributes(claim, self.settings))
        self.graph.add_edge(
            a.id,
            b.id,
            kind=kind,
            score=scored.score,
            event_score=scored.event,
            place_score=scored.place,
            actor_score=scored.actor,
            time_score=scored.time,
            phase_score=scored.phase,
            place_relation=scored.place_relation,
        )
        if kind == SAME_EVENT and is_placed(a) and is_placed(b):
            self.union(a.id, b.id)

    def find(self, item: str) -> str:
        root = item
        while (parent := self.parent.get(root, root)) != root:
            root = parent
        while item != root:  # path compression
            self.parent[item], item = root, self.parent.get(item, item)
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


# --- large blocks --------------------------------------------------------------------------

Signature = tuple[object, ...]


def link_signature(claim: Claim, settings: CheckerSettings | None = None) -> Signature:
    """Everything linking reads of a claim: event and family (with the word of an "other"
    event), place (key, "outside", containment, name), destinations, actors, phase,
    whether it is a plan, its allowed days and the days its event may fall on (which
    bring in the publication date of an undated recurring event).

    Two claims with the same signature score the same against any claim and against each
    other, and are clustered alike: a large block compares one of them for all.
    """
    settings = settings or get_settings()
    location = claim.location
    return (
        claim.event,
        _family_key(claim, settings),
        None
        if location is None
        else (location.key, location.complement, tuple(location.ancestors),
              sem.entity_ref(location)),
        tuple(sorted(
            (d.key or "", d.complement, sem.entity_ref(d) or "", tuple(d.ancestors))
            for d in claim.destinations
        )),
        tuple(sorted((sem.entity_ref(a) or "", tuple(a.ancestors)) for a in claim.actors)),
        claim.phase,
        sem.is_plan(claim, settings),
        sem.allowed_days(claim.time, settings),
        sem.occurrence_days(claim, settings),
    )


class _DayIndex:
    """Claims by the days of a range, for "which claims' days come near these days"."""

    def __init__(self) -> None:
        self.by_day: dict[date, list[Claim]] = defaultdict(list)
        self.wide: list[Claim] = []  # open-ended or long ranges: near every range

    def add(self, claim: Claim, days: sem.DayRange) -> None:
        if days.lo is None or days.hi is None or (days.hi - days.lo).days > INDEXED_DAY_SPAN:
            self.wide.append(claim)
            return
        for offset in range((days.hi - days.lo).days + 1):
            self.by_day[days.lo + timedelta(days=offset)].append(claim)

    def near(self, days: sem.DayRange, margin: int = 0) -> Iterator[Claim]:
        """Claims whose range comes within ``margin`` days of ``days`` (and wide ones)."""
        yield from self.wide
        if days.lo is None or days.hi is None or (days.hi - days.lo).days > INDEXED_DAY_SPAN:
            for claims in self.by_day.values():
                yield from claims
            return
        first = days.lo - timedelta(days=margin)
        for offset in range((days.hi - days.lo).days + 2 * margin + 1):
            yield from self.by_day.get(first + timedelta(days=offset), ())


class _Occasions:
    """Claims that may be one event with a claim for all its days say, kept apart from
    those that the recurrence rule (``one_event_veto``) keeps to their own days: reports
    of a recurring event, not plans, with known days. Two such claims more than
    ``repeatable_gap_days`` apart are never one event, and neither is such a claim and
    any claim with known days, not a plan, that far from it."""

    def __init__(self) -> None:
        self.free: list[Claim] = []
        self.recurring = _DayIndex()
        self.all_recurring: list[Claim] = []

    def add(self, claim: Claim, settings: CheckerSettings) -> None:
        days = _occasion(claim, settings)
        if days is not None and claim.event in settings.repeatable_events:
            self.recurring.add(claim, days)
            self.all_recurring.append(claim)
        else:
            self.free.append(claim)

    def near(self, claim: Claim, settings: CheckerSettings) -> Iterator[Claim]:
        yield from self.free
        days = _occasion(claim, settings)
        if days is None:
            yield from self.all_recurring
        else:
            yield from self.recurring.near(days, settings.repeatable_gap_days)


def _occasion(claim: Claim, settings: CheckerSettings) -> sem.DayRange | None:
    """The days the recurrence rule reads, for a claim that is not a plan."""
    return None if sem.is_plan(claim, settings) else sem.occurrence_days(claim, settings)


class _Gate:
    """Representatives by what lets two claims with no keyed place in common be one event
    (see ``score_pair``): the same name of a place, a destination in common, overlapping
    days, or an actor in common of two dated claims."""

    def __init__(self) -> None:
        self.places: defaultdict[tuple[str, str, bool], _Occasions] = defaultdict(_Occasions)
        self.destinations: defaultdict[tuple[str, str], _Occasions] = defaultdict(_Occasions)
        self.days = _DayIndex()
        self.actors: defaultdict[str, _Occasions] = defaultdict(_Occasions)

    def add(self, claim: Claim, settings: CheckerSettings) -> None:
        own = _loose_place(claim)
        if own is not None:
            self.places[own].add(claim, settings)
        for destination in _destination_refs(claim):
            self.destinations[destination].add(claim, settings)
        days = sem.allowed_days(claim.time, settings)
        if days is not None:
            self.days.add(claim, days)
            for actor in _actor_refs(claim):
                self.actors[actor].add(claim, settings)

    def candidates(self, claim: Claim, settings: CheckerSettings) -> Iterator[Claim]:
        own = _loose_place(claim)
        if own is not None and own in self.places:
            yield from self.places[own].near(claim, settings)
        for destination in _destination_refs(claim):
            if destination in self.destinations:
                yield from self.destinations[destination].near(claim, settings)
        days = sem.allowed_days(claim.time, settings)
        if days is not None:
            yield from self.days.near(days)
            for actor in _actor_refs(claim):
                if actor in self.actors:
                    yield from self.actors[actor].near(claim, settings)


def _loose_place(claim: Claim) -> tuple[str, str, bool] | None:
    """What makes two places without a keyed place "the same" (``place_relation``): the
    same name, or "outside" the same place."""
    location = claim.location
    if location is None:
        return None
    if location.key is None:
        ref = sem.entity_ref(location)
        return ("name", ref, location.complement) if ref else None
    return ("outside", location.key, True) if location.complement else None


def _destination_refs(claim: Claim) -> list[tuple[str, str]]:
    refs: list[tuple[str, str]] = []
    for destination in claim.destinations:
        if destination.complement:
            continue
        if destination.key:
            refs.append(("key", destination.key))
        elif ref := sem.entity_ref(destination):
            refs.append(("name", ref))
    return refs


def _actor_refs(claim: Claim) -> set[str]:
    refs: set[str] = set()
    for actor in claim.actors:
        ref = sem.entity_ref(actor)
        if ref:
            refs.add(ref)
            refs.update(actor.ancestors)
    return refs


def _unique(claims: Iterable[Claim], skip: str) -> list[Claim]:
    found = {c.id: c for c in claims if c.id != skip}
    return [found[i] for i in sorted(found)]


class _BoundedBlock:
    """Linking a large block to the clusters pairwise comparison would give, comparing
    about a fixed number of claims per claim.

    1. Claims with the same signature (:func:`link_signature`) form a group; its claim
       with the smallest ID represents it. One comparison tells whether the group's
       claims are one event among themselves; if so, each is joined to the
       representative. Only representatives are compared with other claims.
    2. A representative at a keyed place is compared with those at the same place that
       could be the same occurrence (a recurring event's occurrences a few days apart
       are found through a day index), and not with those already in its cluster: one
       edge into a cluster is enough to join it (clusters are connected components of
       the same-event edges). Claims above or below it in the hierarchy are not compared:
       they would only give "related" edges, which join nothing.
    3. A pair without a keyed place in common links only through a name or destination
       in common, overlapping days or an actor of two dated claims (``score_pair``), so
       a claim without a keyed place is compared with the claims that an index of these
       finds: every one of them, since it joins its best neighbour only.
    4. The other claims of a group get the edges their own comparisons would have given
       that matter for clustering: in a placed group that is one event, the edge to the
       representative; in a placed group that is not, an edge to the representative's
       first placed neighbour; in a group without a place, edges to the representative's
       best placed and best neighbours (such a claim joins its best neighbour only).

    A group that gained no new claim is compared only with groups that did; a group
    without a place that gained one is compared again (its new claim needs all its
    neighbours). Each block's bests are kept, so a claim in several blocks, or linked in
    several batches, ends with its best neighbour over all of them.
    """

    def __init__(self, members: Sequence[Claim], new_count: int, linker: _Linker) -> None:
        self.linker = linker
        self.settings = linker.settings
        fresh = {claim.id for claim in members[:new_count]}
        by_signature: dict[Signature, list[Claim]] = defaultdict(list)
        for claim in members:
            by_signature[linker.signature(claim)].append(claim)
        self.groups = sorted(
            (sorted(group, key=lambda c: c.id) for group in by_signature.values()),
            key=lambda group: group[0].id,
        )
        self.group_of = {group[0].id: group for group in self.groups}
        self.has_new = {group[0].id for group in self.groups if fresh & {c.id for c in group}}
        self.rep_is_new = {group[0].id for group in self.groups if group[0].id in fresh}
        self.one_event: dict[str, bool] = {}
        self.matches: dict[str, list[tuple[EdgeScore, Claim]]] = defaultdict(list)
        self.done: set[tuple[str, str]] = set()

    def _is_one_event(self, group: list[Claim]) -> bool:
        rep = group[0].id
        if rep not in self.one_event:
            # Equal places are "same" (or both unknown): never a "related" edge.
            scored = self.linker.compare(group[0], group[1]) if len(group) > 1 else None
            self.one_event[rep] = scored is not None
        return self.one_event[rep]

    def link(self) -> None:
        settings = self.settings
        places: defaultdict[str, _Occasions] = defaultdict(_Occasions)
        keyed_gate, loose_gate = _Gate(), _Gate()
        for group in self.groups:
            rep = group[0]
            key = _keyed_place(rep)
            if key is None:
                loose_gate.add(rep, settings)
            else:
                keyed_gate.add(rep, settings)
                places[key].add(rep, settings)

        active: list[Claim] = []
        for group in self.groups:
            rep = group[0]
            if rep.id not in self.has_new:
                continue
            if len(group) > 1 and self._is_one_event(group):
                scored = self.linker.compare(group[0], group[1])
                assert scored is not None
                for member in group[2:]:
                    self.linker.add_edge(rep, member, scored)
                # A new claim of a placed group is in the group's cluster; one without a
                # place picks its own best neighbour, so it needs all of them again.
                if rep.id in self.rep_is_new or not is_placed(rep):
                    active.append(rep)
            else:
                active.append(rep)

        for rep in active:
            key = _keyed_place(rep)
            if key is not None:
                self._compare_at_place(rep, places[key])
                others = loose_gate.candidates(rep, settings)
            else:
                others = itertools.chain(
                    loose_gate.candidates(rep, settings), keyed_gate.candidates(rep, settings)
                )
            for other in _unique(others, rep.id):
                self._compare(rep, other)
        self._follow_representatives()

    def _compare_at_place(self, rep: Claim, place: _Occasions) -> None:
        for other in _unique(place.near(rep, self.settings), rep.id):
            if self.linker.find(rep.id) == self.linker.find(other.id):
                continue  # already one cluster
            self._compare(rep, other)

    def _compare(self, a: Claim, b: Claim) -> None:
        pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        if pair in self.done:
            return
        self.done.add(pair)
        scored = self.linker.compare(a, b)
        if scored is not None and scored.place_relation not in ("inside", "contains"):
            self.matches[a.id].append((scored, b))
            self.matches[b.id].append((scored, a))

    def _follow_representatives(self) -> None:
        for rep_id, found in sorted(self.matches.items()):
            group = self.group_of.get(rep_id)
            if group is None or len(group) < 2:
                continue
            rep = group[0]
            placed = [m for m in found if is_placed(m[1])]
            if is_placed(rep):
                if self._is_one_event(group):
                    continue  # joined to the representative, which joins the rest
                targets = placed[:1]
            else:
                # Each claim picks its own best neighbour: give it the representative's
                # (the same ones, found once), also when the group is one event, since
                # a small block may have given it some neighbours of its own.
                targets = [m for m in (_best(placed), _best(found)) if m is not None]
            for scored, target in targets:
                for member in group[1:]:
                    self.linker.add_edge(member, target, scored)


def _best(found: list[tuple[EdgeScore, Claim]]) -> tuple[EdgeScore, Claim] | None:
    """The best-scoring neighbour, ties to the smaller claim ID (as ``_cluster`` picks)."""
    if not found:
        return None
    return min(found, key=lambda m: (-m[0].score, m[1].id))


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
