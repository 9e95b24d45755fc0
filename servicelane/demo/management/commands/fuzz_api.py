"""Fuzz the REST API with Schemathesis, as every role, against a server of its own.

A fresh database gets the demo network; a server is started on a free loopback port;
for every role that has operations a token is issued, and Schemathesis generates
requests for every operation from the published OpenAPI document. The run fails on any
server error (5xx) and on any response the document does not describe (status, content
type, body). The seed is printed: ``--seed`` replays a run.
"""

import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.demo import data as demo_data
from servicelane.demo.people import staff_email

# The network staff's demo accounts; a workshop role's account is staff_email().
NETWORK_STAFF_EMAILS = {
    NetworkRole.NETWORK_ADMIN: "admin@network.demo",
    NetworkRole.NETWORK_SUPPORT: "support@network.demo",
}


def fuzz_personas() -> list[tuple[str, str]]:
    """(role, e-mail) of one demo account for every role that has operations: every
    workshop role (in the demo's first workshop) and the network staff. The list follows
    the choices, so a role added there is fuzzed too (and fails here until the demo has
    an account for it)."""
    workshop = demo_data.WORKSHOPS[0]["key"]
    personas = [(role.value, staff_email(role.value, workshop)) for role in WorkshopRole]
    for role in NetworkRole:
        if role not in NETWORK_STAFF_EMAILS:
            raise CommandError(f"No demo account to fuzz the API as {role.value}.")
        personas.append((role.value, NETWORK_STAFF_EMAILS[role]))
    return personas


# Checks every response must pass: no 5xx, and status, content type and body as the
# document says.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# The coverage phase sends every boundary and wrong-type value the document implies
# (the same for every role, and thousands of requests): it runs as the role that
# reaches the most operations. Every role runs the examples and the random fuzzing.
COVERAGE_ROLES = (WorkshopRole.MANAGER.value,)
# Operations on tokens (issuing, revoking: a manager revokes the workshop's) run in a
# last pass, after every role's main pass, so no role loses its token half-way.
CREDENTIAL_ENDING = r"token"
# Schemathesis' settings beside the command line: the coverage phase does not send
# methods an operation does not have (405s that the document need not list); half of
# the workshop codes and ids it sends are ones the demo has, so requests get past the
# lookups into the handlers, and half are anything at all.
SCHEMATHESIS_CONFIG = """\
[phases.coverage]
unexpected-methods = []

[dictionaries]
workshops = {{ values = {workshops} }}
ids = {{ values = {ids} }}

[parameters]
{parameters}
"""
KNOWN_VALUE_PROBABILITY = 0.5
DEMO_PASSWORD = "fuzz-servicelane"


@dataclass
class RoleRun:
    role: str
    email: str
    token: str = ""
    exit_code: int = 0
    seconds: float = 0.0
    summary: dict[str, int] = field(default_factory=dict)


@dataclass
class Job:
    """One Schemathesis run in flight."""

    run: RoleRun
    label: str
    process: subprocess.Popen
    log: Path
    junit: Path
    started: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Command(BaseCommand):
    help = (
        "Fuzz the API with Schemathesis as every role, on a fresh demo database and a "
        "server of its own; fails on any 5xx or response that does not match the document."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, help="Replay a run: the seed it printed.")
        parser.add_argument(
            "--max-examples",
            type=int,
            default=int(os.environ.get("FUZZ_MAX_EXAMPLES", "5")),
            help="Random cases per operation and role (default 5, or FUZZ_MAX_EXAMPLES).",
        )
        parser.add_argument(
            "--roles",
            default="",
            help="Comma-separated roles to fuzz as (default: every role): "
            + ", ".join(role for role, _email in fuzz_personas()),
        )
        parser.add_argument(
            "--coverage-roles",
            default=",".join(COVERAGE_ROLES),
            help="Roles that also run the coverage phase (default: %(default)s; "
            "'' for none, 'all' for every role).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=2,
            help="Roles fuzzed at the same time (default 2).",
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="An empty database to build (default: a new SQLite file var/fuzz.sqlite3).",
        )
        parser.add_argument(
            "--demo-scale", type=float, default=0.05, help="Size of the demo (default 0.05)."
        )
        parser.add_argument(
            "--server-workers", type=int, default=2, help="gunicorn workers (default 2)."
        )
        parser.add_argument(
            "--report-dir",
            default=str(Path(settings.VAR_DIR) / "fuzz"),
            help="Where the logs, JUnit reports and the server log go (default var/fuzz).",
        )
        parser.add_argument(
            "--include-path-regex",
            default="",
            help="Only operations whose path matches (to chase one finding).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        seed = opts["seed"] if opts["seed"] is not None else secrets.randbelow(2**31)
        self.opts = opts
        self.seed = seed
        runs = [RoleRun(role, email) for role, email in self._personas(opts["roles"])]
        self.report_dir = Path(opts["report_dir"])
        if self.report_dir.exists():
            shutil.rmtree(self.report_dir)
        self.report_dir.mkdir(parents=True)
        self.stdout.write(self.style.SUCCESS(f"Fuzzing seed: {seed}"))
        self.stdout.write(f"  replay with: python manage.py fuzz_api --seed {seed}")

        started = time.monotonic()
        env = self._database_env(opts["database_url"])
        self._build_database(env, opts["demo_scale"])
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        server = self._start_server(env, port, opts["server_workers"])
        try:
            self._wait_until_up(server)
            self.document = self._fetch_document(self.report_dir / "openapi.json")
            self._step(f"{len(operations(self.document))} operations in the document")
            self.config = self.report_dir / "schemathesis.toml"
            self.config.write_text(schemathesis_config(self.document))
            # Every token before any fuzzing: fuzzing the token endpoint with wrong
            # passwords locks this address out of logging in (as it should).
            for run in runs:
                run.token = self._token(run.email)
            self._run_jobs([(run, "main") for run in runs])
            for run in runs:
                if not self._token_works(run.token):
                    self.stderr.write(f"The {run.role} token stopped working during the run.")
                    run.exit_code = run.exit_code or 1
            if ending_credentials(self.document) and not opts["include_path_regex"]:
                self._run_jobs([(run, "tokens") for run in runs])
            self._check_server_alive(server)
        finally:
            self._stop_server(server)
        self._report(runs, time.monotonic() - started)

    def _personas(self, roles: str) -> list[tuple[str, str]]:
        personas = fuzz_personas()
        wanted = [r.strip() for r in roles.split(",") if r.strip()]
        unknown = set(wanted) - {role for role, _email in personas}
        if unknown:
            raise CommandError(f"Unknown role(s): {', '.join(sorted(unknown))}")
        return [(role, email) for role, email in personas if not wanted or role in wanted]

    def _step(self, message: str) -> None:
        self.stdout.write(f"[{time.strftime('%H:%M:%S')}] {message}")
        self.stdout.flush()

    # ------------------------------------------------------------ database and server

    def _database_env(self, database_url: str) -> dict[str, str]:
        env = dict(os.environ)
        if not database_url:
            path = Path(settings.VAR_DIR) / "fuzz.sqlite3"
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            database_url = f"sqlite:///{path}"
        env["DATABASE_URL"] = database_url
        # E-mails stay in the database's task queue (no worker runs) or in memory:
        # nothing leaves the machine.
        env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _manage(self, env: dict[str, str], *arguments: str) -> None:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments]
        result = subprocess.run(command, env=env, check=False)  # noqa: S603
        if result.returncode != 0:
            raise CommandError(f"{shlex.join(command[1:])} failed ({result.returncode}).")

    def _build_database(self, env: dict[str, str], scale: float) -> None:
        self._step(f"Building the demo database ({env['DATABASE_URL']})")
        self._manage(env, "migrate", "--noinput", "-v0")
        if not env["DATABASE_URL"].startswith("sqlite:"):
            self._manage(env, "flush", "--noinput", "-v0")
        self._manage(env, "seed_demo", "--scale", str(scale), "--password", DEMO_PASSWORD, "-v0")

    def _start_server(self, env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
        log = (self.report_dir / "server.log").open("w")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "servicelane.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            # The application answers long addresses itself (a proxy in front may not let
            # them through: that is the proxy's answer, not ours).
            "--limit-request-line",
            "0",
            "--access-logfile",
            "-",
        ]
        self._step(f"Starting the server on 127.0.0.1:{port}")
        return subprocess.Popen(  # noqa: S603
            command,
            env=env,
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _wait_until_up(self, server: subprocess.Popen) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self._check_server_alive(server)
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise CommandError("The server did not answer /healthz within 60 seconds.")

    def _fetch_document(self, path: Path) -> Path:
        # Fetched once and handed to every run: generating it takes the server seconds.
        with urllib.request.urlopen(f"{self.base}/api/v1/openapi.json", timeout=60) as answer:  # noqa: S310
            path.write_bytes(answer.read())
        return path

    def _check_server_alive(self, server: subprocess.Popen) -> None:
        if server.poll() is not None:
            raise CommandError(
                f"The server stopped (exit status {server.returncode}); "
                f"see {self.report_dir / 'server.log'}."
            )

    def _stop_server(self, server: subprocess.Popen) -> None:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    # ------------------------------------------------------------------- tokens

    def _token(self, email: str) -> str:
        body = {"email": email, "password": DEMO_PASSWORD, "name": "fuzz_api"}
        request = urllib.request.Request(  # noqa: S310
            f"{self.base}/api/v1/auth/token",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return str(json.load(answer)["token"])
        except urllib.error.HTTPError as error:
            raise CommandError(f"No token for {email}: {error.code} {error.read()!r}") from error

    def _token_works(self, token: str) -> bool:
        request = urllib.request.Request(  # noqa: S310
            f"{self.base}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return answer.status == 200
        except urllib.error.HTTPError:
            return False

    # ------------------------------------------------------------------- fuzzing

    def _phases(self, role: str) -> str:
        coverage = [r.strip() for r in self.opts["coverage_roles"].split(",") if r.strip()]
        if "all" in coverage or role in coverage:
            return "examples,coverage,fuzzing"
        return "examples,fuzzing"

    def _start_job(self, run: RoleRun, label: str) -> Job:
        name = run.role if label == "main" else f"{run.role}-{label}"
        junit = self.report_dir / f"{name}.xml"
        log = self.report_dir / f"{name}.log"
        selection = (
            ["--exclude-name-regex", CREDENTIAL_ENDING]
            if label == "main"
            else ["--include-name-regex", CREDENTIAL_ENDING]
        )
        if self.opts["include_path_regex"]:
            selection += ["--include-path-regex", self.opts["include_path_regex"]]
        executable = Path(sys.executable).with_name("schemathesis")
        command = [
            str(executable) if executable.exists() else "schemathesis",
            "--config-file",
            str(self.config),
            "run",
            str(self.document),
            "--url",
            self.base,
            "--header",
            f"Authorization: Bearer {run.token}",
            "--checks",
            ",".join(CHECKS),
            "--phases",
            self._phases(run.role) if label == "main" else "examples,fuzzing",
            "--max-examples",
            str(self.opts["max_examples"]),
            "--seed",
            str(self.seed),
            # One worker: Hypothesis describing strategies in several threads at once
            # trips over CPython 3.11's parser; roles run side by side instead.
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--request-timeout",
            "60",
            "--suppress-health-check",
            "all",
            "--no-color",
            "--report",
            "junit",
            "--report-junit-path",
            str(junit),
            *selection,
        ]
        self._step(f"Fuzzing as {run.role} ({label}, {run.email})")
        process = subprocess.Popen(  # noqa: S603
            command, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        return Job(run, label, process, log, junit, time.monotonic())

    def _finish_job(self, job: Job) -> None:
        code = job.process.returncode
        run = job.run
        run.seconds += time.monotonic() - job.started
        for key, value in junit_summary(job.junit).items():
            run.summary[key] = run.summary.get(key, 0) + value
        text = job.log.read_text(errors="replace")
        counted = re.search(r"^\s*(\d+) generated", text, re.MULTILINE)
        run.summary["requests"] = run.summary.get("requests", 0) + int(
            counted.group(1) if counted else 0
        )
        # A selection no operation matches (--include-path-regex) has nothing to test.
        failed = code != 0 and "No operations matched the filters" not in text
        if failed:
            run.exit_code = run.exit_code or code or 1
        self._step(f"Done as {run.role} ({job.label}): exit status {code}")
        if failed:
            self.stdout.write(text)
        else:
            summary = text[text.rfind("SUMMARY") :] if "SUMMARY" in text else text[-1500:]
            self.stdout.write(summary)

    def _run_jobs(self, todo: list[tuple[RoleRun, str]]) -> None:
        waiting = list(todo)
        running: list[Job] = []
        while waiting or running:
            while waiting and len(running) < max(1, self.opts["jobs"]):
                run, label = waiting.pop(0)
                running.append(self._start_job(run, label))
            time.sleep(0.5)
            for job in [j for j in running if j.process.poll() is not None]:
                running.remove(job)
                self._finish_job(job)

    def _report(self, runs: list[RoleRun], seconds: float) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"{'role':<18} {'operations':>10} {'cases':>7} {'failed':>7} {'seconds':>8}"
        )
        for run in runs:
            self.stdout.write(
                f"{run.role:<18} {run.summary.get('tests', 0):>10} "
                f"{run.summary.get('requests', 0):>7} {run.summary.get('failures', 0):>7} "
                f"{run.seconds:>8.0f}"
            )
        self.stdout.write(
            f"seed {self.seed}; {seconds:.0f} s in all; logs and reports in {self.report_dir}"
        )
        failed = [run.role for run in runs if run.exit_code != 0]
        if failed:
            raise CommandError(
                f"Fuzzing found failures as {', '.join(failed)} (seed {self.seed}); replay with "
                f"python manage.py fuzz_api --seed {self.seed} --roles {','.join(failed)}"
            )
        self.stdout.write(self.style.SUCCESS("Fuzzing: no server error, no schema mismatch."))


def schemathesis_config(document: Path) -> str:
    """The settings file: known workshop codes and ids for the parameters named so."""
    paths = json.loads(document.read_text())["paths"]
    bindings = {}
    for methods in paths.values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                name, where = parameter["name"], parameter["in"]
                if name == "workshop":
                    bindings[f"{where}.{name}"] = "workshops"
                elif parameter.get("schema", {}).get("type") == "integer" and where == "path":
                    bindings[f"{where}.{name}"] = "ids"
    bindings["body.workshop"] = "workshops"
    lines = [
        f'"{key}" = {{ dictionary = "{dictionary}", probability = {KNOWN_VALUE_PROBABILITY} }}'
        for key, dictionary in sorted(bindings.items())
    ]
    return SCHEMATHESIS_CONFIG.format(
        workshops=json.dumps([w["code"] for w in demo_data.WORKSHOPS]),
        ids=json.dumps(list(range(1, 41))),
        parameters="\n".join(lines),
    )


def operations(document: Path) -> list[str]:
    """The operations of the document as Schemathesis names them: "GET /api/v1/me"."""
    paths = json.loads(document.read_text())["paths"]
    return [f"{method.upper()} {path}" for path, ops in paths.items() for method in ops]


def ending_credentials(document: Path) -> list[str]:
    """The operations that may end the caller's credentials (see CREDENTIAL_ENDING)."""
    return [name for name in operations(document) if re.search(CREDENTIAL_ENDING, name)]


def junit_summary(path: Path) -> dict[str, int]:
    """Operations tested and failed, from Schemathesis' JUnit report."""
    if not path.exists():
        return {}
    root = ElementTree.parse(path).getroot()  # noqa: S314 - our own report
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    return {
        "tests": sum(int(s.get("tests", 0)) for s in suites),
        "failures": sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites),
    }
