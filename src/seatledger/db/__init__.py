"""Storage: tables, engine setup, migrations and queries."""
