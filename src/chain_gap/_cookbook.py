"""The statements of ``graph/cypher/cookbook.cypher``, as Neo4j Browser users run them.

One parser for the live tests and ``benchmarks/bench_neo4j.py``, so both run the very text users read
(no copy of the queries elsewhere). A statement is the lines after a ``// Qn. …`` comment block up to
the line ending in ``;``; ``:param`` lines are Browser commands and skipped.
"""

from __future__ import annotations

from pathlib import Path

from chain_gap._resources import graph_dir


def path() -> Path:
    """Where the cookbook is (``graph/cypher/cookbook.cypher``)."""
    return graph_dir() / "cypher" / "cookbook.cypher"


def statements(text: str | None = None) -> list[tuple[str, str]]:
    """``(comment title, query without the final ;)`` per statement, in file order.

    Raises ``ValueError`` for a statement without its ``// Qn.`` comment or one left unterminated.
    """
    text = path().read_text(encoding="utf-8") if text is None else text
    out: list[tuple[str, str]] = []
    comment: list[str] = []
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith(":param"):
            continue
        if line.startswith("//") and not body:
            comment.append(line[2:].strip())
            continue
        if not line.strip() and not body:
            comment = [] if not comment or not comment[0].startswith("Q") else comment
            continue
        body.append(line)
        if line.rstrip().endswith(";"):
            if not comment or not comment[0].startswith("Q"):
                raise ValueError(f"cookbook query without a '// Qn.' comment: {body[0]}")
            out.append((comment[0], "\n".join(body).rstrip()[:-1]))
            comment, body = [], []
    if body:
        raise ValueError(f"cookbook statement not terminated by ';': {body[0]}")
    return out


def queries(text: str | None = None) -> dict[str, str]:
    """``{"Q1": query, …}``: the statements by their number."""
    return {title.split(".")[0]: q for title, q in statements(text)}
