"""Wire contracts and common plumbing shared by the IOP services."""
