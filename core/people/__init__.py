"""Who is who: users and roles, liaisons, where each candidate stands, the audit log and command menus."""
