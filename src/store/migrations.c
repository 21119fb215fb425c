/* migrations.c - the schema, as numbered migrations.
 *
 * Never edit a migration that has shipped: add a new one. Each stage owns
 * its migration; its tables reference articles(rowid). */
#include "store.h"

static const char m001_core[] =
    "CREATE TABLE articles (\n"
    "  rowid INTEGER PRIMARY KEY,\n"
    "  id TEXT NOT NULL UNIQUE,\n"
    "  version INTEGER NOT NULL DEFAULT 1,\n"
    "  source TEXT, url TEXT, title TEXT, author TEXT,\n"
    "  given_date TEXT, published TEXT, fetched TEXT, event_date TEXT,\n"
    "  lang TEXT,\n"
    "  text TEXT NOT NULL,\n"
    "  text_hash TEXT NOT NULL,\n"
    "  meta TEXT, extra TEXT, origin TEXT,\n"
    "  repaired_bytes INTEGER NOT NULL DEFAULT 0,\n"
    "  ingested_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX articles_source ON articles(source);\n"
    "CREATE INDEX articles_published ON articles(coalesce(published, given_date));\n"
    "CREATE TABLE article_versions (\n"
    "  article INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  version INTEGER NOT NULL,\n"
    "  title TEXT, text TEXT NOT NULL, text_hash TEXT NOT NULL, replaced_at TEXT NOT NULL,\n"
    "  PRIMARY KEY (article, version)\n"
    ");\n"
    "CREATE VIRTUAL TABLE articles_fts USING fts5(\n"
    "  title, text, content='articles', content_rowid='rowid',\n"
    "  tokenize='porter unicode61 remove_diacritics 2'\n"
    ");\n"
    "CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN\n"
    "  INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);\n"
    "END;\n"
    "CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN\n"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, text)\n"
    "    VALUES ('delete', old.rowid, old.title, old.text);\n"
    "END;\n"
    "CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN\n"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, text)\n"
    "    VALUES ('delete', old.rowid, old.title, old.text);\n"
    "  INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);\n"
    "END;\n"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);\n";

/* Stage migrations: each stage fills its own. */
/* dedup (src/dedup/dedup_store.c): per article its shingle set and MinHash
 * signature (little-endian blobs), its LSH band keys, and fingerprints of
 * its sentences; between articles the verified copy pairs (exact Jaccard at
 * or above the threshold) and the pairs that share passages. Pairs are
 * stored once, a < b by rowid. */
static const char m002_dedup[] =
    "CREATE TABLE dedup_sketch (\n"
    "  article INTEGER PRIMARY KEY REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  n_words INTEGER NOT NULL,\n"
    "  n_sentences INTEGER NOT NULL,\n"
    "  signature BLOB NOT NULL,\n"
    "  shingles BLOB NOT NULL\n"
    ");\n"
    "CREATE TABLE dedup_band (\n"
    "  band_key INTEGER NOT NULL,\n"
    "  article INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE\n"
    ");\n"
    "CREATE INDEX dedup_band_key ON dedup_band(band_key, article);\n"
    "CREATE INDEX dedup_band_article ON dedup_band(article);\n"
    "CREATE TABLE dedup_sentence_fp (\n"
    "  fp INTEGER NOT NULL,\n"
    "  article INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  sentence INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX dedup_sentence_fp_fp ON dedup_sentence_fp(fp, article);\n"
    "CREATE INDEX dedup_sentence_fp_article ON dedup_sentence_fp(article);\n"
    "CREATE TABLE dedup_pair (\n"
    "  a INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  b INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  jaccard REAL NOT NULL,\n"
    "  PRIMARY KEY (a, b)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX dedup_pair_b ON dedup_pair(b);\n"
    "CREATE TABLE dedup_shared (\n"
    "  a INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  b INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  shared_a INTEGER NOT NULL,\n"
    "  shared_b INTEGER NOT NULL,\n"
    "  passages INTEGER NOT NULL,\n"
    "  jaccard REAL NOT NULL,\n"
    "  PRIMARY KEY (a, b)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX dedup_shared_b ON dedup_shared(b);\n";
static const char m003_clean[] =
    "CREATE TABLE clean_sources (\n"
    "  source TEXT PRIMARY KEY,\n"
    "  n_articles INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE clean_fragments (\n"
    "  source TEXT NOT NULL,\n"
    "  key INTEGER NOT NULL,\n"
    "  n INTEGER NOT NULL DEFAULT 0,\n"
    "  boilerplate INTEGER NOT NULL DEFAULT 0,\n"
    "  sample TEXT,\n"
    "  PRIMARY KEY (source, key)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX clean_fragments_learned ON clean_fragments(source) WHERE boilerplate = 1;\n";
static const char m004_extract[] =
    "CREATE TABLE entities (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  type TEXT NOT NULL,\n"
    "  key TEXT NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL,\n"
    "  surname TEXT NOT NULL,\n"
    "  words INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX entities_surname ON entities(surname);\n"
    "CREATE TABLE entity_aliases (\n"
    "  entity INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,\n"
    "  alias TEXT NOT NULL,\n"
    "  PRIMARY KEY (entity, alias)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX entity_aliases_alias ON entity_aliases(alias);\n"
    "CREATE TABLE mentions (\n"
    "  article INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  entity INTEGER REFERENCES entities(id),\n"
    "  start INTEGER NOT NULL, end INTEGER NOT NULL, sentence INTEGER NOT NULL,\n"
    "  type TEXT NOT NULL, text TEXT NOT NULL, honorific TEXT, role TEXT\n"
    ");\n"
    "CREATE INDEX mentions_article ON mentions(article);\n"
    "CREATE INDEX mentions_entity ON mentions(entity);\n"
    "CREATE TABLE quotes (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  article INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  start INTEGER NOT NULL, end INTEGER NOT NULL, paragraph INTEGER NOT NULL,\n"
    "  text TEXT NOT NULL, partial INTEGER NOT NULL,\n"
    "  speaker_start INTEGER, speaker_end INTEGER, speaker_text TEXT, cue TEXT,\n"
    "  entity INTEGER REFERENCES entities(id), speaker TEXT, how TEXT\n"
    ");\n"
    "CREATE INDEX quotes_article ON quotes(article);\n"
    "CREATE INDEX quotes_entity ON quotes(entity);\n"
    "CREATE TABLE quantities (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  article INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  start INTEGER NOT NULL, end INTEGER NOT NULL, sentence INTEGER NOT NULL,\n"
    "  value REAL NOT NULL, bound TEXT NOT NULL, text TEXT NOT NULL,\n"
    "  unit TEXT, measure TEXT, place TEXT, day TEXT\n"
    ");\n"
    "CREATE INDEX quantities_article ON quantities(article);\n"
    "CREATE TABLE timexes (\n"
    "  article INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL, value TEXT\n"
    ");\n"
    "CREATE INDEX timexes_article ON timexes(article);\n";
static const char m005_cluster[] =
    "CREATE TABLE stories (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  storyline INTEGER,\n"
    "  first_day INTEGER, last_day INTEGER,\n"
    "  label_article INTEGER, label TEXT,\n"
    "  n_articles INTEGER NOT NULL DEFAULT 0,\n"
    "  n_distinct INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE INDEX stories_storyline ON stories(storyline);\n"
    "CREATE INDEX stories_last_day ON stories(last_day);\n"
    "CREATE TABLE story_articles (\n"
    "  article INTEGER PRIMARY KEY REFERENCES articles(rowid) ON DELETE CASCADE,\n"
    "  story INTEGER NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"
    "  day INTEGER, soft_day INTEGER, soft_strong INTEGER NOT NULL DEFAULT 0,\n"
    "  score REAL, created INTEGER NOT NULL DEFAULT 0,\n"
    "  copy_of INTEGER,\n"
    "  why TEXT, headline TEXT, has_title INTEGER NOT NULL DEFAULT 0,\n"
    "  vector BLOB\n"
    ");\n"
    "CREATE INDEX story_articles_story ON story_articles(story, seq);\n"
    "CREATE INDEX story_articles_seq ON story_articles(seq);\n"
    "CREATE TABLE cluster_state (k INTEGER PRIMARY KEY CHECK (k = 1), seq INTEGER NOT NULL);\n"
    "INSERT INTO cluster_state VALUES (1, 0);\n";

/* The soft day's flag becomes its confidence (0..1): a flag of 1 meant a
 * confidence of 0.8 or more, 0 one from 0.5. */
static const char m006_soft_conf[] =
    "ALTER TABLE story_articles RENAME COLUMN soft_strong TO soft_conf;\n"
    "UPDATE story_articles SET soft_conf = CASE WHEN soft_conf = 1 THEN 0.8 ELSE 0.5 END "
    "WHERE soft_day IS NOT NULL;\n";

/* The time an article id was first ingested: the reference date of an
 * article that carries no date of its own, so it must never change. The
 * hash of the article as it came in (bytes and given fields): the same
 * input again is unchanged without being cleaned again, whatever the
 * outlet's learned boilerplate has become since. And
 * the clean stage's date facts that re-dating reads, as columns: the event
 * date an article found on its own, its confidence, and whether it is
 * weakly dated (no publication date, an unsure inferred one). */
static const char m012_first_seen[] =
    "ALTER TABLE articles ADD COLUMN first_seen TEXT;\n"
    "UPDATE articles SET first_seen = ingested_at;\n"
    "ALTER TABLE articles ADD COLUMN own_event TEXT;\n"
    "ALTER TABLE articles ADD COLUMN own_conf REAL;\n"
    "ALTER TABLE articles ADD COLUMN date_weak INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE articles ADD COLUMN raw_hash TEXT;\n"
    "UPDATE articles SET own_event = json_extract(meta, '$.dates.event.value'), "
    "own_conf = json_extract(meta, '$.dates.event.confidence'), "
    "date_weak = coalesce(json_extract(meta, '$.dates.published.source'), 'inferred') LIKE 'inferred%' "
    "AND coalesce(json_extract(meta, '$.dates.event.confidence'), 0) < 0.6;\n";
extern const char dedup_migration_8[]; /* src/dedup/dedup_store.c */
/* clean (src/clean/clean_store.c): learned boilerplate kept in memory. */
extern const char clean_store_migration_learn[];
extern const char cluster_migration_10[]; /* src/cluster/cluster_store.c */

extern const char extract_migration_11[]; /* src/extract/extract_store.c */

const store_migration store_migrations[] = {
    {1, "core: articles, versions, full-text index", m001_core},
    {2, "dedup: copy index", m002_dedup},
    {3, "clean: learned boilerplate", m003_clean},
    {4, "extract: entities, quotes, quantities", m004_extract},
    {5, "cluster: stories, storylines", m005_cluster},
    {6, "cluster: confidence of inferred days", m006_soft_conf},
    {8, "dedup: postings without rowids", dedup_migration_8},
    {9, "clean: learned boilerplate with epochs", clean_store_migration_learn},
    {10, "cluster: saved engine state for an exact restart", cluster_migration_10},
    {11, "extract: time expressions keep their sentence and parsed form; entities count their mentions",
     extract_migration_11},
    {12, "core: first ingest of an article", m012_first_seen},
};
const int store_n_migrations = (int)(sizeof store_migrations / sizeof store_migrations[0]);
