"""Consultations with their cooperation planes, program priorities and facilitators."""
