"""Casting a ballot: card secrets, the ballot path, the ballot writer and the storage of rows."""
