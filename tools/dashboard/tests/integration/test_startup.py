import json
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet


@pytest.mark.integration
def test_the_process_refuses_development_users_in_production_with_a_clear_error() -> None:
    env = {**os.environ, "IOP_ENVIRONMENT": "production",
           "DASHBOARD_DEV_USERS": json.dumps({"nurse-1": {"password": "s3cret-pw-x", "clinics": ["clinic-1"]}}),
           "DASHBOARD_OIDC_ISSUER": "https://id.example.org", "DASHBOARD_OIDC_CLIENT_ID": "dashboard",
           "DASHBOARD_OIDC_CLIENT_SECRET": "oidc-Client-Secret-7Kq2", "DASHBOARD_SESSION_SECRET": "session-Key-9Wm4Zx",
           "DASHBOARD_ATTENDANCE_TOKEN": "attendance-Token-3Rv8", "DASHBOARD_NOTIFIER_TOKEN": "notifier-Token-5Hb1",
           "IOP_DEADLETTER_KEY": Fernet.generate_key().decode()}  # all else strong: dev users are the refusal
    done = subprocess.run([sys.executable, "-m", "iop_dashboard", "run"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "refusing to start" in done.stderr and "dev_users" in done.stderr, done.stderr
    assert "s3cret-pw-x" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
