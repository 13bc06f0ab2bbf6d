"""Shared fixtures: a temporary store, the fixture drops, and a claim factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.store import Store
from claims.model import Article, Claim, Span

REPO_ROOT = Path(__file__).resolve().parents[1]
DROPS = Path(__file__).resolve().parent / "data" / "drops"


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def drops_dir() -> Path:
    """Committed fixture drops (tests/data/drops)."""
    return DROPS


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh SQLite store in a temporary folder."""
    db = Store(tmp_path / "claimcheck-test.db")
    yield db
    db.close()


MakeClaim = Callable[..., Claim]


def _make_claim(article: Article, quote: str, **fields: Any) -> Claim:
    """A valid claim whose evidence is the first occurrence of ``quote`` in the article."""
    start = article.text.index(quote)
    end = start + len(quote)
    fields.setdefault("event", "other")
    return Claim(
        article_id=article.id,
        sentence=Span(start=start, end=end, text=quote),
        evidence=Span(start=start, end=end, text=quote),
        quote=quote,
        **fields,
    )


@pytest.fixture
def make_claim() -> MakeClaim:
    return _make_claim
