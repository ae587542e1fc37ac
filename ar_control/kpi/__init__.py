"""Sales collection KPIs: measure a period, keep monthly snapshots, alert on thresholds."""
