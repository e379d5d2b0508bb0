"""Operator CLI for the IOP reminder system."""
