"""Proceedings and assignment: offices, bailiffs, unavailability, draws, beacon chains and rounds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:31:40.070118
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('beacon_chains',
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('anchor', sa.LargeBinary(), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('anchor_leaf', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source')
    )
    op.create_table('beacon_rounds',
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('round', sa.BigInteger(), nullable=False),
    sa.Column('value', sa.LargeBinary(), nullable=False),
    sa.Column('leaf_index', sa.BigInteger(), nullable=False),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source', 'round')
    )
    op.create_table('offices',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('localities', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('head_bailiff_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offices_region'), ['region'], unique=False)

    op.create_table('proceedings',
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('register_number', sa.String(length=32), nullable=False),
    sa.Column('office_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('debtor_person_id', sa.BigInteger(), nullable=True),
    sa.Column('debtor_entity_id', sa.BigInteger(), nullable=True),
    sa.Column('debtor_confirmed', sa.Boolean(), nullable=False),
    sa.Column('amount', sa.String(length=40), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('presented_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opening_deadline', sa.Date(), nullable=False),
    sa.Column('leaf_index', sa.BigInteger(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('number'),
    sa.UniqueConstraint('register_number')
    )
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proceedings_debtor_person_id'), ['debtor_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proceedings_office_id'), ['office_id'], unique=False)

    op.create_table('assignments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('proceeding_number', sa.String(length=60), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('office_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('eligible', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('excluded', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('beacon', sa.String(length=80), nullable=True),
    sa.Column('round', sa.BigInteger(), nullable=True),
    sa.Column('commit_leaf', sa.BigInteger(), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('bailiff_id', sa.String(length=40), nullable=True),
    sa.Column('ctr', sa.Integer(), nullable=True),
    sa.Column('r', sa.String(length=80), nullable=True),
    sa.Column('result_leaf', sa.BigInteger(), nullable=True),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('proceeding_number', 'seq', name='uq_assignments_proceeding_seq')
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_bailiff_id'), ['bailiff_id'], unique=False)
        batch_op.create_index('ix_assignments_pending', ['status', 'beacon', 'round'], unique=False)

    op.create_table('bailiffs',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('office_id', sa.String(length=40), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('open_cases', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('bailiffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bailiffs_office_id'), ['office_id'], unique=False)

    op.create_table('bailiff_unavailability',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bailiff_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_by', sa.String(length=200), nullable=False),
    sa.Column('leaf_index', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['bailiff_id'], ['bailiffs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('bailiff_unavailability', schema=None) as batch_op:
        batch_op.create_index('ix_unavailability_bailiff_period', ['bailiff_id', 'starts_on', 'ends_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('bailiff_unavailability', schema=None) as batch_op:
        batch_op.drop_index('ix_unavailability_bailiff_period')

    op.drop_table('bailiff_unavailability')
    with op.batch_alter_table('bailiffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bailiffs_office_id'))

    op.drop_table('bailiffs')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_pending')
        batch_op.drop_index(batch_op.f('ix_assignments_bailiff_id'))

    op.drop_table('assignments')
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proceedings_office_id'))
        batch_op.drop_index(batch_op.f('ix_proceedings_debtor_person_id'))

    op.drop_table('proceedings')
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offices_region'))

    op.drop_table('offices')
    op.drop_table('beacon_rounds')
    op.drop_table('beacon_chains')
