"""seatledger: the seat side of an online training marketplace."""

__version__ = "0.1.0"
