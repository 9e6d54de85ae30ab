"""Accounts of staff (admins, facilitators, officials), login and user administration."""
