"""Fight detection from telemetry events (pure: no files, no database)."""
