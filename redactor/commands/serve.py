"""`redactor serve`: start the review web service (SQLite in a local data folder unless given a database URL)."""
from __future__ import annotations

import argparse
import os


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=os.environ.get("REDACTOR_HOST", "127.0.0.1"),
                   help="address to listen on (default 127.0.0.1; env REDACTOR_HOST)")
    p.add_argument("--port", type=int, default=int(os.environ.get("REDACTOR_PORT", "8000")),
                   help="port (default 8000; env REDACTOR_PORT)")
    p.add_argument("--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db "
                                          "(default: SQLite in the data folder; env REDACTOR_DATABASE_URL)")
    p.add_argument("--data-dir", help="folder for the database, uploaded originals and exports "
                                      "(default ./redactor-data; env REDACTOR_DATA_DIR)")
    p.add_argument("--sample", action="store_true", help="load the sample case from samples/ on start")
    p.add_argument("--forwarded-allow-ips", default=os.environ.get("REDACTOR_FORWARDED_ALLOW_IPS"),
                   help="behind a reverse proxy: the proxy's address(es), comma-separated; their X-Forwarded-For "
                        "header then gives the client's address (login throttling counts per address). "
                        "Default: none, the header is ignored (env REDACTOR_FORWARDED_ALLOW_IPS)")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from service.app import create_app
    from service.sample import load_sample
    from service.settings import Settings

    settings = Settings.from_env(database_url=args.database_url, data_dir=args.data_dir)
    app = create_app(settings)
    if args.sample:
        load_sample(app.state.services)
    print(f"redactor: serving on http://{args.host}:{args.port}/ (data in {settings.data_dir.resolve()})")
    proxies = args.forwarded_allow_ips
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies or None)
    return 0
