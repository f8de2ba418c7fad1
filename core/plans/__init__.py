"""Exam plans (考评计划): their rules and windows, the staff dialog and import, and the content per plan."""
