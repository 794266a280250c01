"""The HTTP API: app factory, routers, schemas and the one error-to-HTTP table."""
