/*
 * syscall_gap: the same system calls made through glibc and through a `syscall`
 * instruction of our own, in interleaved rounds, to measure how much of a call's
 * wall-clock time depends on where the `syscall` instruction is, and on what runs
 * right after it: on the machine of docs/PERFORMANCE.md ("The syscall-instruction
 * effect") the address makes no difference and the first `ret` after the kernel
 * returns makes all of it.
 *
 * Build and run (x86_64 Linux):
 *
 *     gcc -O2 -Wall -Wextra -o target/syscall_gap benches/c/syscall_gap.c
 *     target/syscall_gap [--rounds N] [--pairs N] [--quick]
 *
 * Four groups of variants, each with the same arguments and the same results:
 *
 *   pair:  send(fd, 1 byte) + recv(fd, 1 byte) on an AF_UNIX stream socketpair (W1 of
 *          benches/peers.rs), the unit the issue measured;
 *   null:  getppid(), the cheapest system call there is: what is left is entry and exit;
 *   ret:   no system call: a `ret` predicted right against one mispredicted into user
 *          code, for the price of an ordinary misprediction;
 *   pages: getppid() followed by reads of K distinct 4 KiB pages, against the same reads
 *          with no system call between them: if a system call costs the caller its TLB
 *          entries, the reads after it cost more than the reads alone.
 *
 * The syscall instruction sits in glibc's wrapper (send, recv, getppid), in glibc's
 * generic syscall(), inline in this program's loop, in a stub function in this
 * program's text, and in a copy of that stub on a fresh anonymous mmap'ed page (near
 * libc, where mmap puts it by default, and far below, at a low hint address). The
 * stub is byte for byte glibc's syscall() without its errno branch.
 *
 * Every round runs each variant of a group once, in an order that rotates from round
 * to round; each variant's round is `pairs` calls timed with CLOCK_MONOTONIC. The
 * report is the median ns per call (or pair) over rounds, the interquartile range, and
 * the median over rounds of the ratio to the group's first variant in the same round.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if !defined(__x86_64__) || !defined(__linux__)
#error "syscall_gap measures the x86_64 Linux syscall instruction"
#endif

/* glibc's syscall() (sysdeps/unix/sysv/linux/x86_64/syscall.S) without its errno
 * branch: returns the kernel's raw result, -errno on failure. */
long gap_stub(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
extern const char gap_stub_end[];
__asm__(".text\n"
        ".p2align 6\n"
        ".globl gap_stub\n"
        ".type gap_stub,@function\n"
        "gap_stub:\n"
        "    mov %rdi, %rax\n"
        "    mov %rsi, %rdi\n"
        "    mov %rdx, %rsi\n"
        "    mov %rcx, %rdx\n"
        "    mov %r8, %r10\n"
        "    mov %r9, %r8\n"
        "    mov 8(%rsp), %r9\n"
        "    syscall\n"
        "    ret\n"
        ".globl gap_stub_end\n"
        "gap_stub_end:\n"
        ".size gap_stub, gap_stub_end - gap_stub\n"
        /* The same, returning without a `ret`: the return address is popped and jumped
         * to, so no return-stack prediction is consumed. */
        ".p2align 6\n"
        ".globl gap_stub_jmp\n"
        ".type gap_stub_jmp,@function\n"
        "gap_stub_jmp:\n"
        "    mov %rdi, %rax\n"
        "    mov %rsi, %rdi\n"
        "    mov %rdx, %rsi\n"
        "    mov %rcx, %rdx\n"
        "    mov %r8, %r10\n"
        "    mov %r9, %r8\n"
        "    mov 8(%rsp), %r9\n"
        "    syscall\n"
        "    pop %rcx\n"
        "    jmp *%rcx\n"
        ".size gap_stub_jmp, . - gap_stub_jmp\n"
        /* The same with a `ret`, after a `call` that pushes one return-stack entry
         * pointing at an `int3` in user space (and drops its stack slot): the `ret`
         * is still mispredicted, but into user code that stops speculation at once,
         * not into whatever the kernel left on the return stack. */
        ".p2align 6\n"
        ".globl gap_stub_refill\n"
        ".type gap_stub_refill,@function\n"
        "gap_stub_refill:\n"
        "    mov %rdi, %rax\n"
        "    mov %rsi, %rdi\n"
        "    mov %rdx, %rsi\n"
        "    mov %rcx, %rdx\n"
        "    mov %r8, %r10\n"
        "    mov %r9, %r8\n"
        "    mov 8(%rsp), %r9\n"
        "    syscall\n"
        "    call 1f\n"
        "    int3\n"
        "1:  add $8, %rsp\n"
        "    ret\n"
        ".size gap_stub_refill, . - gap_stub_refill\n"
        /* No system call: a `call` whose `ret` is predicted right, and one whose `ret`
         * is mispredicted (the return stack says 2:, the stack says our caller). */
        ".p2align 6\n"
        ".globl gap_ret_ok\n"
        ".type gap_ret_ok,@function\n"
        "gap_ret_ok:\n"
        "    call 3f\n"
        "    ret\n"
        "3:  ret\n"
        ".size gap_ret_ok, . - gap_ret_ok\n"
        ".p2align 6\n"
        ".globl gap_ret_miss\n"
        ".type gap_ret_miss,@function\n"
        "gap_ret_miss:\n"
        "    call 1f\n"
        "2:  ret\n"
        "1:  add $8, %rsp\n"
        "    ret\n"
        ".size gap_ret_miss, . - gap_ret_miss\n");
void gap_ret_ok(void);
void gap_ret_miss(void);
long gap_stub_jmp(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
long gap_stub_refill(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

typedef long (*stub_fn)(long, long, long, long, long, long, long);
static stub_fn stub_near, stub_far;

static inline long asm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    long ret;
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long asm_syscall0(long nr)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
    return ret;
}

static int sv[2];
static char byte_out = 'x', byte_in;
static long sink;

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* Each returns after `n` pairs; a wrong result stops the program (the variants must
 * do the same work to be compared). */
#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #cond);          \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

static void pair_glibc(long n)
{
    for (long i = 0; i < n; i++) {
        CHECK(send(sv[0], &byte_out, 1, 0) == 1);
        CHECK(recv(sv[1], &byte_in, 1, 0) == 1);
    }
}

static void pair_glibc_syscall(long n)
{
    for (long i = 0; i < n; i++) {
        CHECK(syscall(SYS_sendto, sv[0], &byte_out, 1L, 0L, 0L, 0L) == 1);
        CHECK(syscall(SYS_recvfrom, sv[1], &byte_in, 1L, 0L, 0L, 0L) == 1);
    }
}

static void pair_asm_inline(long n)
{
    for (long i = 0; i < n; i++) {
        CHECK(asm_syscall6(SYS_sendto, sv[0], (long)&byte_out, 1, 0, 0, 0) == 1);
        CHECK(asm_syscall6(SYS_recvfrom, sv[1], (long)&byte_in, 1, 0, 0, 0) == 1);
    }
}

static void pair_stub_text(long n)
{
    /* Through a volatile pointer, so that the call is a call, as the others are. */
    stub_fn volatile f = gap_stub;
    for (long i = 0; i < n; i++) {
        CHECK(f(SYS_sendto, sv[0], (long)&byte_out, 1, 0, 0, 0) == 1);
        CHECK(f(SYS_recvfrom, sv[1], (long)&byte_in, 1, 0, 0, 0) == 1);
    }
}

static void pair_stub_jmp(long n)
{
    stub_fn volatile f = gap_stub_jmp;
    for (long i = 0; i < n; i++) {
        CHECK(f(SYS_sendto, sv[0], (long)&byte_out, 1, 0, 0, 0) == 1);
        CHECK(f(SYS_recvfrom, sv[1], (long)&byte_in, 1, 0, 0, 0) == 1);
    }
}

static void pair_stub_refill(long n)
{
    stub_fn volatile f = gap_stub_refill;
    for (long i = 0; i < n; i++) {
        CHECK(f(SYS_sendto, sv[0], (long)&byte_out, 1, 0, 0, 0) == 1);
        CHECK(f(SYS_recvfrom, sv[1], (long)&byte_in, 1, 0, 0, 0) == 1);
    }
}

static void pair_stub_near(long n)
{
    for (long i = 0; i < n; i++) {
        CHECK(stub_near(SYS_sendto, sv[0], (long)&byte_out, 1, 0, 0, 0) == 1);
        CHECK(stub_near(SYS_recvfrom, sv[1], (long)&byte_in, 1, 0, 0, 0) == 1);
    }
}

static void pair_stub_far(long n)
{
    for (long i = 0; i < n; i++) {
        CHECK(stub_far(SYS_sendto, sv[0], (long)&byte_out, 1, 0, 0, 0) == 1);
        CHECK(stub_far(SYS_recvfrom, sv[1], (long)&byte_in, 1, 0, 0, 0) == 1);
    }
}

static void null_glibc(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += getppid();
    sink += s;
}

static void null_glibc_syscall(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += syscall(SYS_getppid);
    sink += s;
}

static void null_asm_inline(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += asm_syscall0(SYS_getppid);
    sink += s;
}

static void null_stub_text(long n)
{
    stub_fn volatile f = gap_stub;
    long s = 0;
    for (long i = 0; i < n; i++)
        s += f(SYS_getppid, 0, 0, 0, 0, 0, 0);
    sink += s;
}

static void null_stub_jmp(long n)
{
    stub_fn volatile f = gap_stub_jmp;
    long s = 0;
    for (long i = 0; i < n; i++)
        s += f(SYS_getppid, 0, 0, 0, 0, 0, 0);
    sink += s;
}

static void null_stub_refill(long n)
{
    stub_fn volatile f = gap_stub_refill;
    long s = 0;
    for (long i = 0; i < n; i++)
        s += f(SYS_getppid, 0, 0, 0, 0, 0, 0);
    sink += s;
}

/* The inline syscall inside one, then two, frames: one `ret`, then two, after it. */
__attribute__((noinline)) static long depth1(void)
{
    long r = asm_syscall0(SYS_getppid);
    __asm__ volatile("" : "+r"(r)::"memory");
    return r;
}

__attribute__((noinline)) static long depth2(void)
{
    long r = depth1();
    __asm__ volatile("" : "+r"(r)::"memory");
    return r + 1;
}

static void null_depth1(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += depth1();
    sink += s;
}

static void null_depth2(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += depth2();
    sink += s;
}

static void null_stub_near(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += stub_near(SYS_getppid, 0, 0, 0, 0, 0, 0);
    sink += s;
}

static void null_stub_far(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += stub_far(SYS_getppid, 0, 0, 0, 0, 0, 0);
    sink += s;
}

/* Reads of K pages (one cache line each, a different line per page so that the L1
 * sets do not collide), with or without a getppid before them. */
#define MAX_PAGES 64
static volatile char *pages;

static inline long touch(int k)
{
    long s = 0;
    for (int p = 0; p < k; p++)
        s += pages[(long)p * 4096 + (p % 64) * 64];
    return s;
}

#define PAGES_VARIANT(name, k, call)                                                   \
    static void name(long n)                                                           \
    {                                                                                  \
        long s = 0;                                                                    \
        for (long i = 0; i < n; i++) {                                                 \
            call;                                                                      \
            s += touch(k);                                                             \
        }                                                                              \
        sink += s;                                                                     \
    }

static void ret_ok(long n)
{
    void (*volatile f)(void) = gap_ret_ok;
    for (long i = 0; i < n; i++)
        f();
}

static void ret_miss(long n)
{
    void (*volatile f)(void) = gap_ret_miss;
    for (long i = 0; i < n; i++)
        f();
}

PAGES_VARIANT(pages_0_sys, 0, s += asm_syscall0(SYS_getppid))
PAGES_VARIANT(pages_64_nosys, 64, (void)0)
PAGES_VARIANT(pages_64_sys, 64, s += asm_syscall0(SYS_getppid))

struct variant {
    const char *name;
    void (*run)(long);
};

static const struct variant pair_variants[] = {
    {"glibc send/recv", pair_glibc},
    {"glibc syscall()", pair_glibc_syscall},
    {"asm syscall, inline", pair_asm_inline},
    {"asm stub, program text", pair_stub_text},
    {"asm stub, program text, pop+jmp instead of ret", pair_stub_jmp},
    {"asm stub, program text, return stack refilled", pair_stub_refill},
    {"asm stub, mmap page near libc", pair_stub_near},
    {"asm stub, mmap page at 0x10000000", pair_stub_far},
};

static const struct variant null_variants[] = {
    {"glibc getppid()", null_glibc},
    {"glibc syscall(SYS_getppid)", null_glibc_syscall},
    {"asm syscall, inline", null_asm_inline},
    {"asm syscall, inline, in a function (1 ret after)", null_depth1},
    {"asm syscall, inline, 2 functions deep (2 rets)", null_depth2},
    {"asm stub, program text", null_stub_text},
    {"asm stub, program text, pop+jmp instead of ret", null_stub_jmp},
    {"asm stub, program text, return stack refilled", null_stub_refill},
    {"asm stub, mmap page near libc", null_stub_near},
    {"asm stub, mmap page at 0x10000000", null_stub_far},
};

static const struct variant pages_variants[] = {
    {"getppid (asm), 0 pages", pages_0_sys},
    {"64 pages, no syscall", pages_64_nosys},
    {"getppid (asm) + 64 pages", pages_64_sys},
};

static const struct variant ret_variants[] = {
    {"call, call, ret, ret: predicted", ret_ok},
    {"call, call, ret, ret: one ret mispredicted into user code", ret_miss},
};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile q of v[0..n) (sorted in place), linear between neighbours. */
static double quantile(double *v, int n, double q)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double pos = q * (n - 1);
    int lo = (int)pos;
    int hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

static void run_group(const char *title, const char *unit, const struct variant *vs, int nv,
                      int rounds, long ops)
{
    double *ns = calloc((size_t)(nv * rounds), sizeof *ns);
    double *tmp = calloc((size_t)rounds, sizeof *tmp);
    if (!ns || !tmp)
        die("calloc");
    /* Round 0 warms up (caches, branch predictors, page faults) and is discarded. */
    for (int r = -1; r < rounds; r++) {
        for (int j = 0; j < nv; j++) {
            int v = (j + (r < 0 ? 0 : r)) % nv;
            double t0 = now_ns();
            vs[v].run(ops);
            double t1 = now_ns();
            if (r >= 0)
                ns[v * rounds + r] = (t1 - t0) / (double)ops;
        }
    }
    printf("\n### %s\n\n", title);
    printf("| variant | median ns/%s | IQR | ratio to first (median) | ratio IQR |\n", unit);
    printf("|---|---:|---:|---:|---:|\n");
    for (int v = 0; v < nv; v++) {
        memcpy(tmp, &ns[v * rounds], (size_t)rounds * sizeof *tmp);
        double q1 = quantile(tmp, rounds, 0.25), med = quantile(tmp, rounds, 0.5),
               q3 = quantile(tmp, rounds, 0.75);
        for (int r = 0; r < rounds; r++)
            tmp[r] = ns[v * rounds + r] / ns[r];
        double rq1 = quantile(tmp, rounds, 0.25), rmed = quantile(tmp, rounds, 0.5),
               rq3 = quantile(tmp, rounds, 0.75);
        printf("| %s | %.1f | %.1f–%.1f | %.3f | %.3f–%.3f |\n", vs[v].name, med, q1, q3, rmed,
               rq1, rq3);
    }
    fflush(stdout);
    free(ns);
    free(tmp);
}

/* A copy of gap_stub on a fresh page (hint 0: where mmap puts it, next to the shared
 * libraries; or at a fixed low hint), made executable. */
static stub_fn copy_stub(void *hint)
{
    size_t len = (size_t)(gap_stub_end - (const char *)(void *)gap_stub);
    void *p = mmap(hint, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die("mmap");
    memcpy(p, (const void *)gap_stub, len);
    if (mprotect(p, 4096, PROT_READ | PROT_EXEC) != 0)
        die("mprotect");
    return (stub_fn)p;
}

int main(int argc, char **argv)
{
    int rounds = 21;
    long pairs = 20000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--pairs") && i + 1 < argc)
            pairs = atol(argv[++i]);
        else if (!strcmp(argv[i], "--quick")) {
            rounds = 5;
            pairs = 2000;
        } else {
            fprintf(stderr, "usage: %s [--rounds N] [--pairs N] [--quick]\n", argv[0]);
            return 2;
        }
    }
    if (rounds < 1 || pairs < 1) {
        fprintf(stderr, "rounds and pairs must be positive\n");
        return 2;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        die("socketpair");
    stub_near = copy_stub(NULL);
    stub_far = copy_stub((void *)0x10000000);
    pages = mmap(NULL, (size_t)MAX_PAGES * 4096, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (pages == MAP_FAILED)
        die("mmap");
    memset((void *)pages, 1, (size_t)MAX_PAGES * 4096);

    printf("syscall_gap: %d rounds (after one warm-up round), order rotated each round\n",
           rounds);
    printf("code addresses: glibc send %p, glibc syscall %p, program text %p, "
           "mmap near libc %p, mmap far %p\n",
           (void *)send, (void *)syscall, (void *)gap_stub, (void *)stub_near,
           (void *)stub_far);
    run_group("send + recv of 1 byte on an AF_UNIX socketpair", "pair", pair_variants,
              (int)(sizeof pair_variants / sizeof *pair_variants), rounds, pairs);
    run_group("getppid(): entry and exit alone", "call", null_variants,
              (int)(sizeof null_variants / sizeof *null_variants), rounds, pairs * 4);
    run_group("a user-space ret misprediction, no system call", "call", ret_variants,
              (int)(sizeof ret_variants / sizeof *ret_variants), rounds, pairs * 20);
    run_group("page reads after a system call (the TLB's survival)", "iteration",
              pages_variants, (int)(sizeof pages_variants / sizeof *pages_variants), rounds,
              pairs);
    return sink == 42 ? 3 : 0; /* keeps `sink` alive */
}
