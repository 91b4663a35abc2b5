"""The report pages, one module per report (common.py: what they share)."""
