/* extract_store.c - persisting an article's extractions and merging its
 * entities into the store's (see extract_store.h for the merge rules). */
#include <stdlib.h>
#include <string.h>

#include "extract_store.h"
#include "util/util.h"

static const char *how_name(int how)
{
    switch (how) {
    case EXTRACT_SPEAKER_NAMED: return "named";
    case EXTRACT_SPEAKER_PRONOUN: return "pronoun";
    case EXTRACT_SPEAKER_NOMINAL: return "nominal";
    case EXTRACT_SPEAKER_CARRIED: return "carried";
    default: return NULL;
    }
}

static void bind_str(sqlite3_stmt *s, int i, const char *v)
{
    if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(s, i);
}

static int step_done(store *st, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return acc_error(ACCORD_EINTERNAL, "extract store: %s", sqlite3_errmsg(store_db(st)));
    return 0;
}

static const char *last_word(const char *key)
{
    const char *sp = strrchr(key, ' ');
    return sp ? sp + 1 : key;
}
static int word_count(const char *key)
{
    if (!*key) return 0;
    int n = 1;
    for (const char *p = key; *p; p++) n += *p == ' ';
    return n;
}
static bool first_agree(const char *a, const char *b)
{
    size_t la = strcspn(a, " "), lb = strcspn(b, " ");
    if (la == lb && !memcmp(a, b, la)) return true;
    return (la <= 2 || lb <= 2) && a[0] == b[0];
}

/* Moves every row of entity from onto entity to, and deletes from. */
static int fold_entity(store *st, int64_t from, int64_t to)
{
    static const char *const sql[] = {
        "UPDATE mentions SET entity = ?2 WHERE entity = ?1",
        "UPDATE quotes SET entity = ?2 WHERE entity = ?1",
        "INSERT OR IGNORE INTO entity_aliases (entity, alias) SELECT ?2, alias FROM entity_aliases WHERE entity = ?1",
        "INSERT OR IGNORE INTO entity_aliases (entity, alias) SELECT ?2, name FROM entities WHERE id = ?1",
        "DELETE FROM entity_aliases WHERE entity = ?1",
        "DELETE FROM entities WHERE id = ?1",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *s = store_prepare(st, sql[i]);
        if (!s) return ACCORD_EINTERNAL;
        sqlite3_bind_int64(s, 1, from);
        sqlite3_bind_int64(s, 2, to);
        int rc = step_done(st, s);
        if (rc) return rc;
    }
    return 0;
}

/* An alias this article ties to entity id ("US" of "United States", "Putin"
 * of "Vladimir Putin") that the store holds as an entity of its own, from
 * articles that had only that form: fold it in. Only acronyms and last
 * names are taken, never first names. */
static int fold_alias(store *st, const extract_entity *e, const char *alias, int64_t id)
{
    bool acronym = true;
    int letters = 0;
    for (const char *p = alias; *p; p++) {
        if (*p == '.') continue;
        if (*p < 'A' || *p > 'Z') acronym = false;
        letters++;
    }
    arena a;
    arena_init(&a);
    char *key = extract_entity_key(&a, alias, strlen(alias));
    int rc = 0;
    if (key && *key && !strchr(key, ' ') && ((acronym && letters >= 2) || !strcmp(key, last_word(e->key)))) {
        sqlite3_stmt *s = store_prepare(st, "SELECT id FROM entities WHERE key = ? AND id != ? AND type = ? AND words = 1");
        if (!s) rc = ACCORD_EINTERNAL;
        else {
            bind_str(s, 1, key);
            sqlite3_bind_int64(s, 2, id);
            bind_str(s, 3, extract_type_name(e->type));
            int64_t old = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
            sqlite3_reset(s);
            if (old) rc = fold_entity(st, old, id);
        }
    }
    arena_free(&a);
    return rc;
}

/* The store's entity for an article entity, created when there is none. */
static int resolve_entity(store *st, const extract_entity *e, int64_t *id)
{
    const char *surname = last_word(e->key);
    int words = word_count(e->key);
    *id = 0;
    sqlite3_stmt *s = store_prepare(st, "SELECT id, words, name FROM entities WHERE key = ?");
    if (!s) return ACCORD_EINTERNAL;
    bind_str(s, 1, e->key);
    if (sqlite3_step(s) == SQLITE_ROW) *id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (!*id) {
        /* A spelling another article already tied to an entity ("US" after
         * "United States (US)"): that entity, when the type agrees. */
        s = store_prepare(st, "SELECT e.id FROM entity_aliases a JOIN entities e ON e.id = a.entity "
                              "WHERE a.alias = ? AND e.type = ? ORDER BY e.words DESC LIMIT 1");
        if (!s) return ACCORD_EINTERNAL;
        bind_str(s, 1, e->name);
        bind_str(s, 2, extract_type_name(e->type));
        if (sqlite3_step(s) == SQLITE_ROW) *id = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
    }
    if (!*id && e->type == EXTRACT_PERSON) {
        /* A one-word name: the most mentioned person of that last name;
         * a full name: a person of that last name whose first name agrees. */
        s = store_prepare(st, "SELECT e.id, e.key, (SELECT count(*) FROM mentions m WHERE m.entity = e.id) AS n "
                              "FROM entities e WHERE e.surname = ? AND e.type = 'PERSON' AND e.words >= 2 "
                              "ORDER BY n DESC, e.id");
        if (!s) return ACCORD_EINTERNAL;
        bind_str(s, 1, surname);
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *k = (const char *)sqlite3_column_text(s, 1);
            if (words == 1 || (k && first_agree(k, e->key))) {
                *id = sqlite3_column_int64(s, 0);
                break;
            }
        }
        sqlite3_reset(s);
    }
    if (*id) {
        /* Keep the fullest name as the canonical one. */
        s = store_prepare(st, "UPDATE entities SET name = ?2, words = ?3 WHERE id = ?1 AND words < ?3");
        if (!s) return ACCORD_EINTERNAL;
        sqlite3_bind_int64(s, 1, *id);
        bind_str(s, 2, e->name);
        sqlite3_bind_int(s, 3, words);
        int rc = step_done(st, s);
        if (rc) return rc;
    } else {
        s = store_prepare(st, "INSERT INTO entities (type, key, name, surname, words) VALUES (?, ?, ?, ?, ?)");
        if (!s) return ACCORD_EINTERNAL;
        bind_str(s, 1, extract_type_name(e->type));
        bind_str(s, 2, e->key);
        bind_str(s, 3, e->name);
        bind_str(s, 4, surname);
        sqlite3_bind_int(s, 5, words);
        int rc = step_done(st, s);
        if (rc) return rc;
        *id = sqlite3_last_insert_rowid(store_db(st));
        if (e->type == EXTRACT_PERSON && words >= 2) {
            /* "Putin" stored alone before "Vladimir Putin" came: fold it in,
             * unless another full name shares that last name. */
            s = store_prepare(st, "SELECT count(*) FROM entities WHERE surname = ? AND type = 'PERSON' AND words >= 2");
            if (!s) return ACCORD_EINTERNAL;
            bind_str(s, 1, surname);
            int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
            sqlite3_reset(s);
            if (n == 1) {
                s = store_prepare(st, "SELECT id FROM entities WHERE key = ? AND words = 1");
                if (!s) return ACCORD_EINTERNAL;
                bind_str(s, 1, surname);
                int64_t old = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
                sqlite3_reset(s);
                if (old && (rc = fold_entity(st, old, *id))) return rc;
            }
        }
    }
    return 0;
}

int extract_store_result(store *st, int64_t article, const extract_result *r)
{
    static const char *const clear[] = {"DELETE FROM mentions WHERE article = ?",
                                        "DELETE FROM quotes WHERE article = ?",
                                        "DELETE FROM quantities WHERE article = ?",
                                        "DELETE FROM timexes WHERE article = ?"};
    int rc;
    for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++) {
        sqlite3_stmt *s = store_prepare(st, clear[i]);
        if (!s) return ACCORD_EINTERNAL;
        sqlite3_bind_int64(s, 1, article);
        if ((rc = step_done(st, s))) return rc;
    }
    int64_t *ids = calloc(r->n_entities + 1, sizeof *ids);
    if (!ids) return acc_error(ACCORD_ENOMEM, "out of memory");
    rc = 0;
    for (size_t i = 0; i < r->n_entities && !rc; i++) {
        const extract_entity *e = &r->entities[i];
        if (!e->key || !*e->key) continue;
        rc = resolve_entity(st, e, &ids[i]);
        for (size_t k = 0; !rc && k <= e->n_aliases; k++) {
            const char *al = k < e->n_aliases ? e->aliases[k] : e->name;
            if (k < e->n_aliases) rc = fold_alias(st, e, al, ids[i]);
            if (rc) break;
            sqlite3_stmt *s = store_prepare(st, "INSERT OR IGNORE INTO entity_aliases (entity, alias) VALUES (?, ?)");
            if (!s) {
                rc = ACCORD_EINTERNAL;
                break;
            }
            sqlite3_bind_int64(s, 1, ids[i]);
            bind_str(s, 2, al);
            rc = step_done(st, s);
        }
    }
    for (size_t i = 0; i < r->n_mentions && !rc; i++) {
        const extract_mention *m = &r->mentions[i];
        sqlite3_stmt *s = store_prepare(st, "INSERT INTO mentions (article, entity, start, end, sentence, type, text, "
                                            "honorific, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, article);
        if (m->entity >= 0 && (size_t)m->entity < r->n_entities && ids[m->entity]) sqlite3_bind_int64(s, 2, ids[m->entity]);
        sqlite3_bind_int(s, 3, (int)m->start);
        sqlite3_bind_int(s, 4, (int)m->end);
        sqlite3_bind_int(s, 5, (int)m->sentence);
        bind_str(s, 6, extract_type_name(m->type));
        bind_str(s, 7, m->text);
        bind_str(s, 8, m->honorific);
        bind_str(s, 9, m->role);
        rc = step_done(st, s);
    }
    for (size_t i = 0; i < r->n_quotes && !rc; i++) {
        const extract_quote *q = &r->quotes[i];
        sqlite3_stmt *s = store_prepare(st, "INSERT INTO quotes (article, start, end, paragraph, text, partial, "
                                            "speaker_start, speaker_end, speaker_text, cue, entity, speaker, how) "
                                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, article);
        sqlite3_bind_int(s, 2, (int)q->start);
        sqlite3_bind_int(s, 3, (int)q->end);
        sqlite3_bind_int(s, 4, (int)q->paragraph);
        bind_str(s, 5, q->text);
        sqlite3_bind_int(s, 6, q->partial);
        if (q->speaker_text) {
            sqlite3_bind_int(s, 7, (int)q->speaker_start);
            sqlite3_bind_int(s, 8, (int)q->speaker_end);
        }
        bind_str(s, 9, q->speaker_text);
        bind_str(s, 10, q->cue);
        if (q->speaker_entity >= 0 && (size_t)q->speaker_entity < r->n_entities && ids[q->speaker_entity])
            sqlite3_bind_int64(s, 11, ids[q->speaker_entity]);
        bind_str(s, 12, q->speaker);
        bind_str(s, 13, how_name(q->how));
        rc = step_done(st, s);
    }
    for (size_t i = 0; i < r->n_quantities && !rc; i++) {
        const extract_quantity *q = &r->quantities[i];
        sqlite3_stmt *s = store_prepare(st, "INSERT INTO quantities (article, start, end, sentence, value, bound, "
                                            "text, unit, measure, place, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, article);
        sqlite3_bind_int(s, 2, (int)q->start);
        sqlite3_bind_int(s, 3, (int)q->end);
        sqlite3_bind_int(s, 4, (int)q->sentence);
        sqlite3_bind_double(s, 5, q->value);
        bind_str(s, 6, extract_bound_name(q->bound));
        bind_str(s, 7, q->text);
        bind_str(s, 8, q->unit);
        bind_str(s, 9, q->measure);
        bind_str(s, 10, q->where);
        bind_str(s, 11, q->when);
        rc = step_done(st, s);
    }
    for (size_t i = 0; i < r->n_timexes && !rc; i++) {
        const extract_timex *t = &r->timexes[i];
        sqlite3_stmt *s = store_prepare(st, "INSERT INTO timexes (article, start, end, text, value) VALUES (?, ?, ?, ?, ?)");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, article);
        sqlite3_bind_int(s, 2, (int)t->start);
        sqlite3_bind_int(s, 3, (int)t->end);
        bind_str(s, 4, t->text);
        bind_str(s, 5, t->value);
        rc = step_done(st, s);
    }
    free(ids);
    return rc;
}

int extract_store_article(store *st, int64_t article, arena *a, const text_doc *doc, const char *pub_date)
{
    extract_result r;
    int rc = extract_article(a, doc, pub_date, &r);
    if (rc != 0) return acc_error(ACCORD_ENOMEM, "extract: out of memory");
    return extract_store_result(st, article, &r);
}
