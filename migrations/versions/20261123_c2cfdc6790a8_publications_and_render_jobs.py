"""publications and render jobs: immutable published versions (PDF bytes, sha256), background renderings

Revision ID: c2cfdc6790a8
Revises: ad718751e14e
Create Date: 2026-11-23 11:14:10.357017

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c2cfdc6790a8'
down_revision = 'ad718751e14e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('summary', 'compilation', name='publication_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=600), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_by_name', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_publication_consultation_id_consultation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_publication_meeting_id_meeting'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_publication_published_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
    sa.UniqueConstraint('series', 'version', name=op.f('uq_publication_series_version'))
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('render_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('draft_summary', 'publish_summary', 'draft_compilation', 'publish_compilation', name='job_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('runner', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='job_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('pages_estimate', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.LargeBinary(), nullable=True),
    sa.Column('result_name', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_render_job_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_render_job_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], name=op.f('fk_render_job_publication_id_publication'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_render_job_requested_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_render_job'))
    )
    with op.batch_alter_table('render_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_render_job_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_render_job_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_render_job_meeting_id'), ['meeting_id'], unique=False)



def downgrade():
    with op.batch_alter_table('render_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_render_job_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_render_job_created_at'))
        batch_op.drop_index(batch_op.f('ix_render_job_consultation_id'))

    op.drop_table('render_job')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_publication_consultation_id'))

    op.drop_table('publication')
