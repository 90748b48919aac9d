/*
 * batch_probe: the UDP echo of benches/batch.rs, in C, for the same run.
 *
 *   batch_probe <plain|batch> <datagrams> <batch> <window>
 *
 * Two threads, as in the Rust bench: a server thread echoing every datagram to its
 * sender (plain: recvfrom + sendto; batch: recvmmsg with MSG_WAITFORONE, up to
 * <batch> at a time, then one sendmmsg), and the main thread as the client, which
 * keeps <window> 64-byte datagrams in flight (plain: one sendto per echo received;
 * batch: one sendmmsg of as many new datagrams as a recvmmsg brought echoes). Every
 * echo is checked: 64 bytes, from the server's address, a sequence number not seen
 * before and the pattern that goes with it. The timed part runs from the client's
 * first send to its last echo; the output is one line of key=value pairs:
 *
 *   ns=... user_us=... sys_us=... vcsw=... client_calls=... server_calls=... server_recvs=...
 *
 * (user and system time and voluntary context switches of the whole process, from
 * getrusage over the timed part; server_recvs counts recvfrom or recvmmsg calls). Any failure is a message on
 * stderr and exit status 1; a lost datagram shows as a receive timeout (5 s).
 *
 * benches/batch.rs builds it with the cc crate (-O2 -pthread); by hand:
 *
 *   gcc -O2 -pthread -o batch_probe benches/c/batch_probe.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#define DGRAM 64
#define BUF 2048
#define MAX_BATCH 1024

static unsigned long long datagrams;
static unsigned batch, window;
static int batch_mode;

static void die(const char *what)
{
    fprintf(stderr, "batch_probe: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void fail(const char *what)
{
    fprintf(stderr, "batch_probe: %s\n", what);
    exit(1);
}

/* Datagram `seq`: its number, little-endian, then a pattern that depends on it. */
static void fill(unsigned char *d, uint64_t seq)
{
    for (int i = 0; i < 8; i++)
        d[i] = (unsigned char)(seq >> (8 * i));
    for (int j = 8; j < DGRAM; j++)
        d[j] = (unsigned char)((unsigned char)seq * 31u + (unsigned)j);
}

static void check(const unsigned char *d, size_t n, int from_server, unsigned char *seen)
{
    uint64_t seq = 0;
    if (n != DGRAM)
        fail("an echo of the wrong length");
    if (!from_server)
        fail("an echo from another address");
    for (int i = 0; i < 8; i++)
        seq |= (uint64_t)d[i] << (8 * i);
    if (seq >= datagrams || seen[seq])
        fail("an echo with a bad or repeated sequence number");
    seen[seq] = 1;
    for (int j = 8; j < DGRAM; j++)
        if (d[j] != (unsigned char)((unsigned char)seq * 31u + (unsigned)j))
            fail("an echo whose contents differ");
}

static int same_addr(const struct sockaddr_in *a, const struct sockaddr_in *b, socklen_t len)
{
    return len == sizeof *a && a->sin_family == b->sin_family && a->sin_port == b->sin_port &&
           a->sin_addr.s_addr == b->sin_addr.s_addr;
}

struct server {
    int fd;
    unsigned long long calls, recvs;
};

static void *serve_plain(void *arg)
{
    struct server *s = arg;
    static unsigned char buf[BUF];
    for (unsigned long long echoed = 0; echoed < datagrams; echoed++) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        ssize_t n = recvfrom(s->fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
        s->calls++, s->recvs++;
        if (n < 0)
            die("server recvfrom");
        s->calls++;
        if (sendto(s->fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, len) != n)
            die("server sendto");
    }
    return NULL;
}

static void *serve_batch(void *arg)
{
    struct server *s = arg;
    static unsigned char bufs[MAX_BATCH][BUF];
    static struct sockaddr_storage peers[MAX_BATCH];
    static struct iovec iovs[MAX_BATCH];
    static struct mmsghdr msgs[MAX_BATCH];
    for (unsigned i = 0; i < batch; i++) {
        msgs[i].msg_hdr.msg_name = &peers[i];
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    for (unsigned long long echoed = 0; echoed < datagrams;) {
        for (unsigned i = 0; i < batch; i++) {
            iovs[i].iov_base = bufs[i];
            iovs[i].iov_len = sizeof bufs[i];
            msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
        }
        int n = recvmmsg(s->fd, msgs, batch, MSG_WAITFORONE, NULL);
        s->calls++, s->recvs++;
        if (n < 0)
            die("server recvmmsg");
        for (int i = 0; i < n; i++)
            iovs[i].iov_len = msgs[i].msg_len;
        for (int sent = 0; sent < n;) {
            int k = sendmmsg(s->fd, msgs + sent, (unsigned)(n - sent), 0);
            s->calls++;
            if (k <= 0)
                die("server sendmmsg");
            sent += k;
        }
        echoed += (unsigned)n;
    }
    return NULL;
}

/* The client, plain: `window` datagrams out, then one new one per echo. */
static unsigned long long client_plain(int fd, const struct sockaddr_in *to, unsigned char *seen)
{
    unsigned char out[DGRAM], in[BUF];
    unsigned long long next = 0, got = 0, calls = 0;
    while (next < datagrams && next < window) {
        fill(out, next++);
        calls++;
        if (sendto(fd, out, DGRAM, 0, (const struct sockaddr *)to, sizeof *to) != DGRAM)
            die("client sendto");
    }
    while (got < datagrams) {
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, in, sizeof in, 0, (struct sockaddr *)&from, &len);
        calls++;
        if (n < 0)
            die("client recvfrom (a lost datagram times out)");
        check(in, (size_t)n, same_addr(&from, to, len), seen);
        got++;
        if (next < datagrams) {
            fill(out, next++);
            calls++;
            if (sendto(fd, out, DGRAM, 0, (const struct sockaddr *)to, sizeof *to) != DGRAM)
                die("client sendto");
        }
    }
    return calls;
}

/* Sends datagrams first .. first + count - 1 in as few sendmmsg calls as go. */
static unsigned long long send_batch(int fd, const struct sockaddr_in *to, uint64_t first,
                                     unsigned count)
{
    static unsigned char outs[MAX_BATCH][DGRAM];
    static struct iovec iovs[MAX_BATCH];
    static struct mmsghdr msgs[MAX_BATCH];
    unsigned long long calls = 0;
    for (unsigned i = 0; i < count; i++) {
        fill(outs[i], first + i);
        iovs[i] = (struct iovec){ outs[i], DGRAM };
        msgs[i].msg_hdr = (struct msghdr){ .msg_name = (void *)to, .msg_namelen = sizeof *to,
                                           .msg_iov = &iovs[i], .msg_iovlen = 1 };
    }
    for (unsigned sent = 0; sent < count;) {
        int k = sendmmsg(fd, msgs + sent, count - sent, 0);
        calls++;
        if (k <= 0)
            die("client sendmmsg");
        sent += (unsigned)k;
    }
    return calls;
}

/* The client, batched: `window` datagrams out in batches, then, for each recvmmsg
 * (MSG_WAITFORONE), one sendmmsg of as many new datagrams as echoes came. */
static unsigned long long client_batch(int fd, const struct sockaddr_in *to, unsigned char *seen)
{
    static unsigned char bufs[MAX_BATCH][BUF];
    static struct sockaddr_in froms[MAX_BATCH];
    static struct iovec iovs[MAX_BATCH];
    static struct mmsghdr msgs[MAX_BATCH];
    unsigned long long next = 0, got = 0, calls = 0;
    for (unsigned i = 0; i < batch; i++) {
        iovs[i] = (struct iovec){ bufs[i], sizeof bufs[i] };
        msgs[i].msg_hdr = (struct msghdr){ .msg_name = &froms[i], .msg_iov = &iovs[i],
                                           .msg_iovlen = 1 };
    }
    while (next < datagrams && next < window) {
        unsigned count = batch;
        if (count > window - next)
            count = (unsigned)(window - next);
        if (count > datagrams - next)
            count = (unsigned)(datagrams - next);
        calls += send_batch(fd, to, next, count);
        next += count;
    }
    while (got < datagrams) {
        for (unsigned i = 0; i < batch; i++)
            msgs[i].msg_hdr.msg_namelen = sizeof froms[i];
        int n = recvmmsg(fd, msgs, batch, MSG_WAITFORONE, NULL);
        calls++;
        if (n < 0)
            die("client recvmmsg (a lost datagram times out)");
        for (int i = 0; i < n; i++)
            check(bufs[i], msgs[i].msg_len, same_addr(&froms[i], to, msgs[i].msg_hdr.msg_namelen),
                  seen);
        got += (unsigned)n;
        unsigned count = (unsigned)n;
        if (count > datagrams - next)
            count = (unsigned)(datagrams - next);
        if (count > 0) {
            calls += send_batch(fd, to, next, count);
            next += count;
        }
    }
    return calls;
}

static int udp_socket(struct sockaddr_in *addr)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket");
    struct timeval tv = { .tv_sec = 5 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0)
        die("setsockopt");
    struct sockaddr_in any = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(fd, (struct sockaddr *)&any, sizeof any) != 0)
        die("bind");
    socklen_t len = sizeof *addr;
    if (getsockname(fd, (struct sockaddr *)addr, &len) != 0)
        die("getsockname");
    return fd;
}

static long long usec(struct timeval tv)
{
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

int main(int argc, char **argv)
{
    if (argc != 5 || (strcmp(argv[1], "plain") != 0 && strcmp(argv[1], "batch") != 0)) {
        fprintf(stderr, "usage: batch_probe <plain|batch> <datagrams> <batch> <window>\n");
        return 2;
    }
    batch_mode = strcmp(argv[1], "batch") == 0;
    datagrams = strtoull(argv[2], NULL, 10);
    batch = (unsigned)strtoul(argv[3], NULL, 10);
    window = (unsigned)strtoul(argv[4], NULL, 10);
    if (datagrams == 0 || batch == 0 || batch > MAX_BATCH || window == 0) {
        fprintf(stderr, "batch_probe: datagrams, window and batch (at most %d) must be positive\n",
                MAX_BATCH);
        return 2;
    }
    unsigned char *seen = calloc(datagrams, 1);
    if (seen == NULL)
        die("calloc");

    struct sockaddr_in server_addr, client_addr;
    struct server s = { .fd = udp_socket(&server_addr) };
    int client = udp_socket(&client_addr);
    pthread_t thread;
    if (pthread_create(&thread, NULL, batch_mode ? serve_batch : serve_plain, &s) != 0)
        fail("pthread_create");

    struct rusage r0, r1;
    struct timespec t0, t1;
    getrusage(RUSAGE_SELF, &r0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned long long calls = batch_mode ? client_batch(client, &server_addr, seen)
                                          : client_plain(client, &server_addr, seen);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &r1);
    if (pthread_join(thread, NULL) != 0)
        fail("pthread_join");

    long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    printf("ns=%lld user_us=%lld sys_us=%lld vcsw=%ld client_calls=%llu server_calls=%llu "
           "server_recvs=%llu\n",
           ns, usec(r1.ru_utime) - usec(r0.ru_utime), usec(r1.ru_stime) - usec(r0.ru_stime),
           r1.ru_nvcsw - r0.ru_nvcsw, calls, s.calls, s.recvs);
    free(seen);
    return 0;
}
