"""Notifications: the in-app inbox, e-mail and the chat robots (docs/notifications.md)."""
