"""Review history and named reviewers.

``reviews`` becomes an audit trail: one row per decision (who, when, status, note),
never updated; a finding's current review is its latest row. Reviewers are ``users``
(name, display name, optional argon2 password hash), and ``user_tokens`` holds the
SHA-256 of each API token, never the token itself.

The decision each finding had is kept as the first row of its history. Its free-text
``by`` becomes a user of that name (without a password: ``claimcheck users add`` or
``Store.set_password`` gives one); a decision recorded without a name is attributed to
the user ``unknown``.

Revision ID: 0003_review_history
Revises: 0002_model_v2
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003_review_history"
down_revision = "0002_model_v2"
branch_labels = None
depends_on = None

UNKNOWN_USER = "unknown"


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _text() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "users",
        sa.Column("name", _text(), primary_key=True),
        sa.Column("display", _text()),
        sa.Column("password_hash", _text()),
        sa.Column("created", _when(), nullable=False),
    )
    op.create_table(
        "user_tokens",
        sa.Column("token_hash", _key(64), primary_key=True),
        sa.Column(
            "user_name", _text(), sa.ForeignKey("users.name", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created", _when(), nullable=False),
    )
    op.create_index("ix_user_tokens_user_name", "user_tokens", ["user_name"])

    op.rename_table("reviews", "reviews_v1")
    old = sa.table(
        "reviews_v1",
        sa.column("finding_id", sa.String),
        sa.column("status", sa.String),
        sa.column("note", sa.Text),
        sa.column("by", sa.Text),
        sa.column("at", _when()),
    )
    rows = bind.execute(sa.select(old).order_by(old.c.at, old.c.finding_id)).all()

    reviews = op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finding_id", _key(64), nullable=False),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("note", _text()),
        sa.Column(
            "by", _text(), sa.ForeignKey("users.name", name="fk_reviews_by_users"),
            nullable=False,
        ),
        sa.Column("at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
    )
    op.create_index("ix_reviews_finding_id", "reviews", ["finding_id", "id"])

    decisions = [
        {
            "finding_id": row.finding_id,
            "status": row.status,
            "note": row.note,
            "by": (row.by or "").strip() or UNKNOWN_USER,
            "at": row.at,
        }
        for row in rows
    ]
    names = sorted({decision["by"] for decision in decisions})
    if names:
        users = sa.table(
            "users", sa.column("name", sa.Text), sa.column("created", _when())
        )
        now = datetime.now(UTC)
        bind.execute(users.insert(), [{"name": name, "created": now} for name in names])
        bind.execute(reviews.insert(), decisions)
    op.drop_table("reviews_v1")


def downgrade() -> None:
    """Back to one decision per finding: the latest of each history is kept."""
    bind = op.get_bind()
    new = sa.table(
        "reviews",
        sa.column("id", sa.Integer),
        sa.column("finding_id", sa.String),
        sa.column("status", sa.String),
        sa.column("note", sa.Text),
        sa.column("by", sa.Text),
        sa.column("at", _when()),
    )
    latest = sa.select(sa.func.max(new.c.id)).group_by(new.c.finding_id)
    rows = bind.execute(
        sa.select(new.c.finding_id, new.c.status, new.c.note, new.c.by, new.c.at).where(
            new.c.id.in_(latest)
        )
    ).all()
    op.drop_index("ix_reviews_finding_id", table_name="reviews")
    op.drop_table("reviews")
    op.drop_index("ix_user_tokens_user_name", table_name="user_tokens")
    op.drop_table("user_tokens")
    op.drop_table("users")
    old = op.create_table(
        "reviews",
        sa.Column("finding_id", _key(64), primary_key=True),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("note", _text()),
        sa.Column("by", _text()),
        sa.Column("at", _when(), nullable=False),
    )
    if rows:
        bind.execute(old.insert(), [dict(row._mapping) for row in rows])
