"""Linking large blocks: the same event clusters as comparing pair by pair, at a cost
about linear in the block (a big story told by hundreds of reports)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from checker import linking
from checker.linking import ClaimGraph, link, link_incremental, link_signature
from claims.model import Claim, Entity, TimeValue
from tests.claim_builders import actor, claim, day, place, qty

PAIR_BY_PAIR = 10**9  # EXHAUSTIVE_BLOCK for comparing every block pair by pair

A1 = place("a1", "country_a", surface="مدينة أ")
A2 = place("a2", "country_a", surface="مدينة ب")
BASE = place("b1", "a1", "country_a", surface="قاعدة")
COUNTRY = place("country_a", surface="البلد")
ELSEWHERE = place("c1", "country_b", surface="مدينة ج")
VILLAGE = place(None, surface="قرية الصفا")


def _unit() -> Entity:
    unit = actor("x_unit")
    unit.ancestors.append("x_forces")
    return unit


def random_claims(seed: int, count: int, templates: int) -> list[Claim]:
    """``count`` claims drawn from ``templates`` random slot combinations: many claims
    share a signature (the copies of one report), with places nested, named only, outside
    a place or missing, destinations across blocks, actors, days, plans and publication
    dates mixed."""
    rng = random.Random(seed)
    places = [None, A1, A2, BASE, COUNTRY, ELSEWHERE, VILLAGE,
              place(None, surface="قرية النور"), place("a1", "country_a", complement=True)]
    destinations: list[list[Entity]] = [
        [], [], [A2], [A1], [VILLAGE], [BASE, A2], [ELSEWHERE], [ELSEWHERE, A2],
        [place("country_b", complement=True)],
    ]
    actors: list[list[Entity]] = [
        [], [actor("x_forces")], [actor("y_forces")], [actor("x_forces"), actor("z")],
        [_unit()], [actor(None, surface="مسلحون")],
    ]
    events = ["withdrawal", "convoy_departure", "relocation", "attack", "casualties", "other",
              "base_closure"]

    def when() -> TimeValue | None:
        r = rng.random()
        some_day = (date(2025, 5, 1) + timedelta(days=rng.randrange(12))).isoformat()
        if r < 0.3:
            return None
        if r < 0.75:
            return day(some_day)
        if r < 0.85:
            return day("2025-05")
        if r < 0.9:
            return day("2025")
        return day(some_day, relation=rng.choice(["by", "since", "before"]))

    shapes: list[dict[str, Any]] = []
    for _ in range(templates):
        event = rng.choice(events)
        shapes.append(dict(
            event=event,
            event_word=rng.choice(["فيضان", "حريق"]) if event == "other" else None,
            location=rng.choice(places),
            destinations=rng.choice(destinations),
            actors=rng.choice(actors),
            time=when(),
            phase=rng.choice([None, "began", "completed", "planned"]),
            modality=rng.choice(["asserted", "asserted", "expected"]),
            published=rng.choice([None, date(2025, 5, 3), date(2025, 5, 20), date(2025, 6, 30)]),
        ))
    return [
        claim(f"art{i}", f"نص {i}", quantity=qty(rng.randrange(1, 500), unit="vehicles"),
              **rng.choice(shapes))
        for i in range(count)
    ]


def clusters(graph: ClaimGraph) -> list[tuple[str, ...]]:
    return sorted(tuple(event.claim_ids) for event in graph.events)


def link_with(monkeypatch: pytest.MonkeyPatch, claims: list[Claim], largest: int) -> ClaimGraph:
    monkeypatch.setattr(linking, "EXHAUSTIVE_BLOCK", largest)
    return link(claims)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("count", "templates"), [(60, 20), (300, 40), (400, 200)])
def test_large_blocks_give_the_clusters_of_comparing_every_pair(
    monkeypatch: pytest.MonkeyPatch, seed: int, count: int, templates: int
) -> None:
    """Linked as large blocks (0), as a mix of large and small ones (7), and as small ones
    (the default), the claims fall into the events of comparing every pair, with the same
    labels; the large blocks compare fewer pairs."""
    claims = random_claims(seed, count, templates)
    reference = link_with(monkeypatch, claims, PAIR_BY_PAIR)
    for largest in (0, 7, linking.EXHAUSTIVE_BLOCK):
        graph = link_with(monkeypatch, claims, largest)
        assert [e.model_dump() for e in graph.events] == [
            e.model_dump() for e in reference.events
        ], largest
        assert graph.event_of == reference.event_of
    assert link_with(monkeypatch, claims, 0).pairs_compared < reference.pairs_compared


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("largest", [0, 7])
def test_large_blocks_linked_in_two_batches_give_the_clusters_of_one(
    monkeypatch: pytest.MonkeyPatch, seed: int, largest: int
) -> None:
    """A second batch linked against the first (new copies of stored reports among them,
    some with smaller IDs than the stored ones) ends in the clusters of linking all at
    once."""
    claims = random_claims(seed, 300, 40)
    reference = clusters(link_with(monkeypatch, claims, PAIR_BY_PAIR))
    monkeypatch.setattr(linking, "EXHAUSTIVE_BLOCK", largest)
    order = list(claims)
    random.Random(seed).shuffle(order)
    old, new = order[:150], order[150:]
    stored = link(old)
    by_id = {c.id: c for c in old}
    by_block = {key: [by_id[i] for i in ids] for key, ids in stored.blocks.items()}
    assert clusters(link_incremental(new, by_block, previous=stored)) == reference


def story(reports: int, *, convoys: int = 0) -> list[Claim]:
    """One withdrawal told by ``reports`` reports of five kinds (the copies of five seed
    reports with different counts), plus ``convoys`` unrelated convoys from another city
    of the country to the same destination, three days apart, every tenth with a second
    report that names no origin."""
    us = actor("us_forces")
    kinds: list[dict[str, Any]] = [
        dict(event="withdrawal", location=BASE, actors=[us], phase="began",
             time=day("2025-08-21")),
        dict(event="withdrawal", location=BASE, phase="began"),
        dict(event="withdrawal", location=COUNTRY, actors=[us], phase="planned"),
        dict(event="convoy_departure", location=BASE, destinations=[ELSEWHERE],
             actors=[us], phase="completed", time=day("2025-08-21")),
        dict(event="relocation", destinations=[A2], actors=[us], phase="planned"),
    ]
    claims = [
        claim(f"report{i}", f"نص {i}", quantity=qty(50 + i, unit="vehicles"),
              published=date(2025, 8, 23) + timedelta(days=i % 7), **kinds[i % len(kinds)])
        for i in range(reports)
    ]
    for n in range(convoys):
        on = day((date(2024, 1, 1) + timedelta(days=3 * n)).isoformat())
        claims.append(claim(f"convoy{n}", f"رتل {n}", "convoy_departure", location=A2,
                            destinations=[ELSEWHERE], time=on))
        if n % 10 == 0:
            claims.append(claim(f"again{n}", f"رتل {n}", "convoy_departure",
                                destinations=[ELSEWHERE], time=on))
    return claims


def test_identical_reports_are_compared_once_and_cluster_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    claims = story(300)
    assert len({link_signature(c) for c in claims}) == 5
    reference = link_with(monkeypatch, claims, PAIR_BY_PAIR)
    graph = link_with(monkeypatch, claims, 0)
    assert clusters(graph) == clusters(reference)
    assert reference.pairs_compared > 300 * 299 // 2 // 5  # every copy with every copy
    assert graph.pairs_compared <= 5 * 5  # one per kind and one per pair of kinds


def test_a_big_block_compares_a_number_of_pairs_linear_in_its_size() -> None:
    """Doubling a story and the unrelated convoys in its blocks at most doubles the pairs
    the linker compares: each claim is compared with a few others, where comparing pair
    by pair would compare each with the whole block."""
    small_claims, large_claims = story(2000, convoys=500), story(4000, convoys=1000)
    small, large = link(small_claims), link(large_claims)
    assert 0 < large.pairs_compared <= 2.2 * small.pairs_compared
    assert large.pairs_compared <= 2 * len(large_claims)
    # The story's own events and one per convoy told twice, in both sizes.
    assert len(large.events) == len(small.events) + 50
