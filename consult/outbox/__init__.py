"""The mail outbox: every e-mail the site sends is a row written in the transaction of what it
reports, then sent by a worker (RQ with Redis, a thread of the process without), retried with
growing pauses, and shown to admins with its status."""
