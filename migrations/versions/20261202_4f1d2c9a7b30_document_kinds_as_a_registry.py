"""document kinds as a registry: jobs name their document and whether they publish

A document's kind is a key of the registry in consult.reports.kinds; adding a kind needs no
migration any more (the CHECK constraints listing the kinds go).

Revision ID: 4f1d2c9a7b30
Revises: 8c643222083d
Create Date: 2026-12-02 14:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4f1d2c9a7b30'
down_revision = '8c643222083d'
branch_labels = None
depends_on = None

KINDS = ("summary", "compilation", "report")
JOB_KINDS = tuple(f"{step}_{kind}" for kind in KINDS for step in ("draft", "publish"))


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    with op.batch_alter_table("render_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("publishes", sa.Boolean(), nullable=True))
    for kind in KINDS:
        op.execute(sa.text(
            "UPDATE render_job SET document = :kind, publishes = (kind = :publish) "
            "WHERE kind IN (:draft, :publish)").bindparams(
                kind=kind, draft=f"draft_{kind}", publish=f"publish_{kind}"))
    with op.batch_alter_table("render_job", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_render_job_job_kind"), type_="check")
        batch_op.drop_column("kind")
        batch_op.alter_column("document", existing_type=sa.String(length=30), nullable=False)
        batch_op.alter_column("publishes", existing_type=sa.Boolean(), nullable=False)
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_publication_publication_kind"), type_="check")
        batch_op.alter_column("kind", existing_type=sa.String(length=11), type_=sa.String(length=30),
                              existing_nullable=False)


def downgrade():
    # Going back keeps only the kinds the older schema knew.
    op.execute(sa.text("DELETE FROM render_job WHERE " + "NOT " + _in("document", KINDS)))
    op.execute(sa.text("DELETE FROM publication WHERE " + "NOT " + _in("kind", KINDS)))
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=sa.String(length=30), type_=sa.String(length=11),
                              existing_nullable=False)
        batch_op.create_check_constraint("publication_kind", _in("kind", KINDS))
    with op.batch_alter_table("render_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=19), nullable=True))
    op.execute(sa.text(
        "UPDATE render_job SET kind = CASE WHEN publishes THEN 'publish_' ELSE 'draft_' END || document"))
    with op.batch_alter_table("render_job", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=sa.String(length=19), nullable=False)
        batch_op.create_check_constraint("job_kind", _in("kind", JOB_KINDS))
        batch_op.drop_column("publishes")
        batch_op.drop_column("document")
