"""NGO postulates: the public consultation form, receipts and tracking, moderation, stances."""
