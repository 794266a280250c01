"""Pure business rules: no web, database or I/O imports here."""
