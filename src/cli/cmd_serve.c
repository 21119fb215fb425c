/* cmd_serve.c - accord serve: the JSON API and the web UI over a store. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "serve/serve.h"

const char usage_serve[] =
    "usage: accord serve [--port N] [--bind ADDR] [--token T] [--web DIR] [--threads N]\n"
    "                    [--max-body BYTES] [--timeout SECONDS] [--max-connections N] [--log]\n\n"
    "Serves the store over HTTP: the web UI at /, the JSON API under /api/\n"
    "(docs/API.md), /healthz and /metrics (Prometheus). Stops on Ctrl-C.\n\n"
    "  --port N        port to listen on (default 8080; 0 picks a free one)\n"
    "  --bind ADDR     address to listen on (default 127.0.0.1: this machine only)\n"
    "  --token T       allow POST /api/articles with 'Authorization: Bearer T'\n"
    "                  (default: $ACCORD_TOKEN; without a token ingest is refused)\n"
    "  --web DIR       serve the UI from DIR instead of the copy built in\n"
    "  --threads N     worker threads (default: one per CPU, at least 4)\n"
    "  --max-body B    largest request body in bytes (default 33554432)\n"
    "  --timeout S     seconds an idle connection is kept (default 30); the request\n"
    "                  headers must come within 10 seconds, with no more than 5\n"
    "                  seconds of silence\n"
    "  --max-connections N  open connections in all (default 1024); one address\n"
    "                  may hold N/16 (at least 4), and the last N/8 are kept for\n"
    "                  addresses that hold fewer than 4\n"
    "  --log           one line per request on standard error\n\n"
    "The first line on standard output is the address, e.g.\n"
    "  accord: serving accord.db at http://127.0.0.1:8080/\n";

static bool parse_num(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

int cmd_serve(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"port", required_argument, NULL, 'p'},
                                             {"bind", required_argument, NULL, 'b'},
                                             {"token", required_argument, NULL, 't'},
                                             {"web", required_argument, NULL, 'w'},
                                             {"threads", required_argument, NULL, 'T'},
                                             {"max-body", required_argument, NULL, 'M'},
                                             {"timeout", required_argument, NULL, 'O'},
                                             {"max-connections", required_argument, NULL, 'C'},
                                             {"log", no_argument, NULL, 'l'},
                                             {0}};
    serve_opts o = {0};
    o.port = 8080;
    o.token = getenv("ACCORD_TOKEN");
    int opt;
    long v;
    while ((opt = cli_getopt(c, argc, argv, "p:", longopts)) != -1) {
        switch (opt) {
        case 'p':
            if (!parse_num(optarg, 0, 65535, &v)) return cli_usage_error(c, "--port wants 0-65535, not '%s'", optarg);
            o.port = (int)v;
            break;
        case 'b': o.bind = optarg; break;
        case 't': o.token = optarg; break;
        case 'w': o.web_dir = optarg; break;
        case 'T':
            if (!parse_num(optarg, 1, 256, &v)) return cli_usage_error(c, "--threads wants 1-256, not '%s'", optarg);
            o.threads = (int)v;
            break;
        case 'M':
            if (!parse_num(optarg, 1024, 1L << 32, &v))
                return cli_usage_error(c, "--max-body wants bytes from 1024 to 4294967296, not '%s'", optarg);
            o.max_body = (size_t)v;
            break;
        case 'O':
            if (!parse_num(optarg, 1, 3600, &v)) return cli_usage_error(c, "--timeout wants 1-3600, not '%s'", optarg);
            o.timeout = (int)v;
            break;
        case 'C':
            if (!parse_num(optarg, 16, 65536, &v))
                return cli_usage_error(c, "--max-connections wants 16-65536, not '%s'", optarg);
            o.max_connections = (int)v;
            break;
        case 'l': o.access_log = true; break;
        default: break;
        }
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    if (o.token && *o.token && strlen(o.token) < 8)
        return cli_usage_error(c, "the token is too short: use at least 8 characters");
    o.db_path = c->db_path;

    /* The signals are waited for here; block them before the worker
     * threads start so that those inherit the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    serve *s = NULL;
    int rc = serve_start(&o, &s);
    if (rc != 0) return cli_fail(c, rc);
    const char *host = o.bind && *o.bind ? o.bind : "127.0.0.1";
    bool v6 = strchr(host, ':') && host[0] != '[';
    printf("accord: serving %s at http://%s%s%s:%d/\n", c->db_path, v6 ? "[" : "", host, v6 ? "]" : "",
           serve_port(s));
    fprintf(stderr, "accord: ingest over HTTP is %s; Ctrl-C stops\n",
            o.token && *o.token ? "on (token required)" : "off (no --token)");
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "accord: stopping\n");
    serve_stop(s);
    return EXIT_OK;
}
