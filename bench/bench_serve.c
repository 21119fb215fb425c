/* bench_serve.c - a load check for `accord serve`: requests per second and
 * latency percentiles on loopback, with N concurrent clients.
 *
 *   bench_serve [-c CLIENTS] [-d SECONDS] [-n MAX_REQUESTS] [-l LABEL] PORT PATH...
 *
 * Each client is a thread with one keep-alive HTTP/1.1 connection to
 * 127.0.0.1:PORT; it asks for the paths in turn (client k starts at path
 * k), waits for the whole answer, and records the time from the first byte
 * sent to the last byte read. The run stops after SECONDS or MAX_REQUESTS,
 * whichever comes first, so it is bounded in both. Prints one Markdown
 * table row: label, clients, requests, errors, requests/s, p50, p90, p99
 * and max latency in milliseconds. An answer other than 200 counts as an
 * error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CLIENTS = 256, RESP_MAX = 64 << 20 };

typedef struct client {
    int index;
    double *lat; /* seconds per request */
    size_t n, cap;
    long errors;
} client;

static int port;
static char **paths;
static int n_paths;
static double deadline;
static long max_requests;
static atomic_long issued;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_loopback(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads one response; returns its status, or -1 when the connection
 * failed. *keep is false when the server will close the connection. */
static int read_response(int fd, char *buf, size_t cap, bool *keep)
{
    size_t have = 0;
    char *body = NULL;
    while (!body) {
        if (have == cap) return -1;
        ssize_t r = recv(fd, buf + have, cap - have, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        have += (size_t)r;
        char *e = memmem(buf, have, "\r\n\r\n", 4);
        if (e) body = e + 4;
    }
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) return -1;
    long long len = -1;
    *keep = true;
    for (char *line = strstr(buf, "\r\n") + 2; line < body - 2;) {
        char *end = strstr(line, "\r\n");
        if (!strncasecmp(line, "Content-Length:", 15)) len = atoll(line + 15);
        if (!strncasecmp(line, "Connection:", 11) && strstr(line, "close") && strstr(line, "close") < end)
            *keep = false;
        line = end + 2;
    }
    if (len < 0) return -1; /* the server always sends a length for these */
    size_t got = have - (size_t)(body - buf);
    while ((long long)got < len) {
        ssize_t r = recv(fd, buf, cap, 0); /* the body itself is not kept */
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return status;
}

static void record(client *c, double s)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        double *g = realloc(c->lat, cap * sizeof *g);
        if (!g) return;
        c->lat = g;
        c->cap = cap;
    }
    c->lat[c->n++] = s;
}

static void *run_client(void *arg)
{
    client *c = arg;
    char *buf = malloc(1 << 20);
    char req[4096];
    int fd = -1;
    if (!buf) return NULL;
    for (long k = c->index;; k++) {
        if (now() >= deadline) break;
        if (atomic_fetch_add(&issued, 1) >= max_requests) break;
        if (fd < 0 && (fd = connect_loopback()) < 0) {
            c->errors++;
            usleep(1000);
            continue;
        }
        const char *path = paths[k % n_paths];
        int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: application/json\r\n\r\n",
                         path, port);
        double t0 = now();
        bool keep = true;
        int status = send_all(fd, req, (size_t)n) == 0 ? read_response(fd, buf, 1 << 20, &keep) : -1;
        double t1 = now();
        if (status == 200) record(c, t1 - t0);
        else c->errors++;
        if (status < 0 || !keep) {
            close(fd);
            fd = -1;
        }
    }
    if (fd >= 0) close(fd);
    free(buf);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int clients = 1;
    double seconds = 5;
    const char *label = "GET";
    max_requests = 200000;
    int o;
    while ((o = getopt(argc, argv, "c:d:n:l:")) != -1) {
        if (o == 'c') clients = atoi(optarg);
        else if (o == 'd') seconds = atof(optarg);
        else if (o == 'n') max_requests = atol(optarg);
        else if (o == 'l') label = optarg;
        else return 2;
    }
    if (argc - optind < 2 || clients < 1 || clients > MAX_CLIENTS || seconds <= 0 || max_requests < 1) {
        fprintf(stderr, "usage: bench_serve [-c 1-%d] [-d SECONDS] [-n MAX] [-l LABEL] PORT PATH...\n", MAX_CLIENTS);
        return 2;
    }
    port = atoi(argv[optind]);
    paths = argv + optind + 1;
    n_paths = argc - optind - 1;
    client *cs = calloc((size_t)clients, sizeof *cs);
    pthread_t *th = calloc((size_t)clients, sizeof *th);
    if (!cs || !th) return 3;
    double t0 = now();
    deadline = t0 + seconds;
    for (int i = 0; i < clients; i++) {
        cs[i].index = i;
        if (pthread_create(&th[i], NULL, run_client, &cs[i]) != 0) return 3;
    }
    for (int i = 0; i < clients; i++) pthread_join(th[i], NULL);
    double took = now() - t0;
    size_t total = 0;
    long errors = 0;
    for (int i = 0; i < clients; i++) {
        total += cs[i].n;
        errors += cs[i].errors;
    }
    double *all = malloc((total ? total : 1) * sizeof *all);
    if (!all) return 3;
    size_t k = 0;
    for (int i = 0; i < clients; i++) {
        memcpy(all + k, cs[i].lat, cs[i].n * sizeof *all);
        k += cs[i].n;
        free(cs[i].lat);
    }
    qsort(all, total, sizeof *all, cmp_double);
#define PCT(p) (total ? all[(size_t)((double)(total - 1) * (p))] * 1000 : 0)
    printf("| %s | %d | %zu | %ld | %.0f | %.2f | %.2f | %.2f | %.2f |\n", label, clients, total, errors,
           (double)total / took, PCT(0.50), PCT(0.90), PCT(0.99), total ? all[total - 1] * 1000 : 0);
    free(all);
    free(cs);
    free(th);
    return errors && !total ? 1 : 0;
}
