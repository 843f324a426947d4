/* The C engine of bench/fanout_subscribers.py: the same subscribers, the same
 * commands on stdin (connect K / count / quit), the same answers, at a fraction
 * of the cost per frame. At 10,000 subscribers and tens of events/s each
 * socket holds about one frame per epoll round, so batching cannot help the
 * Python engine there: each delivery costs it a recv() and a parse in Python.
 * Here a delivery costs one recv() into a preallocated buffer and a header walk.
 *
 * With --time it is a latency probe as well: each text frame that arrives whole
 * in one recv() and carries "t=<monotonic seconds>" (bench/fanout_clients.py's
 * Publisher stamps it) is timed against CLOCK_MONOTONIC at that recv(), into a
 * histogram of 1 % wide buckets. "lat" answers and resets it:
 *     lat SAMPLES UNTIMED MAX_US PAYLOAD_BYTES BUCKET:COUNT ...
 * (bucket b holds latencies in [1.01^b, 1.01^(b+1)) microseconds); "peek" answers
 * "peek SAMPLES" and leaves it.
 *
 * Compiled at run time by bench/fanout_clients.py (cc -O2); the Python engine
 * stays the fallback where there is no C compiler.
 *
 *   fanout_subscribers --port P [--host H] [--path /feed] [--max-seconds S] [--batch-ms MS]
 *                      [--time]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64       /* connects in flight at once, below the listen backlog */
#define READY_FRAMES 2 /* hello + snapshot */
#define CARRY 160      /* an incomplete header or control frame (<= 14 + 125) */
#define CAP (256 * 1024)
#define BUCKETS 2048 /* 1 % buckets up to 1.01^2048 us, about 7 minutes */

typedef struct {
    int fd;
    int closed;
    uint64_t skip;   /* payload bytes of the current data frame still to come */
    uint64_t frames; /* data frames completed */
    int carried;
    unsigned char carry[CARRY];
} Conn;

static Conn **conns; /* by fd */
static int nconns_cap;
static int epfd;
static uint64_t total_frames, total_bytes, total_closed;
static unsigned char buf[CARRY + CAP];
static const char *host = "127.0.0.1", *path = "/feed";
static int port;
static int timing;       /* --time */
static double received;  /* CLOCK_MONOTONIC at the last recv() */
static uint64_t hist[BUCKETS], samples, untimed, max_us, payload_bytes;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A whole text frame's payload: time it if it carries "t=<seconds>". */
static void time_frame(const unsigned char *payload, size_t len) {
    const unsigned char *at = memmem(payload, len, "\"t=", 3);
    if (!at || at + 3 >= payload + len) {
        untimed++;
        return;
    }
    char stamp[32];
    size_t k = 0;
    for (at += 3; at < payload + len && k < sizeof stamp - 1 && (*at == '.' || (*at >= '0' && *at <= '9')); at++)
        stamp[k++] = *at;
    stamp[k] = 0;
    double us = (received - atof(stamp)) * 1e6;
    uint64_t whole = us < 1 ? 1 : (uint64_t)us;
    int b = (int)(log((double)whole) / log(1.01));
    hist[b < BUCKETS ? b : BUCKETS - 1]++;
    samples++;
    if (whole > max_us) max_us = whole;
    payload_bytes = len;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void send_masked(Conn *c, int opcode, const unsigned char *payload, size_t len) {
    unsigned char frame[6 + 125];
    unsigned char key[4];
    if (len > 125 || getrandom(key, 4, 0) != 4) {
        c->closed = 1;
        return;
    }
    frame[0] = 0x80 | opcode;
    frame[1] = 0x80 | len;
    memcpy(frame + 2, key, 4);
    for (size_t i = 0; i < len; i++) frame[6 + i] = payload[i] ^ key[i % 4];
    if (send(c->fd, frame, 6 + len, MSG_NOSIGNAL) != (ssize_t)(6 + len)) c->closed = 1;
}

/* Walk the frames in data[0:n] (the carry already prepended); count data frames. */
static void feed(Conn *c, unsigned char *data, size_t n) {
    size_t i = 0;
    if (c->skip) {
        if (c->skip > n) {
            c->skip -= n;
            return;
        }
        i = c->skip;
        c->skip = 0;
        untimed += timing; /* its start came in an earlier recv() */
        c->frames++;
        total_frames++;
    }
    while (i < n) {
        size_t left = n - i, head = 2;
        uint64_t length;
        if (left < 2) break;
        length = data[i + 1] & 0x7F;
        if (length == 126) {
            if (left < 4) break;
            length = ((uint64_t)data[i + 2] << 8) | data[i + 3];
            head = 4;
        } else if (length == 127) {
            if (left < 10) break;
            length = 0;
            for (int k = 0; k < 8; k++) length = (length << 8) | data[i + 2 + k];
            head = 10;
        }
        int opcode = data[i] & 0x0F;
        if (opcode >= 8) { /* control frame: needs its whole payload */
            if (length > 125) { /* not a valid control frame: it would not fit the carry */
                c->closed = 1;
                i = n;
                break;
            }
            if (left < head + length) break;
            if (opcode == 9) send_masked(c, 0xA, data + i + head, length);
            if (opcode == 8) c->closed = 1;
            i += head + length;
            continue;
        }
        i += head;
        if (length <= n - i) {
            if (timing && opcode == 1) time_frame(data + i, length);
            i += length;
            c->frames++;
            total_frames++;
        } else {
            c->skip = length - (n - i);
            i = n;
        }
    }
    c->carried = (int)(n - i); /* < CARRY: a header or a control frame at most */
    if (c->carried) memcpy(c->carry, data + i, c->carried);
}

static void drop(Conn *c) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    conns[c->fd] = NULL;
    free(c);
    total_closed++;
}

static void read_one(Conn *c) {
    memcpy(buf, c->carry, c->carried);
    ssize_t got = recv(c->fd, buf + c->carried, CAP, 0);
    if (timing) received = now();
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (got > 0) {
        total_bytes += got;
        feed(c, buf, c->carried + got);
    }
    if (got <= 0 || c->closed) drop(c);
}

/* One epoll round; returns 1 when stdin is readable. */
static int pump(int timeout_ms) {
    static struct epoll_event events[16384]; /* every ready socket in one round */
    int ready = epoll_wait(epfd, events, 16384, timeout_ms), control = 0;
    for (int k = 0; k < ready; k++) {
        int fd = events[k].data.fd;
        if (fd == 0)
            control = 1;
        else if (fd < nconns_cap && conns[fd])
            read_one(conns[fd]);
    }
    return control;
}

static int open_one(struct sockaddr_in *addr) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    if (connect(fd, (struct sockaddr *)addr, sizeof *addr) < 0) die("connect");
    unsigned char raw[16];
    char key[25], req[512];
    static const char *b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (getrandom(raw, 16, 0) != 16) die("getrandom");
    for (int i = 0, o = 0; i < 16; i += 3) {
        unsigned v = raw[i] << 16 | (i + 1 < 16 ? raw[i + 1] << 8 : 0) | (i + 2 < 16 ? raw[i + 2] : 0);
        key[o++] = b64[v >> 18 & 63];
        key[o++] = b64[v >> 12 & 63];
        key[o++] = i + 1 < 16 ? b64[v >> 6 & 63] : '=';
        key[o++] = i + 2 < 16 ? b64[v & 63] : '=';
    }
    key[24] = 0;
    int len = snprintf(req, sizeof req,
                       "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                       "Sec-WebSocket-Version: 13\r\nUser-Agent: scorecast-bench\r\n\r\n",
                       path, host, port, key);
    if (send(fd, req, len, MSG_NOSIGNAL) != len) die("send upgrade");
    return fd;
}

/* Read the 101 answer; what follows it is the start of the stream. */
static Conn *finish_upgrade(int fd) {
    char head[8192];
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        ssize_t got = recv(fd, head + have, sizeof head - 1 - have, 0);
        if (got <= 0) die("handshake");
        have += got;
        head[have] = 0;
        end = strstr(head, "\r\n\r\n");
    }
    if (strncmp(head, "HTTP/1.1 101", 12) != 0) {
        fprintf(stderr, "upgrade refused: %.80s\n", head);
        exit(1);
    }
    Conn *c = calloc(1, sizeof *c);
    c->fd = fd;
    size_t rest = have - (end + 4 - head);
    memcpy(buf, end + 4, rest);
    feed(c, buf, rest);
    static const unsigned char sub[] = "{\"type\":\"subscribe\",\"games\":[\"*\"]}";
    send_masked(c, 0x1, sub, sizeof sub - 1);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (fd >= nconns_cap) die("fd above the limit");
    conns[fd] = c;
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    return c;
}

static long open_many(long count) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &addr.sin_addr);
    int fresh_fds[BATCH];
    double deadline = now() + 60;
    long first_fd = -1, last_fd = -1;
    for (long start = 0; start < count; start += BATCH) {
        int k = count - start < BATCH ? (int)(count - start) : BATCH;
        for (int j = 0; j < k; j++) fresh_fds[j] = open_one(&addr);
        for (int j = 0; j < k; j++) {
            Conn *c = finish_upgrade(fresh_fds[j]);
            if (first_fd < 0) first_fd = c->fd;
            last_fd = c->fd;
        }
        pump(0);
    }
    for (int waiting = 1; waiting;) { /* each fresh one has its hello and snapshot */
        waiting = 0;
        for (long fd = first_fd; fd >= 0 && fd <= last_fd; fd++)
            if (conns[fd] && conns[fd]->frames < READY_FRAMES) waiting = 1;
        if (waiting && now() > deadline) {
            fprintf(stderr, "subscribers did not get hello + snapshot in time\n");
            exit(1);
        }
        if (waiting) pump(1);
    }
    long open = 0;
    for (int fd = 0; fd < nconns_cap; fd++) open += conns[fd] != NULL;
    return open;
}

/* "lat SAMPLES UNTIMED MAX_US PAYLOAD_BYTES BUCKET:COUNT ...", then start afresh. */
static void write_histogram(void) {
    static char line[BUCKETS * 24 + 128];
    int len = snprintf(line, sizeof line, "lat %lu %lu %lu %lu", (unsigned long)samples,
                       (unsigned long)untimed, (unsigned long)max_us, (unsigned long)payload_bytes);
    for (int b = 0; b < BUCKETS; b++)
        if (hist[b]) len += snprintf(line + len, sizeof line - len, " %d:%lu", b, (unsigned long)hist[b]);
    line[len++] = '\n';
    if (write(1, line, len) != len) exit(1);
    memset(hist, 0, sizeof hist);
    samples = untimed = max_us = 0;
}

int main(int argc, char **argv) {
    double max_seconds = 600, batch_ms = 0;
    for (int i = 1; i < argc; i += 2) {
        if (!strcmp(argv[i], "--time")) {
            timing = 1;
            i--;
        } else if (i + 1 >= argc) {
            fprintf(stderr, "%s needs a value\n", argv[i]);
            return 2;
        } else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--host")) host = argv[i + 1];
        else if (!strcmp(argv[i], "--path")) path = argv[i + 1];
        else if (!strcmp(argv[i], "--max-seconds")) max_seconds = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--batch-ms")) batch_ms = atof(argv[i + 1]);
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    nconns_cap = (int)lim.rlim_cur;
    conns = calloc(nconns_cap, sizeof *conns);
    epfd = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = 0};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &ev) < 0) die("epoll stdin");
    char pending[4096];
    size_t have = 0;
    double end = now() + max_seconds;
    struct timespec pause = {0, (long)(batch_ms * 1e6)};
    while (now() < end) {
        if (batch_ms > 0) nanosleep(&pause, NULL);
        if (!pump(200)) continue;
        ssize_t got = read(0, pending + have, sizeof pending - 1 - have);
        if (got <= 0) return 0; /* the coordinator is gone */
        have += got;
        char *nl;
        while ((nl = memchr(pending, '\n', have))) {
            *nl = 0;
            char out[128];
            int len = 0;
            if (!strncmp(pending, "connect ", 8))
                len = snprintf(out, sizeof out, "ok %ld\n", open_many(atol(pending + 8)));
            else if (!strcmp(pending, "count"))
                len = snprintf(out, sizeof out, "count %lu %lu %lu\n", (unsigned long)total_frames,
                               (unsigned long)total_bytes, (unsigned long)total_closed);
            else if (!strcmp(pending, "peek"))
                len = snprintf(out, sizeof out, "peek %lu\n", (unsigned long)samples);
            else if (!strcmp(pending, "lat")) {
                write_histogram();
                len = 0;
            } else if (!strcmp(pending, "quit"))
                return 0;
            if (len && write(1, out, len) != len) return 1;
            have -= nl + 1 - pending;
            memmove(pending, nl + 1, have);
        }
    }
    return 0;
}
