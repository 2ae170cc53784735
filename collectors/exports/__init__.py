"""Importers of employee-network exports (Slack, Teams, Viva Engage, CSV) and the HR directory."""
