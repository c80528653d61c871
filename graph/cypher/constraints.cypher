// chain-gap: uniqueness constraints and indexes for Neo4j 5, generated from graph/schema.yaml
// by chain_gap.neo4j.constraints_script(); do not edit by hand (a test compares this file).
// Run after `neo4j-admin database import full`, e.g.:
//   cypher-shell -a "$NEO4J_URI" -u "$NEO4J_USER" -p "$NEO4J_PASSWORD" -f constraints.cypher
// chain_gap.neo4j.push runs the same statements itself.

// one node per id and label
CREATE CONSTRAINT cg_chain_id IF NOT EXISTS FOR (n:Chain) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cg_link_id IF NOT EXISTS FOR (n:Link) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cg_product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cg_enterprise_id IF NOT EXISTS FOR (n:Enterprise) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cg_region_id IF NOT EXISTS FOR (n:Region) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cg_industry_id IF NOT EXISTS FOR (n:Industry) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cg_chaingapmeta_id IF NOT EXISTS FOR (n:ChainGapMeta) REQUIRE n.id IS UNIQUE;

// properties that pulls and the cookbook filter on
CREATE INDEX cg_enterprise_region IF NOT EXISTS FOR (n:Enterprise) ON (n.region);
CREATE INDEX cg_enterprise_uscc IF NOT EXISTS FOR (n:Enterprise) ON (n.uscc);
CREATE INDEX cg_enterprise_stock_code IF NOT EXISTS FOR (n:Enterprise) ON (n.stock_code);
CREATE INDEX cg_enterprise_name_norm IF NOT EXISTS FOR (n:Enterprise) ON (n.name_norm);
CREATE INDEX cg_enterprise_industry_code IF NOT EXISTS FOR (n:Enterprise) ON (n.industry_code);
CREATE INDEX cg_link_chain IF NOT EXISTS FOR (n:Link) ON (n.chain);
CREATE INDEX cg_region_level IF NOT EXISTS FOR (n:Region) ON (n.level);
CREATE INDEX cg_industry_code IF NOT EXISTS FOR (n:Industry) ON (n.code);
