"""NGO submissions and their remarks, receipt numbers per consultation

Revision ID: fef3beccca39
Revises: c2cfdc6790a8
Create Date: 2026-11-23 11:42:43.965743

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'fef3beccca39'
down_revision = 'c2cfdc6790a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('receipt_number', sa.String(length=40), nullable=False),
    sa.Column('tracking_hash', sa.String(length=64), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('legal_form', sa.Enum('association', 'foundation', 'ordinary_association', 'social_cooperative', 'church_entity', 'sports_club', 'other', name='legal_form', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('krs', sa.String(length=10), nullable=True),
    sa.Column('other_register', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('contact_person', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('clause_acknowledged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('spam', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('receipt_mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_submission_consultation_id_consultation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('consultation_id', 'sequence', name=op.f('uq_submission_consultation_id_sequence')),
    sa.UniqueConstraint('tracking_hash', name=op.f('uq_submission_tracking_hash'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('postulate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('target', sa.Enum('general', 'plane', 'priority', 'document', name='postulate_target', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('plane_id', sa.Integer(), nullable=True),
    sa.Column('priority_id', sa.Integer(), nullable=True),
    sa.Column('document_ref', sa.String(length=200), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.Column('proposed_wording', sa.Text(), nullable=True),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'duplicate', 'rejected', name='postulate_status', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_postulate_consultation_id_consultation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plane_id'], ['plane.id'], name=op.f('fk_postulate_plane_id_plane'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], name=op.f('fk_postulate_priority_id_priority'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_postulate_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postulate')),
    sa.UniqueConstraint('submission_id', 'position', name=op.f('uq_postulate_submission_id_position'))
    )
    with op.batch_alter_table('postulate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postulate_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postulate_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_postulate_submission_id'), ['submission_id'], unique=False)

    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_prefix', sa.String(length=12), server_default='KONS', nullable=False))
        batch_op.add_column(sa.Column('receipt_counter', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('receipt_counter')
        batch_op.drop_column('receipt_prefix')

    with op.batch_alter_table('postulate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postulate_submission_id'))
        batch_op.drop_index(batch_op.f('ix_postulate_status'))
        batch_op.drop_index(batch_op.f('ix_postulate_consultation_id'))

    op.drop_table('postulate')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_submission_consultation_id'))

    op.drop_table('submission')
