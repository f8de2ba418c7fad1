"""Liaisons and their institution links."""
