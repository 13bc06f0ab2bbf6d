"""Linking: same-event edges, scope, blocking and its growth, incremental linking."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from checker.linking import (
    RELATED,
    SAME_EVENT,
    ClaimGraph,
    block_keys,
    link,
    link_incremental,
    score_pair,
)
from checker.settings import CheckerSettings
from claims.model import Claim, EventCluster
from tests.claim_builders import actor, claim, day, place, qty, weekday_only

HMEIMIM = place("hmeimim", "latakia", "syria", label="Hmeimim", surface="قاعدة حميميم")
TARTUS = place("tartus_port", "tartus", "syria", label="Tartus port", surface="ميناء طرطوس")
SYRIA = place("syria", label="Syria", surface="سوريا")
BENGHAZI = place("benghazi", "libya", label="Benghazi", surface="بنغازي")
RUSSIAN = actor("russian_forces", "Russian forces", "القوات الروسية")
TURKISH = actor("turkish_forces", "Turkish forces", "القوات التركية")


def withdrawal(article: str, **kw: Any) -> Claim:
    kw.setdefault("location", HMEIMIM)
    kw.setdefault("actors", [RUSSIAN])
    kw.setdefault("phase", "began")
    return claim(article, f"انسحاب القوات الروسية {article}", "withdrawal", **kw)


LATAKIA = place("latakia", "syria", label="Latakia", surface="اللاذقية")


def convoy(article: str, **kw: Any) -> Claim:
    kw.setdefault("actors", [RUSSIAN])
    kw.setdefault("phase", "completed")
    return claim(article, f"غادر رتل روسي {article}", "convoy_departure", **kw)


def edge_kinds(graph: ClaimGraph) -> dict[frozenset[str], str]:
    return {frozenset((u, v)): kind for u, v, kind in graph.graph.edges(data="kind")}


def test_two_reports_of_one_event_are_linked_and_labelled() -> None:
    a = withdrawal("A", time=weekday_only(6))
    b = withdrawal("B", time=day("2025-02-06", weekday=3), phase="completed")
    graph = link([a, b])
    assert edge_kinds(graph) == {frozenset((a.id, b.id)): SAME_EVENT}
    (event,) = graph.events
    assert event.claim_ids == sorted([a.id, b.id])
    assert event.id == EventCluster.compute_id([b.id, a.id])
    assert event.label == "Russian forces withdrawal from Hmeimim"
    assert event.label_ar == "انسحاب القوات الروسية من قاعدة حميميم"
    assert event.event == "withdrawal" and event.location_key == "hmeimim"
    assert graph.event_of == {a.id: event.id, b.id: event.id}
    assert graph.graph.nodes[a.id]["event_id"] == event.id


def test_event_ids_do_not_depend_on_input_order() -> None:
    claims = [withdrawal(str(i), time=day(f"2025-02-0{i}")) for i in range(1, 6)]
    first = link(claims)
    shuffled = list(claims)
    random.Random(3).shuffle(shuffled)
    second = link(shuffled)
    assert [e.model_dump() for e in first.events] == [e.model_dump() for e in second.events]


def test_base_and_country_are_related_not_one_event() -> None:
    """A claim at a base and one about the whole country have different scope."""
    base = withdrawal("A")
    country = withdrawal("B", location=SYRIA)
    graph = link([base, country])
    assert edge_kinds(graph) == {frozenset((base.id, country.id)): RELATED}
    assert graph.events == []  # neither claim has another claim about the same event
    assert graph.event_of == {}


def test_disjoint_places_are_not_even_compared() -> None:
    a = withdrawal("A")
    b = withdrawal("B", location=TARTUS)  # same country, different place
    graph = link([a, b])
    assert graph.pairs_compared == 0 and graph.graph.number_of_edges() == 0
    assert score_pair(a, b) is None


def test_different_actors_are_not_one_event() -> None:
    assert score_pair(withdrawal("A"), withdrawal("B", actors=[TURKISH])) is None
    relaxed = CheckerSettings(actor_mismatch_veto=False)
    scored = score_pair(withdrawal("A"), withdrawal("B", actors=[TURKISH]), relaxed)
    assert scored is not None and scored.actor == 0.0


def test_different_event_families_are_not_linked() -> None:
    attack = claim("B", "هجوم على قاعدة حميميم", "attack", location=HMEIMIM)
    assert score_pair(withdrawal("A"), attack) is None
    assert link([withdrawal("A"), attack]).pairs_compared == 0  # different blocks


def test_recurring_events_far_apart_are_other_occurrences() -> None:
    """Two attacks on one place weeks apart are two attacks; a one-off event dated weeks
    apart by two reports stays linked, because that is what a date conflict is."""
    first = claim("A", "هجوم على بنغازي", "attack", location=BENGHAZI, time=day("2025-05-01"))
    later = claim("B", "هجوم على بنغازي", "attack", location=BENGHAZI, time=day("2025-05-20"))
    next_day = claim("C", "هجوم على بنغازي", "attack", location=BENGHAZI, time=day("2025-05-02"))
    assert score_pair(first, later) is None
    assert score_pair(first, next_day) is not None
    closed = claim(
        "D",
        "إغلاق قاعدة حميميم",
        "base_closure",
        location=HMEIMIM,
        time=day("2025-05-01"),
        phase="completed",
    )
    closed_later = claim(
        "E",
        "إغلاق قاعدة حميميم",
        "base_closure",
        location=HMEIMIM,
        time=day("2025-06-20"),
        phase="completed",
    )
    scored = score_pair(closed, closed_later)
    assert scored is not None and scored.score >= CheckerSettings().link_threshold


def test_block_keys() -> None:
    assert block_keys(withdrawal("A")) == ["movement|syria"]
    assert block_keys(withdrawal("A", location=SYRIA)) == ["movement|syria"]
    erbil = place("erbil", "kurdistan_region", "iraq")
    to_erbil = claim(
        "B", "سينتقل الجنود إلى أربيل", "relocation", destinations=[erbil], actors=[RUSSIAN]
    )
    assert block_keys(to_erbil) == ["movement|iraq"]
    no_place = claim("C", "انسحبت القوات الروسية", "withdrawal", actors=[RUSSIAN])
    assert block_keys(no_place) == ["movement|actor:russian_forces"]
    unknown_name = claim(
        "D", "انسحاب من قرية", "withdrawal", location=place(None, surface="قرية الصفا")
    )
    assert block_keys(unknown_name) == ["movement|place:~قريه الصفا"]
    assert block_keys(claim("E", "حدث", "other")) == []
    flood = claim("F", "فيضانات", "other", event_word="فيضانات", location=BENGHAZI)
    assert block_keys(flood) == ["other:فيضانات|libya"]


def test_origin_unknown_but_same_destination_is_linked() -> None:
    erbil = place("erbil", "kurdistan_region", "iraq", label="Erbil")
    base = place("harir", "erbil", "kurdistan_region", "iraq", label="Harir base")
    a = claim(
        "A",
        "سينتقل الجنود إلى أربيل",
        "relocation",
        phase="planned",
        destinations=[erbil],
        actors=[RUSSIAN],
    )
    b = claim(
        "B",
        "نقل الجنود من حرير إلى أربيل",
        "relocation",
        phase="planned",
        location=base,
        destinations=[erbil],
        actors=[RUSSIAN],
    )
    assert edge_kinds(link([a, b])) == {frozenset((a.id, b.id)): SAME_EVENT}


def test_other_events_only_meet_events_of_the_same_word() -> None:
    flood = claim("A", "فيضانات بنغازي", "other", event_word="فيضانات", location=BENGHAZI)
    flood2 = claim("B", "الفيضانات في بنغازي", "other", event_word="فيضانات", location=BENGHAZI)
    fire = claim("C", "حريق في بنغازي", "other", event_word="حريق", location=BENGHAZI)
    graph = link([flood, flood2, fire])
    assert edge_kinds(graph) == {frozenset((flood.id, flood2.id)): SAME_EVENT}


def _synthetic(events: int, *, shared_root: bool, claims_per_event: int = 4) -> list[Claim]:
    """``events`` unrelated events at distinct places, each told by several reports."""
    out: list[Claim] = []
    for e in range(events):
        ancestors = ("region_x", "country_x") if shared_root else (f"country_{e}",)
        where = place(f"place_{e}", *ancestors)
        for r in range(claims_per_event):
            out.append(
                claim(
                    f"art_{e}_{r}",
                    f"إغلاق الموقع {e}",
                    "base_closure",
                    location=where,
                    phase="completed",
                    quantity=qty(r + 1, unit="vehicles"),
                )
            )
    return out


@pytest.mark.parametrize("shared_root", [False, True])
def test_doubling_unrelated_events_doubles_the_pairs_compared(shared_root: bool) -> None:
    """Blocking keeps comparisons linear in the number of unrelated events, also when all
    the places lie in one country (the place index inside a block)."""
    small = link(_synthetic(60, shared_root=shared_root))
    large = link(_synthetic(120, shared_root=shared_root))
    assert small.pairs_compared > 0
    ratio = large.pairs_compared / small.pairs_compared
    assert ratio <= 2.2, ratio
    assert len(small.events) == 60 and len(large.events) == 120


def test_a_country_wide_claim_is_compared_with_the_places_inside_it() -> None:
    claims = _synthetic(10, shared_root=True, claims_per_event=1)
    country = claim(
        "Z",
        "إغلاق المواقع في البلد",
        "base_closure",
        location=place("country_x"),
        phase="completed",
    )
    graph = link([*claims, country])
    assert graph.pairs_compared == 10  # the country claim against each place, nothing else
    assert all(kind == RELATED for *_, kind in graph.graph.edges(data="kind"))


def test_incremental_linking_matches_linking_everything_at_once() -> None:
    claims = _synthetic(8, shared_root=True) + [withdrawal(str(i)) for i in range(4)]
    random.Random(5).shuffle(claims)
    old, new = claims[:20], claims[20:]
    everything = link(claims)
    stored = link(old)
    by_block: dict[str, list[Claim]] = {}
    by_id = {c.id: c for c in old}
    for key, ids in stored.blocks.items():
        by_block[key] = [by_id[i] for i in ids]
    grown = link_incremental(new, by_block, previous=stored)
    assert set(map(frozenset, grown.graph.edges())) == set(map(frozenset, everything.graph.edges()))
    assert [e.id for e in grown.events] == [e.id for e in everything.events]
    assert grown.pairs_compared == everything.pairs_compared - stored.pairs_compared
    assert grown.pairs_compared < everything.pairs_compared


def test_threshold_comes_from_settings_and_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = withdrawal("A"), withdrawal("B")
    assert link([a, b]).graph.number_of_edges() == 1
    monkeypatch.setenv("CLAIMCHECK_CHECKER_LINK_THRESHOLD", "0.99")
    monkeypatch.setenv("CLAIMCHECK_CHECKER_LINK_WEIGHTS__TIME", "0.5")
    strict = CheckerSettings()
    assert strict.link_threshold == 0.99 and strict.link_weights.time == 0.5
    assert link([a, b], settings=strict).graph.number_of_edges() == 0


def test_label_data_covers_every_event_and_phase() -> None:
    """checker/data/labels.yaml is validated when loaded; here also checked for coverage."""
    from string import Formatter
    from typing import get_args

    from checker.settings import load_labels
    from claims.model import EventType, Phase

    labels = load_labels()
    assert set(labels.events) == set(get_args(EventType))
    assert set(labels.phases_en) == set(labels.phases_ar) == set(get_args(Phase))
    for event in labels.events.values():
        for templates in (event.label_en, event.label_ar):
            for template in templates:
                names = {n for _, n, _, _ in Formatter().parse(template) if n}
                assert names <= {"actor", "place"}, template
            last = templates[-1]
            assert not {n for _, n, _, _ in Formatter().parse(last) if n}, "needs a bare fallback"


def test_bad_settings_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        CheckerSettings(link_threshold=1.5)
    with pytest.raises(ValidationError):
        CheckerSettings(unknown_threshold=3)  # type: ignore[call-arg]
    monkeypatch.setenv("CLAIMCHECK_CHECKER_LINK_WEIGHTS__EVENT", "-1")
    with pytest.raises(ValidationError):
        CheckerSettings()


def test_undated_reports_of_a_recurring_event_are_placed_near_their_publication() -> None:
    """A death toll with no date is about a recent event: two undated tolls for one city
    published months apart are two events, while one published the day after a dated
    report of the same toll may be that report's event. A one-off event (a closure) keeps
    its undated reports linkable whatever the publication dates."""
    spring = claim("A", "مقتل 12 شخصا في بنغازي", "casualties", location=BENGHAZI,
                   quantity=qty(12, unit="person"), published=date(2025, 4, 2))
    autumn = claim("B", "مقتل 40 شخصا في بنغازي", "casualties", location=BENGHAZI,
                   quantity=qty(40, unit="person"), published=date(2025, 10, 9))
    dated = claim("C", "مقتل 12 شخصا في بنغازي يوم الثلاثاء", "casualties", location=BENGHAZI,
                  quantity=qty(12, unit="person"), time=day("2025-04-01"),
                  published=date(2025, 4, 1))
    unpublished = claim("D", "مقتل 40 شخصا في بنغازي", "casualties", location=BENGHAZI,
                        quantity=qty(40, unit="person"))
    assert score_pair(spring, autumn) is None
    assert score_pair(spring, dated) is not None
    assert score_pair(autumn, dated) is None
    # Without a publication date nothing places the report: it stays linkable.
    assert score_pair(unpublished, spring) is not None and score_pair(unpublished, autumn)
    # The window never dates the claim for a rule: a stated date is still required.
    closure = claim("E", "إغلاق قاعدة حميميم", "base_closure", location=HMEIMIM,
                    phase="completed", published=date(2025, 1, 5))
    closure_later = claim("F", "إغلاق قاعدة حميميم", "base_closure", location=HMEIMIM,
                          phase="completed", published=date(2025, 9, 5))
    assert score_pair(closure, closure_later) is not None


def test_a_claim_with_no_place_joins_one_event_and_never_bridges_two() -> None:
    """"A Russian convoy left for Latakia on 1 May" (no origin) could be the convoy from
    Hmeimim or the one from Tartus port on that day; it joins one of the two events, and
    the two stay apart (with connected components it would have merged them)."""
    when = day("2025-05-01")
    hmeimim = [convoy(n, location=HMEIMIM, time=when) for n in ("A", "B")]
    tartus = [convoy(n, location=TARTUS, time=when) for n in ("C", "D")]
    loose = convoy("E", location=None, time=when, destinations=[LATAKIA])
    assert score_pair(loose, hmeimim[0]) is not None and score_pair(loose, tartus[0])
    graph = link([*hmeimim, *tartus, loose])
    assert len(graph.events) == 2
    members = sorted(tuple(sorted(e.claim_ids)) for e in graph.events)
    assert sum(loose.id in m for m in members) == 1
    assert {frozenset(c.id for c in hmeimim), frozenset(c.id for c in tartus)} <= {
        frozenset(m) - {loose.id} for m in members
    }


def test_claims_with_no_common_place_need_a_common_day_or_a_named_actor() -> None:
    """Without a place in common two reports are one event only on the same days, or
    when both name the same actor and give dates (which may then conflict)."""
    undated = [convoy(n, location=None, actors=[]) for n in ("A", "B")]
    assert score_pair(*undated) is None
    same_day = [convoy(n, location=None, actors=[], time=day("2025-05-01")) for n in "CD"]
    assert score_pair(*same_day) is not None
    sunday = withdrawal("E", location=None, time=day("2025-05-04"))
    thursday = withdrawal("F", location=None, time=day("2025-05-08"))
    assert score_pair(sunday, thursday) is not None  # a date conflict to report
    nobody = withdrawal("G", location=None, actors=[], time=day("2025-05-08"))
    assert score_pair(sunday, nobody) is None


def test_movements_share_a_destination_only_when_it_is_the_same_place() -> None:
    to_latakia = convoy("A", location=None, actors=[], destinations=[LATAKIA])
    to_latakia_too = convoy("B", location=None, actors=[], destinations=[LATAKIA])
    to_syria = convoy("C", location=None, actors=[], destinations=[SYRIA])
    assert score_pair(to_latakia, to_latakia_too) is not None
    assert score_pair(to_latakia, to_syria) is None
