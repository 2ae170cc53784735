"""The sample inputs under data/samples: what a user imports to see each importer work, and what
the importer tests read, so the samples can never drift from what the code accepts."""

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
DIRECTORY = SAMPLES / "directory.csv"
SLACK_EXPORT = SAMPLES / "slack-export"
TEAMS_EXPORT = SAMPLES / "teams-export"
TEAMS_DIRECTORY = SAMPLES / "teams-directory.csv"
VIVA_EXPORT = SAMPLES / "viva-export"
CSV_EXPORT = SAMPLES / "csv-export"
FEED = SAMPLES / "feed.xml"
SENTIMENT_LABELLED = SAMPLES / "sentiment-labelled.csv"
