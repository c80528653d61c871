"""A real Neo4j Community 5.26 server on 127.0.0.1 for the live tests, built from Maven Central artifacts.

``scripts/setup --test`` builds ``scripts/neo4j`` (a one-class Maven project over
``org.neo4j.test:neo4j-harness``) into ``scripts/neo4j/target``; this module starts it as a child JVM,
waits until Bolt answers with the generated password and stops it again. Nothing is downloaded here.

Used by the session fixture ``neo4j_server`` in ``tests/conftest.py`` and from the command line::

    .venv/bin/python tests/neo4j_server.py                 # start, print NEO4J_URI=… and run until Ctrl-C
    .venv/bin/python tests/neo4j_server.py -- CMD ARGS...  # run CMD with NEO4J_URI/USER/PASSWORD set

Environment: ``CHAIN_GAP_NEO4J_JAVA`` (the java binary; default ``$JAVA_HOME/bin/java``, else ``java``),
``CHAIN_GAP_NEO4J_JAVA_OPTS`` (JVM flags; default a small heap and a quick-starting JIT).
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "scripts" / "neo4j"
JAR = PROJECT / "target" / "chain-gap-neo4j.jar"
LIB = PROJECT / "target" / "lib"
MAIN = "chaingap.Serve"
# A small heap and C1 only: the server starts in about half the CPU time of the default tiered JIT, which
# matters on a 2-core CI machine; the live tests send small graphs. Benchmarks pass their own flags.
JAVA_OPTS = "-Xms256m -Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
START_TIMEOUT = 240.0


class ServerUnavailable(RuntimeError):
    """The Neo4j test server is not built here, or did not come up; the message says which and what to do."""


def java_binary() -> str | None:
    """The ``java`` to start the server with, or None when there is none."""
    explicit = os.environ.get("CHAIN_GAP_NEO4J_JAVA")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def missing() -> str | None:
    """Why the server cannot be started here (None when it can)."""
    if java_binary() is None:
        return "no Java found (install openjdk-17-jdk-headless, or set JAVA_HOME or CHAIN_GAP_NEO4J_JAVA)"
    if not JAR.is_file() or not LIB.is_dir() or not any(LIB.glob("neo4j-harness-*.jar")):
        return f"the Neo4j test server is not built ({JAR.name} or its lib/ missing): run scripts/setup --test"
    return None


class Neo4jServer:
    """One child JVM running Neo4j; use as a context manager or call :meth:`start` / :meth:`stop`.

    Parameters
    ----------
    java_opts : str or None
        JVM flags; default ``CHAIN_GAP_NEO4J_JAVA_OPTS`` or :data:`JAVA_OPTS`.
    timeout : float
        Seconds to wait for Bolt to answer before giving up.
    copy_from : Path or None
        Serve databases written beforehand: a Neo4j home whose ``data/databases/NAME`` and
        ``data/transactions/NAME`` hold them (as :func:`admin_import` leaves it).
    """

    def __init__(self, java_opts: str | None = None, timeout: float = START_TIMEOUT, copy_from: Path | None = None):
        self.java_opts = java_opts if java_opts is not None else os.environ.get("CHAIN_GAP_NEO4J_JAVA_OPTS", JAVA_OPTS)
        self.timeout = timeout
        self.copy_from = copy_from
        self.password = "cg-" + secrets.token_hex(12)
        self.user = "neo4j"
        self.uri: str | None = None
        self.start_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._log: IO[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        """``NEO4J_URI``, ``NEO4J_USER`` and ``NEO4J_PASSWORD`` for this server."""
        assert self.uri is not None, "server not started"
        return {"NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}

    def _log_tail(self, lines: int = 15) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        text = Path(self._log.name).read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return "\n".join(text[-lines:])

    def start(self) -> Neo4jServer:
        """Start the JVM and wait until Bolt answers with this server's password.

        Raises
        ------
        ServerUnavailable
            Not built, no Java, the JVM exited, or no answer within ``timeout`` seconds (the JVM is
            stopped then; the message ends with the tail of its log).
        """
        why = missing()
        if why:
            raise ServerUnavailable(why)
        t0 = time.monotonic()
        self._dir = tempfile.TemporaryDirectory(prefix="chain-gap-neo4j-")
        base = Path(self._dir.name)
        uri_file = base / "uri"
        self._log = open(base / "server.log", "w+b")  # noqa: SIM115 - closed in stop()
        classpath = os.pathsep.join([str(JAR), str(LIB / "*")])
        cmd = [java_binary() or "java", *shlex.split(self.java_opts), "-cp", classpath, MAIN]
        cmd += ["--work", str(base / "work"), "--uri-file", str(uri_file), "--stop-on-stdin-eof"]
        if self.copy_from is not None:
            cmd += ["--copy-from", str(self.copy_from)]
        env = {**os.environ, "NEO4J_PASSWORD": self.password}
        # stdin is a pipe that only this process holds: when it exits, however it exits, the pipe closes
        # and the JVM stops itself (no orphan server).
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = t0 + self.timeout
        try:
            while not uri_file.is_file():
                if self._proc.poll() is not None:
                    raise ServerUnavailable(
                        f"the Neo4j test server exited with code {self._proc.returncode}:\n{self._log_tail()}"
                    )
                if time.monotonic() > deadline:
                    raise ServerUnavailable(
                        f"the Neo4j test server did not answer within {self.timeout:.0f} s:\n{self._log_tail()}"
                    )
                time.sleep(0.2)
            self.uri = uri_file.read_text(encoding="utf-8").strip()
            self._wait_for_bolt(deadline)
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - t0
        return self

    def _wait_for_bolt(self, deadline: float) -> None:
        from neo4j import GraphDatabase

        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as driver:
                    driver.verify_connectivity()
                    return
            except Exception as exc:  # the server is still opening its databases
                last = exc
                time.sleep(0.5)
        raise ServerUnavailable(f"Bolt at {self.uri} did not answer: {last}\n{self._log_tail()}")

    def stop(self, timeout: float = 60.0) -> None:
        """Stop the JVM (close its stdin, then SIGTERM, then SIGKILL) and remove its files."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            try:
                if proc.stdin is not None:
                    proc.stdin.close()
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        elif proc is not None and proc.stdin is not None:
            proc.stdin.close()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self) -> Neo4jServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def admin_import(export_dir: Path, home: Path, java_opts: str | None = None, timeout: float = 600.0) -> str:
    """Run the ``neo4j-admin database import full`` command of an export's README with the real importer.

    ``chain_gap.neo4j.export_admin_import`` writes the exact command into ``export_dir/README.md``; it
    runs here as written, in ``export_dir``, with ``neo4j-admin`` replaced by ``org.neo4j.cli.AdminTool``
    from the same Maven jars as the server. The store lands in ``home/data``; serve it with
    ``Neo4jServer(copy_from=home)``. Returns the importer's output.

    Raises
    ------
    ServerUnavailable
        Not built or no Java.
    subprocess.CalledProcessError
        The importer refused the files (its output is in ``output``).
    """
    why = missing()
    if why:
        raise ServerUnavailable(why)
    readme = (Path(export_dir) / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    command = next(c for c in block.replace("\\\n", " ").splitlines() if c.startswith("neo4j-admin database import"))
    args = shlex.split(command)[1:]
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").touch()
    opts = java_opts if java_opts is not None else os.environ.get("CHAIN_GAP_NEO4J_JAVA_OPTS", JAVA_OPTS)
    classpath = os.pathsep.join([str(JAR), str(LIB / "*")])
    cmd = [java_binary() or "java", *shlex.split(opts), "-cp", classpath, "org.neo4j.cli.AdminTool", *args]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    done = subprocess.run(
        cmd, cwd=export_dir, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, cmd, output=done.stdout + done.stderr)
    return done.stdout + done.stderr


def main(argv: list[str]) -> int:
    """Start a server; run the command after ``--`` with its environment, or wait for Ctrl-C."""
    cmd = argv[argv.index("--") + 1 :] if "--" in argv else []
    try:
        server = Neo4jServer().start()
    except ServerUnavailable as exc:
        print(f"neo4j_server: {exc}", file=sys.stderr)
        return 3
    try:
        print(f"neo4j_server: Neo4j at {server.uri} (user neo4j) up in {server.start_seconds:.1f} s", file=sys.stderr)
        if cmd:
            return subprocess.call(cmd, env={**os.environ, **server.env})
        # a throwaway server with a random password: printing it is how a shell gets to use it
        print(" ".join(f"{k}={v}" for k, v in server.env.items()), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0
    finally:
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
