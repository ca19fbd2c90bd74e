"""The ``sigv4`` command (also ``python -m sigv4``): presigned URLs, POST forms,
signed headers for any service, signature debugging, IAM auth tokens, a demo.

This module only builds the argument parser and dispatches: each command lives
in its own module (``sigv4.cli.<command>``), imported once it is chosen.
``import sigv4`` never loads any of them.

Exit status: 0 success, 1 the command failed (no credentials, a server said
no...), 2 the command line is wrong; messages go to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn

__all__ = ["build_parser", "main"]

_COMMANDS = {
    "presign": ("presign", "run_presign"),
    "post": ("presign", "run_post"),
    "sign": ("sign", "run"),
    "explain": ("explain", "run"),
    "demo": ("demo", "run"),
    "eks-token": ("tokens", "run_eks"),
    "rds-token": ("tokens", "run_rds"),
    "token": ("token", "run"),
    "verify": ("verify", "run"),
}

_EPILOG = """\
credentials and region are found as boto3 finds them: environment, --profile or
AWS_PROFILE in ~/.aws/config and ~/.aws/credentials (static keys, credential_process,
assume-role, web identity), container credentials, EC2 instance metadata.
exit status: 0 ok, 1 the command failed, 2 the command line is wrong."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (controls escaped), exit status 2."""

    def error(self, message: str) -> NoReturn:
        from .common import printable

        self.exit(2, f"{self.prog}: error: {printable(message)} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is outside 1..65535")
    return value


_REGION_ORDER = "AWS_DEFAULT_REGION, then AWS_REGION, then the profile's region"


def _auth_options(parser: argparse.ArgumentParser, region_default: str = _REGION_ORDER) -> None:
    group = parser.add_argument_group("credentials and region")
    group.add_argument("--profile", metavar="P", help="profile of ~/.aws/config to use (default: AWS_PROFILE or 'default')")
    group.add_argument("--region", metavar="R", help=f"region to sign for (default: {region_default})")


def _s3_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "uri", metavar="s3://bucket/key", help="the object (the key is taken literally); s3://bucket for a bucket operation"
    )
    parser.add_argument(
        "--expires-in", metavar="N", type=_positive_int, default=3600, help="seconds (default 3600, at most 604800)"
    )
    _auth_options(parser, f"{_REGION_ORDER}, else us-east-1 as in boto3")
    group = parser.add_argument_group("endpoint")
    group.add_argument("--endpoint-url", metavar="U", help="an S3-compatible endpoint, e.g. http://127.0.0.1:9000")
    group.add_argument("--addressing-style", metavar="S", choices=("auto", "virtual", "path"), help="auto, virtual or path")
    group.add_argument(
        "--max-expires", metavar="N", type=_positive_int, help="raise the 604800 s cap on --expires-in (for a store allowing it)"
    )  # fmt: skip


def _request_options(parser: argparse.ArgumentParser, *, service_required: bool) -> None:
    parser.add_argument("method", help="HTTP method, e.g. GET or POST")
    parser.add_argument("url", help="the full URL, query included")
    parser.add_argument(
        "--service", "-s", required=service_required, metavar="S", help="signing name: execute-api, es, lambda, s3, ..."
    )  # fmt: skip
    _auth_options(parser, f"the region in an AWS host name, then {_REGION_ORDER}")
    parser.add_argument(
        "-H", "--header", dest="headers", action="append", default=[], metavar="'Name: value'", help="a header to sign and send"
    )  # fmt: skip
    parser.add_argument(
        "--data", "-d", metavar="DATA", help="the body: text, @FILE (hashed in chunks) or @- (standard input)"
    )  # fmt: skip
    parser.add_argument("--unsigned-payload", action="store_true", help="sign UNSIGNED-PAYLOAD instead of the body's hash (S3)")
    parser.add_argument(
        "--expires-in", metavar="N", type=_positive_int, help="presign instead: sign the query string for N seconds"
    )  # fmt: skip
    parser.add_argument(
        "--max-expires", metavar="N", type=_positive_int, help="raise the 604800 s cap on --expires-in (if the service allows)"
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(
        prog="sigv4",
        description="AWS Signature Version 4 from the command line, without an SDK.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sigv4 {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("presign", help="print a presigned S3 URL (like `aws s3 presign`)")
    _s3_options(p)
    p.add_argument("--method", default="GET", metavar="M", help="GET (default), PUT, HEAD, DELETE, or a client method")
    p.add_argument(
        "--param", dest="params", action="append", default=[], metavar="NAME=VALUE",
        help="another boto3 parameter, e.g. VersionId=..., PartNumber=1, ResponseContentDisposition=...",
    )  # fmt: skip
    p.add_argument(
        "--content-type", metavar="T", help="PUT: the Content-Type the upload must send; GET: the response's Content-Type"
    )  # fmt: skip

    p = sub.add_parser("post", help="print a presigned POST (browser upload form) as JSON or HTML")
    _s3_options(p)
    p.add_argument(
        "--condition", dest="conditions", action="append", default=[], metavar="JSON",
        help='a policy condition: {"acl": "private"} or ["starts-with", "$key", "uploads/"]',
    )  # fmt: skip
    p.add_argument(
        "--field", dest="fields", action="append", default=[], metavar="NAME=VALUE",
        help="a prefilled form field (an exact-match condition is added unless one already allows it)",
    )  # fmt: skip
    p.add_argument("--content-type", metavar="T", help="shorthand for --field Content-Type=T")
    p.add_argument("--max-size", metavar="BYTES", type=_positive_int, help="reject uploads larger than BYTES")
    p.add_argument("--html", action="store_true", help="print a ready HTML page with the upload form")
    p.add_argument("--redirect", metavar="URL", help="where S3 sends the browser after the upload (success_action_redirect)")

    p = sub.add_parser("sign", help="print the headers (or a curl command) for a signed request to any service")
    _request_options(p, service_required=True)
    p.add_argument("--curl", action="store_true", help="print a ready curl command instead of the headers")

    p = sub.add_parser("explain", help="print canonical request, string to sign and signature; diff AWS's error")
    _request_options(p, service_required=False)
    p.add_argument(
        "--error-xml", "--error", dest="error_file", metavar="FILE",
        help="the body of a SignatureDoesNotMatch error (XML or JSON; - for stdin): diff AWS's strings against ours",
    )  # fmt: skip
    p.add_argument("--endpoint-url", metavar="U", help="the URL is for the S3-compatible store at U: sign it for s3")

    sub.add_parser("demo", help="run presigned PUT/GET and a POST upload against a local S3 server (no AWS account)")

    p = sub.add_parser("eks-token", help="print the ExecCredential JSON a kubeconfig `exec` expects (like `aws eks get-token`)")
    p.add_argument("--cluster-name", required=True, metavar="NAME", help="the EKS cluster")
    _auth_options(p)

    p = sub.add_parser("rds-token", help="print an RDS IAM database authentication token")
    p.add_argument("--hostname", required=True, metavar="H", help="the DB instance or cluster endpoint")
    p.add_argument("--port", required=True, type=_port, metavar="P", help="its port")
    p.add_argument("--username", required=True, metavar="U", help="the database user")
    _auth_options(p, f"the region in the host name, then {_REGION_ORDER}")

    from .token import add_parser as add_token_parser

    add_token_parser(sub, _auth_options)

    p = sub.add_parser("verify", help="check the SigV4 signature of a saved HTTP request (debugging)")
    p.add_argument("file", metavar="FILE", help="the raw request: request line, headers, empty line, body (- for stdin)")
    p.add_argument("--at", choices=("request", "now"), default="request", help="check at the request's own date (default) or now")
    p.add_argument("--host", metavar="H", help="the Host, if the saved request has no Host header")
    p.add_argument(
        "--skew", metavar="N", type=_positive_int, default=900, help="clock skew tolerated with --at now (default 900 s)"
    )
    p.add_argument("--max-expires", metavar="N", type=_positive_int, default=604800, help="longest X-Amz-Expires accepted")
    _auth_options(p)
    return parser


def _show_warning(
    message: Warning | str, category: type[Warning], filename: str, lineno: int, file: object = None, line: str | None = None
) -> None:
    from .common import printable

    print(f"sigv4: warning: {printable(str(message))}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (the console script exits with it).

    Called in-process (tests, other tools), it leaves no global state behind."""
    import warnings

    parser = build_parser()
    words = sys.argv[1:] if argv is None else list(argv)
    for word in words:
        if isinstance(word, str) and any("\ud800" <= ch <= "\udfff" for ch in word):  # bytes that are not UTF-8
            from .common import printable

            print(f"sigv4: error: argument {printable(word)!s} is not valid UTF-8", file=sys.stderr)
            return 2
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:  # --help, --version, or a usage error (argparse says 2)
        return exc.code if isinstance(exc.code, int) else 2
    for name in ("method", "url", "uri"):  # argparse can leave [] here (a second "--" on Python 3.11)
        if not isinstance(getattr(args, name, ""), str):
            print(f"sigv4 {args.command}: error: the following arguments are required: {name}", file=sys.stderr)
            return 2
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from ..core.errors import CredentialsError, ProfileNotFound, SigningError
    from .common import CommandFailed, UsageError, cli_message, fixed_clock

    prog = f"sigv4 {args.command}"
    try:
        # SIGV4_FIXED_TIME: a clock handed to what the command builds (no module state changes).
        args.clock = fixed_clock()
        from importlib import import_module

        module_name, function = _COMMANDS[args.command]
        run = getattr(import_module(f"{__package__}.{module_name}"), function)
        code = int(run(args))
        sys.stdout.flush()  # a closed pipe is reported here, not at interpreter exit
        return code
    except UsageError as exc:
        print(f"{prog}: error: {cli_message(exc)}", file=sys.stderr)
        return 2
    except (CommandFailed, CredentialsError, ProfileNotFound) as exc:
        print(f"{prog}: error: {cli_message(exc)}", file=sys.stderr)
        return 1
    except SigningError as exc:  # the library rejected a value given on the command line
        print(f"{prog}: error: {cli_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `sigv4 presign ... | head -c 10`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that the final flush cannot fail again
        return 1
    except Exception as exc:  # never a traceback; the message is left out (it could quote anything)
        print(f"{prog}: error: internal error ({type(exc).__name__}): please report it with the command line", file=sys.stderr)
        return 1
