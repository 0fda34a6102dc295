"""Person addresses: an index on the address key, for parties without a birth date (blocked by address).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_person_addresses_address_key', 'person_addresses', ['address_key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_person_addresses_address_key', table_name='person_addresses')
