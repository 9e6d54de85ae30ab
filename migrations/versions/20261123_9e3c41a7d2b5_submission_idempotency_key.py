"""submission: idempotency key (the same form sent twice makes one submission)

Revision ID: 9e3c41a7d2b5
Revises: 0b6d78212d94
Create Date: 2026-11-23 09:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9e3c41a7d2b5'
down_revision = '0b6d78212d94'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_submission_idempotency_key'), ['idempotency_key'])


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_submission_idempotency_key'), type_='unique')
        batch_op.drop_column('idempotency_key')
