"""submissions from every channel: how each came (the online form, or registered by staff from
paper, e-mail, ePUAP or a meeting), the day it was received, who registered it, the meeting it
was made at, whether it came late; the files it came as (scans)

Revision ID: e7372f0bbc78
Revises: f3fa53d7a5b0
Create Date: 2026-12-04 20:36:09.315716

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7372f0bbc78'
down_revision = 'f3fa53d7a5b0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_submission_file_submission_id_submission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_submission_file_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_file'))
    )
    with op.batch_alter_table('submission_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_file_submission_id'), ['submission_id'], unique=False)

    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.Enum('online', 'paper', 'email', 'epuap', 'meeting', name='submission_channel', native_enum=False, create_constraint=True), server_default='online', nullable=False))
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('registered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_submission_meeting_id_meeting'), 'meeting', ['meeting_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_submission_registered_by_id_user'), 'user', ['registered_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_submission_registered_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_submission_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_submission_submission_channel'), type_='check')
        batch_op.drop_column('late')
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('registered_by_id')
        batch_op.drop_column('received_on')
        batch_op.drop_column('channel')

    with op.batch_alter_table('submission_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_file_submission_id'))

    op.drop_table('submission_file')
