"""Identity: persons and their addresses, legal entities, identifiers, party links, reviews, merges, linkage models.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('identity_models',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('trained_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pairs', sa.BigInteger(), nullable=False),
    sa.Column('parameters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('legal_entities',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_key', sa.String(length=400), nullable=False),
    sa.Column('legal_form', sa.String(length=20), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('merged_into', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into'], ['legal_entities.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('legal_entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_entities_merged_into'), ['merged_into'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_entities_name_key'), ['name_key'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('surname', sa.String(length=200), nullable=False),
    sa.Column('given_name', sa.String(length=200), nullable=True),
    sa.Column('patronymic', sa.String(length=200), nullable=True),
    sa.Column('gender', sa.String(length=8), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_place', sa.Text(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('surname_key', sa.String(length=200), nullable=False),
    sa.Column('given_key', sa.String(length=200), nullable=True),
    sa.Column('patronymic_key', sa.String(length=200), nullable=True),
    sa.Column('surname_phonetic', sa.String(length=200), nullable=False),
    sa.Column('name_parsed', sa.Boolean(), nullable=False),
    sa.Column('merged_into', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index('ix_persons_dob_given', ['birth_date', 'given_key'], unique=False)
        batch_op.create_index('ix_persons_dob_phonetic', ['birth_date', 'surname_phonetic'], unique=False)
        batch_op.create_index('ix_persons_dob_surname', ['birth_date', 'surname_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_merged_into'), ['merged_into'], unique=False)
        batch_op.create_index('ix_persons_names', ['surname_key', 'given_key', 'patronymic_key'], unique=False)

    op.create_table('party_identifiers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=32), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('entity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['legal_entities.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'value', name='uq_party_identifiers_kind_value')
    )
    with op.batch_alter_table('party_identifiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_identifiers_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_identifiers_person_id'), ['person_id'], unique=False)

    op.create_table('party_links',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('register_number', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('party_kind', sa.String(length=16), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('entity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('probability', sa.Float(), nullable=True),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['legal_entities.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('register_number', 'role', 'position', name='uq_party_links_party')
    )
    with op.batch_alter_table('party_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_links_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_links_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_links_register_number'), ['register_number'], unique=False)

    op.create_table('person_addresses',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('address_key', sa.Text(), nullable=False),
    sa.Column('register_number', sa.String(length=32), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'address_key', name='uq_person_addresses')
    )
    with op.batch_alter_table('person_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_addresses_person_id'), ['person_id'], unique=False)

    op.create_table('person_merges',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('survivor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merged_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('merged_by', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['merged_id'], ['persons.id'], ),
    sa.ForeignKeyConstraint(['survivor_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('identity_reviews',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('candidates', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=200), nullable=True),
    sa.Column('resolution', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['party_links.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('link_id')
    )
    with op.batch_alter_table('identity_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_identity_reviews_status', ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('identity_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_identity_reviews_status')

    op.drop_table('identity_reviews')
    op.drop_table('person_merges')
    with op.batch_alter_table('person_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_addresses_person_id'))

    op.drop_table('person_addresses')
    with op.batch_alter_table('party_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_links_register_number'))
        batch_op.drop_index(batch_op.f('ix_party_links_person_id'))
        batch_op.drop_index(batch_op.f('ix_party_links_entity_id'))

    op.drop_table('party_links')
    with op.batch_alter_table('party_identifiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_identifiers_person_id'))
        batch_op.drop_index(batch_op.f('ix_party_identifiers_entity_id'))

    op.drop_table('party_identifiers')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_names')
        batch_op.drop_index(batch_op.f('ix_persons_merged_into'))
        batch_op.drop_index('ix_persons_dob_surname')
        batch_op.drop_index('ix_persons_dob_phonetic')
        batch_op.drop_index('ix_persons_dob_given')

    op.drop_table('persons')
    with op.batch_alter_table('legal_entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_entities_name_key'))
        batch_op.drop_index(batch_op.f('ix_legal_entities_merged_into'))

    op.drop_table('legal_entities')
    op.drop_table('identity_models')
