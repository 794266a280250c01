"""The HTTP API: routers per resource (``ROUTERS``), schemas, and the JSON answer to refusals.

It knows nothing of the pages; ``seatledger.app`` puts both into one app.
"""
