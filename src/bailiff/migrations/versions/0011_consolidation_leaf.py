"""Proceedings: the log leaf that put a proceeding in its consolidated group (229-FZ art. 34).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consolidation_leaf', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.drop_column('consolidation_leaf')
