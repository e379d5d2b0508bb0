"""The local demo: the three services, a mail catcher and a simulated clinic."""
