"""How runs of festival_assets are executed and watched, apart from what they import: the
executor that every run uses, the run launcher that lets the daemon's run monitoring tell a dead
run from a live one, and the one workaround of a Dagster behaviour (pool slots) they need."""
