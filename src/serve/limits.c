/* limits.c - who may open a connection, so that slow clients cannot
 * take the server from everyone else.
 *
 * A client that opens connections and sends its requests a byte at a
 * time holds them as long as it likes; with enough of them the server
 * has none left. Three rules keep room for others:
 *
 *  - one address holds at most per_address connections (an IPv6
 *    address counts by its /64, which one client usually owns whole);
 *  - the last `reserve` connections go only to addresses that hold
 *    fewer than LIMITS_FEW, so that many addresses each under the
 *    per-address limit still leave room for a newcomer;
 *  - the request headers must come within a few seconds (serve.c).
 *
 * The counts live in a plain array of (address, count), searched
 * linearly: it holds at most max_total entries, a search is a few
 * microseconds, and a structure this simple is obviously right. The
 * server calls limits_admit() from libmicrohttpd's accept policy and
 * limits_opened()/limits_closed() when a connection starts and ends, so
 * a connection refused or failed before it started is never counted. */
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "serve/serve_int.h"

typedef struct addr_key {
    unsigned char b[8]; /* IPv4: 4 bytes; IPv6: the /64 prefix */
    unsigned char len;
} addr_key;

typedef struct addr_count {
    addr_key key;
    unsigned n;
} addr_count;

struct conn_limits {
    pthread_mutex_t lock;
    unsigned max_total, per_address, reserve;
    unsigned total;
    uint64_t refused[LIMITS_REASONS];
    addr_count *a; /* the addresses with at least one open connection */
    size_t n, cap;
};

static addr_key key_of(const struct sockaddr *sa)
{
    addr_key k = {{0}, 0};
    if (!sa) return k;
    if (sa->sa_family == AF_INET) {
        memcpy(k.b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        k.len = 4;
    } else if (sa->sa_family == AF_INET6) {
        const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (!memcmp(b, mapped, 12)) { /* an IPv4 client on an IPv6 socket */
            memcpy(k.b, b + 12, 4);
            k.len = 4;
        } else {
            memcpy(k.b, b, 8);
            k.len = 8;
        }
    }
    return k;
}

static addr_count *find(conn_limits *l, const addr_key *k)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->a[i].key.len == k->len && !memcmp(l->a[i].key.b, k->b, k->len)) return &l->a[i];
    return NULL;
}

conn_limits *limits_new(unsigned max_total, unsigned per_address, unsigned reserve)
{
    if (!max_total) return NULL;
    conn_limits *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    /* Worker threads admit in parallel, so the total can pass max_total
     * by one connection per thread: room for that. */
    l->cap = (size_t)max_total + 512;
    l->a = calloc(l->cap, sizeof *l->a);
    if (!l->a) {
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->lock, NULL);
    l->max_total = max_total;
    l->per_address = per_address ? per_address : max_total;
    l->reserve = reserve < max_total ? reserve : 0;
    return l;
}

void limits_free(conn_limits *l)
{
    if (!l) return;
    pthread_mutex_destroy(&l->lock);
    free(l->a);
    free(l);
}

bool limits_admit(conn_limits *l, const struct sockaddr *addr)
{
    if (!l) return true;
    addr_key k = key_of(addr);
    pthread_mutex_lock(&l->lock);
    addr_count *c = find(l, &k);
    unsigned mine = c ? c->n : 0;
    int why = l->total >= l->max_total                                      ? LIMITS_FULL
              : mine >= l->per_address                                      ? LIMITS_ADDRESS
              : l->total >= l->max_total - l->reserve && mine >= LIMITS_FEW ? LIMITS_RESERVE
                                                                            : -1;
    if (why >= 0) l->refused[why]++;
    pthread_mutex_unlock(&l->lock);
    return why < 0;
}

void limits_opened(conn_limits *l, const struct sockaddr *addr)
{
    if (!l) return;
    addr_key k = key_of(addr);
    pthread_mutex_lock(&l->lock);
    addr_count *c = find(l, &k);
    if (!c && l->n < l->cap) {
        c = &l->a[l->n++];
        c->key = k;
        c->n = 0;
    }
    if (c) c->n++;
    l->total++;
    pthread_mutex_unlock(&l->lock);
}

void limits_closed(conn_limits *l, const struct sockaddr *addr)
{
    if (!l) return;
    addr_key k = key_of(addr);
    pthread_mutex_lock(&l->lock);
    addr_count *c = find(l, &k);
    if (c && --c->n == 0) *c = l->a[--l->n];
    if (l->total) l->total--;
    pthread_mutex_unlock(&l->lock);
}

unsigned limits_open(conn_limits *l, const struct sockaddr *addr, unsigned *from_addr)
{
    if (!l) return 0;
    addr_key k = key_of(addr);
    pthread_mutex_lock(&l->lock);
    addr_count *c = find(l, &k);
    if (from_addr) *from_addr = c ? c->n : 0;
    unsigned total = l->total;
    pthread_mutex_unlock(&l->lock);
    return total;
}

unsigned limits_stats(conn_limits *l, uint64_t refused[LIMITS_REASONS])
{
    if (!l) {
        memset(refused, 0, LIMITS_REASONS * sizeof refused[0]);
        return 0;
    }
    pthread_mutex_lock(&l->lock);
    memcpy(refused, l->refused, sizeof l->refused);
    unsigned total = l->total;
    pthread_mutex_unlock(&l->lock);
    return total;
}
