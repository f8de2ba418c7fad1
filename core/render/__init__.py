"""PDF and spreadsheet renderers: pure functions from frozen dataclasses to bytes."""
