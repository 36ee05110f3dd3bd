"""The catalog at a glance, downstream of every ceremony's nominations: per festival, what is
imported, missing and failing; and each title's award record across festivals and years."""
