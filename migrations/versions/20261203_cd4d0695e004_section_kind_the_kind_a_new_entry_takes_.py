"""section kind: the kind a new entry takes in a section (a plane split into strengths,
weaknesses and conclusions); empty for every existing section (the 2018 rule applies)

Revision ID: cd4d0695e004
Revises: 5b2e9f0c41d7
Create Date: 2026-12-03 15:31:36.121550

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'cd4d0695e004'
down_revision = '5b2e9f0c41d7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entry_kind', sa.Enum('strength', 'weakness', 'conclusion', 'idea', name='section_entry_kind', native_enum=False, create_constraint=True), nullable=True))



def downgrade():
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_section_section_entry_kind'), type_='check')
        batch_op.drop_column('entry_kind')

