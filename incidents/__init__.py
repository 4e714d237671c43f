"""Incidents: which stored articles report the same shooting (see incidents/README.md)."""
