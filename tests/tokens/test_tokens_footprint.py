"""The token recipes load nothing beyond sigv4's own modules and the standard
library, in a fresh interpreter (what a Lambda cold start pays for)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sigv4.tokens._recipes import b64, b64url

PROGRAM = """
import json, os, sys
before = set(sys.modules)
from sigv4 import Credentials
from sigv4.tokens import (elasticache_auth_token, iot_websocket_url, memorydb_auth_token, msk_auth_token,
                          neptune_headers, transcribe_websocket_url, vault_login_payload)
creds = Credentials("AKIDEXAMPLE", "secret", "token")
msk_auth_token("us-east-1", credentials=creds)
msk_auth_token("us-east-1")  # the default chain: credentials from the environment
elasticache_auth_token("my-cache", "app-user", "us-east-1")
memorydb_auth_token("my-cluster", "app-user", "us-east-1", credentials=creds)
vault_login_payload("role", credentials=creds, server_id="vault")
neptune_headers("wss://db.example.com:8182/gremlin", "us-east-1", credentials=creds)
iot_websocket_url("abc-ats.iot.us-east-1.amazonaws.com", "us-east-1", credentials=creds)
transcribe_websocket_url("us-east-1", language_code="en-US", credentials=creds)
loaded = sorted(set(sys.modules) - before)
print(json.dumps(loaded))
"""


@pytest.mark.skipif(sys.version_info < (3, 10), reason="sys.stdlib_module_names is Python 3.10+")
def test_only_sigv4_and_the_standard_library_are_loaded() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    env.update(
        AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    out = subprocess.run([sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, check=True, cwd=os.getcwd())
    loaded = json.loads(out.stdout)
    assert any(m == "sigv4.tokens.msk" for m in loaded)
    foreign = [m for m in loaded if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "sigv4"]
    assert foreign == []
    assert "boto3" not in loaded and "botocore" not in loaded and "urllib.request" not in loaded
    assert "binascii" not in loaded and "hashlib" not in loaded  # no extension loaded for one token


@given(st.binary(max_size=600))
def test_base64_matches_the_standard_library(data: bytes) -> None:
    assert b64(data) == base64.b64encode(data).decode()
    assert b64url(data) == base64.urlsafe_b64encode(data).decode().rstrip("=")
