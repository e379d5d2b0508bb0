"""Test harness: real Kafka and PostgreSQL fixtures and helpers to read events back."""
