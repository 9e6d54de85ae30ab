"""NGO remarks: the public consultation form, receipts and tracking, moderation, stances."""
