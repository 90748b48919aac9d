/*
 * Layout probe, second translation unit: Linux's struct tcp_info as the kernel lays
 * it out, from <linux/tcp.h>. That header cannot share a translation unit with
 * <netinet/tcp.h>, which layout_probe.c needs (both define struct tcphdr, and
 * glibc's struct tcp_info is the 104-byte original), so it lives here and
 * layout_probe.c's main calls tcp_info_layout(). Lines use the kinds of
 * layout_probe.c (size, align, offset, fieldsize) and are checked by the same test.
 *
 * sockapi-sys declares the struct up to tcpi_snd_wnd. Newer headers add fields
 * after it (the kernel's ABI only grows at the end), so `size.tcp_info` is where
 * tcpi_snd_wnd ends, rounded up to the struct's alignment: the size of the prefix
 * that sockapi-sys declares, which must be its size_of.
 */
#if defined(__linux__)
#include <linux/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

void tcp_info_layout(void);

#define TI_FIELD(field)                                                         \
    do {                                                                        \
        printf("offset.tcp_info.%s %zu\n", #field,                              \
               offsetof(struct tcp_info, field));                               \
        printf("fieldsize.tcp_info.%s %zu\n", #field,                           \
               sizeof(((struct tcp_info *)0)->field));                          \
    } while (0)

/* A bitfield has no offsetof: set all its bits in a zeroed struct and report the
 * bytes that changed (first one, and how many), under the name sockapi-sys gives
 * the byte. */
static void bitfield_bytes(const char *name, const struct tcp_info *info) {
    const unsigned char *bytes = (const unsigned char *)info;
    size_t first = sizeof *info, count = 0;
    for (size_t i = 0; i < sizeof *info; i++) {
        if (bytes[i] != 0) {
            if (first == sizeof *info)
                first = i;
            count++;
        }
    }
    printf("offset.tcp_info.%s %zu\n", name, first);
    printf("fieldsize.tcp_info.%s %zu\n", name, count);
}

void tcp_info_layout(void) {
    struct tcp_info info;
    size_t align = _Alignof(struct tcp_info);
    size_t end = offsetof(struct tcp_info, tcpi_snd_wnd) + sizeof info.tcpi_snd_wnd;
    printf("size.tcp_info %zu\n", (end + align - 1) / align * align);
    printf("align.tcp_info %zu\n", align);

    memset(&info, 0, sizeof info);
    info.tcpi_snd_wscale = 0xf;
    info.tcpi_rcv_wscale = 0xf;
    bitfield_bytes("tcpi_snd_rcv_wscale", &info);
    memset(&info, 0, sizeof info);
    info.tcpi_delivery_rate_app_limited = 1;
    info.tcpi_fastopen_client_fail = 3;
    bitfield_bytes("tcpi_delivery_fastopen_bitfields", &info);

    TI_FIELD(tcpi_state);
    TI_FIELD(tcpi_ca_state);
    TI_FIELD(tcpi_retransmits);
    TI_FIELD(tcpi_probes);
    TI_FIELD(tcpi_backoff);
    TI_FIELD(tcpi_options);
    TI_FIELD(tcpi_rto);
    TI_FIELD(tcpi_ato);
    TI_FIELD(tcpi_snd_mss);
    TI_FIELD(tcpi_rcv_mss);
    TI_FIELD(tcpi_unacked);
    TI_FIELD(tcpi_sacked);
    TI_FIELD(tcpi_lost);
    TI_FIELD(tcpi_retrans);
    TI_FIELD(tcpi_fackets);
    TI_FIELD(tcpi_last_data_sent);
    TI_FIELD(tcpi_last_ack_sent);
    TI_FIELD(tcpi_last_data_recv);
    TI_FIELD(tcpi_last_ack_recv);
    TI_FIELD(tcpi_pmtu);
    TI_FIELD(tcpi_rcv_ssthresh);
    TI_FIELD(tcpi_rtt);
    TI_FIELD(tcpi_rttvar);
    TI_FIELD(tcpi_snd_ssthresh);
    TI_FIELD(tcpi_snd_cwnd);
    TI_FIELD(tcpi_advmss);
    TI_FIELD(tcpi_reordering);
    TI_FIELD(tcpi_rcv_rtt);
    TI_FIELD(tcpi_rcv_space);
    TI_FIELD(tcpi_total_retrans);
    TI_FIELD(tcpi_pacing_rate);
    TI_FIELD(tcpi_max_pacing_rate);
    TI_FIELD(tcpi_bytes_acked);
    TI_FIELD(tcpi_bytes_received);
    TI_FIELD(tcpi_segs_out);
    TI_FIELD(tcpi_segs_in);
    TI_FIELD(tcpi_notsent_bytes);
    TI_FIELD(tcpi_min_rtt);
    TI_FIELD(tcpi_data_segs_in);
    TI_FIELD(tcpi_data_segs_out);
    TI_FIELD(tcpi_delivery_rate);
    TI_FIELD(tcpi_busy_time);
    TI_FIELD(tcpi_rwnd_limited);
    TI_FIELD(tcpi_sndbuf_limited);
    TI_FIELD(tcpi_delivered);
    TI_FIELD(tcpi_delivered_ce);
    TI_FIELD(tcpi_bytes_sent);
    TI_FIELD(tcpi_bytes_retrans);
    TI_FIELD(tcpi_dsack_dups);
    TI_FIELD(tcpi_reord_seen);
    TI_FIELD(tcpi_rcv_ooopack);
    TI_FIELD(tcpi_snd_wnd);
}
#endif
