"""Pacekeeper: run a team of account managers and their customer portfolios."""

__version__ = "0.1.0"
