/* dedup_json.c - the read side of the copy index: copy groups and pairs,
 * two articles compared sentence by sentence, and one article's passages
 * shared with others.
 *
 * Pairs come from the store (verified when their later article arrived);
 * groups are recomputed here as connected components, the original being
 * the member with the earliest date (published, else event, else given;
 * undated last), ties broken by id. Alignments are recomputed from the
 * stored texts, the article with the smaller id always first, so reading
 * never depends on the order articles arrived in. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "dedup_int.h"
#include "store/store.h"
#include "util/json.h"
#include "util/util.h"

#define DATE_EXPR "coalesce(published, event_date, given_date)"

typedef struct art {
    int64_t rowid;
    char *id, *title, *source, *date;
    char *text;
    size_t len;
} art;

static void art_free(art *a)
{
    free(a->id);
    free(a->title);
    free(a->source);
    free(a->date);
    free(a->text);
    memset(a, 0, sizeof *a);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    return t ? strdup(t) : NULL;
}

/* Loads an article by id (id != NULL) or by rowid. */
static int art_load(store *st, const char *id, int64_t rowid, int with_text, art *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = store_prepare(st, id ? "SELECT rowid, id, title, source, " DATE_EXPR
                                             ", text FROM articles WHERE id = ?"
                                           : "SELECT rowid, id, title, source, " DATE_EXPR
                                             ", text FROM articles WHERE rowid = ?");
    if (!s) return ACCORD_EINTERNAL;
    if (id)
        sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(s, 1, rowid);
    int rc = 0;
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = acc_error(ACCORD_ENOTFOUND, "no article with id '%s': see `accord articles`",
                       id ? id : "?");
    } else {
        out->rowid = sqlite3_column_int64(s, 0);
        out->id = col_dup(s, 1);
        out->title = col_dup(s, 2);
        out->source = col_dup(s, 3);
        out->date = col_dup(s, 4);
        if (with_text) {
            out->len = (size_t)sqlite3_column_bytes(s, 5);
            out->text = malloc(out->len + 1);
            if (out->text) {
                if (out->len) memcpy(out->text, sqlite3_column_text(s, 5), out->len);
                out->text[out->len] = 0;
            }
        }
        if (!out->id || (with_text && !out->text)) rc = acc_error(ACCORD_ENOMEM, "out of memory");
    }
    sqlite3_reset(s);
    if (rc) art_free(out);
    return rc;
}

static json_t *art_json(const art *a)
{
    return json_pack("{s:s, s:o, s:o, s:o}", "id", a->id, "title", acc_json_str(a->title), "source",
                     acc_json_str(a->source), "date", acc_json_str(a->date));
}

/* Earlier first: dated before undated, then by date, then by id. */
static int art_before(const char *date_a, const char *id_a, const char *date_b, const char *id_b)
{
    if (date_a && !date_b) return 1;
    if (!date_a && date_b) return 0;
    if (date_a && date_b) {
        int c = strcmp(date_a, date_b);
        if (c) return c < 0;
    }
    return strcmp(id_a, id_b) < 0;
}

static json_t *config_json(const dedup_config *c)
{
    return json_pack("{s:i, s:i, s:i, s:i, s:f}", "shingle_words", c->shingle_words, "n_hashes",
                     c->n_hashes, "bands", c->bands, "rows", c->rows, "threshold", c->threshold);
}

/* ---- dups ----------------------------------------------------------------- */

typedef struct node {
    int64_t rowid;
    char *id, *title, *source, *date;
} node;

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* Position of rowid in the sorted ids[0..n), or -1. */
static int find_rowid(const int64_t *ids, size_t n, int64_t rowid)
{
    const int64_t *p = bsearch(&rowid, ids, n, sizeof *ids, cmp_i64);
    return p ? (int)(p - ids) : -1;
}

/* qsort_r's comparator: no global, so two requests may list at once. */
static int cmp_rank(const void *x, const void *y, void *ctx)
{
    const node *nodes = ctx;
    const node *a = &nodes[*(const uint32_t *)x], *b = &nodes[*(const uint32_t *)y];
    if (a == b) return 0;
    return art_before(a->date, a->id, b->date, b->id) ? -1 : 1;
}

static int cmp_pair_json(const void *x, const void *y)
{
    json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    double ja = json_real_value(json_object_get(a, "jaccard")),
           jb = json_real_value(json_object_get(b, "jaccard"));
    if (ja != jb) return ja > jb ? -1 : 1;
    int c = strcmp(json_string_value(json_object_get(a, "a")),
                   json_string_value(json_object_get(b, "a")));
    if (c) return c;
    return strcmp(json_string_value(json_object_get(a, "b")),
                  json_string_value(json_object_get(b, "b")));
}

static json_t *sorted_array(json_t **items, size_t n)
{
    if (n > 1) qsort(items, n, sizeof *items, cmp_pair_json);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, items[i]);
    return arr;
}

int dedup_dups_json(store *st, char **json)
{
    dedup_config c;
    int rc = dedup_store_config(st, &c);
    if (rc) return rc;
    node *nodes = NULL;
    size_t n_nodes = 0, cap_nodes = 0, n_pairs = 0, cap_pairs = 0, n_items = 0, cap_items = 0;
    dedup_pair *pairs = NULL;
    json_t **items = NULL, **shared = NULL;
    size_t n_shared = 0, cap_shared = 0;
    uint32_t *group = NULL, *rank = NULL, *order = NULL;
    int64_t *ids = NULL;
    rc = ACCORD_ENOMEM;

    sqlite3_stmt *s = store_prepare(st, "SELECT a, b, jaccard FROM dedup_pair");
    if (!s) return ACCORD_EINTERNAL;
    /* Collect rows first: node_index runs its own statements. */
    typedef struct {
        int64_t a, b;
        double j;
    } row;
    row *rows = NULL;
    size_t n_rows = 0, cap_rows = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n_rows == cap_rows) {
            size_t nc = cap_rows ? cap_rows * 2 : 64;
            row *nr = realloc(rows, nc * sizeof *nr);
            if (!nr) break;
            rows = nr;
            cap_rows = nc;
        }
        rows[n_rows++] = (row){sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                               sqlite3_column_double(s, 2)};
    }
    sqlite3_reset(s);
    /* The articles in pairs, each once, sorted by rowid. */
    ids = malloc((2 * n_rows + 1) * sizeof *ids);
    if (!ids) goto out;
    for (size_t i = 0; i < n_rows; i++) {
        ids[2 * i] = rows[i].a;
        ids[2 * i + 1] = rows[i].b;
    }
    size_t n_ids = 0;
    if (n_rows) {
        qsort(ids, 2 * n_rows, sizeof *ids, cmp_i64);
        n_ids = 1;
        for (size_t i = 1; i < 2 * n_rows; i++)
            if (ids[i] != ids[n_ids - 1]) ids[n_ids++] = ids[i];
    }
    nodes = calloc(n_ids ? n_ids : 1, sizeof *nodes);
    if (!nodes) goto out;
    for (size_t i = 0; i < n_ids; i++) {
        art a;
        if (art_load(st, NULL, ids[i], 0, &a) != 0) goto out;
        nodes[n_nodes++] = (node){ids[i], a.id, a.title, a.source, a.date};
    }
    cap_nodes = n_nodes;
    for (size_t i = 0; i < n_rows; i++) {
        int x = find_rowid(ids, n_ids, rows[i].a), y = find_rowid(ids, n_ids, rows[i].b);
        if (x < 0 || y < 0) goto out;
        if (n_pairs == cap_pairs) {
            size_t nc = cap_pairs ? cap_pairs * 2 : 64;
            dedup_pair *np = realloc(pairs, nc * sizeof *np);
            if (!np) goto out;
            pairs = np;
            cap_pairs = nc;
        }
        pairs[n_pairs++] = (dedup_pair){(uint32_t)x, (uint32_t)y, rows[i].j};
        if (n_items == cap_items) {
            size_t nc = cap_items ? cap_items * 2 : 64;
            json_t **ni = realloc(items, nc * sizeof *ni);
            if (!ni) goto out;
            items = ni;
            cap_items = nc;
        }
        const char *ia = nodes[x].id, *ib = nodes[y].id;
        if (strcmp(ia, ib) > 0) {
            const char *t = ia;
            ia = ib;
            ib = t;
        }
        items[n_items++] = json_pack("{s:s, s:s, s:f}", "a", ia, "b", ib, "jaccard", rows[i].j);
    }
    (void)cap_nodes;

    /* Groups: components, ranked by date then id. */
    json_t *groups = json_array();
    if (n_nodes) {
        group = malloc(n_nodes * sizeof *group);
        rank = malloc(n_nodes * sizeof *rank);
        order = malloc(n_nodes * sizeof *order);
        if (!group || !rank || !order) {
            json_decref(groups);
            goto out;
        }
        for (size_t i = 0; i < n_nodes; i++)
            order[i] = (uint32_t)i;
        qsort_r(order, n_nodes, sizeof *order, cmp_rank, nodes);
        for (size_t i = 0; i < n_nodes; i++)
            rank[order[i]] = (uint32_t)i;
        dedup_components(pairs, n_pairs, n_nodes, rank, group);
        /* Groups in the order of their originals; members by rank. */
        for (size_t oi = 0; oi < n_nodes; oi++) {
            uint32_t orig = order[oi];
            if (group[orig] != orig) continue;
            json_t *members = json_array();
            size_t size = 0;
            for (size_t mi = 0; mi < n_nodes; mi++) {
                uint32_t m = order[mi];
                if (group[m] != orig) continue;
                art a = {.id = nodes[m].id,
                         .title = nodes[m].title,
                         .source = nodes[m].source,
                         .date = nodes[m].date};
                json_array_append_new(members, art_json(&a));
                size++;
            }
            json_array_append_new(groups, json_pack("{s:s, s:i, s:o}", "original", nodes[orig].id,
                                                    "size", (int)size, "articles", members));
        }
    }

    s = store_prepare(st, "SELECT x.id, y.id, p.jaccard, x.rowid, y.rowid, p.shared_a, p.shared_b, "
                          "p.passages, sx.n_sentences, sy.n_sentences FROM dedup_shared p "
                          "JOIN articles x ON x.rowid = p.a JOIN articles y ON y.rowid = p.b "
                          "LEFT JOIN dedup_sketch sx ON sx.article = p.a "
                          "LEFT JOIN dedup_sketch sy ON sy.article = p.b");
    if (!s) {
        json_decref(groups);
        rc = ACCORD_EINTERNAL;
        goto out;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *ia = (const char *)sqlite3_column_text(s, 0),
                   *ib = (const char *)sqlite3_column_text(s, 1);
        if (!ia || !ib) continue;
        int swap = strcmp(ia, ib) > 0;
        int sa = sqlite3_column_int(s, 5), sb = sqlite3_column_int(s, 6);
        int na = sqlite3_column_int(s, 8), nb = sqlite3_column_int(s, 9);
        if (n_shared == cap_shared) {
            size_t nc = cap_shared ? cap_shared * 2 : 64;
            json_t **ns = realloc(shared, nc * sizeof *ns);
            if (!ns) break;
            shared = ns;
            cap_shared = nc;
        }
        shared[n_shared++] =
            json_pack("{s:s, s:s, s:f, s:i, s:i, s:i, s:i, s:i}", "a", swap ? ib : ia, "b",
                      swap ? ia : ib, "jaccard", sqlite3_column_double(s, 2), "sentences_a",
                      swap ? nb : na, "shared_a", swap ? sb : sa, "sentences_b", swap ? na : nb,
                      "shared_b", swap ? sa : sb, "passages", sqlite3_column_int(s, 7));
    }
    sqlite3_reset(s);
    json_t *pairs_json = sorted_array(items, n_items);
    json_t *shared_json = sorted_array(shared, n_shared);
    n_items = n_shared = 0;
    rc = acc_json_out(json_pack("{s:o, s:o, s:o, s:o}", "config", config_json(&c), "groups", groups,
                                "pairs", pairs_json, "shared_passages", shared_json),
                      json);
out:
    for (size_t i = 0; i < n_items; i++)
        json_decref(items[i]);
    for (size_t i = 0; i < n_shared; i++)
        json_decref(shared[i]);
    for (size_t i = 0; i < n_nodes; i++) {
        free(nodes[i].id);
        free(nodes[i].title);
        free(nodes[i].source);
        free(nodes[i].date);
    }
    free(nodes);
    free(pairs);
    free(items);
    free(shared);
    free(rows);
    free(ids);
    free(group);
    free(rank);
    free(order);
    return rc;
}

/* ---- compare ---------------------------------------------------------------- */

static json_t *sentences_json(const dedup_doc *d)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < d->n_sentences; i++) {
        const dedup_sentence *s = &d->sentences[i];
        json_array_append_new(arr, json_stringn(d->text + s->start, s->end - s->start));
    }
    return arr;
}

static double jaccard_of(arena *a, const dedup_config *c, const art *x, const art *y)
{
    dedup_shingles sx, sy;
    if (dedup_shingle_text(a, x->text, x->len, c->shingle_words, &sx) ||
        dedup_shingle_text(a, y->text, y->len, c->shingle_words, &sy))
        return 0;
    return dedup_jaccard(&sx, &sy);
}

int dedup_compare_json(store *st, const char *id_a, const char *id_b, char **json)
{
    dedup_config c;
    int rc = dedup_store_config(st, &c);
    if (rc) return rc;
    art x, y;
    rc = art_load(st, id_a, 0, 1, &x);
    if (rc) return rc;
    rc = art_load(st, id_b, 0, 1, &y);
    if (rc) {
        art_free(&x);
        return rc;
    }
    arena a;
    arena_init(&a);
    dedup_doc dx, dy;
    dedup_alignment al;
    rc = dedup_doc_from_text(&a, x.text, x.len, &dx);
    if (!rc) rc = dedup_doc_from_text(&a, y.text, y.len, &dy);
    if (!rc) rc = dedup_align(&a, &dx, &dy, &al);
    if (rc) {
        rc = acc_error(ACCORD_ENOMEM, "out of memory aligning the articles");
        goto out;
    }
    json_t *pairs = json_array();
    size_t shared_x = 0, shared_y = 0;
    unsigned char *seen_y = arena_calloc(&a, dy.n_sentences ? dy.n_sentences : 1, 1);
    for (size_t i = 0; i < al.n_pairs; i++) {
        const dedup_sentence_pair *p = &al.pairs[i];
        const dedup_sentence *sa = &dx.sentences[p->a], *sb = &dy.sentences[p->b];
        if (i == 0 || al.pairs[i - 1].a != p->a) shared_x++;
        if (seen_y && !seen_y[p->b]) {
            seen_y[p->b] = 1;
            shared_y++;
        }
        json_array_append_new(pairs, json_pack("{s:i, s:i, s:f, s:b, s:s%, s:s%}", "a", (int)p->a,
                                               "b", (int)p->b, "score", p->score, "partial",
                                               p->partial, "a_text", dx.text + sa->start,
                                               (size_t)(sa->end - sa->start), "b_text",
                                               dy.text + sb->start, (size_t)(sb->end - sb->start)));
    }
    json_t *passages = json_array();
    for (size_t i = 0; i < al.n_passages; i++) {
        const dedup_passage *p = &al.passages[i];
        json_array_append_new(passages,
                              json_pack("{s:i, s:i, s:i, s:i, s:f}", "a_first", (int)p->a_first,
                                        "a_count", (int)p->a_count, "b_first", (int)p->b_first,
                                        "b_count", (int)p->b_count, "score", p->score));
    }
    double j = jaccard_of(&a, &c, &x, &y);
    json_t *ja = art_json(&x), *jb = art_json(&y);
    json_object_set_new(ja, "sentences", json_integer((json_int_t)dx.n_sentences));
    json_object_set_new(ja, "shared", json_integer((json_int_t)shared_x));
    json_object_set_new(jb, "sentences", json_integer((json_int_t)dy.n_sentences));
    json_object_set_new(jb, "shared", json_integer((json_int_t)shared_y));
    rc = acc_json_out(json_pack("{s:o, s:o, s:f, s:b, s:f, s:o, s:o, s:o, s:o}", "a", ja, "b", jb,
                                "jaccard", j, "copy", j >= c.threshold, "threshold", c.threshold,
                                "pairs", pairs, "passages", passages, "a_sentences",
                                sentences_json(&dx), "b_sentences", sentences_json(&dy)),
                      json);
out:
    arena_free(&a);
    art_free(&x);
    art_free(&y);
    return rc;
}

/* ---- one article's passages ------------------------------------------------ */

typedef struct related {
    art a;
    int copy;
    double jaccard;
} related;

static int cmp_related(const void *x, const void *y)
{
    const related *a = x, *b = y;
    return strcmp(a->a.id, b->a.id);
}

int dedup_passages_json(store *st, const char *id, char **json)
{
    dedup_config c;
    int rc = dedup_store_config(st, &c);
    if (rc) return rc;
    art me;
    rc = art_load(st, id, 0, 1, &me);
    if (rc) return rc;
    related *rel = NULL;
    size_t n_rel = 0, cap_rel = 0;
    int64_t *others = NULL;
    size_t n_others = 0, cap_others = 0;
    /* Copies first, then shared-passage pairs. */
    const char *sql[2] = {"SELECT CASE WHEN a = ?1 THEN b ELSE a END, jaccard FROM dedup_pair "
                          "WHERE a = ?1 OR b = ?1",
                          "SELECT CASE WHEN a = ?1 THEN b ELSE a END, jaccard FROM dedup_shared "
                          "WHERE a = ?1 OR b = ?1"};
    double *js = NULL;
    int *kinds = NULL;
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *s = store_prepare(st, sql[k]);
        if (!s) {
            rc = ACCORD_EINTERNAL;
            goto out;
        }
        sqlite3_bind_int64(s, 1, me.rowid);
        while (sqlite3_step(s) == SQLITE_ROW) {
            if (n_others == cap_others) {
                size_t nc = cap_others ? cap_others * 2 : 16;
                int64_t *no = realloc(others, nc * sizeof *no);
                double *nj = realloc(js, nc * sizeof *nj);
                if (no) others = no;
                if (nj) js = nj;
                int *nk = realloc(kinds, nc * sizeof *nk);
                if (nk) kinds = nk;
                if (!no || !nj || !nk) break;
                cap_others = nc;
            }
            others[n_others] = sqlite3_column_int64(s, 0);
            js[n_others] = sqlite3_column_double(s, 1);
            kinds[n_others++] = k == 0;
        }
        sqlite3_reset(s);
    }
    rel = calloc(n_others ? n_others : 1, sizeof *rel);
    if (!rel) {
        rc = ACCORD_ENOMEM;
        goto out;
    }
    cap_rel = n_others;
    for (size_t i = 0; i < n_others; i++) {
        if (art_load(st, NULL, others[i], 1, &rel[n_rel].a) != 0) continue;
        rel[n_rel].copy = kinds[i];
        rel[n_rel].jaccard = js[i];
        n_rel++;
    }
    (void)cap_rel;
    qsort(rel, n_rel, sizeof *rel, cmp_related);

    arena a;
    arena_init(&a);
    dedup_doc dm;
    rc = dedup_doc_from_text(&a, me.text, me.len, &dm);
    size_t ns = dm.n_sentences;
    /* carriers[i * n_rel + r]: related article r carries sentence i. */
    unsigned char *carriers = rc ? NULL : arena_calloc(&a, (ns ? ns : 1) * (n_rel ? n_rel : 1), 1);
    json_t *related_json = json_array();
    if (!rc && !carriers) rc = ACCORD_ENOMEM;
    for (size_t r = 0; r < n_rel && !rc; r++) {
        dedup_doc dr;
        dedup_alignment al;
        rc = dedup_doc_from_text(&a, rel[r].a.text, rel[r].a.len, &dr);
        if (!rc) rc = dedup_align(&a, &dm, &dr, &al);
        if (rc) break;
        size_t aligned = 0;
        for (size_t p = 0; p < al.n_pairs; p++) {
            if (!carriers[al.pairs[p].a * n_rel + r]) aligned++;
            carriers[al.pairs[p].a * n_rel + r] = 1;
        }
        json_t *o = art_json(&rel[r].a);
        json_object_set_new(o, "relation", json_string(rel[r].copy ? "copy" : "shares passages"));
        json_object_set_new(o, "jaccard", json_real(rel[r].jaccard));
        json_object_set_new(o, "aligned_sentences", json_integer((json_int_t)aligned));
        json_array_append_new(related_json, o);
    }
    if (rc) {
        json_decref(related_json);
        arena_free(&a);
        if (rc != ACCORD_ENOMEM) goto out;
        rc = acc_error(ACCORD_ENOMEM, "out of memory aligning the articles");
        goto out;
    }
    json_t *passages = json_array(), *only = json_array();
    size_t shared = 0;
    for (size_t i = 0; i < ns;) {
        int carried = 0;
        for (size_t r = 0; r < n_rel; r++)
            carried |= carriers[i * n_rel + r];
        if (!carried) {
            const dedup_sentence *s = &dm.sentences[i];
            json_array_append_new(only, json_pack("{s:i, s:s%}", "sentence", (int)i, "text",
                                                  dm.text + s->start, (size_t)(s->end - s->start)));
            i++;
            continue;
        }
        /* A passage: consecutive sentences carried elsewhere. */
        size_t j = i;
        unsigned char *by = arena_calloc(&a, n_rel ? n_rel : 1, 1);
        json_t *texts = json_array();
        while (j < ns) {
            int cj = 0;
            for (size_t r = 0; r < n_rel; r++)
                cj |= carriers[j * n_rel + r];
            if (!cj) break;
            for (size_t r = 0; r < n_rel; r++)
                if (by && carriers[j * n_rel + r]) by[r] = 1;
            const dedup_sentence *s = &dm.sentences[j];
            json_array_append_new(texts, json_stringn(dm.text + s->start, s->end - s->start));
            j++;
        }
        shared += j - i;
        json_t *carried_by = json_array();
        const char *first_id = me.id, *first_date = me.date;
        for (size_t r = 0; r < n_rel; r++) {
            if (!by || !by[r]) continue;
            json_array_append_new(carried_by, json_string(rel[r].a.id));
            if (art_before(rel[r].a.date, rel[r].a.id, first_date, first_id)) {
                first_id = rel[r].a.id;
                first_date = rel[r].a.date;
            }
        }
        json_array_append_new(
            passages, json_pack("{s:i, s:i, s:o, s:o, s:s, s:o}", "first", (int)i, "count",
                                (int)(j - i), "sentences", texts, "carried_by", carried_by,
                                "first_carrier", first_id, "first_date", acc_json_str(first_date)));
        i = j;
    }
    json_t *o = art_json(&me);
    json_object_set_new(o, "sentences", json_integer((json_int_t)ns));
    json_object_set_new(o, "shared_sentences", json_integer((json_int_t)shared));
    json_object_set_new(o, "shared_share", json_real(ns ? (double)shared / (double)ns : 0.0));
    json_object_set_new(o, "related", related_json);
    json_object_set_new(o, "passages", passages);
    json_object_set_new(o, "only_here", only);
    arena_free(&a);
    rc = acc_json_out(o, json);
out:
    for (size_t i = 0; i < n_rel; i++)
        art_free(&rel[i].a);
    free(rel);
    free(others);
    free(js);
    free(kinds);
    art_free(&me);
    return rc;
}
