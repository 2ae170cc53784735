"""Widgets and charts shared by the pages."""
