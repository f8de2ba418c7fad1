"""考评计划: the /plans dialog, its screens and the Excel import."""
