"""chain-gap: an industrial-chain knowledge graph for city investment promotion (招商).

The graph is a plain :class:`networkx.MultiDiGraph`; modules are named by what they do:
``load`` (sources → graph), ``link`` (挂链), ``frames`` (graph → DataFrames), ``gaps``
(verdicts per link), ``targets`` (ranked target firms), ``metrics`` (pure formulas),
``render`` (the outputs: map, panorama, Excel, notes, HTML report), with ``plot`` (drawing API)
and ``report`` (all outputs of one chain and region) as its faces, ``io`` (bundle on disk), ``neo4j``.
"""

__version__ = "0.1.0"
