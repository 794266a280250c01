"""The outgoing-mail desk: an admin lists the store's outbox by state and makes mail due now.

Nothing here talks to SMTP: "send now" and "retry" only move a mail's next try to the
present, and the mail worker of any server process sends it on its next pass (ADR 0026).
"""
