"""The ``chain-gap neo4j`` commands: push a bundle, pull a chain's subgraph, write admin-import files.

Kept apart from :mod:`chain_gap.cli` (which registers the group) to keep that module short.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from chain_gap._cli import BilingualGroup, _bundle, bundle_arg, chain_opt, friendly, msg_lang_opt, no_contacts_opt


@click.group("neo4j", cls=BilingualGroup)
def neo4j_group() -> None:
    """Neo4j 作为主数据库：推送、拉取、批量导入文件。

    Neo4j as the system of record: push, pull, bulk-import files.

    连接信息只从环境变量读取。Credentials come only from the environment: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD.
    """


@neo4j_group.command("push")
@bundle_arg
@click.option(
    "--database",
    default=None,
    help="Neo4j 数据库（默认服务器的默认库）。Neo4j database (default: the server's default).",
)
@click.option("--batch-size", default=10_000, show_default=True, help="每批写入的行数。Rows per batch.")
@no_contacts_opt
@msg_lang_opt
@friendly
def neo4j_push(bundle: str, database: str | None, batch_size: int, no_contacts: bool, lang: str | None) -> None:
    """把数据包推送到 Neo4j（先建约束，再分批 MERGE；可重复执行）。

    Push a bundle into Neo4j (constraints first, then batched MERGE; idempotent).

    \b
    Example: NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=… chain-gap neo4j push city.bundle
    """
    from chain_gap import neo4j

    res = neo4j.push(_bundle(bundle), database=database, batch_size=batch_size, progress=True, contacts=not no_contacts)
    click.echo(json.dumps(res, ensure_ascii=False, indent=1, default=str))


@neo4j_group.command("pull")
@chain_opt
@click.option(
    "--region",
    default=None,
    help="只拉取该地区的企业（全国合计随之改变）。Only enterprises of this region (national totals then change).",
)
@click.option("--database", default=None, help="Neo4j 数据库。Neo4j database.")
@click.option(
    "--into",
    "into",
    required=True,
    type=click.Path(file_okay=False),
    help="写入的数据包文件夹。Bundle folder to write.",
)
@msg_lang_opt
@friendly
def neo4j_pull(chain: str, region: str | None, database: str | None, into: str, lang: str | None) -> None:
    """从 Neo4j 拉取一条产业链的子图，存为数据包。

    Pull one chain's subgraph from Neo4j into a bundle that every analysis accepts.

    \b
    Example: chain-gap neo4j pull --chain nev --into nev.bundle
    """
    from chain_gap import codes, io, neo4j

    code = codes.resolve_region(region).code if region else None
    G = neo4j.pull(database=database, chain=chain, region=code)
    io.save(G, into)
    click.echo(f"{into}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")


@neo4j_group.command("export")
@bundle_arg
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option(
    "--database", default="neo4j", show_default=True, help="导入命令中的数据库名。Database name in the import command."
)
@no_contacts_opt
@msg_lang_opt
@friendly
def neo4j_export(bundle: str, out_dir: str, database: str, no_contacts: bool, lang: str | None) -> None:
    """写出 neo4j-admin 批量导入文件（CSV 和含完整命令的 README）。

    Write neo4j-admin database import files (CSV + README with the exact command).

    \b
    Example: chain-gap neo4j export city.bundle import/
    """
    from chain_gap import neo4j

    counts = neo4j.export_admin_import(_bundle(bundle), out_dir, database=database, contacts=not no_contacts)
    click.echo(f"{out_dir}: {sum(counts.values())} rows in {len(counts)} files; see {Path(out_dir) / 'README.md'}")
