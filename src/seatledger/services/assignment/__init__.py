"""Giving seats to learners: instant, by link, redemption, unassign, transfer, bulk."""
