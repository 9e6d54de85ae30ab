"""The room contributes: participants send ideas from their phones (a QR code and a short
link on the projector, no account); each waits in a "from the room" queue beside its section
on the board until a facilitator accepts it as an entry, merges it into one, or dismisses it."""
