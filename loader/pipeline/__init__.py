"""The pipeline: load files (parse in workers, write in order), the cron run, dbt, the demo."""
