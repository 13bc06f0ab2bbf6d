"""GraphML and JSON node-link export of the claim graph."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx

from checker.graph_export import (
    graphml_string,
    node_link,
    node_link_json,
    read_node_link,
    write_graphml,
    write_node_link,
)
from checker.linking import ClaimGraph, link
from tests.claim_builders import actor, claim, day, place, qty

BASE = place("hmeimim", "latakia", "syria", label="Hmeimim", surface="قاعدة حميميم")
SYRIA = place("syria", label="Syria", surface="سوريا")
RUSSIAN = actor("russian_forces", "Russian forces", "القوات الروسية")


def _graph() -> ClaimGraph:
    claims = [
        claim(
            "A",
            "بدأ انسحاب القوات الروسية من قاعدة حميميم",
            "withdrawal",
            phase="began",
            location=BASE,
            actors=[RUSSIAN],
            time=day("2025-02-06"),
        ),
        claim(
            "B",
            "انسحبت القوات الروسية من حميميم",
            "withdrawal",
            phase="completed",
            location=BASE,
            actors=[RUSSIAN],
            quantity=qty(40, unit="vehicles"),
        ),
        claim(
            "C",
            "الانسحاب من سوريا",
            "withdrawal",
            phase="planned",
            modality="planned",
            location=SYRIA,
            actors=[RUSSIAN],
            time=day("2026", relation="by"),
        ),
        claim("D", "حدث بلا مكان", "other"),
    ]
    return link(claims)


def test_graphml_round_trip_keeps_nodes_edges_and_arabic(tmp_path: Path) -> None:
    graph = _graph()
    path = write_graphml(graph, tmp_path / "claims.graphml")
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(graph.graph.nodes)
    assert back.number_of_edges() == graph.graph.number_of_edges() == 3
    kinds = sorted(kind for *_, kind in back.edges(data="kind"))
    assert kinds == ["related", "related", "same_event"]
    for node, data in back.nodes(data=True):
        assert data["event_id"] == graph.event_of.get(node, "")
        assert data["quote"] == graph.graph.nodes[node]["quote"]
    assert back.graph["pairs_compared"] == graph.pairs_compared
    text = graphml_string(graph)
    assert "قاعدة حميميم" in text
    assert nx.read_graphml(io.BytesIO(text.encode("utf-8"))).number_of_nodes() == 4


def test_node_link_json_carries_events_and_round_trips(tmp_path: Path) -> None:
    graph = _graph()
    data = node_link(graph)
    assert {n["id"] for n in data["nodes"]} == set(graph.graph.nodes)
    assert len(data["edges"]) == 3
    (event,) = data["events"]
    assert event["label"] == "Russian forces withdrawal from Hmeimim"
    text = node_link_json(graph)
    assert "انسحاب القوات الروسية" in text  # ensure_ascii=False: Arabic stays readable
    assert json.loads(text) == json.loads(json.dumps(data))
    back = read_node_link(write_node_link(graph, tmp_path / "claims.json"))
    assert back.events == graph.events
    assert back.event_of == graph.event_of
    assert set(map(frozenset, back.graph.edges())) == set(map(frozenset, graph.graph.edges()))
    assert back.pairs_compared == graph.pairs_compared
