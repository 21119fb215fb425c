/* extract_store.c - persisting an article's extractions and merging its
 * entities into the store's (see extract_store.h for the merge rules). */
#include <stdlib.h>
#include <string.h>

#include "clean/dates.h"
#include "extract_store.h"
#include "internal.h"
#include "util/util.h"

/* Migration 11 (the table in store/migrations.c points here): a time
 * expression keeps its sentence and its parsed form, so that a new
 * reference date re-resolves it (extract_store_redate). */
/* Migration 11 also keeps each entity's number of mentions (n_mentions),
 * so that merging a name and listing entities need not count the mentions
 * table, whose size grows with the store. */
const char extract_migration_11[] =
    "ALTER TABLE timexes ADD COLUMN sentence INTEGER;\n"
    "ALTER TABLE timexes ADD COLUMN expr INTEGER;\n"
    "ALTER TABLE entities ADD COLUMN n_mentions INTEGER NOT NULL DEFAULT 0;\n"
    "UPDATE entities SET n_mentions = (SELECT count(*) FROM mentions m WHERE m.entity = entities.id);\n"
    "CREATE INDEX entities_n_mentions ON entities(n_mentions DESC, name) WHERE n_mentions > 0;\n";

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

/* Text that outlives the statement's next step (cleared after). */
static void bind_static(sqlite3_stmt *s, int i, const char *v)
{
    if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
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
        "UPDATE entities SET n_mentions = n_mentions + (SELECT n_mentions FROM entities WHERE id = ?1) WHERE id = ?2",
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
    int have_words = -1; /* the found entity's words, when known */
    sqlite3_stmt *s = store_prepare(st, "SELECT id, words FROM entities WHERE key = ?");
    if (!s) return ACCORD_EINTERNAL;
    bind_str(s, 1, e->key);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        have_words = sqlite3_column_int(s, 1);
    }
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
        s = store_prepare(st, "SELECT e.id, e.key, e.n_mentions AS n "
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
    if (*id && have_words >= 0 && have_words >= words) {
        /* Found by key with as many words: the name stays. */
    } else if (*id) {
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
    static const char *const clear[] = {"UPDATE entities SET n_mentions = n_mentions - "
                                        "(SELECT count(*) FROM mentions m WHERE m.article = ?1 AND m.entity = entities.id) "
                                        "WHERE id IN (SELECT entity FROM mentions WHERE article = ?1)",
                                        "DELETE FROM mentions WHERE article = ?",
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
    /* The rows: each statement prepared once, its text bound without a
     * copy (the result outlives the step; the bindings are cleared after). */
    sqlite3_stmt *ins_m = NULL, *ins_q = NULL, *ins_n = NULL, *ins_t = NULL;
    if (!rc && r->n_mentions &&
        !(ins_m = store_prepare(st, "INSERT INTO mentions (article, entity, start, end, sentence, type, text, "
                                    "honorific, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")))
        rc = ACCORD_EINTERNAL;
    for (size_t i = 0; i < r->n_mentions && !rc; i++) {
        const extract_mention *m = &r->mentions[i];
        sqlite3_stmt *s = ins_m;
        sqlite3_bind_int64(s, 1, article);
        if (m->entity >= 0 && (size_t)m->entity < r->n_entities && ids[m->entity]) sqlite3_bind_int64(s, 2, ids[m->entity]);
        else sqlite3_bind_null(s, 2);
        sqlite3_bind_int(s, 3, (int)m->start);
        sqlite3_bind_int(s, 4, (int)m->end);
        sqlite3_bind_int(s, 5, (int)m->sentence);
        bind_static(s, 6, extract_type_name(m->type));
        bind_static(s, 7, m->text);
        bind_static(s, 8, m->honorific);
        bind_static(s, 9, m->role);
        rc = step_done(st, s);
    }
    if (ins_m) sqlite3_clear_bindings(ins_m);
    /* Each entity's count of mentions follows. */
    for (size_t i = 0; i < r->n_entities && !rc; i++) {
        if (!ids[i]) continue;
        int n = 0;
        for (size_t k = 0; k < r->n_mentions; k++) n += r->mentions[k].entity == (int32_t)i;
        if (!n) continue;
        sqlite3_stmt *s = store_prepare(st, "UPDATE entities SET n_mentions = n_mentions + ?2 WHERE id = ?1");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, ids[i]);
        sqlite3_bind_int(s, 2, n);
        rc = step_done(st, s);
    }
    if (!rc && r->n_quotes &&
        !(ins_q = store_prepare(st, "INSERT INTO quotes (article, start, end, paragraph, text, partial, "
                                    "speaker_start, speaker_end, speaker_text, cue, entity, speaker, how) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
        rc = ACCORD_EINTERNAL;
    for (size_t i = 0; i < r->n_quotes && !rc; i++) {
        const extract_quote *q = &r->quotes[i];
        sqlite3_stmt *s = ins_q;
        sqlite3_bind_int64(s, 1, article);
        sqlite3_bind_int(s, 2, (int)q->start);
        sqlite3_bind_int(s, 3, (int)q->end);
        sqlite3_bind_int(s, 4, (int)q->paragraph);
        bind_static(s, 5, q->text);
        sqlite3_bind_int(s, 6, q->partial);
        if (q->speaker_text) {
            sqlite3_bind_int(s, 7, (int)q->speaker_start);
            sqlite3_bind_int(s, 8, (int)q->speaker_end);
        } else {
            sqlite3_bind_null(s, 7);
            sqlite3_bind_null(s, 8);
        }
        bind_static(s, 9, q->speaker_text);
        bind_static(s, 10, q->cue);
        if (q->speaker_entity >= 0 && (size_t)q->speaker_entity < r->n_entities && ids[q->speaker_entity])
            sqlite3_bind_int64(s, 11, ids[q->speaker_entity]);
        else sqlite3_bind_null(s, 11);
        bind_static(s, 12, q->speaker);
        bind_static(s, 13, how_name(q->how));
        rc = step_done(st, s);
    }
    if (ins_q) sqlite3_clear_bindings(ins_q);
    if (!rc && r->n_quantities &&
        !(ins_n = store_prepare(st, "INSERT INTO quantities (article, start, end, sentence, value, bound, "
                                    "text, unit, measure, place, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
        rc = ACCORD_EINTERNAL;
    for (size_t i = 0; i < r->n_quantities && !rc; i++) {
        const extract_quantity *q = &r->quantities[i];
        sqlite3_stmt *s = ins_n;
        sqlite3_bind_int64(s, 1, article);
        sqlite3_bind_int(s, 2, (int)q->start);
        sqlite3_bind_int(s, 3, (int)q->end);
        sqlite3_bind_int(s, 4, (int)q->sentence);
        sqlite3_bind_double(s, 5, q->value);
        bind_static(s, 6, extract_bound_name(q->bound));
        bind_static(s, 7, q->text);
        bind_static(s, 8, q->unit);
        bind_static(s, 9, q->measure);
        bind_static(s, 10, q->where);
        bind_static(s, 11, q->when);
        rc = step_done(st, s);
    }
    if (ins_n) sqlite3_clear_bindings(ins_n);
    if (!rc && r->n_timexes &&
        !(ins_t = store_prepare(st, "INSERT INTO timexes (article, start, end, text, value, sentence, expr) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?)")))
        rc = ACCORD_EINTERNAL;
    for (size_t i = 0; i < r->n_timexes && !rc; i++) {
        const extract_timex *t = &r->timexes[i];
        sqlite3_stmt *s = ins_t;
        sqlite3_bind_int64(s, 1, article);
        sqlite3_bind_int(s, 2, (int)t->start);
        sqlite3_bind_int(s, 3, (int)t->end);
        bind_static(s, 4, t->text);
        bind_static(s, 5, t->value);
        if (t->sentence >= 0) sqlite3_bind_int(s, 6, t->sentence);
        else sqlite3_bind_null(s, 6);
        if (t->expr) sqlite3_bind_int64(s, 7, (int64_t)t->expr);
        else sqlite3_bind_null(s, 7);
        rc = step_done(st, s);
    }
    if (ins_t) sqlite3_clear_bindings(ins_t);
    free(ids);
    return rc;
}

int extract_store_article(store *st, int64_t article, arena *a, const text_doc *doc, const char *ref_date)
{
    extract_result r;
    int rc = extract_article(a, doc, ref_date, &r);
    if (rc != 0) return acc_error(ACCORD_ENOMEM, "extract: out of memory");
    return extract_store_result(st, article, &r);
}

/* ---- Re-dating -------------------------------------------------------------- */

typedef struct stored_timex {
    int64_t rowid;
    int32_t sentence; /* -1: unknown */
    date_expr d;
    bool parsed;
    bool expr_stored; /* stored with its parsed form (migration 11) */
    char *value;
    const char *old; /* the stored value */
} stored_timex;

int extract_store_redate(store *st, int64_t article, const char *ref_date)
{
    date_day ref = DATE_NONE;
    if (ref_date && strlen(ref_date) >= 10 && acc_is_date(ref_date, 10)) ref = date_parse_iso(ref_date, 10);
    arena a;
    arena_init(&a);
    int rc = 0;
    sqlite3_stmt *s = store_prepare(st, "SELECT rowid, sentence, expr, text, value FROM timexes WHERE article = ?1 "
                                        "ORDER BY start, rowid");
    if (!s) {
        arena_free(&a);
        return ACCORD_EINTERNAL;
    }
    sqlite3_bind_int64(s, 1, article);
    stored_timex *tx = NULL;
    size_t n = 0, cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            stored_timex *v = arena_grow(&a, tx, cap, nc, sizeof *v);
            if (!v) {
                step = SQLITE_NOMEM;
                break;
            }
            tx = v;
            cap = nc;
        }
        stored_timex *t = &tx[n];
        memset(t, 0, sizeof *t);
        t->rowid = sqlite3_column_int64(s, 0);
        t->sentence = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 1);
        if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
            ex_date_unpack((uint64_t)sqlite3_column_int64(s, 2), &t->d);
            t->parsed = t->expr_stored = true;
        } else {
            /* Stored before migration 11: parse its text again. */
            const char *text = (const char *)sqlite3_column_text(s, 3);
            date_expr *found = NULL;
            size_t nf = 0;
            if (text && date_find(&a, text, strlen(text), &found, &nf) == 0 && nf > 0) {
                t->d = found[0];
                t->parsed = true;
            }
        }
        const char *old = (const char *)sqlite3_column_text(s, 4);
        t->old = old ? arena_strdup(&a, old) : NULL;
        n++;
    }
    sqlite3_reset(s);
    if (step != SQLITE_DONE) {
        arena_free(&a);
        return step == SQLITE_NOMEM ? acc_error(ACCORD_ENOMEM, "out of memory")
                                    : acc_error(ACCORD_EINTERNAL, "extract redate: %s", sqlite3_errmsg(store_db(st)));
    }
    for (size_t i = 0; i < n && !rc; i++) {
        stored_timex *t = &tx[i];
        if (!t->parsed) continue;
        t->value = ex_timex_value(&a, &t->d, ref);
        if ((t->value == NULL) == (t->old == NULL) && (!t->value || !strcmp(t->value, t->old))) continue;
        s = store_prepare(st, "UPDATE timexes SET value = ?2 WHERE rowid = ?1");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, t->rowid);
        bind_str(s, 2, t->value);
        rc = step_done(st, s);
    }
    /* The "when" of a quantity: the most precise expression of its
     * sentence, as quantities.c picks it. Rows stored before migration 11
     * have no parsed form: their quantities are left alone. */
    bool sentences_known = true;
    for (size_t i = 0; i < n; i++) sentences_known &= tx[i].expr_stored;
    s = rc ? NULL : store_prepare(st, "SELECT id, sentence, day FROM quantities WHERE article = ?1");
    if (!rc && !s) rc = ACCORD_EINTERNAL;
    int64_t *qid = NULL;
    char **qwhen = NULL;
    size_t nq = 0, qcap = 0;
    if (!rc) {
        sqlite3_bind_int64(s, 1, article);
        while ((step = sqlite3_step(s)) == SQLITE_ROW) {
            int32_t sent = sqlite3_column_int(s, 1);
            const char *old = (const char *)sqlite3_column_text(s, 2);
            if (!sentences_known) continue;
            date_day bf = DATE_NONE, bl = DATE_NONE;
            for (size_t i = 0; i < n; i++) {
                if (tx[i].sentence != sent) continue;
                date_day f, l;
                if (ref == DATE_NONE || date_resolve(&tx[i].d, ref, &f, &l) != 0) continue;
                if (bf == DATE_NONE || (int64_t)l - f < (int64_t)bl - bf) bf = f, bl = l;
            }
            char *when = bf == DATE_NONE ? NULL : ex_format_span(&a, bf, bl);
            if ((when == NULL) == (old == NULL) && (!when || !strcmp(when, old))) continue;
            if (nq == qcap) {
                size_t nc = qcap ? qcap * 2 : 16;
                int64_t *v1 = arena_grow(&a, qid, qcap, nc, sizeof *v1);
                char **v2 = arena_grow(&a, qwhen, qcap, nc, sizeof *v2);
                if (!v1 || !v2) {
                    step = SQLITE_NOMEM;
                    break;
                }
                qid = v1;
                qwhen = v2;
                qcap = nc;
            }
            qid[nq] = sqlite3_column_int64(s, 0);
            qwhen[nq++] = when;
        }
        sqlite3_reset(s);
        if (step != SQLITE_DONE)
            rc = step == SQLITE_NOMEM ? acc_error(ACCORD_ENOMEM, "out of memory")
                                      : acc_error(ACCORD_EINTERNAL, "extract redate: %s", sqlite3_errmsg(store_db(st)));
    }
    for (size_t i = 0; i < nq && !rc; i++) {
        s = store_prepare(st, "UPDATE quantities SET day = ?2 WHERE id = ?1");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, qid[i]);
        bind_str(s, 2, qwhen[i]);
        rc = step_done(st, s);
    }
    arena_free(&a);
    return rc;
}

/* ---- Reads ----------------------------------------------------------------- */

static const char *col_str(arena *a, sqlite3_stmt *s, int k)
{
    if (sqlite3_column_type(s, k) == SQLITE_NULL) return NULL;
    return arena_strndup(a, (const char *)sqlite3_column_text(s, k), (size_t)sqlite3_column_bytes(s, k));
}

static int bound_from_name(const char *b)
{
    for (int k = EXTRACT_BOUND_EXACT; k <= EXTRACT_BOUND_LESS_THAN; k++)
        if (b && !strcmp(b, extract_bound_name(k))) return k;
    return EXTRACT_BOUND_EXACT;
}

static int how_from_name(const char *h)
{
    for (int k = EXTRACT_SPEAKER_NAMED; k <= EXTRACT_SPEAKER_CARRIED; k++)
        if (h && !strcmp(h, how_name(k))) return k;
    return EXTRACT_SPEAKER_NONE;
}

static int word_total(const char *s)
{
    int n = 1;
    for (; *s; s++) n += *s == ' ';
    return n;
}

/* Rows of one statement into a growing arena array. */
#define GROW(arr, n, cap)                                                        \
    do {                                                                         \
        if ((n) == (cap)) {                                                      \
            size_t nc_ = (cap) ? (cap) * 2 : 8;                                  \
            void *v_ = arena_grow(a, (arr), (cap), nc_, sizeof *(arr));          \
            if (!v_) goto nomem;                                                 \
            (arr) = v_;                                                          \
            (cap) = nc_;                                                         \
        }                                                                        \
    } while (0)

static int read_one(store *st, arena *a, int64_t article, extract_result *r)
{
    memset(r, 0, sizeof *r);
    int64_t *ent_id = NULL; /* store entity of each article entity */
    size_t cap_m = 0, cap_e = 0, cap_q = 0, cap_n = 0, cap_t = 0;
    sqlite3_stmt *s = store_prepare(st, "SELECT entity, start, end, sentence, type, text, honorific, role "
                                        "FROM mentions WHERE article = ?1 ORDER BY rowid");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    while (sqlite3_step(s) == SQLITE_ROW) {
        GROW(r->mentions, r->n_mentions, cap_m);
        extract_mention *m = &r->mentions[r->n_mentions++];
        memset(m, 0, sizeof *m);
        m->start = (uint32_t)sqlite3_column_int(s, 1);
        m->end = (uint32_t)sqlite3_column_int(s, 2);
        m->sentence = (uint32_t)sqlite3_column_int(s, 3);
        m->type = (uint8_t)extract_type_from_name((const char *)sqlite3_column_text(s, 4));
        m->text = col_str(a, s, 5);
        m->honorific = col_str(a, s, 6);
        m->role = col_str(a, s, 7);
        m->entity = -1;
        if (!m->text) goto nomem;
        if (sqlite3_column_type(s, 0) == SQLITE_NULL) continue;
        int64_t id = sqlite3_column_int64(s, 0);
        size_t e = 0;
        while (e < r->n_entities && ent_id[e] != id) e++;
        if (e == r->n_entities) {
            size_t cap_before = cap_e;
            GROW(r->entities, r->n_entities, cap_e);
            if (cap_e != cap_before) {
                int64_t *v = arena_grow(a, ent_id, cap_before, cap_e, sizeof *v);
                if (!v) goto nomem;
                ent_id = v;
            }
            ent_id[e] = id;
            extract_entity *x = &r->entities[r->n_entities++];
            memset(x, 0, sizeof *x);
            x->type = m->type;
            x->name = m->text;
        }
        extract_entity *x = &r->entities[e];
        m->entity = (int32_t)e;
        x->n_mentions++;
        if (!x->role && m->role) x->role = m->role;
        /* The fullest name: most words, then longest, then first. */
        int wm = word_total(m->text), wx = word_total(x->name);
        if (wm > wx || (wm == wx && strlen(m->text) > strlen(x->name))) x->name = m->text;
    }
    sqlite3_reset(s);
    for (size_t e = 0; e < r->n_entities; e++) {
        extract_entity *x = &r->entities[e];
        x->key = extract_entity_key(a, x->name, strlen(x->name));
        if (!x->key) goto nomem;
    }
    s = store_prepare(st, "SELECT start, end, paragraph, text, partial, speaker_start, speaker_end, speaker_text, "
                          "cue, entity, speaker, how FROM quotes WHERE article = ?1 ORDER BY id");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    while (sqlite3_step(s) == SQLITE_ROW) {
        GROW(r->quotes, r->n_quotes, cap_q);
        extract_quote *q = &r->quotes[r->n_quotes++];
        memset(q, 0, sizeof *q);
        q->start = (uint32_t)sqlite3_column_int(s, 0);
        q->end = (uint32_t)sqlite3_column_int(s, 1);
        q->paragraph = (uint32_t)sqlite3_column_int(s, 2);
        q->text = col_str(a, s, 3);
        q->partial = sqlite3_column_int(s, 4) != 0;
        q->speaker_start = (uint32_t)sqlite3_column_int(s, 5);
        q->speaker_end = (uint32_t)sqlite3_column_int(s, 6);
        q->speaker_text = col_str(a, s, 7);
        q->cue = col_str(a, s, 8);
        q->speaker_entity = -1;
        if (sqlite3_column_type(s, 9) != SQLITE_NULL) {
            int64_t id = sqlite3_column_int64(s, 9);
            for (size_t e = 0; e < r->n_entities; e++)
                if (ent_id[e] == id) q->speaker_entity = (int32_t)e;
        }
        q->speaker = col_str(a, s, 10);
        q->how = (uint8_t)how_from_name((const char *)sqlite3_column_text(s, 11));
        if (!q->text) goto nomem;
    }
    sqlite3_reset(s);
    s = store_prepare(st, "SELECT start, end, sentence, value, bound, text, unit, measure, place, day "
                          "FROM quantities WHERE article = ?1 ORDER BY id");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    while (sqlite3_step(s) == SQLITE_ROW) {
        GROW(r->quantities, r->n_quantities, cap_n);
        extract_quantity *q = &r->quantities[r->n_quantities++];
        memset(q, 0, sizeof *q);
        q->start = (uint32_t)sqlite3_column_int(s, 0);
        q->end = (uint32_t)sqlite3_column_int(s, 1);
        q->sentence = (uint32_t)sqlite3_column_int(s, 2);
        q->value = sqlite3_column_double(s, 3);
        q->bound = (uint8_t)bound_from_name((const char *)sqlite3_column_text(s, 4));
        q->text = col_str(a, s, 5);
        q->unit = col_str(a, s, 6);
        q->measure = col_str(a, s, 7);
        q->where = col_str(a, s, 8);
        q->when = col_str(a, s, 9);
        if (!q->text) goto nomem;
    }
    sqlite3_reset(s);
    s = store_prepare(st, "SELECT start, end, text, value, sentence, expr FROM timexes WHERE article = ?1 "
                          "ORDER BY rowid");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    while (sqlite3_step(s) == SQLITE_ROW) {
        GROW(r->timexes, r->n_timexes, cap_t);
        extract_timex *t = &r->timexes[r->n_timexes++];
        memset(t, 0, sizeof *t);
        t->start = (uint32_t)sqlite3_column_int(s, 0);
        t->end = (uint32_t)sqlite3_column_int(s, 1);
        t->text = col_str(a, s, 2);
        t->value = col_str(a, s, 3);
        t->sentence = sqlite3_column_type(s, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 4);
        t->expr = (uint64_t)sqlite3_column_int64(s, 5);
        if (!t->text) goto nomem;
    }
    sqlite3_reset(s);
    return 0;
nomem:
    sqlite3_reset(s);
    return acc_error(ACCORD_ENOMEM, "out of memory");
}

int extract_read_results(store *st, arena *a, const int64_t *articles, size_t n, extract_result *out)
{
    for (size_t i = 0; i < n; i++) {
        int rc = read_one(st, a, articles[i], &out[i]);
        if (rc) return rc;
    }
    return 0;
}
