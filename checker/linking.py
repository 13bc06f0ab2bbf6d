"""Linking claims about the same event. Placeholder until the linker lands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx

from claims.model import Claim, EventCluster


@dataclass
class ClaimGraph:
    graph: nx.Graph = field(default_factory=nx.Graph)
    events: list[EventCluster] = field(default_factory=list)
    event_of: dict[str, str] = field(default_factory=dict)
    pairs_compared: int = 0


def link(claims: Sequence[Claim]) -> ClaimGraph:
    graph = ClaimGraph()
    for claim in claims:
        graph.graph.add_node(claim.id)
    return graph
