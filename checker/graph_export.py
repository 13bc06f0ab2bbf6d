"""Exporting a claim graph: GraphML (for Gephi, yEd, Cytoscape) and JSON node-link.

Both carry the same nodes (claims, with scalar attributes and their ``event_id``) and
edges (``kind`` same_event/related, ``score`` and its parts). The JSON twin also lists the
event clusters with their English and Arabic labels. Arabic stays readable: UTF-8,
``ensure_ascii=False``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import networkx as nx

from checker.linking import ClaimGraph
from claims.model import EventCluster

FORMAT_VERSION = 1


def _export_graph(claim_graph: ClaimGraph) -> nx.Graph:
    """A copy whose graph-level attributes are GraphML scalars."""
    graph = claim_graph.graph.copy()
    graph.graph = {
        "format_version": FORMAT_VERSION,
        "pairs_compared": claim_graph.pairs_compared,
        "event_count": len(claim_graph.events),
    }
    for node, data in graph.nodes(data=True):
        # GraphML has no null: a missing value is an empty string.
        for key, value in list(data.items()):
            if value is None:
                data[key] = ""
        data.setdefault("event_id", claim_graph.event_of.get(str(node), ""))
    return graph


def graphml_string(claim_graph: ClaimGraph) -> str:
    # Through write_graphml: generate_graphml would escape Arabic as character references.
    buffer = io.BytesIO()
    nx.write_graphml(_export_graph(claim_graph), buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue().decode("utf-8")


def write_graphml(claim_graph: ClaimGraph, path: str | Path) -> Path:
    target = Path(path)
    nx.write_graphml(_export_graph(claim_graph), target, named_key_ids=True)
    return target


def node_link(claim_graph: ClaimGraph) -> dict[str, Any]:
    """JSON-ready node-link data plus the event clusters."""
    data: dict[str, Any] = nx.node_link_data(_export_graph(claim_graph), edges="edges")
    data["events"] = [event.model_dump(mode="json") for event in claim_graph.events]
    return data


def node_link_json(claim_graph: ClaimGraph, indent: int | None = 2) -> str:
    return json.dumps(node_link(claim_graph), ensure_ascii=False, indent=indent)


def write_node_link(claim_graph: ClaimGraph, path: str | Path) -> Path:
    target = Path(path)
    target.write_text(node_link_json(claim_graph), encoding="utf-8")
    return target


def read_node_link(path: str | Path) -> ClaimGraph:
    """The inverse of :func:`write_node_link` (the block index is not exported)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    events = [EventCluster.model_validate(e) for e in data.pop("events", [])]
    graph = nx.node_link_graph(data, edges="edges")
    return ClaimGraph(
        graph=graph,
        events=events,
        event_of={claim_id: e.id for e in events for claim_id in e.claim_ids},
        pairs_compared=int(graph.graph.get("pairs_compared", 0)),
    )
