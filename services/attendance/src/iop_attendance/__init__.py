"""IOP attendance service."""
