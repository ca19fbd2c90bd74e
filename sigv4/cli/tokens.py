"""``sigv4 eks-token`` and ``sigv4 rds-token``: the tokens people install the AWS
CLI or boto3 for, from the same credential chain."""

from __future__ import annotations

import os

from .common import resolve_region, say

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

__all__ = ["run_eks", "run_rds"]


def run_eks(args: argparse.Namespace) -> int:
    """The ExecCredential JSON a kubeconfig ``exec`` entry expects, as ``aws eks get-token``
    prints it (``apiVersion`` as kubectl asks in ``KUBERNETES_EXEC_INFO``, else v1beta1)."""
    from ..session import Session
    from ..tokens import exec_credential_json, exec_info_api_version

    region = resolve_region(args)
    # Through the session, so FIPS, dual-stack and STS endpoint settings apply as in the AWS CLI.
    session = Session(profile_name=getattr(args, "profile", None), clock=getattr(args, "clock", None))
    client = session.client("eks", region_name=region)
    api_version, warning = exec_info_api_version(os.environ)  # the edge reads the environment
    if warning:
        say(f"sigv4 eks-token: warning: {warning}")
    credential = client.get_exec_credential(args.cluster_name, api_version=api_version)
    print(exec_credential_json(credential))
    return 0


def run_rds(args: argparse.Namespace) -> int:
    """An RDS IAM authentication token (the password to connect with), as
    ``aws rds generate-db-auth-token`` prints it.  The region defaults to the one
    in the endpoint's host name (``….eu-west-1.rds.amazonaws.com``)."""
    from ..session import Session

    region = resolve_region(args, url_host=args.hostname)
    session = Session(profile_name=getattr(args, "profile", None), clock=getattr(args, "clock", None))
    client = session.client("rds", region_name=region)
    print(client.generate_db_auth_token(DBHostname=args.hostname, Port=args.port, DBUsername=args.username))
    return 0
