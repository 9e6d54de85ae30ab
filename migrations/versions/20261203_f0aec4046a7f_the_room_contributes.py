"""the room contributes: participants' ideas sent from phones to a meeting's sections (the
queue the facilitators decide on), the meeting's room settings (open, short code, queue
revision), and "room" among the sources of an entry

Revision ID: f0aec4046a7f
Revises: 132e3cc29a21
Create Date: 2026-12-03 18:43:55.559961

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f0aec4046a7f'
down_revision = '132e3cc29a21'
branch_labels = None
depends_on = None


def _entry_sources(values: str) -> None:
    """The CHECK of entry.source with these values (SQLite copies the table: migrations/env.py
    turns its foreign keys off meanwhile, so that nothing referencing an entry is touched)."""
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_entry_entry_source'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_entry_entry_source'), f"source IN ({values})")


def upgrade():
    op.create_table('room_contribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'merged', 'dismissed', name='contribution_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('device_hash', sa.String(length=64), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('rev', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_room_contribution_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_room_contribution_entry_id_entry'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_room_contribution_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_room_contribution_section_id_section'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_contribution')),
    sa.UniqueConstraint('client_key', name=op.f('uq_room_contribution_client_key'))
    )
    with op.batch_alter_table('room_contribution', schema=None) as batch_op:
        batch_op.create_index('ix_room_contribution_meeting_status', ['meeting_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_contribution_section_id'), ['section_id'], unique=False)

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_open', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('room_code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('room_rev', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_meeting_room_code'), ['room_code'])

    _entry_sources("'live', 'postulate', 'import', 'room'")



def downgrade():
    op.execute("UPDATE entry SET source = 'live' WHERE source = 'room'")
    _entry_sources("'live', 'postulate', 'import'")

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_meeting_room_code'), type_='unique')
        batch_op.drop_column('room_rev')
        batch_op.drop_column('room_code')
        batch_op.drop_column('room_open')

    with op.batch_alter_table('room_contribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_contribution_section_id'))
        batch_op.drop_index('ix_room_contribution_meeting_status')

    op.drop_table('room_contribution')
