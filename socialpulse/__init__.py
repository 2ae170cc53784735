"""SocialPulse: social listening and employee-network analytics over one DuckDB warehouse."""

__version__ = "0.1.0"
