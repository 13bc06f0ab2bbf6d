"""claims: turns one article into structured claims (Arabic first)."""

from claims.model import Article, Claim

__all__ = ["Article", "Claim"]
