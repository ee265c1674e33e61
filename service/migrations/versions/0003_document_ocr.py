"""a document's OCR mode

Revision ID: 0003_document_ocr
Revises: 0001
Create Date: 2026-12-03

`documents.ocr`: "auto" (the default) or "always", which reads a PDF's scans under an earlier OCR's invisible
text layer again with the service's own OCR, for every later analysis, page view and export of the document.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003_document_ocr'
down_revision = '0002_case_terms'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ocr', sa.String(length=16), nullable=False, server_default='auto'))


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('ocr')
