"""The staff desk and liaisons: roles, registries, review, invitations, rosters and the audit log."""
