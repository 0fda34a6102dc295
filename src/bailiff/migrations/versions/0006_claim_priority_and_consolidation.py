"""Proceedings: the art. 111 order of each claim and the art. 34 consolidation group.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 13:01:25.384977
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='4', nullable=False))
        batch_op.add_column(sa.Column('consolidation', sa.String(length=80), nullable=True))
        batch_op.create_index(batch_op.f('ix_proceedings_consolidation'), ['consolidation'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proceedings_consolidation'))
        batch_op.drop_column('consolidation')
        batch_op.drop_column('priority')

