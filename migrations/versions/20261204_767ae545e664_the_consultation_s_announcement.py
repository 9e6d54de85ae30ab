"""the consultation's announcement: its subject, legal basis, responsible unit, the day it
was announced, the forms of consultation it uses (a JSON list of their names) and where paper
forms are delivered; empty for every existing consultation

Revision ID: 767ae545e664
Revises: a248dea8ec73
Create Date: 2026-12-04 02:55:34.572736

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '767ae545e664'
down_revision = 'a248dea8ec73'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('legal_basis', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('responsible_unit', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('announced_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('methods', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('paper_delivery', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('paper_delivery')
        batch_op.drop_column('methods')
        batch_op.drop_column('announced_on')
        batch_op.drop_column('responsible_unit')
        batch_op.drop_column('legal_basis')
        batch_op.drop_column('subject')
