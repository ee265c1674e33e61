"""Alembic environment: uses the engine the service passes in, else the URL from the service settings."""
from __future__ import annotations

from alembic import context

from service.db import make_engine
from service.models import Base
from service.settings import Settings

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine(Settings.from_env().prepared().db_url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
