"""case terms: a case's deny and allow lists

Revision ID: 0002_case_terms
Revises: 0001
Create Date: 2026-12-03

Terms reviewers decided for every document of a case (redactor/case_lists.py applies them at analysis).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_case_terms"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "key", name="uq_case_terms_case_key"),
    )
    with op.batch_alter_table("case_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_terms_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_terms_case_id"))
    op.drop_table("case_terms")
