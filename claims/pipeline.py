"""Article -> claims. Placeholder until the extraction pipeline lands: returns no claims."""

from __future__ import annotations

from claims.model import Article, Claim


def extract_claims(article: Article) -> list[Claim]:
    """All claims of one article. A pure function of the article (parallelisable)."""
    return []
