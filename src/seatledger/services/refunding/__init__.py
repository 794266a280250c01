"""Returns and refunds: agents ask to take seats back, admins decide and refund."""
