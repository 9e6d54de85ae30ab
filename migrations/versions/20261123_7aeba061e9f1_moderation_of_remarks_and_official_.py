"""moderation of remarks and official stances (drafts, published)

Revision ID: 7aeba061e9f1
Revises: fef3beccca39
Create Date: 2026-11-23 11:52:49.373285

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7aeba061e9f1'
down_revision = 'fef3beccca39'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('postulate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rejection_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('entry_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('moderated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stance', sa.Enum('accepted', 'partly', 'not_accepted', 'explained', name='stance', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('reasoning', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('resulting_change', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('stance_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('stance_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('published_stance', sa.Enum('accepted', 'partly', 'not_accepted', 'explained', name='published_stance', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('published_reasoning', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('published_change', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('stance_published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_postulate_moderated_by_id_user'), 'user', ['moderated_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_postulate_duplicate_of_id_postulate'), 'postulate', ['duplicate_of_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_postulate_entry_id_entry'), 'entry', ['entry_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_postulate_stance_by_id_user'), 'user', ['stance_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('postulate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_postulate_stance_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_postulate_entry_id_entry'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_postulate_duplicate_of_id_postulate'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_postulate_moderated_by_id_user'), type_='foreignkey')
        # The CHECK constraints of the enum columns go first (SQLite copies the table).
        batch_op.drop_constraint(batch_op.f('ck_postulate_stance'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_postulate_published_stance'), type_='check')
        batch_op.drop_column('stance_published_at')
        batch_op.drop_column('published_change')
        batch_op.drop_column('published_reasoning')
        batch_op.drop_column('published_stance')
        batch_op.drop_column('stance_by_id')
        batch_op.drop_column('stance_at')
        batch_op.drop_column('resulting_change')
        batch_op.drop_column('reasoning')
        batch_op.drop_column('stance')
        batch_op.drop_column('moderated_by_id')
        batch_op.drop_column('moderated_at')
        batch_op.drop_column('entry_id')
        batch_op.drop_column('rejection_reason')
        batch_op.drop_column('duplicate_of_id')
