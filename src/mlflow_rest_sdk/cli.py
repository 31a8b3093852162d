"""The ``mlflow-rest`` command line: ``mlflow-rest doctor`` checks the connection to a server,
``mlflow-rest openapi`` prints the OpenAPI 3.1 document of the REST API the SDK was generated from.

Secrets are never taken as argument values (they would land in shell history and in ``ps``):
the password and token come from environment variables, by default the ones the SDK reads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from importlib.resources import files
from typing import Any, NoReturn, TextIO

from mlflow_rest_sdk.doctor import (
    DEFAULT_LATENCY_SAMPLES,
    DEFAULT_TIMEOUT,
    DoctorReport,
    Status,
    doctor_client,
    run_doctor,
)
from mlflow_rest_sdk.errors import ConfigurationError

__all__ = ["main"]

#: Exit codes: 0 all well, 1 a check failed, 2 the command or configuration is unusable.
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
#: Where ``--username`` looks for the password when ``--password-env`` is not given.
PASSWORD_VARIABLES = ("MLFLOW_TRACKING_PASSWORD", "MLFLOW_PASSWORD")
#: The OpenAPI document inside the package, written by ``python -m codegen openapi``.
OPENAPI_RESOURCE = ("_generated", "openapi.json")
_MARKS = {Status.OK: "ok", Status.WARN: "WARN", Status.FAIL: "FAIL", Status.SKIP: "skip"}


class _RefuseSecretArgument(argparse.Action):
    """``--password``/``--token`` exist only to say where secrets go instead; never echoes."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any, **__: Any) -> NoReturn:
        parser.error(
            f"{self.option_strings[0]} is not accepted: secrets on the command line leak into "
            f"shell history and process lists; name an environment variable with "
            f"{self.option_strings[0]}-env instead"
        )


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text}")
    return value


def _sample_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be between 1 and 100, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlflow-rest", description="Command line tools of mlflow-rest-sdk."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    doctor = commands.add_parser(
        "doctor",
        help="check reachability, version, API, auth, artifact proxy and latency of a server",
        description="Check that an MLflow server is usable from here. Unset options come from "
        "the environment the SDK reads (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME, ...).",
    )
    doctor.add_argument("--tracking-uri", metavar="URL", help="default: MLFLOW_TRACKING_URI")
    doctor.add_argument("--username", help="basic-auth user (password from --password-env)")
    doctor.add_argument(
        "--password-env",
        metavar="NAME",
        help="environment variable holding the password (default: MLFLOW_TRACKING_PASSWORD)",
    )
    doctor.add_argument(
        "--token-env", metavar="NAME", help="environment variable holding a bearer token"
    )
    for secret in ("--password", "--token"):
        doctor.add_argument(secret, nargs="?", action=_RefuseSecretArgument, help=argparse.SUPPRESS)
    doctor.add_argument("--env-file", metavar="PATH", help="read settings from this .env file")
    doctor.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"per-request timeout (default: {DEFAULT_TIMEOUT:g})",
    )
    doctor.add_argument(
        "--latency-samples",
        type=_sample_count,
        default=DEFAULT_LATENCY_SAMPLES,
        metavar="N",
        help=f"/health calls to time (default: {DEFAULT_LATENCY_SAMPLES})",
    )
    doctor.add_argument("--json", action="store_true", help="print one JSON object")
    commands.add_parser(
        "openapi",
        help="print the OpenAPI 3.1 document of the MLflow REST API (JSON)",
        description="Print the OpenAPI 3.1 document of every REST route of the MLflow version "
        "this SDK was generated from, as shipped in the package (spec/openapi.json).",
    )
    return parser


def openapi_text() -> str:
    """The shipped OpenAPI document, exactly as the generator wrote it (JSON, ends in a newline)."""
    return files("mlflow_rest_sdk").joinpath(*OPENAPI_RESOURCE).read_text(encoding="utf-8")


def _secret_from(variable: str, option: str) -> str:
    value = os.environ.get(variable)
    if not value:
        raise ConfigurationError(f"environment variable {variable} (named by {option}) is not set")
    return value


def _credentials(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """(password, token) from the variables the options name; ``None`` leaves it to the SDK."""
    token = _secret_from(args.token_env, "--token-env") if args.token_env else None
    if args.password_env:
        if not args.username:
            raise ConfigurationError("--password-env needs --username")
        return _secret_from(args.password_env, "--password-env"), token
    if args.username:
        for variable in PASSWORD_VARIABLES:
            if os.environ.get(variable):
                return os.environ[variable], token
        raise ConfigurationError(
            "--username needs a password: set MLFLOW_TRACKING_PASSWORD or name a variable "
            "with --password-env"
        )
    return None, token


def _print_text(report: DoctorReport, out: TextIO) -> None:
    print(f"mlflow-rest doctor: {report.server} (auth: {report.auth})", file=out)
    width = max(len(result.check) for result in report.results)
    for result in report.results:
        print(f"  {_MARKS[result.status]:<4}  {result.check:<{width}}  {result.message}", file=out)
    count = len(report.problems)
    verdict = "all checks passed" if report.ok else f"{count} problem{'s' * (count != 1)} found"
    print(verdict, file=out)


def _doctor(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        password, token = _credentials(args)
        client = doctor_client(
            args.tracking_uri,
            username=args.username,
            password=password,
            token=token,
            env_file=args.env_file,
            timeout=args.timeout,
        )
    except (ConfigurationError, ValueError) as error:
        if args.json:
            print(json.dumps({"ok": False, "problems": [f"configuration: {error}"]}), file=out)
        else:
            print(f"mlflow-rest doctor: configuration error: {error}", file=err)
        return EXIT_USAGE
    with client:
        report = run_doctor(client, latency_samples=args.latency_samples)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2), file=out)
    else:
        _print_text(report, out)
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mlflow-rest`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "doctor":
        return _doctor(args, sys.stdout, sys.stderr)
    if args.command == "openapi":
        sys.stdout.write(openapi_text())
        return EXIT_OK
    raise AssertionError(f"unhandled command {args.command!r}")  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
