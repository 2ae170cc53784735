"""Governance of stored data: retention, archival to Parquet and back, legal holds, erasure."""
