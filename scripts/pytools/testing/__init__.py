"""Checks run by the system test (scripts/testing/system-test)."""
