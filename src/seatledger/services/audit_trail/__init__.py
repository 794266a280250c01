"""The audit trail: recorded inside each change, read with filters."""
