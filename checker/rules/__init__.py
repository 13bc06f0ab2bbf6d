"""The rule engine. Placeholder until the rules land: finds nothing."""

from __future__ import annotations

from collections.abc import Sequence

from checker.linking import ClaimGraph
from claims.model import Claim, Finding


def check(graph: ClaimGraph, claims: Sequence[Claim]) -> list[Finding]:
    return []
