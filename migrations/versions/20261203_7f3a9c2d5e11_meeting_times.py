"""meeting times: the optional start and end (wall-clock times of the city) of a meeting,
for its calendar file and its pages

Revision ID: 7f3a9c2d5e11
Revises: cd4d0695e004
Create Date: 2026-12-03 16:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7f3a9c2d5e11'
down_revision = 'cd4d0695e004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('end_time', sa.Time(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('end_time')
        batch_op.drop_column('start_time')
