"""Personal data: a person's rights over their data, masking, erasure and retention."""
