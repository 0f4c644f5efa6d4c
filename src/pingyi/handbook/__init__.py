"""The office's handbook (使用手册): docs/handbook/{zh,en}/*.md served by pingyi itself."""
