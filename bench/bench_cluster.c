/* bench_cluster.c - clustering throughput at several corpus sizes.
 *
 * Generates a deterministic stream of synthetic news: events that each
 * start on some day and are reported by a few to a few dozen articles over
 * the next three days. An event has a topic (shared with many other events:
 * its topic words), its own names (capitalised pseudo-words) and figures;
 * an article of it mixes common Zipf-distributed words, its topic's words,
 * its names and figures. About 2,000 articles arrive per day, so the number
 * of stories active at any time stays the same while the corpus grows: the
 * cost per article must then stay flat.
 *
 * For each size it runs the stage's per-article work: text analysis, the
 * features, and the online clustering (candidates through the index, the
 * scores, the centroid update, storylines), and prints articles per
 * second, microseconds per article, peak memory, and B-cubed F1 against
 * the generated events as a sanity check.
 *
 * As on the ingest path, the state is written behind every 1,000 articles
 * (here to a scratch file rather than the store) and stories that ended
 * more than 30 days before the latest day leave memory, coming back from
 * the file when an article needs them; the peak memory is that of the
 * engine with eviction. BENCH_CLUSTER_NO_EVICT=1 keeps every story.
 *
 * usage: bench_cluster [SIZE...]   (default 10000 100000 1000000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cluster/cluster.h"
#include "synth.h"

enum { PER_DAY = 2000, TOPICS = 300, TOPIC_WORDS = 25, EVENT_NAMES = 6 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Saved story states: one 16 kB slot per story id in a scratch file (a
 * sparse file; a state is at most about 8 kB), as a store would keep them. */
enum { SLOT = 16384 };

typedef struct saved {
    FILE *f;
    uint32_t *len;
    uint32_t cap;
} saved;

static int saved_put(saved *sv, uint32_t id, const unsigned char *b, size_t n)
{
    if (n > SLOT) return 1;
    if (id >= sv->cap) {
        uint32_t cap = sv->cap ? sv->cap : 1024;
        while (cap <= id) cap *= 2;
        uint32_t *l = realloc(sv->len, cap * sizeof *l);
        if (!l) return 1;
        sv->len = l;
        sv->cap = cap;
    }
    sv->len[id] = (uint32_t)n;
    return fseek(sv->f, (long)id * SLOT, SEEK_SET) != 0 || fwrite(b, 1, n, sv->f) != n;
}

static int saved_load(void *ud, uint32_t id, void **blob, size_t *len)
{
    saved *sv = ud;
    if (id >= sv->cap) return 1;
    void *b = malloc(sv->len[id] ? sv->len[id] : 1);
    if (!b) return 1;
    fseek(sv->f, (long)id * SLOT, SEEK_SET);
    if (fread(b, 1, sv->len[id], sv->f) != sv->len[id]) {
        free(b);
        return 1;
    }
    *blob = b;
    *len = sv->len[id];
    return 0;
}

/* Writes the stories changed since the last flush, then evicts. */
static int flush(cluster_engine *eng, saved *sv, bool evict)
{
    for (uint32_t k = 1; k <= cluster_engine_n_stories(eng); k++) {
        if (!cluster_engine_story_dirty(eng, k)) continue;
        unsigned char *b;
        size_t n;
        if (cluster_engine_story_encode(eng, k, &b, &n) || saved_put(sv, k, b, n)) return 1;
        free(b);
    }
    cluster_engine_clean(eng);
    if (evict && cluster_engine_max_day(eng) != CLUSTER_NO_DAY) cluster_engine_evict(eng, cluster_engine_max_day(eng) - 30);
    return 0;
}

typedef struct event {
    uint32_t topic;
    int32_t day;
    uint32_t names[EVENT_NAMES];
    uint32_t figures[3];
} event;

static void put_word(char *out, size_t *n, const char *w, int cap)
{
    size_t len = strlen(w);
    memcpy(out + *n, w, len);
    if (cap) out[*n] = (char)(out[*n] - 32);
    *n += len;
}

/* One article of event ev. */
static size_t article(const synth *g, const event *ev, uint64_t seed, char *out, size_t cap)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 12345;
    synth_next(&s);
    size_t n = 0;
    int sentences = 8 + (int)(synth_next(&s) % 12);
    for (int k = 0; k < sentences && n + 600 < cap; k++) {
        int len = 10 + (int)(synth_next(&s) % 15);
        for (int i = 0; i < len; i++) {
            if (i) out[n++] = ' ';
            uint64_t r = synth_next(&s) % 100;
            if (r < 18) { /* a topic word */
                int w = 2000 + (int)((ev->topic * TOPIC_WORDS + synth_next(&s) % TOPIC_WORDS) % (SYNTH_VOCAB - 2000));
                put_word(out, &n, g->words[w], i == 0);
            } else if (r < 26 && i > 0) { /* one of its names */
                int w = (int)ev->names[synth_next(&s) % EVENT_NAMES];
                put_word(out, &n, g->words[w], 1);
            } else if (r < 28) { /* one of its figures */
                n += (size_t)sprintf(out + n, "%u", ev->figures[synth_next(&s) % 3]);
            } else {
                int w = synth_word(g, &s);
                put_word(out, &n, g->words[w], i == 0);
            }
        }
        out[n++] = '.';
        out[n++] = (k % 3 == 2) ? '\n' : ' ';
    }
    out[n] = 0;
    return n;
}

static int run(const synth *g, size_t n_articles)
{
    /* Events: sizes from 1 to 40 (skewed small), days in order. */
    size_t n_events = n_articles / 6 + 1;
    event *events = calloc(n_events, sizeof *events);
    uint32_t *of = malloc(n_articles * sizeof *of);
    uint32_t *story = malloc(n_articles * sizeof *story);
    if (!events || !of || !story) return 1;
    uint64_t s = 0xC0FFEEull + n_articles;
    size_t a = 0;
    for (size_t e = 0; e < n_events && a < n_articles; e++) {
        event *ev = &events[e];
        ev->topic = (uint32_t)(synth_next(&s) % TOPICS);
        ev->day = (int32_t)(a / PER_DAY);
        for (int k = 0; k < EVENT_NAMES; k++) ev->names[k] = 2000 + (uint32_t)(synth_next(&s) % (SYNTH_VOCAB - 2000));
        for (int k = 0; k < 3; k++) ev->figures[k] = 2 + (uint32_t)(synth_next(&s) % 5000);
        uint64_t r = synth_next(&s) % 100;
        size_t size = r < 40 ? 1 + r % 3 : r < 85 ? 4 + r % 8 : 12 + r % 29;
        for (size_t k = 0; k < size && a < n_articles; k++) of[a++] = (uint32_t)e;
    }
    n_articles = a;
    /* Interleave the articles of a day's window: a local shuffle keeps the
     * stream in time order while events overlap. */
    for (size_t i = 0; i + 1 < n_articles; i++) {
        size_t j = i + synth_next(&s) % 64;
        if (j >= n_articles) j = n_articles - 1;
        uint32_t t = of[i];
        of[i] = of[j];
        of[j] = t;
    }

    cluster_params p;
    cluster_params_default(&p);
    cluster_engine *eng = cluster_engine_new(&p);
    saved sv = {tmpfile(), NULL, 0};
    if (!sv.f) return 1;
    bool evict = !getenv("BENCH_CLUSTER_NO_EVICT");
    if (evict) cluster_engine_set_loader(eng, saved_load, &sv);
    text_stemmer *stem = text_stemmer_new("en");
    arena ar;
    arena_init(&ar);
    char *text = malloc(8192);
    size_t bytes = 0;
    double t0 = now();
    for (size_t i = 0; i < n_articles; i++) {
        const event *ev = &events[of[i]];
        size_t len = article(g, ev, i + 1, text, 8192);
        bytes += len;
        text_doc td;
        cluster_doc d;
        if (text_analyze(&ar, text, len, &td) != 0 || cluster_features(&ar, stem, NULL, &td, &d) != 0) return 1;
        d.article = (int64_t)i + 1;
        d.day = ev->day + (int32_t)(i % 3);
        cluster_match m;
        if (cluster_engine_count(eng, &d)) return 1;
        cluster_engine_weigh(eng, &d);
        if (cluster_engine_add(eng, &ar, &d, 0, &m)) return 1;
        if (m.created) {
            bool created;
            double sc;
            cluster_engine_link(eng, m.story, &created, &sc);
        }
        story[i] = m.story;
        arena_reset(&ar);
        if ((i + 1) % 1000 == 0 && flush(eng, &sv, evict)) return 1;
    }
    double secs = now() - t0;

    /* B-cubed of the stories against the events (pairs counted through
     * sorting keys: story x event). */
    uint64_t *k = malloc(n_articles * sizeof *k);
    double prec = 0, rec = 0;
    if (k) {
        uint32_t n_st = cluster_engine_n_stories(eng);
        uint32_t *st_size = calloc(n_st + 1, sizeof *st_size), *ev_size = calloc(n_events, sizeof *ev_size);
        for (size_t i = 0; i < n_articles; i++) {
            st_size[story[i]]++;
            ev_size[of[i]]++;
            k[i] = ((uint64_t)story[i] << 32) | of[i];
        }
        int cmp(const void *x, const void *y);
        qsort(k, n_articles, sizeof *k, (int (*)(const void *, const void *))cmp);
        for (size_t i = 0; i < n_articles;) {
            size_t j = i;
            while (j < n_articles && k[j] == k[i]) j++;
            double c = (double)(j - i);
            prec += c * c / st_size[k[i] >> 32];
            rec += c * c / ev_size[k[i] & 0xffffffffu];
            i = j;
        }
        prec /= (double)n_articles;
        rec /= (double)n_articles;
        free(st_size);
        free(ev_size);
    }
    double f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
    printf("| %zu | %.1f | %.2f | %.0f | %.1f | %u | %.0f | %.3f |\n", n_articles, (double)bytes / 1e6, secs,
           (double)n_articles / secs, secs / (double)n_articles * 1e6, cluster_engine_n_stories(eng),
           (double)peak_kb() / 1024, f1);
    cluster_memory mem;
    cluster_engine_memory(eng, &mem);
    fprintf(stderr,
            "memory at the end (MB): story records %.1f, centroids and index terms %.1f (%u of %u stories in "
            "memory), candidate and storyline index %.1f, frequencies %.1f, article -> story %.1f, ring %.1f\n",
            mem.stories / 1e6, mem.centroids / 1e6, mem.resident, cluster_engine_n_stories(eng), mem.index / 1e6,
            mem.frequencies / 1e6, mem.members / 1e6, mem.ring / 1e6);
    fflush(stdout);
    free(k);
    free(text);
    arena_free(&ar);
    text_stemmer_free(stem);
    cluster_engine_free(eng);
    fclose(sv.f);
    free(sv.len);
    free(events);
    free(of);
    free(story);
    return 0;
}

int cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

int main(int argc, char **argv)
{
    synth *g = malloc(sizeof *g);
    if (!g) return 1;
    synth_init(g, 7);
    printf("| articles | MB | seconds | articles/s | µs/article | stories | peak MB | B-cubed F1 |\n");
    printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    fflush(stdout);
    if (argc < 2) {
        size_t sizes[] = {10000, 100000, 1000000};
        for (int i = 0; i < 3; i++)
            if (run(g, sizes[i])) return 1;
    }
    for (int i = 1; i < argc; i++)
        if (run(g, (size_t)strtoull(argv[i], NULL, 10))) return 1;
    free(g);
    return 0;
}
