"""Helpers of the prepare stage: download, archive extraction, question files, records, smoke data."""
