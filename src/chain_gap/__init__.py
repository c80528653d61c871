"""chain-gap: an industrial-chain knowledge graph for city investment promotion (招商).

The graph is a plain :class:`networkx.MultiDiGraph`; modules are named by what they do:
``load`` (sources → graph), ``link`` (挂链), ``frames`` (graph → DataFrames), ``gaps``
(verdicts per link), ``targets`` (ranked target firms), ``metrics`` (pure formulas),
``plot`` and ``report`` (outputs), ``io`` (bundle on disk), ``neo4j``.
"""

__version__ = "0.1.0"
