"""`redactor create-admin`: create an administrator account for the review service (there is no default account)."""
from __future__ import annotations

import argparse
import getpass
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--username", required=True, help="the administrator's username")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input instead of prompting")
    p.add_argument("--database-url", help="as for `redactor serve` (env REDACTOR_DATABASE_URL)")
    p.add_argument("--data-dir", help="as for `redactor serve` (env REDACTOR_DATA_DIR)")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("redactor: error: the passwords differ; nothing was created")
    return first


def run(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from service.audit import record
    from service.auth import hash_password, password_problem
    from service.db import make_engine, make_sessionmaker, session_scope, upgrade
    from service.models import User
    from service.settings import Settings

    settings = Settings.from_env(database_url=args.database_url, data_dir=args.data_dir).prepared()
    password = _password(args)
    problem = password_problem(password, args.username)
    if problem:
        print(f"redactor: error: {problem}; nothing was created", file=sys.stderr)
        return 2
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as db:
        if db.scalar(select(User).where(User.username == args.username)) is not None:
            print(f"redactor: error: the user {args.username!r} exists already", file=sys.stderr)
            return 2
        user = User(username=args.username, password_hash=hash_password(password), role="admin")
        db.add(user)
        db.flush()
        record(db, None, "user.created", new_user=user.username, role="admin", via="create-admin")
    engine.dispose()
    print(f"redactor: administrator {args.username!r} created")
    return 0
