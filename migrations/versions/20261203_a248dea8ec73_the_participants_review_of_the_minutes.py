"""the participants' review of the minutes: rounds of review of a meeting's draft summary,
the people asked (their personal link's hash), and their comments on entries with the
facilitator's decision

Revision ID: a248dea8ec73
Revises: f0aec4046a7f
Create Date: 2026-12-03 19:16:44.687874

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a248dea8ec73'
down_revision = 'f0aec4046a7f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_review_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_review_opened_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('reviewer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_reviewer_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewer')),
    sa.UniqueConstraint('review_id', 'email_key', name='uq_reviewer_review_email'),
    sa.UniqueConstraint('token_hash', name=op.f('uq_reviewer_token_hash'))
    )
    with op.batch_alter_table('reviewer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviewer_review_id'), ['review_id'], unique=False)

    op.create_table('review_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('proposed_wording', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('open', 'accepted', 'answered', name='comment_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_review_comment_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_review_comment_entry_id_entry'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_comment_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id'], name=op.f('fk_review_comment_reviewer_id_reviewer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comment'))
    )
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comment_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comment_reviewer_id'), ['reviewer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comment_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_review_comment_review_id'))

    op.drop_table('review_comment')
    with op.batch_alter_table('reviewer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewer_review_id'))

    op.drop_table('reviewer')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_meeting_id'))

    op.drop_table('review')
