"""documents of a consultation (PDF, DOCX) for its public page

Revision ID: 0b6d78212d94
Revises: 5d35a6d254bf
Create Date: 2026-11-23 12:10:20.367740

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0b6d78212d94'
down_revision = '5d35a6d254bf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_consultation_document_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_consultation_document_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_document'))
    )
    with op.batch_alter_table('consultation_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_document_consultation_id'), ['consultation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('consultation_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_document_consultation_id'))

    op.drop_table('consultation_document')
