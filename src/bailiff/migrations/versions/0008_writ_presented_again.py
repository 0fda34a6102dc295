"""Proceedings: a writ may have several (presented again after return, 229-FZ art. 46 part 4).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# 0003 created the unique constraint without a name: PostgreSQL called it proceedings_register_number_key,
# SQLite has none; batch mode names reflected constraints with this convention so it can drop it.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _unique_name() -> str:
    return ("proceedings_register_number_key" if op.get_bind().dialect.name == "postgresql"
            else "uq_proceedings_register_number")


def upgrade() -> None:
    with op.batch_alter_table('proceedings', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(_unique_name(), type_='unique')
        batch_op.create_index(batch_op.f('ix_proceedings_register_number'), ['register_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('proceedings', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proceedings_register_number'))
        batch_op.create_unique_constraint(_unique_name(), ['register_number'])
