"""Supervision (督查): the three lists, their items, reports, extensions, closure, notices."""
