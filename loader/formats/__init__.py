"""File formats, pure (no database): the JSON stream and telemetry reader, type conversion,
the raw column definition, and the telemetry, match-object and fight-file formats."""
