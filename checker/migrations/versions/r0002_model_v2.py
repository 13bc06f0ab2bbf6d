"""Data model version 2: findings are disagreements with sides.

A database of version 1 stores findings in a shape (and under IDs) that this claimcheck
cannot read. Everything derived from the claims is therefore forgotten: events, findings,
the incremental-linking state and the linker version, so the next ``claimcheck run``
links every article again and recomputes them. Articles, claims, extraction marks, runs,
rejected inputs and review decisions are kept; a decision on a version-1 finding ID stays
in the history but matches no finding of version 2, whose IDs are computed differently.

A database already at version 2 is not touched.

Revision ID: 0002_model_v2
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_model_v2"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

DERIVED = (
    "event_claims", "events", "finding_claims", "findings",
    "claim_blocks", "linked_claims", "article_links", "run_findings",
)


def upgrade() -> None:
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    version = op.get_bind().execute(
        sa.select(meta.c.value).where(meta.c.key == "schema_version")
    ).scalar_one()
    if int(version) >= 2:
        return
    for name in DERIVED:
        op.execute(sa.table(name).delete())
    op.execute(meta.delete().where(meta.c.key == "link_version"))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="2"))


def downgrade() -> None:
    """Nothing to undo: version 2 data is not turned back into version 1."""
