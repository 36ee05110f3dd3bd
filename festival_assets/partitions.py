"""One partition per ceremony, keyed `<festival>-<year held>` (the 96th Academy Awards, held in
2024, is `oscars-2024`; a second ceremony held in the same year gets `-2`). The keys come from
the sources when the code location loads: the Academy Awards in chronological order, then each
other festival's ceremony files, so a `--partition-range` covers consecutive ceremonies."""

import logging

from dagster import StaticPartitionsDefinition

from festival_assets.resources import CeremonySources

catalog = CeremonySources().catalog()
for issue in catalog.issues:
    logging.getLogger("festival_assets").warning("ceremony source rejected: %s", issue)

ceremony_partitions = StaticPartitionsDefinition(catalog.partition_keys())
