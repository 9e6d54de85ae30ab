"""Public pages: what anyone, without an account, may read about consultations."""
