"""Step 4, 审核: staff review, the queue and its export, the registries, rosters and the staff desk."""
