"""The analysis stages over a set of articles: extract, link, check.

Shared by ``claimcheck run`` and ``claimcheck eval`` so both score the same pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from checker.linking import ClaimGraph, link
from checker.rules import check
from claims.model import Article, Claim, Finding
from claims.pipeline import extract_claims


@dataclass
class Analysis:
    articles: list[Article]
    claims: list[Claim] = field(default_factory=list)
    graph: ClaimGraph = field(default_factory=ClaimGraph)
    findings: list[Finding] = field(default_factory=list)


def analyse(articles: Sequence[Article]) -> Analysis:
    claims = [claim for article in articles for claim in extract_claims(article)]
    graph = link(claims)
    findings = check(graph, claims)
    return Analysis(articles=list(articles), claims=claims, graph=graph, findings=findings)
