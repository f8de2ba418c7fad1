"""4 审核 and the staff desk: review queue, registries, rosters, exports, import templates."""
