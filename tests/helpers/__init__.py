"""Shared test helpers and fakes."""
