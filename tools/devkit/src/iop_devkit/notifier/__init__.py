"""Test and benchmark helpers: the Twilio fake, SMTP capture, parser metrics."""
