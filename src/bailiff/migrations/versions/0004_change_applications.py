"""Change of bailiff: claimants' applications and the disciplinary commission's decisions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_applications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('proceeding_number', sa.String(length=60), nullable=False),
    sa.Column('bailiff_id', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('filed_by', sa.String(length=200), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_leaf', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_leaf', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_applications_proceeding_number'), ['proceeding_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('change_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_applications_proceeding_number'))
    op.drop_table('change_applications')
