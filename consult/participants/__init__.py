"""The people of a meeting: who registered for it (the public form, its cap, the confirmation
with the calendar file and a link to cancel) and who was there (the attendance list, the
number of participants it gives, the sign-in sheet)."""
