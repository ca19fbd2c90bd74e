"""awscrt (aws-c-auth, the native signer behind boto3's SigV4a) as a test-only oracle.

awscrt is never installed in the main venv (with it installed botocore changes
behaviour): it lives in a venv of its own (``.venv-awscrt``, from
``requirements-awscrt.txt``, created by ``scripts/test``) and runs
:mod:`tests.crt_oracle.awscrt_worker` as a subprocess."""
