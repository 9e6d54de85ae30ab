"""the mail outbox: every e-mail written in the transaction of what it reports, then sent by
the worker with retries (its status for admins)

Revision ID: f3fa53d7a5b0
Revises: 767ae545e664
Create Date: 2026-12-04 19:32:04.603426

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3fa53d7a5b0'
down_revision = '767ae545e664'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('receipt', 'tracking_link', 'stances', 'registration', 'review', 'reset_link', 'password_changed', 'reminder', name='mail_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('about_id', sa.Integer(), nullable=True),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=400), nullable=False),
    sa.Column('message', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.Enum('queued', 'sending', 'sent', 'failed', name='mail_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_outgoing_mail_consultation_id_consultation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_mail_about', ['kind', 'about_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_mail_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_mail_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_outgoing_mail_due', ['status', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_mail_due')
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_created_at'))
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_consultation_id'))
        batch_op.drop_index('ix_outgoing_mail_about')

    op.drop_table('outgoing_mail')
