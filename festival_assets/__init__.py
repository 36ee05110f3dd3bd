"""Film-award ceremonies imported into a database as Dagster assets, enriched from TMDb."""

import warnings

# The project relies on Dagster features marked beta or preview (single-run backfill policies,
# partitioned asset checks). Dagster says so at every load, in every process, and nobody who
# runs the project can act on it.
warnings.filterwarnings("ignore", message=r".*is currently in (beta|preview)")
