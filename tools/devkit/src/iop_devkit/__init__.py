"""The development kit: local stack, pytest plugin, builders and provider fakes (never in a service image)."""
