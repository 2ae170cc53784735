"""Analysis over the warehouse: functions take a DuckDB connection and return DataFrames.

No Streamlit and no network here, so the same functions serve the CLI, the dashboard and
notebooks. Each metric follows the definitions in the project's metric reference (README).
"""
