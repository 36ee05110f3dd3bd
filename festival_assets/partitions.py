"""One partition per ceremony, keyed `<festival>-<year held>` (the 96th Academy Awards, held in
2024, is `oscars-2024`; a second ceremony held in the same year gets `-2`). The keys come from
the sources when the code location loads, in chronological order per festival, so a
`--partition-range` covers consecutive ceremonies."""

from dagster import StaticPartitionsDefinition

from festival_assets.resources import CeremonySources

ceremony_partitions = StaticPartitionsDefinition(CeremonySources().catalog().partition_keys())
