"""``python -m festival_assets.devtools.tmdb_server``: the ``festival-tmdb-server`` command."""

from festival_assets.devtools.tmdb_server.cli import main

if __name__ == "__main__":
    main()
