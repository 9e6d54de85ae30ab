"""The participants' review of a meeting's minutes: the facilitator opens it for some days;
registered participants and addresses the facilitator adds get a personal link; on the draft
summary each comments on an entry (what was said differently, a proposed wording) or
approves; the facilitator accepts a comment (editing the entry) or answers it, and closes the
review. The published summary says how many comments came and how many were taken in;
reviewers' names are never published."""
