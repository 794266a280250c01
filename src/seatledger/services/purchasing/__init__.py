"""Buying seats: checkout, payment capture, void and cancel."""
