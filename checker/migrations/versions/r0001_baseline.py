"""Baseline: the tables as claimcheck wrote them before it had migrations.

Every table and index is created only when missing, so this revision both builds a new
database and completes a database made before migrations existed (which has no
``alembic_version`` table; one made by an early claimcheck lacks the incremental-linking
tables). A new database records data model version 2 in ``meta``; an older one keeps its
version, which the next revision deals with.

Text columns compare byte for byte on PostgreSQL (collation "C"), as they do on SQLite:
listings and the smallest-ID choices of linking come out in the same order on both.

Revision ID: 0001_baseline
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _text() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    table = {"if_not_exists": True}
    op.create_table(
        "meta",
        sa.Column("key", _key(64), primary_key=True),
        sa.Column("value", _text(), nullable=False),
        **table,
    )
    op.create_table(
        "articles",
        sa.Column("id", _key(64), primary_key=True),
        sa.Column("name", _text(), nullable=False),
        sa.Column("title", _text(), nullable=False),
        sa.Column("outlet", _text()),
        sa.Column("url", _text()),
        sa.Column("published", sa.Date),
        sa.Column("language", _key(16), nullable=False),
        sa.Column("text", _text(), nullable=False),
        sa.Column("source_path", _text()),
        sa.Column("ingested_at", _when(), nullable=False),
        **table,
    )
    op.create_table(
        "extractions",
        sa.Column(
            "article_id", _key(64), sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("extractor", _text(), nullable=False),
        sa.Column("extracted_at", _when(), nullable=False),
        sa.Column("claim_count", sa.Integer, nullable=False),
        **table,
    )
    op.create_table(
        "claims",
        sa.Column("id", _key(64), primary_key=True),
        sa.Column(
            "article_id", _key(64), sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("event", _key(32), nullable=False),
        sa.Column("location_key", _text()),
        sa.Column("evidence_start", sa.Integer, nullable=False),
        sa.Column("json", _text(), nullable=False),
        **table,
    )
    op.create_table(
        "events",
        sa.Column("id", _key(64), primary_key=True),
        sa.Column("label", _text(), nullable=False),
        sa.Column("event", _key(32), nullable=False),
        sa.Column("location_key", _text()),
        sa.Column("json", _text(), nullable=False),
        **table,
    )
    op.create_table(
        "event_claims",
        sa.Column("event_id", _key(64), primary_key=True),
        sa.Column("claim_id", _key(64), primary_key=True),
        **table,
    )
    op.create_table(
        "findings",
        sa.Column("id", _key(64), primary_key=True),
        sa.Column("rule", _text(), nullable=False),
        sa.Column("code", _key(8), nullable=False),
        sa.Column("kind", _key(32), nullable=False),
        sa.Column("severity", _key(16), nullable=False),
        sa.Column("certainty", _key(16), nullable=False),
        sa.Column("event_id", _key(64)),
        sa.Column("json", _text(), nullable=False),
        **table,
    )
    op.create_table(
        "finding_claims",
        sa.Column("finding_id", _key(64), primary_key=True),
        sa.Column("claim_id", _key(64), primary_key=True),
        **table,
    )
    # One decision per finding, overwritten by the next: revision 0003 keeps them all.
    op.create_table(
        "reviews",
        sa.Column("finding_id", _key(64), primary_key=True),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("note", _text()),
        sa.Column("by", _text()),
        sa.Column("at", _when(), nullable=False),
        **table,
    )
    op.create_table(
        "runs",
        sa.Column("id", _key(64), primary_key=True),
        sa.Column("started", _when(), nullable=False),
        sa.Column("finished", _when(), nullable=False),
        sa.Column("counts", _text(), nullable=False),
        sa.Column("timings", _text(), nullable=False),
        **table,
    )
    op.create_table(
        "rejected_inputs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("drop", _text(), nullable=False),
        sa.Column("path", _text(), nullable=False),
        sa.Column("reason", _key(32), nullable=False),
        sa.Column("detail", _text(), nullable=False),
        sa.Column("seen_at", _when(), nullable=False),
        sa.UniqueConstraint("drop", "path", "reason", name="uq_rejected_drop_path_reason"),
        **table,
    )
    op.create_table(
        "article_links",
        sa.Column("article_id", _key(64), primary_key=True),
        sa.Column("extracted_at", _when(), nullable=False),
        **table,
    )
    op.create_table(
        "linked_claims",
        sa.Column("claim_id", _key(64), primary_key=True),
        sa.Column("article_id", _key(64), nullable=False),
        **table,
    )
    op.create_table(
        "claim_blocks",
        sa.Column("block_key", _text(), primary_key=True),
        sa.Column("place", _text(), primary_key=True),
        sa.Column("claim_id", _key(64), primary_key=True),
        **table,
    )
    op.create_table(
        "run_findings",
        sa.Column("run_id", _key(64), primary_key=True),
        sa.Column("finding_ids", _text(), nullable=False),
        **table,
    )
    for name, on, columns in (
        ("ix_articles_name", "articles", ["name"]),
        ("ix_claims_article_id", "claims", ["article_id"]),
        ("ix_claims_event", "claims", ["event"]),
        ("ix_claims_location_key", "claims", ["location_key"]),
        ("ix_event_claims_claim_id", "event_claims", ["claim_id"]),
        ("ix_findings_code", "findings", ["code"]),
        ("ix_findings_kind", "findings", ["kind"]),
        ("ix_finding_claims_claim_id", "finding_claims", ["claim_id"]),
        ("ix_linked_claims_article_id", "linked_claims", ["article_id"]),
        ("ix_claim_blocks_claim_id", "claim_blocks", ["claim_id"]),
    ):
        op.create_index(name, on, columns, if_not_exists=True)

    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    known = op.get_bind().execute(
        sa.select(meta.c.value).where(meta.c.key == "schema_version")
    ).scalar_one_or_none()
    if known is None:
        op.execute(meta.insert().values(key="schema_version", value="2"))


def downgrade() -> None:
    for name in (
        "run_findings", "claim_blocks", "linked_claims", "article_links", "rejected_inputs",
        "runs", "reviews", "finding_claims", "findings", "event_claims", "events", "claims",
        "extractions", "articles", "meta",
    ):
        op.drop_table(name)
