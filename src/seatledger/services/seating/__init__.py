"""Seats: listing, owner groups, expiry of stale links and seats."""
