/* feed.h - reading feeds, sitemaps and outline lists.
 *
 * One parser recognises the document by its content, not by its name or
 * its Content-Type: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0, JSON Feed
 * 1.0/1.1, news sitemaps (urlset, with or without the news: extension),
 * sitemap indexes and OPML lists. What it gives is the same for all: the
 * items, each with its link resolved against the document's URL, and the
 * metadata the document carries. Dates are normalised to ISO 8601 UTC
 * ("2026-03-02T14:05:00Z"), or left NULL when absent or unreadable.
 *
 * For a sitemap index and an OPML list the items are the child sitemaps
 * or feeds (link only, title where OPML gives one). */
#ifndef ACCORD_FETCH_FEED_H
#define ACCORD_FETCH_FEED_H

#include <stdbool.h>
#include <stddef.h>

typedef enum feed_kind {
    FEED_UNKNOWN = 0, /* not a feed, sitemap or outline */
    FEED_RSS,         /* RSS 0.9x / 2.0 */
    FEED_RDF,         /* RSS 1.0 */
    FEED_ATOM,
    FEED_JSON,        /* JSON Feed */
    FEED_SITEMAP,     /* urlset */
    FEED_SITEMAP_INDEX,
    FEED_OPML,
} feed_kind;

typedef struct feed_item {
    const char *link;      /* absolute URL, or NULL when the item has none */
    const char *guid;      /* id/guid as given, or NULL */
    const char *title;     /* plain text, or NULL */
    const char *author;    /* or NULL */
    const char *published; /* ISO 8601 UTC, or NULL */
    const char *updated;   /* ISO 8601 UTC, or NULL */
    const char *content;   /* the full article when the feed carries it, or NULL */
    bool content_is_html;
} feed_item;

typedef struct feed_doc {
    feed_kind kind;
    const char *title, *link, *lang; /* the feed's own, or NULL */
    feed_item *items;
    size_t n_items;
    size_t n_skipped; /* items dropped (no link and no content, over the item limit) */
    void *mem;        /* owned storage, freed by feed_doc_free */
} feed_doc;

/* Largest number of items read from one document; the rest are counted in
 * n_skipped. */
#define FEED_MAX_ITEMS 20000

/* Parses data (any encoding libxml2 or the JSON reader detects; JSON must
 * be UTF-8) fetched from base_url (may be NULL). Returns 0 with out filled
 * (kind FEED_UNKNOWN when the document is none of the above), or
 * ACCORD_EINPUT with a message naming base_url and the position when the
 * document claims to be one (XML or JSON) but is broken beyond repair;
 * ACCORD_ENOMEM. */
int feed_parse(const char *data, size_t len, const char *base_url, feed_doc *out);
void feed_doc_free(feed_doc *d);
const char *feed_kind_name(feed_kind k);

#endif
