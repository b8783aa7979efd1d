"""Records: the audit trail and exact reprints."""
