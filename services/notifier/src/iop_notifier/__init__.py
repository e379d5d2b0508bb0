"""IOP notifier service."""
