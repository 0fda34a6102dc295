"""Proceedings: deadlines, the enforcement fee, the ground of ending, and measures.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:55:58.424252
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('measures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('proceeding_number', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ordered_by', sa.String(length=200), nullable=False),
    sa.Column('leaf_index', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measures_proceeding_number'), ['proceeding_number'], unique=False)

    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('debtor_kind', sa.String(length=20), server_default='person', nullable=False))
        batch_op.add_column(sa.Column('fee', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('fee_rule', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('order_received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('voluntary_deadline', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ground', sa.Text(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.drop_column('ground')
        batch_op.drop_column('ended_at')
        batch_op.drop_column('voluntary_deadline')
        batch_op.drop_column('order_received_on')
        batch_op.drop_column('fee_rule')
        batch_op.drop_column('fee')
        batch_op.drop_column('debtor_kind')
        batch_op.drop_column('category')

    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measures_proceeding_number'))

    op.drop_table('measures')
