"""consultation report: new kinds of publications and render jobs

Revision ID: 5d35a6d254bf
Revises: 7aeba061e9f1
Create Date: 2026-11-23 12:03:38.185276

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d35a6d254bf'
down_revision = '7aeba061e9f1'
branch_labels = None
depends_on = None


PUBLICATION_KINDS = ("summary", "compilation")
JOB_KINDS = ("draft_summary", "publish_summary", "draft_compilation", "publish_compilation")
REPORT_JOB_KINDS = ("draft_report", "publish_report")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _checks(publication_kinds, job_kinds) -> None:
    """Replace the CHECK constraints that list the allowed kinds (enums stored as strings)."""
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_publication_publication_kind"), type_="check")
        batch_op.create_check_constraint("publication_kind", _in("kind", publication_kinds))
    with op.batch_alter_table("render_job", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_render_job_job_kind"), type_="check")
        batch_op.create_check_constraint("job_kind", _in("kind", job_kinds))


def upgrade():
    _checks(PUBLICATION_KINDS + ("report",), JOB_KINDS + REPORT_JOB_KINDS)


def downgrade():
    # Going back loses published reports (the older schema cannot hold them).
    op.execute(sa.text("DELETE FROM render_job WHERE kind IN ('draft_report', 'publish_report')"))
    op.execute(sa.text("DELETE FROM publication WHERE kind = 'report'"))
    _checks(PUBLICATION_KINDS, JOB_KINDS)
