/* learn.c - the fragments of an article and the rule that makes a
 * recurring fragment an outlet's boilerplate (see learn.h). */
#include "learn.h"

#include <stdlib.h>
#include <string.h>

#include "accord.h"
#include "clean_internal.h"
#include "clean_store.h"

bool clean_learn_is_boilerplate(long n_with, long n_articles)
{
    if (n_with < CLEAN_LEARN_MIN_ARTICLES || n_articles <= 0) return false;
    return (double)n_with >= CLEAN_LEARN_MIN_SHARE * (double)n_articles;
}

static int cmp_frag(const void *x, const void *y)
{
    const clean_fragment *a = x, *b = y;
    return a->key < b->key ? -1 : a->key > b->key;
}

static int push(arena *a, clean_fragment **v, size_t *n, size_t *cap, const char *s, size_t len)
{
    clean_trim(&s, &len);
    if (len < 8) return 0; /* "Share", "Loading": the line rules catch those */
    if (clean_word_count(s, len) > CLEAN_LEARN_MAX_WORDS) return 0;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        clean_fragment *nv = arena_grow(a, *v, *cap, nc, sizeof *nv);
        if (!nv) return -1;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = (clean_fragment){clean_fragment_key(s, len), s, len};
    return 0;
}

/* Sentence ends, roughly: . ! ? followed by a space and a capital or a
 * quote. Good enough to cut boilerplate sentences glued to paragraphs. */
static bool sentence_end(const char *s, size_t len, size_t i)
{
    if (s[i] != '.' && s[i] != '!' && s[i] != '?') return false;
    size_t j = i + 1;
    while (j < len && (s[j] == '"' || s[j] == '\'' || s[j] == ')')) j++;
    if (j >= len) return true;
    if (s[j] != ' ') return false;
    while (j < len && s[j] == ' ') j++;
    return j < len && ((s[j] >= 'A' && s[j] <= 'Z') || s[j] == '"' || (unsigned char)s[j] >= 0xC0);
}

int clean_learn_fragments(arena *a, const clean_result *r, clean_fragment **out, size_t *n_out)
{
    clean_fragment *v = NULL;
    size_t n = 0, cap = 0;
    const char *t = r->text ? r->text : "";
    size_t len = r->text ? r->len : 0;
    size_t ps = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && t[i] != '\n') continue;
        const char *p = t + ps;
        size_t pl = i - ps;
        if (push(a, &v, &n, &cap, p, pl)) return -1;
        size_t ss = 0, sentences = 0;
        for (size_t k = 0; k < pl; k++) {
            if (!sentence_end(p, pl, k)) continue;
            size_t e = k + 1;
            while (e < pl && (p[e] == '"' || p[e] == '\'' || p[e] == ')')) e++;
            /* a paragraph of one sentence is already counted whole */
            if (e < pl || sentences) {
                if (push(a, &v, &n, &cap, p + ss, e - ss)) return -1;
            }
            sentences++;
            ss = e;
        }
        if (sentences > 1 && ss < pl && push(a, &v, &n, &cap, p + ss, pl - ss)) return -1;
        ps = i + 1;
    }
    for (size_t i = 0; i < r->n_removed; i++)
        if (r->removed[i].reason && !strncmp(r->removed[i].reason, "learned-boilerplate", 19))
            if (push(a, &v, &n, &cap, r->removed[i].text, strlen(r->removed[i].text))) return -1;
    if (n > 1) qsort(v, n, sizeof *v, cmp_frag);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || v[w - 1].key != v[i].key) v[w++] = v[i];
    *out = v;
    *n_out = w;
    return 0;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

int clean_learned_from_keys(arena *a, const uint64_t *keys, size_t n, clean_learned *out)
{
    out->keys = NULL;
    out->n_keys = 0;
    if (!n) return 0;
    uint64_t *k = arena_alloc(a, n * sizeof *k);
    if (!k) return -1;
    memcpy(k, keys, n * sizeof *k);
    qsort(k, n, sizeof *k, cmp_u64);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || k[w - 1] != k[i]) k[w++] = k[i];
    out->keys = k;
    out->n_keys = w;
    return 0;
}

/* ---- the in-memory state ------------------------------------------------------------------------
 *
 * Per outlet, a hash table of fragment entries (open addressing, linear
 * probing; the keys are hashes already, mixed once more) and the sorted
 * array of keys visible now. Forgetting rebuilds an outlet's table without
 * the forgotten entries, so no tombstones are needed. */

uint64_t clean_learn_epoch_len(uint64_t n)
{
    uint64_t q = n / 32, p = 1;
    while (p < CLEAN_LEARN_EPOCH && p * 2 <= q) p *= 2;
    return p;
}

/* Boundaries are the multiples of the epoch length in force there. The
 * length doubles only at 32 times a power of two, itself a multiple of the
 * old length, so the next multiple of the current length is the next
 * boundary. */
uint64_t clean_learn_next_boundary(uint64_t n)
{
    uint64_t p = clean_learn_epoch_len(n);
    return n % p ? n - n % p + p : n;
}

static size_t slot_of(uint64_t key, size_t cap)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return p;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) nc *= 2;
    void *np = realloc(p, nc * elem);
    if (np) *cap = nc;
    return np;
}

#define PUSH(L, arr, n, cap, val)                                                                  \
    do {                                                                                           \
        void *np_ = grow((L)->arr, &(L)->cap, (L)->n + 1, sizeof *(L)->arr);                       \
        if (!np_) return ACCORD_ENOMEM;                                                            \
        (L)->arr = np_;                                                                            \
        (L)->arr[(L)->n++] = (val);                                                                \
    } while (0)

clean_learn *clean_learn_new(void)
{
    clean_learn *L = calloc(1, sizeof *L);
    if (!L) return NULL;
    arena_init(&L->scratch);
    L->next_id = 1;
    return L;
}

const clean_learn_outlet *clean_learn_outlet_find(const clean_learn *L, const char *source)
{
    if (!L || !source || !*source || !L->cap_names) return NULL;
    for (size_t i = (size_t)name_hash(source) & (L->cap_names - 1);; i = (i + 1) & (L->cap_names - 1)) {
        uint32_t v = L->by_name[i];
        if (!v) return NULL;
        if (!strcmp(L->outlets[v - 1].source, source)) return &L->outlets[v - 1];
    }
}

static void name_insert(uint32_t *t, size_t cap, const char *source, uint32_t v)
{
    size_t i = (size_t)name_hash(source) & (cap - 1);
    while (t[i]) i = (i + 1) & (cap - 1);
    t[i] = v;
}

clean_learn_outlet *clean_learn_outlet_get(clean_learn *L, const char *source, bool create)
{
    const clean_learn_outlet *found = clean_learn_outlet_find(L, source);
    if (found || !create) return (clean_learn_outlet *)found;
    if ((L->n_outlets + 1) * 2 > L->cap_names) {
        size_t nc = L->cap_names ? L->cap_names * 2 : 16;
        uint32_t *t = calloc(nc, sizeof *t);
        if (!t) return NULL;
        for (size_t i = 0; i < L->n_outlets; i++) name_insert(t, nc, L->outlets[i].source, (uint32_t)i + 1);
        free(L->by_name);
        L->by_name = t;
        L->cap_names = nc;
    }
    void *np = grow(L->outlets, &L->cap_outlets, L->n_outlets + 1, sizeof *L->outlets);
    if (!np) return NULL;
    L->outlets = np;
    char *name = strdup(source);
    if (!name) return NULL;
    clean_learn_outlet *o = &L->outlets[L->n_outlets];
    *o = (clean_learn_outlet){.source = name, .id = L->next_id++, .dirty = true};
    L->n_outlets++;
    name_insert(L->by_name, L->cap_names, name, (uint32_t)L->n_outlets);
    return o;
}

clean_learn_entry *clean_learn_entry_find(clean_learn_outlet *o, uint64_t key)
{
    if (!o->cap) return NULL;
    for (size_t i = slot_of(key, o->cap);; i = (i + 1) & (o->cap - 1)) {
        if (!(o->slots[i].flags & CLEAN_LEARN_USED)) return NULL;
        if (o->slots[i].key == key) return &o->slots[i];
    }
}

static clean_learn_entry *slot_for(clean_learn_entry *slots, size_t cap, uint64_t key)
{
    size_t i = slot_of(key, cap);
    while (slots[i].flags & CLEAN_LEARN_USED) i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* Rebuilds the outlet's table with nc slots (a power of two), keeping the
 * entries that keep_entry() keeps (all when it is NULL) and listing the
 * stored ones it drops in L->gone. */
typedef bool (*keep_fn)(const clean_learn *L, const clean_learn_outlet *o, const clean_learn_entry *e);

static int rebuild(clean_learn *L, clean_learn_outlet *o, size_t nc, keep_fn keep_entry)
{
    clean_learn_entry *t = calloc(nc, sizeof *t);
    if (!t) return ACCORD_ENOMEM;
    size_t used = 0;
    for (size_t i = 0; i < o->cap; i++) {
        const clean_learn_entry *e = &o->slots[i];
        if (!(e->flags & CLEAN_LEARN_USED)) continue;
        if (keep_entry && !keep_entry(L, o, e)) {
            if (e->flags & CLEAN_LEARN_STORED) {
                void *np = grow(L->gone, &L->cap_gone, L->n_gone + 1, sizeof *L->gone);
                if (!np) {
                    free(t);
                    return ACCORD_ENOMEM;
                }
                L->gone = np;
                L->gone[L->n_gone++] = (clean_learn_ref){(uint32_t)(o - L->outlets), e->key};
            }
            continue;
        }
        *slot_for(t, nc, e->key) = *e;
        used++;
    }
    free(o->slots);
    o->slots = t;
    o->cap = nc;
    o->used = used;
    return 0;
}

static clean_learn_entry *entry_insert(clean_learn *L, clean_learn_outlet *o, uint64_t key)
{
    if ((o->used + 1) * 10 > o->cap * 7 && rebuild(L, o, o->cap ? o->cap * 2 : 64, NULL)) return NULL;
    clean_learn_entry *e = slot_for(o->slots, o->cap, key);
    *e = (clean_learn_entry){.key = key, .flags = CLEAN_LEARN_USED};
    o->used++;
    return e;
}

/* The forgetting rule (learn.h). */
static bool remembered(const clean_learn *L, const clean_learn_outlet *o, const clean_learn_entry *e)
{
    if (e->flags & CLEAN_LEARN_BOILERPLATE) return true;
    uint64_t since = o->n_articles - e->seen, since_all = L->observed - e->seen_at;
    if (e->n <= 1) return since < CLEAN_LEARN_FORGET_ONCE && since_all < CLEAN_LEARN_FORGET_ONCE_ALL;
    return since < CLEAN_LEARN_FORGET && since_all < CLEAN_LEARN_FORGET_ALL;
}

static int sweep(clean_learn *L, clean_learn_outlet *o)
{
    size_t keep = 0;
    for (size_t i = 0; i < o->cap; i++)
        if ((o->slots[i].flags & CLEAN_LEARN_USED) && remembered(L, o, &o->slots[i])) keep++;
    if (keep == o->used) return 0;
    size_t nc = 64;
    while (nc < keep * 2) nc *= 2;
    return rebuild(L, o, nc, remembered);
}

/* Makes the pending fragments due at boundary n visible. */
static int publish(clean_learn *L, uint64_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < L->n_pending; i++) {
        clean_learn_ref p = L->pending[i];
        clean_learn_outlet *o = &L->outlets[p.outlet];
        clean_learn_entry *e = clean_learn_entry_find(o, p.key);
        if (!e) continue;
        if (e->visible_from > n) {
            L->pending[w++] = p;
            continue;
        }
        void *np = grow(o->visible, &o->cap_visible, o->n_visible + 1, sizeof *o->visible);
        if (!np) return ACCORD_ENOMEM;
        o->visible = np;
        o->visible[o->n_visible++] = p.key;
        o->version = n;
    }
    L->n_pending = w;
    for (size_t i = 0; i < L->n_outlets; i++) {
        clean_learn_outlet *o = &L->outlets[i];
        if (o->version == n && o->n_visible > 1) qsort(o->visible, o->n_visible, sizeof *o->visible, cmp_u64);
    }
    return 0;
}

static int mark_dirty(clean_learn *L, uint32_t oi, clean_learn_entry *e)
{
    if (e->flags & CLEAN_LEARN_DIRTY) return 0;
    e->flags |= CLEAN_LEARN_DIRTY;
    PUSH(L, dirty, n_dirty, cap_dirty, ((clean_learn_ref){oi, e->key}));
    return 0;
}

int clean_learn_observe(clean_learn *L, const char *source, const clean_result *r)
{
    clean_fragment *f = NULL;
    size_t nf = 0;
    if (source && *source && r) {
        arena_reset(&L->scratch);
        if (clean_learn_fragments(&L->scratch, r, &f, &nf)) return ACCORD_ENOMEM;
    }
    return clean_learn_observe_fragments(L, r ? source : NULL, f, nf);
}

int clean_learn_observe_fragments(clean_learn *L, const char *source, const clean_fragment *f, size_t nf)
{
    uint64_t n = ++L->observed;
    L->observed_dirty = true;
    if (source && *source) {
        clean_learn_outlet *o = clean_learn_outlet_get(L, source, true);
        if (!o) return ACCORD_ENOMEM;
        uint32_t oi = (uint32_t)(o - L->outlets);
        o->n_articles++;
        o->dirty = true;
        for (size_t i = 0; i < nf; i++) {
            clean_learn_entry *e = clean_learn_entry_find(o, f[i].key);
            /* learned for good: its count no longer matters */
            if (e && (e->flags & CLEAN_LEARN_BOILERPLATE)) continue;
            if (!e && !(e = entry_insert(L, o, f[i].key))) return ACCORD_ENOMEM;
            if (e->n < CLEAN_LEARN_N_MAX) e->n++;
            e->seen = o->n_articles;
            e->seen_at = (uint32_t)n;
            if (mark_dirty(L, oi, e)) return ACCORD_ENOMEM;
            if (!clean_learn_is_boilerplate((long)e->n, (long)o->n_articles)) continue;
            e->flags |= CLEAN_LEARN_BOILERPLATE;
            e->visible_from = (uint32_t)clean_learn_next_boundary(n);
            PUSH(L, pending, n_pending, cap_pending, ((clean_learn_ref){oi, f[i].key}));
            char *text = strndup(f[i].text ? f[i].text : "", f[i].len > 200 ? 200 : f[i].len);
            if (!text) return ACCORD_ENOMEM;
            void *np = grow(L->samples, &L->cap_samples, L->n_samples + 1, sizeof *L->samples);
            if (!np) {
                free(text);
                return ACCORD_ENOMEM;
            }
            L->samples = np;
            L->samples[L->n_samples++] = (clean_learn_sample){oi, f[i].key, text};
        }
        if (o->n_articles % CLEAN_LEARN_SWEEP == 0 && sweep(L, o)) return ACCORD_ENOMEM;
    }
    if (n % CLEAN_LEARN_SWEEP_ALL == 0)
        for (size_t i = 0; i < L->n_outlets; i++)
            if (sweep(L, &L->outlets[i])) return ACCORD_ENOMEM;
    if (L->n_pending && n % clean_learn_epoch_len(n) == 0) return publish(L, n);
    return 0;
}

int clean_learn_load_entry(clean_learn *L, clean_learn_outlet *o, const clean_learn_entry *e)
{
    (void)L;
    clean_learn_entry *d = entry_insert(L, o, e->key);
    if (!d) return ACCORD_ENOMEM;
    *d = *e;
    d->flags = (e->flags & CLEAN_LEARN_BOILERPLATE) | CLEAN_LEARN_USED | CLEAN_LEARN_STORED;
    return 0;
}

int clean_learn_loaded(clean_learn *L)
{
    for (size_t i = 0; i < L->n_outlets; i++) {
        clean_learn_outlet *o = &L->outlets[i];
        for (size_t k = 0; k < o->cap; k++) {
            const clean_learn_entry *e = &o->slots[k];
            if (!(e->flags & CLEAN_LEARN_BOILERPLATE)) continue;
            if (e->visible_from > L->observed) {
                PUSH(L, pending, n_pending, cap_pending, ((clean_learn_ref){(uint32_t)i, e->key}));
                continue;
            }
            void *np = grow(o->visible, &o->cap_visible, o->n_visible + 1, sizeof *o->visible);
            if (!np) return ACCORD_ENOMEM;
            o->visible = np;
            o->visible[o->n_visible++] = e->key;
            if (e->visible_from > o->version) o->version = e->visible_from;
        }
        if (o->n_visible > 1) qsort(o->visible, o->n_visible, sizeof *o->visible, cmp_u64);
    }
    return 0;
}

void clean_learn_view(const clean_learn *L, const char *source, clean_learned *out, uint64_t *version)
{
    const clean_learn_outlet *o = clean_learn_outlet_find(L, source);
    out->keys = o && o->n_visible ? o->visible : NULL;
    out->n_keys = o ? o->n_visible : 0;
    if (version) *version = o ? o->version : 0;
}

uint64_t clean_learn_version(const clean_learn *L, const char *source)
{
    const clean_learn_outlet *o = clean_learn_outlet_find(L, source);
    return o ? o->version : 0;
}

uint64_t clean_learn_observed(const clean_learn *L)
{
    return L->observed;
}

size_t clean_learn_bytes(const clean_learn *L, size_t *entries)
{
    size_t b = sizeof *L + L->cap_outlets * sizeof *L->outlets + L->cap_names * sizeof *L->by_name +
               L->cap_pending * sizeof *L->pending + L->cap_dirty * sizeof *L->dirty +
               L->cap_gone * sizeof *L->gone + L->cap_samples * sizeof *L->samples;
    size_t n = 0;
    for (size_t i = 0; i < L->n_outlets; i++) {
        const clean_learn_outlet *o = &L->outlets[i];
        b += strlen(o->source) + 1 + o->cap * sizeof *o->slots + o->cap_visible * sizeof *o->visible;
        n += o->used;
    }
    if (entries) *entries = n;
    return b;
}

void clean_learn_free(clean_learn *L)
{
    if (!L) return;
    for (size_t i = 0; i < L->n_outlets; i++) {
        free(L->outlets[i].source);
        free(L->outlets[i].slots);
        free(L->outlets[i].visible);
    }
    for (size_t i = 0; i < L->n_samples; i++) free(L->samples[i].text);
    free(L->outlets);
    free(L->by_name);
    free(L->pending);
    free(L->dirty);
    free(L->gone);
    free(L->samples);
    arena_free(&L->scratch);
    free(L);
}
