/* floor: the bare kernel/socket cost of the gateway bench's fan-out load on loopback TCP, with no
 * WebSocket, JSON, JVM, Redis, Kafka or PostgreSQL: what any server on this machine pays at least.
 * A "server" thread reads each length-prefixed message and writes it, one write() each, to the
 * other members of the sender's group; a "client" thread sends open loop at RATE (latency measured
 * from each send's intended time, late sends go at once, none skipped) and reads the deliveries.
 * Each thread is one epoll loop; every socket is non-blocking with TCP_NODELAY.
 *
 * build: gcc -O2 -o floor floor.c -lpthread
 * usage: floor CONNECTIONS GROUP RATE SECONDS [SIZE]     e.g. floor 1000 10 5000 20 250
 * prints deliveries, delivery latency p50/p99/p99.9/max and the process's CPU (getrusage) over
 * the measured SECONDS (after a 3 s warm-up); exit code 1 when a delivery is missing. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#define WARMUP_NS 3000000000ULL
#define DRAIN_NS  2000000000ULL
#define SCRATCH   65536
#define NB        (1024 + 55 * 512)  /* log-linear histogram buckets (ns) */

typedef struct conn {
    int fd, idx, out_on;        /* out_on: EPOLLOUT currently registered */
    char *part; size_t plen;    /* partial incoming message (< SIZE bytes) */
    char *wq; size_t woff, wlen, wcap; /* pending outgoing bytes */
} conn;

static int N, G, SIZE; static double RATE; static uint64_t SECS;
static conn *S, *C;                      /* server-side / client-side conns */
static volatile int stop_flag;
static pid_t tid_srv, tid_cli;
static uint64_t t_start, t_warm, t_end;  /* CLOCK_MONOTONIC ns */
static uint64_t hist[NB], lat_max, n_recv, n_sent, n_expect, n_recv_other;
static uint64_t srv_blocked, cli_blocked; /* writes that hit EAGAIN/partial */
/* window snapshots: [0]=start of measured window, [1]=end */
static struct rusage ru[2]; static uint64_t wall[2];
static unsigned long long thr_ut[2][2], thr_st[2][2];

static void die(const char *m) { perror(m); exit(1); }
static uint64_t now_ns(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
static int bidx(uint64_t v) {
    if (v < 1024) return (int)v;
    int e = 63 - __builtin_clzll(v) - 9;             /* e >= 1 */
    return 1024 + (e - 1) * 512 + (int)((v >> e) - 512);
}
static uint64_t bval(int i) {                        /* upper bound of bucket */
    if (i < 1024) return (uint64_t)i;
    int e = (i - 1024) / 512 + 1; uint64_t sub = (i - 1024) % 512 + 512;
    return ((sub + 1) << e) - 1;
}
static void set_events(int ep, conn *c, int out) {
    struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c };
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl mod");
    c->out_on = out;
}
static void enqueue(conn *c, const char *p, size_t n) {
    if (c->woff && c->wlen + n > c->wcap) {         /* compact */
        memmove(c->wq, c->wq + c->woff, c->wlen - c->woff);
        c->wlen -= c->woff; c->woff = 0;
    }
    if (c->wlen + n > c->wcap) {
        while (c->wlen + n > c->wcap) c->wcap = c->wcap ? c->wcap * 2 : 4096;
        if (!(c->wq = realloc(c->wq, c->wcap))) die("realloc");
    }
    memcpy(c->wq + c->wlen, p, n); c->wlen += n;
}
/* one write() per message; on EAGAIN/partial queue the rest, never drop */
static void send_msg(int ep, conn *c, const char *p, size_t n, uint64_t *blocked) {
    if (c->wlen > c->woff) { enqueue(c, p, n); return; } /* keep order */
    ssize_t w = write(c->fd, p, n);
    if (w < 0) { if (errno != EAGAIN && errno != EWOULDBLOCK) die("write"); w = 0; }
    if ((size_t)w < n) {
        (*blocked)++; enqueue(c, p + w, n - w);
        if (!c->out_on) set_events(ep, c, 1);
    }
}
static void flush_out(int ep, conn *c) {
    while (c->wlen > c->woff) {
        ssize_t w = write(c->fd, c->wq + c->woff, c->wlen - c->woff);
        if (w < 0) { if (errno == EAGAIN || errno == EWOULDBLOCK) return; die("write(flush)"); }
        c->woff += w;
    }
    c->woff = c->wlen = 0;
    if (c->out_on) set_events(ep, c, 0);
}
/* read what is available, call fn for each complete SIZE-byte message */
static void read_msgs(int ep, conn *c, char *scr, void (*fn)(int, conn *, const char *)) {
    memcpy(scr, c->part, c->plen);
    ssize_t r = read(c->fd, scr + c->plen, SCRATCH - c->plen);
    if (r < 0) { if (errno == EAGAIN || errno == EWOULDBLOCK) return; die("read"); }
    if (r == 0) { fprintf(stderr, "unexpected EOF on conn %d\n", c->idx); exit(1); }
    size_t len = c->plen + r, off = 0;
    while (len - off >= 4) {
        uint32_t ml; memcpy(&ml, scr + off, 4);
        if (ml != (uint32_t)SIZE) { fprintf(stderr, "bad length %u\n", ml); exit(1); }
        if (len - off < ml) break;
        fn(ep, c, scr + off); off += ml;
    }
    c->plen = len - off; memcpy(c->part, scr + off, c->plen);
}
static void srv_fanout(int ep, conn *c, const char *m) {
    int g0 = (c->idx / G) * G;
    for (int j = g0; j < g0 + G && j < N; j++)
        if (j != c->idx) send_msg(ep, &S[j], m, SIZE, &srv_blocked);
}
static void cli_deliver(int ep, conn *c, const char *m) {
    (void)ep; (void)c;
    uint64_t ts, now = now_ns(); memcpy(&ts, m + 4, 8);
    if (ts < t_warm || ts >= t_end) { n_recv_other++; return; }
    uint64_t l = now > ts ? now - ts : 0;
    hist[bidx(l)]++; n_recv++; if (l > lat_max) lat_max = l;
}
static int make_ep(conn *cs) {
    int ep = epoll_create1(0); if (ep < 0) die("epoll_create1");
    for (int i = 0; i < N; i++) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cs[i] };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev) < 0) die("epoll_ctl add");
    }
    return ep;
}
static void dispatch(int ep, struct epoll_event *e, char *scr, void (*fn)(int, conn *, const char *)) {
    conn *c = e->data.ptr;
    if (e->events & EPOLLOUT) flush_out(ep, c);
    if (e->events & (EPOLLIN | EPOLLERR | EPOLLHUP)) read_msgs(ep, c, scr, fn);
}
static void *server(void *a) {
    (void)a; tid_srv = syscall(SYS_gettid);
    int ep = make_ep(S); char *scr = malloc(SCRATCH); struct epoll_event ev[256];
    while (!stop_flag) {
        int n = epoll_wait(ep, ev, 256, 50);
        if (n < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
        for (int i = 0; i < n; i++) dispatch(ep, &ev[i], scr, srv_fanout);
    }
    return NULL;
}
static void thread_ticks(pid_t tid, unsigned long long *ut, unsigned long long *st) {
    char p[64], b[1024]; snprintf(p, sizeof p, "/proc/self/task/%d/stat", (int)tid);
    FILE *f = fopen(p, "r"); *ut = *st = 0; if (!f) return;
    size_t n = fread(b, 1, sizeof b - 1, f); fclose(f); b[n] = 0;
    char *q = strrchr(b, ')'); if (!q) return;  /* fields after comm: 3=state ... 14=utime 15=stime */
    sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", ut, st);
}
static void snapshot(int w) {
    wall[w] = now_ns(); getrusage(RUSAGE_SELF, &ru[w]);
    thread_ticks(tid_srv, &thr_ut[0][w], &thr_st[0][w]);
    thread_ticks(tid_cli, &thr_ut[1][w], &thr_st[1][w]);
}
static void *client(void *a) {
    (void)a; tid_cli = syscall(SYS_gettid);
    int ep = make_ep(C); char *scr = malloc(SCRATCH), *msg = calloc(1, SIZE);
    struct epoll_event ev[256]; uint64_t k = 0; int snap = 0;
    uint32_t ml = SIZE; memcpy(msg, &ml, 4);
    t_start = now_ns(); t_warm = t_start + WARMUP_NS; t_end = t_warm + SECS * 1000000000ULL;
    for (;;) {
        uint64_t now = now_ns(), due;
        if (snap == 0 && now >= t_warm) snapshot(snap++);
        if (snap == 1 && now >= t_end) snapshot(snap++);
        while ((due = t_start + (uint64_t)((double)k * 1e9 / RATE)) < t_end && due <= now) {
            memcpy(msg + 4, &due, 8); memcpy(msg + 12, &k, 8);   /* late => send now, never skip */
            send_msg(ep, &C[k % N], msg, SIZE, &cli_blocked);
            if (due >= t_warm) {  /* expected = other members of the sender's group */
                int g0 = (int)(k % N) / G * G, gs = N - g0 < G ? N - g0 : G;
                n_sent++; n_expect += gs - 1;
            }
            k++;
        }
        if (now >= t_end + DRAIN_NS) break;
        uint64_t wake = due < t_end ? due : (snap < 2 ? t_end : t_end + DRAIN_NS);
        if (snap == 0 && t_warm < wake) wake = t_warm;
        now = now_ns();
        uint64_t d = wake > now ? wake - now : 0;
        struct timespec to = { d / 1000000000ULL, d % 1000000000ULL };
        int n = epoll_pwait2(ep, ev, 256, &to, NULL);
        if (n < 0) { if (errno == EINTR) continue; die("epoll_pwait2"); }
        for (int i = 0; i < n; i++) dispatch(ep, &ev[i], scr, cli_deliver);
    }
    stop_flag = 1;
    return NULL;
}
static void nodelay_nb(int fd) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("TCP_NODELAY");
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) die("O_NONBLOCK");
}
static double pct(uint64_t q, uint64_t tot) {  /* latency percentile in ms */
    uint64_t want = (uint64_t)((double)tot * q / 1000.0 + 0.999999), acc = 0;
    if (want == 0) want = 1;
    for (int i = 0; i < NB; i++) if ((acc += hist[i]) >= want) {
        uint64_t v = bval(i); return (v > lat_max ? lat_max : v) / 1e6; }
    return lat_max / 1e6;
}
int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s CONNECTIONS GROUP RATE SECONDS [SIZE]\n", argv[0]); return 2; }
    N = atoi(argv[1]); G = atoi(argv[2]); RATE = atof(argv[3]); SECS = strtoull(argv[4], 0, 10);
    SIZE = argc > 5 ? atoi(argv[5]) : 250;
    if (N < 2 || G < 2 || RATE <= 0 || SECS < 1 || SIZE < 20 || SIZE > SCRATCH / 2) {
        fprintf(stderr, "bad args (need CONNECTIONS>=2, GROUP>=2, RATE>0, SECONDS>=1, 20<=SIZE<=%d)\n", SCRATCH / 2); return 2; }
    struct rlimit rl; getrlimit(RLIMIT_NOFILE, &rl);
    rlim_t need = 2 * (rlim_t)N + 100;
    if (rl.rlim_cur < need) { rl.rlim_cur = need; if (rl.rlim_max < need) rl.rlim_max = need;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0) die("setrlimit RLIMIT_NOFILE"); }
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1; if (ls < 0) die("socket");
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof sa;
    if (bind(ls, (void *)&sa, sizeof sa) < 0 || listen(ls, 128) < 0 || getsockname(ls, (void *)&sa, &sl) < 0) die("listen");
    S = calloc(N, sizeof *S); C = calloc(N, sizeof *C);
    for (int i = 0; i < N; i++) {  /* connect+accept pairwise => server conn i <-> client conn i */
        int cf = socket(AF_INET, SOCK_STREAM, 0); if (cf < 0) die("socket");
        if (connect(cf, (void *)&sa, sizeof sa) < 0) die("connect");
        int sf = accept(ls, NULL, NULL); if (sf < 0) die("accept");
        nodelay_nb(cf); nodelay_nb(sf);
        C[i] = (conn){ .fd = cf, .idx = i, .part = malloc(SIZE) };
        S[i] = (conn){ .fd = sf, .idx = i, .part = malloc(SIZE) };
    }
    close(ls);
    pthread_t ts, tc;
    pthread_create(&ts, NULL, server, NULL); usleep(10000);  /* let tid_srv be set */
    pthread_create(&tc, NULL, client, NULL);
    pthread_join(tc, NULL); pthread_join(ts, NULL);

    double wsec = (wall[1] - wall[0]) / 1e9, hz = sysconf(_SC_CLK_TCK);
#define TV(t) ((t).tv_sec + (t).tv_usec / 1e6)
    double ut = TV(ru[1].ru_utime) - TV(ru[0].ru_utime), st = TV(ru[1].ru_stime) - TV(ru[0].ru_stime);
    printf("config: connections=%d group=%d rate=%.0f/s seconds=%llu size=%d (warm-up 3 s, drain 2 s)\n",
           N, G, RATE, (unsigned long long)SECS, SIZE);
    printf("messages sent (measured window): %llu  (%.1f/s)\n", (unsigned long long)n_sent, n_sent / wsec);
    printf("deliveries: received %llu / expected %llu  (%.1f/s)\n", (unsigned long long)n_recv,
           (unsigned long long)n_expect, n_recv / wsec);
    printf("delivery latency ms: p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
           pct(500, n_recv), pct(990, n_recv), pct(999, n_recv), lat_max / 1e6);
    printf("process CPU (%% of one core, over %.2f s): total %.1f  user %.1f  sys %.1f\n",
           wsec, 100 * (ut + st) / wsec, 100 * ut / wsec, 100 * st / wsec);
    for (int t = 0; t < 2; t++) {
        double u = (thr_ut[t][1] - thr_ut[t][0]) / hz, s = (thr_st[t][1] - thr_st[t][0]) / hz;
        printf("  %s thread: total %.1f  user %.1f  sys %.1f\n", t ? "client" : "server",
               100 * (u + s) / wsec, 100 * u / wsec, 100 * s / wsec);
    }
    printf("writes that blocked/partial (queued for EPOLLOUT): server %llu  client %llu\n",
           (unsigned long long)srv_blocked, (unsigned long long)cli_blocked);
    return n_recv == n_expect ? 0 : 1;
}
