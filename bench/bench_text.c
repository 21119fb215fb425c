/* bench_text.c - throughput of the text layer.
 *
 *   bench-text [-m MB] FILE...
 *
 * Reads the given text files, repeats them (each repetition a separate
 * article, as ingest would see them) until about MB megabytes (default 64)
 * have gone through, and prints a table of MB/s for each step of the text
 * layer: UTF-8 validation, NFC, analysis (paragraphs, sentences, tokens),
 * match keys of every word, stems of every word, and language
 * identification. Times are CPU seconds of the one thread doing the work.
 * It reports figures; it asserts nothing. */
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct article {
    char *text;
    size_t len;
} article;

/* CPU time of this thread: the figures then hold on a busy machine too */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    buf b = BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_append(&b, tmp, n);
    fclose(f);
    if (buf_failed(&b)) {
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return buf_detach(&b);
}

static void report(const char *step, size_t bytes, size_t articles, double secs)
{
    double mb = (double)bytes / 1e6;
    printf("| %s | %.1f | %.3f | %.1f | %.0f |\n", step, mb, secs, secs > 0 ? mb / secs : 0,
           secs > 0 ? (double)articles / secs : 0);
}

int main(int argc, char **argv)
{
    double target_mb = 64;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-m") == 0) {
        target_mb = atof(argv[2]);
        first = 3;
    }
    if (first >= argc || target_mb <= 0) {
        fprintf(stderr, "usage: bench-text [-m MB] FILE...\n");
        return 2;
    }
    article *arts = calloc((size_t)(argc - first), sizeof *arts);
    size_t n_arts = 0, corpus = 0;
    if (!arts) return 3;
    for (int i = first; i < argc; i++) {
        size_t len = 0;
        char *raw = read_file(argv[i], &len);
        if (!raw) {
            fprintf(stderr, "bench-text: cannot read %s\n", argv[i]);
            continue;
        }
        /* benchmark on what the layer sees in production: repaired NFC */
        buf fixed = BUF_INIT, nfc = BUF_INIT;
        text_utf8_repair(raw, len, &fixed, NULL);
        if (text_nfc(fixed.data, fixed.len, &nfc) == 0 && nfc.len) {
            arts[n_arts].len = nfc.len;
            arts[n_arts].text = buf_detach(&nfc);
            corpus += arts[n_arts].len;
            n_arts++;
        }
        buf_free(&fixed);
        buf_free(&nfc);
        free(raw);
    }
    if (!n_arts) {
        fprintf(stderr, "bench-text: no readable input\n");
        return 1;
    }
    size_t reps = (size_t)(target_mb * 1e6 / (double)corpus) + 1;
    printf("%zu articles, %zu bytes, repeated %zu times\n\n", n_arts, corpus, reps);
    printf(
        "| step | MB | CPU seconds | MB/s | articles/s |\n| --- | ---: | ---: | ---: | ---: |\n");

    double t;
    size_t total = corpus * reps, count = n_arts * reps;
    volatile size_t sink = 0;

    t = now();
    for (size_t r = 0; r < reps; r++)
        for (size_t i = 0; i < n_arts; i++)
            sink += text_utf8_valid(arts[i].text, arts[i].len, NULL);
    report("utf8-valid", total, count, now() - t);

    buf out = BUF_INIT;
    t = now();
    for (size_t r = 0; r < reps; r++)
        for (size_t i = 0; i < n_arts; i++) {
            buf_clear(&out);
            if (text_nfc(arts[i].text, arts[i].len, &out) == 0) sink += out.len;
        }
    report("nfc", total, count, now() - t);

    arena a;
    arena_init(&a);
    text_doc d;
    size_t tokens = 0, sentences = 0;
    t = now();
    for (size_t r = 0; r < reps; r++)
        for (size_t i = 0; i < n_arts; i++) {
            arena_reset(&a);
            if (text_analyze(&a, arts[i].text, arts[i].len, &d) == 0) {
                tokens += d.n_tokens;
                sentences += d.n_sentences;
            }
        }
    double secs = now() - t;
    report("analyze", total, count, secs);

    /* match keys and stems of every word, on a tenth of the volume; the
     * analyses are kept so that only keys and stems are timed */
    size_t key_reps = reps / 10 + 1;
    arena keep;
    arena_init(&keep);
    text_doc *docs = arena_calloc(&keep, n_arts, sizeof *docs);
    text_stemmer *st = text_stemmer_new("en");
    if (!docs || !st) return 3;
    for (size_t i = 0; i < n_arts; i++)
        if (text_analyze(&keep, arts[i].text, arts[i].len, &docs[i]) != 0) return 3;
    double key_secs = 0, both_secs = 0;
    for (int pass = 0; pass < 2; pass++) {
        t = now();
        for (size_t r = 0; r < key_reps; r++)
            for (size_t i = 0; i < n_arts; i++)
                for (size_t k = 0; k < docs[i].n_tokens; k++) {
                    const text_token *tk = &docs[i].tokens[k];
                    if (tk->kind != TOK_WORD) continue;
                    buf_clear(&out);
                    text_match_key(arts[i].text + tk->start, tk->end - tk->start, &out);
                    if (pass == 1) {
                        size_t n = 0;
                        text_stem(st, out.data, out.len, &n);
                        sink += n;
                    }
                }
        if (pass == 0)
            key_secs = now() - t;
        else
            both_secs = now() - t;
    }
    report("match-key", corpus * key_reps, n_arts * key_reps, key_secs);
    report("stem", corpus * key_reps, n_arts * key_reps,
           both_secs > key_secs ? both_secs - key_secs : 0);
    text_stemmer_free(st);
    arena_free(&keep);

    t = now();
    for (size_t r = 0; r < key_reps; r++)
        for (size_t i = 0; i < n_arts; i++) {
            double c;
            sink += strlen(text_language(arts[i].text, arts[i].len, &c));
        }
    report("language", corpus * key_reps, n_arts * key_reps, now() - t);

    printf("\nanalyze: %.1f M tokens/s; %zu tokens and %zu sentences per pass over the corpus\n",
           secs > 0 ? (double)tokens / secs / 1e6 : 0, tokens / reps, sentences / reps);
    (void)sink;
    arena_free(&a);
    buf_free(&out);
    for (size_t i = 0; i < n_arts; i++)
        free(arts[i].text);
    free(arts);
    return 0;
}
