"""我的数据 and staff's /privacy."""
