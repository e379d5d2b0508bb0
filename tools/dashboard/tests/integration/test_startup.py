import json
import os
import subprocess
import sys

import pytest


@pytest.mark.integration
def test_the_process_refuses_development_users_in_production_with_a_clear_error() -> None:
    env = {**os.environ, "IOP_ENVIRONMENT": "production",
           "DASHBOARD_DEV_USERS": json.dumps({"nurse-1": {"password": "s3cret-pw-x", "clinics": ["clinic-1"]}}),
           "DASHBOARD_OIDC_ISSUER": "https://id.example.org", "DASHBOARD_OIDC_CLIENT_ID": "dashboard",
           "DASHBOARD_OIDC_CLIENT_SECRET": "a-real-client-secret", "DASHBOARD_SESSION_SECRET": "a-real-session-key",
           "DASHBOARD_ATTENDANCE_TOKEN": "a-real-attendance-token", "DASHBOARD_NOTIFIER_TOKEN": "a-real-token-2"}
    done = subprocess.run([sys.executable, "-m", "iop_dashboard", "run"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "refusing to start" in done.stderr and "dev_users" in done.stderr, done.stderr
    assert "s3cret-pw-x" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
