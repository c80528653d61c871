// chain-gap cookbook: gap queries for Neo4j Browser and cypher-shell users (Neo4j 5).
//
// Data: a graph written by `chain-gap neo4j push` or imported from `chain-gap neo4j export`
// (labels and relationship types as in graph/schema.yaml; every node has a namespaced `id` such as
// 'ent:91350900587527783P', 'link:nev/cathode', 'region:411400').
//
// Conventions, the same as chain_gap.gaps:
// * a firm counts for a link when its LINKED_TO edge is confirmed (decision 'confirmed') and its
//   role is the one that carries the link out (`performs`; producers when the property is absent);
// * firms attach to leaf links (`leaf: true`);
// * a region code selects enterprises by the prefix of their 6-digit `region` property: 2 digits
//   for a province (code ending 0000), 4 for a city (ending 00), all 6 for a county.
// These queries only count firms. Verdicts (missing / weak / fragile / strong / anchored) need the
// location quotient with its interval and the other metrics: run chain_gap.gaps.table on a graph
// pulled with `chain-gap neo4j pull` for those.
//
// Set the parameters once (Browser: run each :param line; cypher-shell accepts them as they are),
// then run one query at a time. Values below are examples.

:param chain => 'nev'
:param province => '410000'
:param region => '411400'
:param link => 'link:nev/cathode'
:param per_link => 10

// Q1. Firms per leaf link per city of one province (counted firms only).
//     $chain: chain id · $province: province code. Cities come from the first 4 digits of the
//     firms' region codes; firms known only at province level are left out.
WITH CASE WHEN $province ENDS WITH '0000' THEN left($province, 2) ELSE $province END AS prefix
MATCH (l:Link {chain: $chain, leaf: true})<-[r:LINKED_TO]-(e:Enterprise)
WHERE r.decision = 'confirmed' AND coalesce(r.performs, r.role = 'producer')
  AND e.region STARTS WITH prefix AND NOT e.region ENDS WITH '0000'
WITH l, left(e.region, 4) + '00' AS city, count(DISTINCT e) AS firms
OPTIONAL MATCH (c:Region {id: 'region:' + city})
RETURN l.id AS link, l.name AS link_name, city, c.name AS city_name, firms
ORDER BY link, firms DESC;

// Q2. Missing links of a region: leaf links with no counted firm in $region, heaviest first, with
//     how many counted firms the rest of the country has (0 nationally: nobody to attract either).
//     $chain · $region: province, city or county code.
WITH $region AS code
WITH CASE WHEN code ENDS WITH '0000' THEN left(code, 2)
          WHEN code ENDS WITH '00' THEN left(code, 4) ELSE code END AS prefix
MATCH (l:Link {chain: $chain, leaf: true})
OPTIONAL MATCH (l)<-[r:LINKED_TO]-(e:Enterprise)
  WHERE r.decision = 'confirmed' AND coalesce(r.performs, r.role = 'producer')
    AND e.region STARTS WITH prefix
WITH l, count(DISTINCT e) AS local_firms
WHERE local_firms = 0
OPTIONAL MATCH (l)<-[n:LINKED_TO]-(x:Enterprise)
  WHERE n.decision = 'confirmed' AND coalesce(n.performs, n.role = 'producer')
RETURN l.id AS link, l.name AS link_name, l.stage AS stage, l.weight AS weight,
       count(DISTINCT x) AS national_firms
ORDER BY weight DESC, link;

// Q3. Single-firm links of a region: links carried by exactly one counted local firm, a single
//     point of failure for the local chain. $chain · $region.
WITH $region AS code
WITH CASE WHEN code ENDS WITH '0000' THEN left(code, 2)
          WHEN code ENDS WITH '00' THEN left(code, 4) ELSE code END AS prefix
MATCH (l:Link {chain: $chain, leaf: true})<-[r:LINKED_TO]-(e:Enterprise)
WHERE r.decision = 'confirmed' AND coalesce(r.performs, r.role = 'producer')
  AND e.region STARTS WITH prefix
WITH l, collect(DISTINCT e) AS firms
WHERE size(firms) = 1
WITH l, firms[0] AS e
RETURN l.id AS link, l.name AS link_name, l.weight AS weight, e.id AS ent_id, e.name AS name,
       e.region AS region, e.revenue AS revenue
ORDER BY weight DESC, link;

// Q4. Candidate targets: confirmed producers elsewhere in the country for each missing link of
//     $region, the largest first (revenue, else registered capital), at most $per_link per link.
//     A first list to discuss; chain_gap.targets.rank scores candidates with supply fit and tags.
WITH $region AS code
WITH CASE WHEN code ENDS WITH '0000' THEN left(code, 2)
          WHEN code ENDS WITH '00' THEN left(code, 4) ELSE code END AS prefix
MATCH (l:Link {chain: $chain, leaf: true})
OPTIONAL MATCH (l)<-[r:LINKED_TO]-(e:Enterprise)
  WHERE r.decision = 'confirmed' AND coalesce(r.performs, r.role = 'producer')
    AND e.region STARTS WITH prefix
WITH prefix, l, count(DISTINCT e) AS local_firms
WHERE local_firms = 0
MATCH (l)<-[c:LINKED_TO]-(x:Enterprise)
WHERE c.decision = 'confirmed' AND coalesce(c.performs, c.role = 'producer')
  AND NOT coalesce(x.region, '') STARTS WITH prefix
WITH l, x, c
ORDER BY coalesce(x.revenue, x.reg_capital, 0.0) DESC, x.id
WITH l, collect({ent_id: x.id, name: x.name, region: x.region, revenue: x.revenue,
                 reg_capital: x.reg_capital, tags: x.tags, confidence: c.confidence,
                 evidence: c.evidence})[..$per_link] AS top
UNWIND top AS t
RETURN l.id AS link, l.name AS link_name, t.ent_id AS ent_id, t.name AS name, t.region AS region,
       t.revenue AS revenue, t.reg_capital AS reg_capital, t.tags AS tags,
       t.confidence AS confidence, t.evidence AS evidence
ORDER BY link, coalesce(revenue, reg_capital, 0.0) DESC;

// Q5. One link's firms in a region with the evidence of each 挂链 decision (all roles and
//     decisions; `counted` says whether gap analysis counts the firm). $link · $region.
WITH $region AS code
WITH CASE WHEN code ENDS WITH '0000' THEN left(code, 2)
          WHEN code ENDS WITH '00' THEN left(code, 4) ELSE code END AS prefix
MATCH (l:Link {id: $link})<-[r:LINKED_TO]-(e:Enterprise)
WHERE e.region STARTS WITH prefix
OPTIONAL MATCH (e)-[:LOCATED_IN]->(g:Region)
RETURN e.id AS ent_id, e.name AS name, e.region AS region, g.name AS region_name,
       r.role AS role, r.decision AS decision, r.confidence AS confidence, r.method AS method,
       r.evidence AS evidence,
       (r.decision = 'confirmed' AND coalesce(r.performs, r.role = 'producer')) AS counted
ORDER BY counted DESC, decision, confidence DESC, ent_id;
