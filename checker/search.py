"""Finding claims by words: Arabic-normalised, clitic-tolerant, ranked.

Words of the query and of each claim go through the one normaliser
(``claims.normalize.normalize``) and are then reduced to their candidate stems by
stripping the proclitics and the article listed in ``claims/lexicon/ar/morphology.yaml``
(و ف ب ل ك and their pairs, ال, and ل + ال written لل), on both sides, so "والجيش",
"للجيش", "بالجيش" and "جيش" find each other. A stem keeps at least three letters (or is
a number), so "بلد" is never cut to "لد".

The index is a table of (term, claim) pairs kept next to the store's tables in the same
database (``search_terms``, created here if missing). It follows the store lazily: each
search compares a fingerprint of the ``extractions`` table with the one it last indexed
and re-indexes only the articles whose extraction changed. Nothing in the store has to
call it, and a batch run in another process needs no knowledge of it.

Ranking: claims that match more of the query's words first; then by a score that adds,
per query word, the weight of the field it matched in (quote 3, names and event word 2,
the rest of the sentence 1), full for the same written form, less for a clitic variant.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection, Engine

from checker.report import _report_claim
from checker.store import (
    Store,
    articles_table,
    claims_table,
    event_claims_table,
    extractions_table,
)
from claims.model import Claim
from claims.normalize import normalize
from claims.resources import load_yaml

log = logging.getLogger(__name__)

MIN_STEM = 3
MAX_QUERY_WORDS = 12
QUOTE_WEIGHT = 3.0
NAME_WEIGHT = 2.0
SENTENCE_WEIGHT = 1.0
VARIANT_FACTOR = 0.7

_WORD = re.compile(r"\w+")

search_metadata = sa.MetaData()

terms_table = sa.Table(
    "search_terms",
    search_metadata,
    sa.Column("term", sa.String(128), primary_key=True),
    sa.Column("claim_id", sa.String(64), primary_key=True),
    sa.Column("article_id", sa.String(64), nullable=False, index=True),
    sa.Column("weight", sa.Float, nullable=False),
    sa.Column("exact", sa.Boolean, nullable=False),
)

# What has been indexed: one row per article with the extraction it was indexed from.
indexed_table = sa.Table(
    "search_articles",
    search_metadata,
    sa.Column("article_id", sa.String(64), primary_key=True),
    sa.Column("signature", sa.Text, nullable=False),
)

state_table = sa.Table(
    "search_state",
    search_metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


# -- words and stems ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clitics:
    proclitics: tuple[str, ...]
    article: str


class _MorphologyView(BaseModel):
    """The two entries of ``claims/lexicon/ar/morphology.yaml`` that search needs. The
    file's full schema (``claims.tokenizer.MorphologyFile``, ``extra="forbid"``) validates
    it for the extractor; this view reads it without importing spaCy, so that a search
    from the command line starts quickly."""

    model_config = ConfigDict(extra="ignore")

    proclitics: list[str]
    article: str


@lru_cache(maxsize=1)
def _clitics() -> _Clitics:
    morph = load_yaml("lexicon/ar/morphology.yaml", _MorphologyView)
    # Longest first, so "ول" is tried before "و".
    ordered = tuple(sorted(set(morph.proclitics), key=len, reverse=True))
    return _Clitics(proclitics=ordered, article=morph.article)


def words(text: str) -> list[str]:
    """Normalised words of ``text`` (Arabic folded, digits ASCII, Latin case-folded)."""
    return _WORD.findall(normalize(text).casefold())


def _long_enough(stem: str) -> bool:
    return stem.isdigit() or len(stem) >= MIN_STEM


@lru_cache(maxsize=65536)
def stems(word: str) -> frozenset[str]:
    """The word and every stem left after stripping a proclitic and/or the article."""
    clitics = _clitics()
    article = clitics.article
    found = {word}
    for prefix in ("", *clitics.proclitics):
        if prefix and not word.startswith(prefix):
            continue
        rest = word[len(prefix) :]
        if prefix and _long_enough(rest):
            found.add(rest)
        if rest.startswith(article) and _long_enough(rest[len(article) :]):
            found.add(rest[len(article) :])
        # ل + ال is written لل: the article's alef is dropped ("للجيش").
        if prefix.endswith(article[-1]) and rest.startswith(article[-1]):
            contracted = rest[1:]
            if _long_enough(contracted):
                found.add(contracted)
    return frozenset(found)


def query_words(query: str) -> list[str]:
    """The distinct words of a query that can match (single letters are dropped)."""
    seen: dict[str, None] = {}
    for word in words(query):
        if len(word) > 1 or word.isdigit():
            seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_WORDS]


def _claim_terms(claim: Claim) -> dict[str, tuple[float, bool]]:
    """term -> (best field weight, written exactly so somewhere)."""
    fields: list[tuple[str, float]] = [
        (claim.quote, QUOTE_WEIGHT),
        (claim.sentence.text, SENTENCE_WEIGHT),
        (claim.event_word or "", NAME_WEIGHT),
    ]
    entities = [*claim.actors, *claim.destinations]
    if claim.location is not None:
        entities.append(claim.location)
    for entity in entities:
        fields += [(entity.surface, NAME_WEIGHT), (entity.label or "", NAME_WEIGHT)]
    if claim.attribution is not None and claim.attribution.source:
        fields.append((claim.attribution.source, NAME_WEIGHT))
    terms: dict[str, tuple[float, bool]] = {}
    for text, weight in fields:
        for word in words(text):
            for term in stems(word):
                exact = term == word
                old_weight, old_exact = terms.get(term, (0.0, False))
                terms[term] = (max(old_weight, weight), old_exact or exact)
    return terms


# -- keeping the index in step with the store --------------------------------------------------

_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


def _create_tables(engine: Engine) -> None:
    if engine in _ready:
        return
    inspector = sa.inspect(engine)
    if not all(inspector.has_table(t.name) for t in search_metadata.sorted_tables):
        with engine.connect() as conn:
            conn = conn.execution_options(claimcheck_write=True)
            with conn.begin():
                search_metadata.create_all(conn, checkfirst=True)
    _ready.add(engine)



def _fingerprint(conn: Connection) -> str:
    count, latest = conn.execute(
        sa.select(sa.func.count(), sa.func.max(extractions_table.c.extracted_at))
    ).one()
    return f"{count}|{latest}"


def _signatures(conn: Connection) -> dict[str, str]:
    rows = conn.execute(
        sa.select(
            extractions_table.c.article_id,
            extractions_table.c.extracted_at,
            extractions_table.c.claim_count,
        )
    )
    return {row.article_id: f"{row.extracted_at}|{row.claim_count}" for row in rows}


def _stored_fingerprint(conn: Connection) -> str | None:
    return conn.execute(
        sa.select(state_table.c.value).where(state_table.c.key == "fingerprint")
    ).scalar_one_or_none()


def ensure_index(store: Store) -> int:
    """Bring the search index in step with the store; returns articles (re-)indexed.

    Cheap when nothing changed (one aggregate over ``extractions``). Work happens in one
    write transaction; if the database cannot be written (read-only file, lock held too
    long) the existing index is used as it is.
    """
    engine = store.engine
    _create_tables(engine)
    with engine.connect() as conn:
        if _stored_fingerprint(conn) == _fingerprint(conn):
            return 0
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(claimcheck_write=True)
            with conn.begin():
                return _refresh(conn)
    except sa.exc.OperationalError as exc:
        log.warning("search index not refreshed: %s", exc)
        return 0


def _refresh(conn: Connection) -> int:
    fingerprint = _fingerprint(conn)
    if _stored_fingerprint(conn) == fingerprint:  # another request did it meanwhile
        return 0
    current = _signatures(conn)
    indexed = {
        row.article_id: row.signature for row in conn.execute(sa.select(indexed_table))
    }
    stale = [a for a, sig in indexed.items() if current.get(a) != sig]
    todo = [a for a, sig in current.items() if indexed.get(a) != sig]
    for chunk in _slices(stale):
        conn.execute(terms_table.delete().where(terms_table.c.article_id.in_(chunk)))
        conn.execute(indexed_table.delete().where(indexed_table.c.article_id.in_(chunk)))
    for chunk in _slices(todo):
        rows: list[dict[str, Any]] = []
        for data in conn.execute(
            sa.select(claims_table.c.json).where(claims_table.c.article_id.in_(chunk))
        ).scalars():
            claim = Claim.model_validate_json(data)
            rows.extend(
                {
                    "term": term[:128],
                    "claim_id": claim.id,
                    "article_id": claim.article_id,
                    "weight": weight,
                    "exact": exact,
                }
                for term, (weight, exact) in _claim_terms(claim).items()
            )
        if rows:
            conn.execute(terms_table.insert(), rows)
        conn.execute(
            indexed_table.insert(), [{"article_id": a, "signature": current[a]} for a in chunk]
        )
    updated = conn.execute(
        state_table.update().where(state_table.c.key == "fingerprint").values(value=fingerprint)
    )
    if updated.rowcount == 0:
        conn.execute(state_table.insert().values(key="fingerprint", value=fingerprint))
    return len(todo)


def _slices(ids: Sequence[str], size: int = 400) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


# -- searching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    claim_id: str
    score: float
    matched: tuple[str, ...]  # the query words this claim matched


def _restriction(
    conn: Connection, event_id: str | None, article_id: str | None
) -> set[str] | None:
    if event_id is None and article_id is None:
        return None
    allowed: set[str] | None = None
    if event_id is not None:
        allowed = set(
            conn.execute(
                sa.select(event_claims_table.c.claim_id).where(
                    event_claims_table.c.event_id == event_id
                )
            ).scalars()
        )
    if article_id is not None:
        in_article = set(
            conn.execute(
                sa.select(claims_table.c.id).where(claims_table.c.article_id == article_id)
            ).scalars()
        )
        allowed = in_article if allowed is None else allowed & in_article
    return allowed


def search(
    store: Store,
    query: str,
    *,
    event_id: str | None = None,
    article_id: str | None = None,
) -> list[SearchHit]:
    """Claims matching any word of ``query``, best first (see the module docstring)."""
    wanted = query_words(query)
    if not wanted:
        return []
    ensure_index(store)
    candidates = {word: stems(word) for word in wanted}
    all_terms = sorted(set().union(*candidates.values()))
    best: dict[str, dict[str, float]] = {}
    with store.engine.connect() as conn:
        allowed = _restriction(conn, event_id, article_id)
        for chunk in _slices(all_terms):
            rows = conn.execute(
                sa.select(
                    terms_table.c.term,
                    terms_table.c.claim_id,
                    terms_table.c.weight,
                    terms_table.c.exact,
                ).where(terms_table.c.term.in_(chunk))
            )
            for row in rows:
                if allowed is not None and row.claim_id not in allowed:
                    continue
                per_word = best.setdefault(row.claim_id, {})
                for word, terms in candidates.items():
                    if row.term not in terms:
                        continue
                    factor = 1.0 if (row.term == word and row.exact) else VARIANT_FACTOR
                    score = row.weight * factor
                    if score > per_word.get(word, 0.0):
                        per_word[word] = score
    hits = [
        SearchHit(
            claim_id=claim_id,
            score=round(sum(per_word.values()), 4),
            matched=tuple(w for w in wanted if w in per_word),
        )
        for claim_id, per_word in best.items()
    ]
    hits.sort(key=lambda h: (-len(h.matched), -h.score, h.claim_id))
    return hits


# -- listing without words ---------------------------------------------------------------------


def list_claim_ids(
    store: Store,
    *,
    event_id: str | None = None,
    article_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[str]]:
    """(total, one page of claim IDs) in report order: article name, then position."""
    source = claims_table.join(articles_table, articles_table.c.id == claims_table.c.article_id)
    conditions = []
    if event_id is not None:
        source = source.join(
            event_claims_table, event_claims_table.c.claim_id == claims_table.c.id
        )
        conditions.append(event_claims_table.c.event_id == event_id)
    if article_id is not None:
        conditions.append(claims_table.c.article_id == article_id)
    with store.engine.connect() as conn:
        total = conn.execute(
            sa.select(sa.func.count()).select_from(source).where(*conditions)
        ).scalar_one()
        ids = conn.execute(
            sa.select(claims_table.c.id)
            .select_from(source)
            .where(*conditions)
            .order_by(articles_table.c.name, claims_table.c.evidence_start, claims_table.c.id)
            .limit(limit)
            .offset(offset)
        ).scalars()
        return int(total), list(ids)


def events_of(store: Store, claim_ids: Sequence[str]) -> dict[str, str]:
    """The event cluster of each claim that has one."""
    found: dict[str, str] = {}
    with store.engine.connect() as conn:
        for chunk in _slices(list(dict.fromkeys(claim_ids))):
            rows = conn.execute(
                sa.select(event_claims_table.c.claim_id, event_claims_table.c.event_id).where(
                    event_claims_table.c.claim_id.in_(chunk)
                )
            )
            found.update({row.claim_id: row.event_id for row in rows})
    return found


def search_results(store: Store, hits: Sequence[SearchHit]) -> list[dict[str, Any]]:
    """Hits with their claims in report form (article, outlet, slots), in hit order."""
    ids = [h.claim_id for h in hits]
    claims = {c.id: c for c in store.claims(ids=ids)}
    articles = {
        a.id: a for a in store.articles(ids=sorted({c.article_id for c in claims.values()}))
    }
    events = events_of(store, ids)
    return [
        {
            "claim": _report_claim(
                claims[h.claim_id], articles.get(claims[h.claim_id].article_id),
                events.get(h.claim_id),
            ).model_dump(mode="json"),
            "score": h.score,
            "matched": list(h.matched),
        }
        for h in hits
        if h.claim_id in claims  # a run may have removed it since the search
    ]
