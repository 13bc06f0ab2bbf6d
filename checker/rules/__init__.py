"""The rule engine: registered rules flag contradictions between linked claims.

``check(graph, claims)`` runs the built-in rules (or a given registry) with the settings
of :mod:`checker.settings`. Rules come in through
:class:`~checker.rules.registry.RuleRegistry`; see ``docs/rules.md`` for every rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from checker.rules.base import RuleContext
from checker.rules.engine import EngineStats, run_rules
from checker.rules.registry import RuleRegistry, default_registry
from checker.settings import CheckerSettings, get_settings, load_labels
from claims.model import Claim, Finding

if TYPE_CHECKING:  # checker.linking imports checker.rules.semantics: no runtime cycle
    from checker.linking import ClaimGraph

__all__ = ["EngineStats", "RuleRegistry", "check", "default_registry"]


def check(
    graph: ClaimGraph,
    claims: Sequence[Claim],
    *,
    registry: RuleRegistry | None = None,
    settings: CheckerSettings | None = None,
    previous: Sequence[Finding] = (),
    stats: EngineStats | None = None,
) -> list[Finding]:
    """Findings over the claims of ``graph``'s event clusters, sorted by severity and code:
    one per fact of an event whose reports disagree. ``previous``: the stored findings of
    these claims, whose IDs a finding on the same fact keeps (see ``checker.rules.engine``).
    ``stats`` collects the facts built and the judge calls made."""
    ctx = RuleContext(settings=settings or get_settings(), labels=load_labels())
    return run_rules(
        graph, claims, registry or default_registry(), ctx, previous=previous, stats=stats
    )
