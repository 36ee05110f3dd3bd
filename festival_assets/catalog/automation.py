"""The one automation sensor: it evaluates the catalog assets' automation conditions, so that
they are updated after each run that imports ceremonies."""

from dagster import AssetSelection, AutomationConditionSensorDefinition, DefaultSensorStatus

from festival_assets.catalog.assets import festival_overview, title_award_records

catalog_automation = AutomationConditionSensorDefinition(
    "catalog_automation",
    target=AssetSelection.assets(festival_overview, title_award_records),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description=(
        "Updates festival_overview and title_award_records once a run that imported "
        "ceremonies (materialized their nominations) has ended, never while one is going on."
    ),
)
