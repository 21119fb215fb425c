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
static const char m002_dedup[] = "SELECT 1;";
static const char m003_clean[] = "SELECT 1;";
static const char m004_extract[] = "SELECT 1;";
static const char m005_cluster[] = "SELECT 1;";
static const char m006_reconcile[] = "SELECT 1;";

const store_migration store_migrations[] = {
    {1, "core: articles, versions, full-text index", m001_core},
    {2, "dedup: copy index", m002_dedup},
    {3, "clean: learned boilerplate", m003_clean},
    {4, "extract: entities, quotes, quantities", m004_extract},
    {5, "cluster: stories, storylines", m005_cluster},
    {6, "reconcile: facts and summaries", m006_reconcile},
};
const int store_n_migrations = (int)(sizeof store_migrations / sizeof store_migrations[0]);
