"""Shared pytest fixtures live in jigai/conftest.py; this file marks the project root."""
