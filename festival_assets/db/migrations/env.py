"""Alembic environment: migrations run on the connection handed over by
`festival_assets.db.schema.ensure_schema`, or on `FESTIVAL_DATABASE_URL` when run from the
alembic command line."""

from alembic import context
from sqlalchemy import Connection

from festival_assets.db.models import VERSION_TABLE, Base
from festival_assets.db.resources import default_database_url


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    from festival_assets.db.engine import create_database_engine

    with create_database_engine(default_database_url()).begin() as own_connection:
        run_migrations(own_connection)
