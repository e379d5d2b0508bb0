"""Real Kafka (KRaft, from Maven Central) and PostgreSQL on loopback, without Docker."""
