"""The audit trail: every recorded change (revision), for admins to browse and filter."""
