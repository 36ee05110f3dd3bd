"""ceremonies.source_*: the version of the source file each ceremony was read from

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("source_location", sa.Text()),
    ("source_sha256", sa.String(length=64)),
    ("source_etag", sa.Text()),
    ("source_last_modified", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("ceremonies") as batch:
        for name, column_type in COLUMNS:
            batch.add_column(sa.Column(name, column_type, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ceremonies") as batch:
        for name, _ in COLUMNS:
            batch.drop_column(name)
