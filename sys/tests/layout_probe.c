/*
 * Layout probe for sockapi-sys: prints what the C compiler and the system headers
 * say about every type, field and constant that sockapi-sys re-exports, as
 * `name value` lines. tests/layout.rs compiles and runs this and compares each line
 * with the Rust side, so the names here must match the names in its tables.
 *
 * Name scheme:
 *   size.T / align.T           sizeof / _Alignof of T (named as in Rust)
 *   offset.T.f / fieldsize.T.f offsetof and sizeof of field f of T
 *   signed.T                   1 if the integer type T is signed, else 0
 *   const.NAME / errno.NAME    value of a constant
 *
 * Platform-specific items are guarded by the same conditions as the `cfg`s in
 * src/lib.rs (spelled as the compilers' predefined macros), so a header that lacks
 * one of them on a platform where Rust exports it fails to compile here instead of
 * going unchecked.
 */
#define _GNU_SOURCE /* struct ucred */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <sys/types.h>
#include <sys/un.h>
#include <limits.h>
#if defined(__linux__)
#include <linux/errqueue.h>
#endif
#include <sys/uio.h>
#include <sys/select.h>
#include <signal.h>
#include <poll.h>
#include <sys/ioctl.h>
#if defined(__linux__)
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#endif

#define LAYOUT(name, type)                                      \
    do {                                                        \
        printf("size.%s %zu\n", name, sizeof(type));            \
        printf("align.%s %zu\n", name, (size_t)_Alignof(type)); \
    } while (0)

/* `#field` stringifies the spelling written here even when the header turns the
 * field name into a macro (glibc's s6_addr is `__in6_u.__u6_addr8`). */
#define FIELD(name, type, field)                                                   \
    do {                                                                           \
        printf("offset.%s.%s %zu\n", name, #field, offsetof(type, field));         \
        printf("fieldsize.%s.%s %zu\n", name, #field, sizeof(((type *)0)->field)); \
    } while (0)

/* Compared with 1 rather than 0: `unsigned < 0` trips -Wtype-limits (part of the
 * -Wextra that cc passes). */
#define SIGNED(name, type) printf("signed.%s %d\n", name, (type)-1 < (type)1)

/* Every value fits in a long long; the Rust side widens to i128 likewise. */
#define CONST(name) printf("const.%s %lld\n", #name, (long long)(name))
#define ERRNO(name) printf("errno.%s %lld\n", #name, (long long)(name))

static void types(void) {
    LAYOUT("sockaddr", struct sockaddr);
    LAYOUT("sockaddr_in", struct sockaddr_in);
    LAYOUT("sockaddr_in6", struct sockaddr_in6);
    LAYOUT("sockaddr_un", struct sockaddr_un);
    LAYOUT("sockaddr_storage", struct sockaddr_storage);
    LAYOUT("linger", struct linger);
    LAYOUT("timeval", struct timeval);
#if defined(__linux__)
    LAYOUT("ucred", struct ucred);
    LAYOUT("ip_mreq", struct ip_mreq);
    LAYOUT("ip_mreqn", struct ip_mreqn);
    LAYOUT("ip_mreq_source", struct ip_mreq_source);
    LAYOUT("ipv6_mreq", struct ipv6_mreq);
#endif
    LAYOUT("in_addr", struct in_addr);
    LAYOUT("in6_addr", struct in6_addr);
    /* <netdb.h> */
    LAYOUT("servent", struct servent);
    LAYOUT("protoent", struct protoent);
    LAYOUT("hostent", struct hostent);

    /* The integer typedefs: size, alignment and signedness all reach the ABI. */
    LAYOUT("socklen_t", socklen_t);
    LAYOUT("sa_family_t", sa_family_t);
    LAYOUT("in_port_t", in_port_t);
    LAYOUT("time_t", time_t);
    LAYOUT("suseconds_t", suseconds_t);
    LAYOUT("c_char", char);
    LAYOUT("c_int", int);
    LAYOUT("size_t", size_t);
    LAYOUT("ssize_t", ssize_t);
    SIGNED("socklen_t", socklen_t);
    SIGNED("sa_family_t", sa_family_t);
    SIGNED("in_port_t", in_port_t);
    SIGNED("time_t", time_t);
    SIGNED("suseconds_t", suseconds_t);
    SIGNED("c_char", char);
    SIGNED("c_int", int);
    SIGNED("size_t", size_t);
    SIGNED("ssize_t", ssize_t);
}

static void fields(void) {
    FIELD("sockaddr", struct sockaddr, sa_family);
    FIELD("sockaddr", struct sockaddr, sa_data);

    FIELD("sockaddr_in", struct sockaddr_in, sin_family);
    FIELD("sockaddr_in", struct sockaddr_in, sin_port);
    FIELD("sockaddr_in", struct sockaddr_in, sin_addr);
    FIELD("sockaddr_in", struct sockaddr_in, sin_zero);

    FIELD("sockaddr_in6", struct sockaddr_in6, sin6_family);
    FIELD("sockaddr_in6", struct sockaddr_in6, sin6_port);
    FIELD("sockaddr_in6", struct sockaddr_in6, sin6_flowinfo);
    FIELD("sockaddr_in6", struct sockaddr_in6, sin6_addr);
    FIELD("sockaddr_in6", struct sockaddr_in6, sin6_scope_id);

    FIELD("sockaddr_un", struct sockaddr_un, sun_family);
    FIELD("sockaddr_un", struct sockaddr_un, sun_path);

    /* The rest of sockaddr_storage is padding whose names differ between libcs. */
    FIELD("sockaddr_storage", struct sockaddr_storage, ss_family);

    FIELD("linger", struct linger, l_onoff);
    FIELD("linger", struct linger, l_linger);

    FIELD("timeval", struct timeval, tv_sec);
    FIELD("timeval", struct timeval, tv_usec);

#if defined(__linux__)
    FIELD("ucred", struct ucred, pid);
    FIELD("ucred", struct ucred, uid);
    FIELD("ucred", struct ucred, gid);
    FIELD("ip_mreq", struct ip_mreq, imr_multiaddr);
    FIELD("ip_mreq", struct ip_mreq, imr_interface);
    FIELD("ip_mreqn", struct ip_mreqn, imr_multiaddr);
    FIELD("ip_mreqn", struct ip_mreqn, imr_address);
    FIELD("ip_mreqn", struct ip_mreqn, imr_ifindex);
    FIELD("ip_mreq_source", struct ip_mreq_source, imr_multiaddr);
    FIELD("ip_mreq_source", struct ip_mreq_source, imr_interface);
    FIELD("ip_mreq_source", struct ip_mreq_source, imr_sourceaddr);
    FIELD("ipv6_mreq", struct ipv6_mreq, ipv6mr_multiaddr);
    FIELD("ipv6_mreq", struct ipv6_mreq, ipv6mr_interface);
#endif

    FIELD("in_addr", struct in_addr, s_addr);
    FIELD("in6_addr", struct in6_addr, s6_addr);

    /* <netdb.h> */
    FIELD("servent", struct servent, s_name);
    FIELD("servent", struct servent, s_aliases);
    FIELD("servent", struct servent, s_port);
    FIELD("servent", struct servent, s_proto);
    FIELD("protoent", struct protoent, p_name);
    FIELD("protoent", struct protoent, p_aliases);
    FIELD("protoent", struct protoent, p_proto);
    FIELD("hostent", struct hostent, h_name);
    FIELD("hostent", struct hostent, h_aliases);
    FIELD("hostent", struct hostent, h_addrtype);
    FIELD("hostent", struct hostent, h_length);
    FIELD("hostent", struct hostent, h_addr_list);
}

static void constants(void) {
    /* <sys/socket.h> */
    CONST(AF_INET);
    CONST(AF_INET6);
    CONST(AF_UNIX);
    CONST(AF_UNSPEC);
    CONST(MSG_DONTROUTE);
    CONST(MSG_DONTWAIT);
    CONST(MSG_EOR);
    CONST(MSG_OOB);
    CONST(MSG_PEEK);
    CONST(MSG_TRUNC);
    CONST(MSG_CTRUNC);
    CONST(MSG_WAITALL);
    CONST(SHUT_RD);
    CONST(SHUT_RDWR);
    CONST(SHUT_WR);
    CONST(SOCK_DGRAM);
    CONST(SOCK_RAW);
    CONST(SOCK_SEQPACKET);
    CONST(SOCK_STREAM);
    CONST(SOL_SOCKET);
    CONST(SOMAXCONN);
    CONST(SO_ACCEPTCONN);
    CONST(SO_BROADCAST);
    CONST(SO_DONTROUTE);
    CONST(SO_ERROR);
    CONST(SO_KEEPALIVE);
    CONST(SO_LINGER);
    CONST(SO_OOBINLINE);
    CONST(SO_RCVBUF);
    CONST(SO_RCVLOWAT);
    CONST(SO_RCVTIMEO);
    CONST(SO_REUSEADDR);
    CONST(SO_REUSEPORT);
    CONST(SO_SNDBUF);
    CONST(SO_SNDLOWAT);
    CONST(SO_SNDTIMEO);
    CONST(SO_TYPE);
    /* lib.rs: any(linux, android, freebsd, netbsd, openbsd, dragonfly, illumos,
     * solaris). Android's clang defines __linux__ too; __sun && __SVR4 covers both
     * illumos and Solaris. */
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__) || (defined(__sun) && defined(__SVR4))
    CONST(SOCK_CLOEXEC);
    CONST(SOCK_NONBLOCK);
#endif
    /* lib.rs: not(target_vendor = "apple") */
#if !defined(__APPLE__)
    CONST(MSG_NOSIGNAL);
#endif
    /* lib.rs: any(linux, android) */
#if defined(__linux__)
    CONST(MSG_CMSG_CLOEXEC);
    CONST(MSG_CONFIRM);
    CONST(MSG_ERRQUEUE);
    CONST(MSG_MORE);
#endif

    /* <arpa/inet.h> */
    CONST(INET_ADDRSTRLEN);
    CONST(INET6_ADDRSTRLEN);

    /* <netinet/in.h> */
    CONST(INADDR_ANY);
    CONST(INADDR_LOOPBACK);
    CONST(IPPROTO_ICMP);
    CONST(IPPROTO_ICMPV6);
    CONST(IPPROTO_IP);
    CONST(IPPROTO_IPV6);
    CONST(IPPROTO_RAW);
    CONST(IPPROTO_TCP);
    CONST(IPPROTO_UDP);
    CONST(IPV6_UNICAST_HOPS);
    CONST(IPV6_V6ONLY);
    CONST(IP_TOS);
    CONST(IP_TTL);

    /* <netinet/tcp.h> */
    CONST(TCP_KEEPCNT);
    CONST(TCP_KEEPINTVL);
    CONST(TCP_MAXSEG);
    CONST(TCP_NODELAY);
    /* lib.rs: any(linux, android, freebsd) */
#if defined(__linux__) || defined(__FreeBSD__)
    CONST(TCP_KEEPIDLE);
#endif

    /* lib.rs: any(linux, android): Linux's own options, and SO_DEBUG everywhere. */
    CONST(SO_DEBUG);
#if defined(__linux__)
    CONST(SO_ATTACH_FILTER);
    CONST(SO_BINDTODEVICE);
    CONST(SO_BUSY_POLL);
    CONST(SO_DETACH_FILTER);
    CONST(SO_DOMAIN);
    CONST(SO_INCOMING_CPU);
    CONST(SO_MARK);
    CONST(SO_NO_CHECK);
    CONST(SO_PASSCRED);
    CONST(SO_PEERCRED);
    CONST(SO_PRIORITY);
    CONST(SO_PROTOCOL);
    CONST(SO_TIMESTAMP);
    CONST(IPV6_RECVERR);
    CONST(IPV6_JOIN_GROUP);
    CONST(IPV6_LEAVE_GROUP);
    CONST(IPV6_MULTICAST_HOPS);
    CONST(IPV6_MULTICAST_IF);
    CONST(IPV6_MULTICAST_LOOP);
    CONST(IP_DROP_SOURCE_MEMBERSHIP);
    CONST(IP_MULTICAST_IF);
    CONST(IP_MULTICAST_LOOP);
    CONST(IP_MULTICAST_TTL);
    CONST(IP_ADD_MEMBERSHIP);
    CONST(IP_ADD_SOURCE_MEMBERSHIP);
    CONST(IP_DROP_MEMBERSHIP);
    CONST(IP_FREEBIND);
    CONST(IP_MSFILTER);
    CONST(IP_MTU);
    CONST(IP_MTU_DISCOVER);
    CONST(IP_PMTUDISC_DO);
    CONST(IP_PMTUDISC_DONT);
    CONST(IP_PMTUDISC_PROBE);
    CONST(IP_PMTUDISC_WANT);
    CONST(IP_RECVERR);
    CONST(IP_TRANSPARENT);
    CONST(MCAST_MSFILTER);
    CONST(TCP_CONGESTION);
    CONST(TCP_CORK);
    CONST(TCP_DEFER_ACCEPT);
    CONST(TCP_FASTOPEN);
    CONST(TCP_INFO);
    CONST(TCP_NOTSENT_LOWAT);
    CONST(TCP_QUICKACK);
    CONST(TCP_SYNCNT);
    CONST(TCP_USER_TIMEOUT);
    CONST(TCP_ZEROCOPY_RECEIVE);
    CONST(TCP_ESTABLISHED);
    CONST(TCP_SYN_SENT);
    CONST(TCP_SYN_RECV);
    CONST(TCP_FIN_WAIT1);
    CONST(TCP_FIN_WAIT2);
    CONST(TCP_TIME_WAIT);
    CONST(TCP_CLOSE);
    CONST(TCP_CLOSE_WAIT);
    CONST(TCP_LAST_ACK);
    CONST(TCP_LISTEN);
    CONST(TCP_CLOSING);
#endif

    /* <netdb.h>: the h_errno codes */
    CONST(HOST_NOT_FOUND);
    CONST(TRY_AGAIN);
    CONST(NO_RECOVERY);
    CONST(NO_DATA);
    CONST(NETDB_INTERNAL);

    /* <fcntl.h> */
    CONST(FD_CLOEXEC);
    CONST(F_GETFD);
    CONST(F_GETFL);
    CONST(F_SETFD);
    CONST(F_SETFL);
    CONST(O_APPEND);
    CONST(O_NONBLOCK);
    CONST(O_RDONLY);
    CONST(O_RDWR);
    CONST(O_WRONLY);
}

/* Every E-name in glibc's <errno.h> that the libc crate also declares for linux-gnu
 * (the list is tests/ERRNO_LIST.txt). The Rust test has the same condition. */
static void errnos(void) {
#if defined(__linux__) && defined(__GLIBC__)
    ERRNO(E2BIG);
    ERRNO(EACCES);
    ERRNO(EADDRINUSE);
    ERRNO(EADDRNOTAVAIL);
    ERRNO(EADV);
    ERRNO(EAFNOSUPPORT);
    ERRNO(EAGAIN);
    ERRNO(EALREADY);
    ERRNO(EBADE);
    ERRNO(EBADF);
    ERRNO(EBADFD);
    ERRNO(EBADMSG);
    ERRNO(EBADR);
    ERRNO(EBADRQC);
    ERRNO(EBADSLT);
    ERRNO(EBFONT);
    ERRNO(EBUSY);
    ERRNO(ECANCELED);
    ERRNO(ECHILD);
    ERRNO(ECHRNG);
    ERRNO(ECOMM);
    ERRNO(ECONNABORTED);
    ERRNO(ECONNREFUSED);
    ERRNO(ECONNRESET);
    ERRNO(EDEADLK);
    ERRNO(EDEADLOCK);
    ERRNO(EDESTADDRREQ);
    ERRNO(EDOM);
    ERRNO(EDOTDOT);
    ERRNO(EDQUOT);
    ERRNO(EEXIST);
    ERRNO(EFAULT);
    ERRNO(EFBIG);
    ERRNO(EHOSTDOWN);
    ERRNO(EHOSTUNREACH);
    ERRNO(EHWPOISON);
    ERRNO(EIDRM);
    ERRNO(EILSEQ);
    ERRNO(EINPROGRESS);
    ERRNO(EINTR);
    ERRNO(EINVAL);
    ERRNO(EIO);
    ERRNO(EISCONN);
    ERRNO(EISDIR);
    ERRNO(EISNAM);
    ERRNO(EKEYEXPIRED);
    ERRNO(EKEYREJECTED);
    ERRNO(EKEYREVOKED);
    ERRNO(EL2HLT);
    ERRNO(EL2NSYNC);
    ERRNO(EL3HLT);
    ERRNO(EL3RST);
    ERRNO(ELIBACC);
    ERRNO(ELIBBAD);
    ERRNO(ELIBEXEC);
    ERRNO(ELIBMAX);
    ERRNO(ELIBSCN);
    ERRNO(ELNRNG);
    ERRNO(ELOOP);
    ERRNO(EMEDIUMTYPE);
    ERRNO(EMFILE);
    ERRNO(EMLINK);
    ERRNO(EMSGSIZE);
    ERRNO(EMULTIHOP);
    ERRNO(ENAMETOOLONG);
    ERRNO(ENAVAIL);
    ERRNO(ENETDOWN);
    ERRNO(ENETRESET);
    ERRNO(ENETUNREACH);
    ERRNO(ENFILE);
    ERRNO(ENOANO);
    ERRNO(ENOBUFS);
    ERRNO(ENOCSI);
    ERRNO(ENODATA);
    ERRNO(ENODEV);
    ERRNO(ENOENT);
    ERRNO(ENOEXEC);
    ERRNO(ENOKEY);
    ERRNO(ENOLCK);
    ERRNO(ENOLINK);
    ERRNO(ENOMEDIUM);
    ERRNO(ENOMEM);
    ERRNO(ENOMSG);
    ERRNO(ENONET);
    ERRNO(ENOPKG);
    ERRNO(ENOPROTOOPT);
    ERRNO(ENOSPC);
    ERRNO(ENOSR);
    ERRNO(ENOSTR);
    ERRNO(ENOSYS);
    ERRNO(ENOTBLK);
    ERRNO(ENOTCONN);
    ERRNO(ENOTDIR);
    ERRNO(ENOTEMPTY);
    ERRNO(ENOTNAM);
    ERRNO(ENOTRECOVERABLE);
    ERRNO(ENOTSOCK);
    ERRNO(ENOTSUP);
    ERRNO(ENOTTY);
    ERRNO(ENOTUNIQ);
    ERRNO(ENXIO);
    ERRNO(EOPNOTSUPP);
    ERRNO(EOVERFLOW);
    ERRNO(EOWNERDEAD);
    ERRNO(EPERM);
    ERRNO(EPFNOSUPPORT);
    ERRNO(EPIPE);
    ERRNO(EPROTO);
    ERRNO(EPROTONOSUPPORT);
    ERRNO(EPROTOTYPE);
    ERRNO(ERANGE);
    ERRNO(EREMCHG);
    ERRNO(EREMOTE);
    ERRNO(EREMOTEIO);
    ERRNO(ERESTART);
    ERRNO(ERFKILL);
    ERRNO(EROFS);
    ERRNO(ESHUTDOWN);
    ERRNO(ESOCKTNOSUPPORT);
    ERRNO(ESPIPE);
    ERRNO(ESRCH);
    ERRNO(ESRMNT);
    ERRNO(ESTALE);
    ERRNO(ESTRPIPE);
    ERRNO(ETIME);
    ERRNO(ETIMEDOUT);
    ERRNO(ETOOMANYREFS);
    ERRNO(ETXTBSY);
    ERRNO(EUCLEAN);
    ERRNO(EUNATCH);
    ERRNO(EUSERS);
    ERRNO(EWOULDBLOCK);
    ERRNO(EXDEV);
    ERRNO(EXFULL);
#endif
}

/* sendmsg/recvmsg: every line under the kind `msg` (msg.size.T, msg.align.T,
 * msg.offset.T.f, msg.fieldsize.T.f, msg.const.NAME, msg.CMSG_SPACE.n, ...), checked by
 * its own test in layout.rs. */
#define MSG_LAYOUT(name, type)                                      \
    do {                                                            \
        printf("msg.size.%s %zu\n", name, sizeof(type));            \
        printf("msg.align.%s %zu\n", name, (size_t)_Alignof(type)); \
    } while (0)
#define MSG_FIELD(name, type, field)                                                   \
    do {                                                                               \
        printf("msg.offset.%s.%s %zu\n", name, #field, offsetof(type, field));         \
        printf("msg.fieldsize.%s.%s %zu\n", name, #field, sizeof(((type *)0)->field)); \
    } while (0)
#define MSG_CONST(name) printf("msg.const.%s %lld\n", #name, (long long)(name))
#define MSG_MACRO(macro, n) printf("msg.%s.%d %lld\n", #macro, n, (long long)macro(n))

static void messages(void) {
    static const int lens[] = {0, 1, 4, 12, 16, 20, 28, 1012};
    MSG_LAYOUT("msghdr", struct msghdr);
    MSG_LAYOUT("cmsghdr", struct cmsghdr);
    MSG_LAYOUT("iovec", struct iovec);
    MSG_FIELD("msghdr", struct msghdr, msg_name);
    MSG_FIELD("msghdr", struct msghdr, msg_namelen);
    MSG_FIELD("msghdr", struct msghdr, msg_iov);
    MSG_FIELD("msghdr", struct msghdr, msg_iovlen);
    MSG_FIELD("msghdr", struct msghdr, msg_control);
    MSG_FIELD("msghdr", struct msghdr, msg_controllen);
    MSG_FIELD("msghdr", struct msghdr, msg_flags);
    MSG_FIELD("cmsghdr", struct cmsghdr, cmsg_len);
    MSG_FIELD("cmsghdr", struct cmsghdr, cmsg_level);
    MSG_FIELD("cmsghdr", struct cmsghdr, cmsg_type);
    MSG_FIELD("iovec", struct iovec, iov_base);
    MSG_FIELD("iovec", struct iovec, iov_len);
    MSG_CONST(SCM_RIGHTS);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        MSG_MACRO(CMSG_ALIGN, lens[i]);
        MSG_MACRO(CMSG_SPACE, lens[i]);
        MSG_MACRO(CMSG_LEN, lens[i]);
    }
#if defined(__linux__)
    MSG_LAYOUT("in_pktinfo", struct in_pktinfo);
    MSG_LAYOUT("in6_pktinfo", struct in6_pktinfo);
    MSG_FIELD("in_pktinfo", struct in_pktinfo, ipi_ifindex);
    MSG_FIELD("in_pktinfo", struct in_pktinfo, ipi_spec_dst);
    MSG_FIELD("in_pktinfo", struct in_pktinfo, ipi_addr);
    MSG_FIELD("in6_pktinfo", struct in6_pktinfo, ipi6_addr);
    MSG_FIELD("in6_pktinfo", struct in6_pktinfo, ipi6_ifindex);
    MSG_LAYOUT("sock_extended_err", struct sock_extended_err);
    MSG_FIELD("sock_extended_err", struct sock_extended_err, ee_errno);
    MSG_FIELD("sock_extended_err", struct sock_extended_err, ee_origin);
    MSG_FIELD("sock_extended_err", struct sock_extended_err, ee_type);
    MSG_FIELD("sock_extended_err", struct sock_extended_err, ee_code);
    MSG_FIELD("sock_extended_err", struct sock_extended_err, ee_pad);
    MSG_FIELD("sock_extended_err", struct sock_extended_err, ee_info);
    MSG_FIELD("sock_extended_err", struct sock_extended_err, ee_data);
    MSG_CONST(SO_EE_ORIGIN_NONE);
    MSG_CONST(SO_EE_ORIGIN_LOCAL);
    MSG_CONST(SO_EE_ORIGIN_ICMP);
    MSG_CONST(SO_EE_ORIGIN_ICMP6);
    MSG_CONST(SCM_CREDENTIALS);
    MSG_CONST(IP_PKTINFO);
    MSG_CONST(IP_RECVTOS);
    MSG_CONST(IP_RECVTTL);
    MSG_CONST(IPV6_PKTINFO);
    MSG_CONST(IPV6_RECVPKTINFO);
    MSG_CONST(IPV6_HOPLIMIT);
    MSG_CONST(IPV6_RECVHOPLIMIT);
    MSG_LAYOUT("mmsghdr", struct mmsghdr);
    MSG_FIELD("mmsghdr", struct mmsghdr, msg_hdr);
    MSG_FIELD("mmsghdr", struct mmsghdr, msg_len);
    MSG_LAYOUT("timespec", struct timespec);
    MSG_FIELD("timespec", struct timespec, tv_sec);
    MSG_FIELD("timespec", struct timespec, tv_nsec);
    MSG_CONST(MSG_WAITFORONE);
#endif
}

/* getaddrinfo/getnameinfo: every line under the kind `ai` (ai.size.T, ai.align.T,
 * ai.offset.T.f, ai.fieldsize.T.f, ai.const.NAME), checked by its own test. */
#define AI_LAYOUT(name, type)                                      \
    do {                                                           \
        printf("ai.size.%s %zu\n", name, sizeof(type));            \
        printf("ai.align.%s %zu\n", name, (size_t)_Alignof(type)); \
    } while (0)
#define AI_FIELD(name, type, field)                                                   \
    do {                                                                              \
        printf("ai.offset.%s.%s %zu\n", name, #field, offsetof(type, field));         \
        printf("ai.fieldsize.%s.%s %zu\n", name, #field, sizeof(((type *)0)->field)); \
    } while (0)
#define AI_CONST(name) printf("ai.const.%s %lld\n", #name, (long long)(name))

static void addrinfos(void) {
    AI_LAYOUT("addrinfo", struct addrinfo);
    AI_FIELD("addrinfo", struct addrinfo, ai_flags);
    AI_FIELD("addrinfo", struct addrinfo, ai_family);
    AI_FIELD("addrinfo", struct addrinfo, ai_socktype);
    AI_FIELD("addrinfo", struct addrinfo, ai_protocol);
    AI_FIELD("addrinfo", struct addrinfo, ai_addrlen);
    AI_FIELD("addrinfo", struct addrinfo, ai_addr);
    AI_FIELD("addrinfo", struct addrinfo, ai_canonname);
    AI_FIELD("addrinfo", struct addrinfo, ai_next);
    AI_CONST(AI_PASSIVE);
    AI_CONST(AI_CANONNAME);
    AI_CONST(AI_NUMERICHOST);
    AI_CONST(AI_NUMERICSERV);
    AI_CONST(AI_ADDRCONFIG);
    AI_CONST(AI_V4MAPPED);
    AI_CONST(AI_ALL);
    AI_CONST(EAI_AGAIN);
    AI_CONST(EAI_BADFLAGS);
    AI_CONST(EAI_FAIL);
    AI_CONST(EAI_FAMILY);
    AI_CONST(EAI_MEMORY);
    AI_CONST(EAI_NONAME);
    AI_CONST(EAI_OVERFLOW);
    AI_CONST(EAI_SERVICE);
    AI_CONST(EAI_SOCKTYPE);
    AI_CONST(EAI_SYSTEM);
    AI_CONST(NI_NUMERICHOST);
    AI_CONST(NI_NUMERICSERV);
    AI_CONST(NI_NOFQDN);
    AI_CONST(NI_NAMEREQD);
    AI_CONST(NI_DGRAM);
    AI_CONST(NI_MAXHOST);
    AI_CONST(NI_MAXSERV);
}
/* select/pselect: every line under the kind `select` (select.size.T, select.align.T,
 * select.const.NAME, select.FD_SET.fd), checked by its own test in layout.rs.
 * select.FD_SET.fd is where the C macro puts fd's bit: 256 * byte offset + byte value,
 * which the Rust side computes from its model of the set (words of `long`, fd's bit
 * at fd % bits-per-word of word fd / bits-per-word). */
static void selects(void) {
    static const int fds[] = {0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 127, 128, 511, 1000, 1023};
    printf("select.size.fd_set %zu\n", sizeof(fd_set));
    printf("select.align.fd_set %zu\n", (size_t)_Alignof(fd_set));
    printf("select.size.sigset_t %zu\n", sizeof(sigset_t));
    printf("select.align.sigset_t %zu\n", (size_t)_Alignof(sigset_t));
    printf("select.const.FD_SETSIZE %lld\n", (long long)FD_SETSIZE);
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        fd_set set;
        FD_ZERO(&set);
        FD_SET(fds[i], &set);
        const unsigned char *bytes = (const unsigned char *)&set;
        long long where = -1;
        for (size_t b = 0; b < sizeof set; b++) {
            if (bytes[b] != 0) {
                where = (long long)b * 256 + bytes[b];
                break;
            }
        }
        printf("select.FD_SET.%d %lld\n", fds[i], where);
    }
}

/* poll, ppoll, sockatmark and the ioctl requests: every line under the kind `poll`
 * (poll.size.T, poll.align.T, poll.offset.T.f, poll.fieldsize.T.f, poll.signed.T,
 * poll.const.NAME), checked by its own test. */
#define POLL_LAYOUT(name, type)                                      \
    do {                                                             \
        printf("poll.size.%s %zu\n", name, sizeof(type));            \
        printf("poll.align.%s %zu\n", name, (size_t)_Alignof(type)); \
    } while (0)
#define POLL_FIELD(name, type, field)                                                   \
    do {                                                                                \
        printf("poll.offset.%s.%s %zu\n", name, #field, offsetof(type, field));         \
        printf("poll.fieldsize.%s.%s %zu\n", name, #field, sizeof(((type *)0)->field)); \
    } while (0)
#define POLL_CONST(name) printf("poll.const.%s %lld\n", #name, (long long)(name))

static void polls(void) {
    POLL_LAYOUT("pollfd", struct pollfd);
    POLL_FIELD("pollfd", struct pollfd, fd);
    POLL_FIELD("pollfd", struct pollfd, events);
    POLL_FIELD("pollfd", struct pollfd, revents);
    POLL_LAYOUT("nfds_t", nfds_t);
    printf("poll.signed.nfds_t %d\n", (nfds_t)-1 < (nfds_t)1);
    POLL_LAYOUT("sigset_t", sigset_t);
    POLL_LAYOUT("c_short", short);
    POLL_CONST(POLLIN);
    POLL_CONST(POLLPRI);
    POLL_CONST(POLLOUT);
    POLL_CONST(POLLERR);
    POLL_CONST(POLLHUP);
    POLL_CONST(POLLNVAL);
    POLL_CONST(POLLRDNORM);
    POLL_CONST(POLLRDBAND);
    POLL_CONST(POLLWRNORM);
    POLL_CONST(POLLWRBAND);
    POLL_CONST(FIONREAD);
    POLL_CONST(FIONBIO);
    POLL_CONST(SIGUSR1);
    POLL_CONST(SIGUSR2);
    POLL_CONST(SIGTERM);
#if defined(__linux__)
    POLL_CONST(POLLRDHUP);
    POLL_CONST(SIOCINQ);
    POLL_CONST(SIOCOUTQ);
    POLL_CONST(SIOCATMARK);
    POLL_CONST(SIGIO);
    POLL_CONST(SIGPWR);
#endif
}
/* sockatmark, which sys/src/lib.rs declares itself (libc lacks it). */
_Static_assert(__builtin_types_compatible_p(__typeof__(&sockatmark), int (*)(int)),
               "sockatmark: the header's prototype differs from sockapi-sys's");
/* epoll (Linux): every line under the kind `epoll` (epoll.size.T, epoll.align.T,
 * epoll.offset.T.f, epoll.fieldsize.T.f, epoll.const.NAME), checked by its own test. */
static void epolls(void) {
#if defined(__linux__)
    printf("epoll.size.epoll_event %zu\n", sizeof(struct epoll_event));
    printf("epoll.align.epoll_event %zu\n", (size_t)_Alignof(struct epoll_event));
    printf("epoll.offset.epoll_event.events %zu\n", offsetof(struct epoll_event, events));
    printf("epoll.fieldsize.epoll_event.events %zu\n", sizeof(((struct epoll_event *)0)->events));
    printf("epoll.offset.epoll_event.u64 %zu\n", offsetof(struct epoll_event, data.u64));
    printf("epoll.fieldsize.epoll_event.u64 %zu\n", sizeof(((struct epoll_event *)0)->data));
    printf("epoll.size.sigset_t %zu\n", sizeof(sigset_t));
    printf("epoll.align.sigset_t %zu\n", (size_t)_Alignof(sigset_t));
    printf("epoll.signed.events %d\n", (__typeof__(((struct epoll_event *)0)->events))-1 < 1);
#define EPOLL_CONST(name) printf("epoll.const.%s %lld\n", #name, (long long)(name))
    EPOLL_CONST(EPOLL_CLOEXEC);
    EPOLL_CONST(EPOLL_CTL_ADD);
    EPOLL_CONST(EPOLL_CTL_MOD);
    EPOLL_CONST(EPOLL_CTL_DEL);
    /* The event bits as the u32 of `events` holds them (EPOLLET is 1u << 31). */
#define EPOLL_BIT(name) printf("epoll.const.%s %lld\n", #name, (long long)(unsigned)(name))
    EPOLL_BIT(EPOLLIN);
    EPOLL_BIT(EPOLLPRI);
    EPOLL_BIT(EPOLLOUT);
    EPOLL_BIT(EPOLLERR);
    EPOLL_BIT(EPOLLHUP);
    EPOLL_BIT(EPOLLRDNORM);
    EPOLL_BIT(EPOLLRDBAND);
    EPOLL_BIT(EPOLLWRNORM);
    EPOLL_BIT(EPOLLWRBAND);
    EPOLL_BIT(EPOLLMSG);
    EPOLL_BIT(EPOLLRDHUP);
    EPOLL_BIT(EPOLLEXCLUSIVE);
    EPOLL_BIT(EPOLLWAKEUP);
    EPOLL_BIT(EPOLLONESHOT);
    EPOLL_BIT(EPOLLET);
#endif
}

/* The kernel's connection table (Linux): every line under the kind `diag`
 * (diag.size.T, diag.align.T, diag.offset.T.f, diag.fieldsize.T.f, diag.const.NAME),
 * from <linux/netlink.h>, <linux/sock_diag.h> and <linux/inet_diag.h>, checked by its
 * own test. */
static void diags(void) {
#if defined(__linux__)
#define DIAG_LAYOUT(name, type)                                                \
    do {                                                                       \
        printf("diag.size.%s %zu\n", name, sizeof(type));                      \
        printf("diag.align.%s %zu\n", name, (size_t)_Alignof(type));           \
    } while (0)
#define DIAG_FIELD(name, type, field)                                               \
    do {                                                                            \
        printf("diag.offset.%s.%s %zu\n", name, #field, offsetof(type, field));     \
        printf("diag.fieldsize.%s.%s %zu\n", name, #field, sizeof(((type *)0)->field)); \
    } while (0)
#define DIAG_CONST(name) printf("diag.const.%s %lld\n", #name, (long long)(name))
    DIAG_LAYOUT("nlmsghdr", struct nlmsghdr);
    DIAG_LAYOUT("nlmsgerr", struct nlmsgerr);
    DIAG_LAYOUT("inet_diag_sockid", struct inet_diag_sockid);
    DIAG_LAYOUT("inet_diag_req_v2", struct inet_diag_req_v2);
    DIAG_LAYOUT("inet_diag_msg", struct inet_diag_msg);
    DIAG_FIELD("nlmsghdr", struct nlmsghdr, nlmsg_len);
    DIAG_FIELD("nlmsghdr", struct nlmsghdr, nlmsg_type);
    DIAG_FIELD("nlmsghdr", struct nlmsghdr, nlmsg_flags);
    DIAG_FIELD("nlmsghdr", struct nlmsghdr, nlmsg_seq);
    DIAG_FIELD("nlmsghdr", struct nlmsghdr, nlmsg_pid);
    DIAG_FIELD("nlmsgerr", struct nlmsgerr, error);
    DIAG_FIELD("nlmsgerr", struct nlmsgerr, msg);
    DIAG_FIELD("inet_diag_sockid", struct inet_diag_sockid, idiag_sport);
    DIAG_FIELD("inet_diag_sockid", struct inet_diag_sockid, idiag_dport);
    DIAG_FIELD("inet_diag_sockid", struct inet_diag_sockid, idiag_src);
    DIAG_FIELD("inet_diag_sockid", struct inet_diag_sockid, idiag_dst);
    DIAG_FIELD("inet_diag_sockid", struct inet_diag_sockid, idiag_if);
    DIAG_FIELD("inet_diag_sockid", struct inet_diag_sockid, idiag_cookie);
    DIAG_FIELD("inet_diag_req_v2", struct inet_diag_req_v2, sdiag_family);
    DIAG_FIELD("inet_diag_req_v2", struct inet_diag_req_v2, sdiag_protocol);
    DIAG_FIELD("inet_diag_req_v2", struct inet_diag_req_v2, idiag_ext);
    DIAG_FIELD("inet_diag_req_v2", struct inet_diag_req_v2, pad);
    DIAG_FIELD("inet_diag_req_v2", struct inet_diag_req_v2, idiag_states);
    DIAG_FIELD("inet_diag_req_v2", struct inet_diag_req_v2, id);
    DIAG_FIELD("inet_diag_msg", struct inet_diag_msg, idiag_family);
    DIAG_FIELD("inet_diag_msg", struct inet_diag_msg, idiag_state);
    DIAG_FIELD("inet_diag_msg", struct inet_diag_msg, idiag_timer);
    DIAG_FIELD("inet_diag_msg", struct inet_diag_msg, idiag_retrans);
    DIAG_FIELD("inet_diag_msg", struct inet_diag_msg, id);
    DIAG_FIELD("inet_diag_msg", struct inet_diag_msg, idiag_expires);
    DIAG_FIELD("inet_diag_msg", struct inet_diag_msg, idiag_rqueue);
    DIAG_FIELD("inet_diag_msg", struct inet_diag_msg, idiag_wqueue);
    DIAG_FIELD("inet_diag_msg", struct inet_diag_msg, idiag_uid);
    DIAG_FIELD("inet_diag_msg", struct inet_diag_msg, idiag_inode);
    DIAG_CONST(AF_NETLINK);
    DIAG_CONST(NETLINK_SOCK_DIAG);
    DIAG_CONST(NLM_F_REQUEST);
    DIAG_CONST(NLM_F_MULTI);
    DIAG_CONST(NLM_F_DUMP);
    DIAG_CONST(NLMSG_NOOP);
    DIAG_CONST(NLMSG_ERROR);
    DIAG_CONST(NLMSG_DONE);
    DIAG_CONST(NLMSG_ALIGNTO);
    DIAG_CONST(SOCK_DIAG_BY_FAMILY);
    DIAG_CONST(INET_DIAG_NOCOOKIE);
#endif
}

/* The reentrant <netdb.h> calls that sys/src/lib.rs declares itself (libc lacks
 * them): each prototype there, written in C, must be the header's. Checked at compile
 * time; the Rust cfg is all(linux, gnu). */
#if defined(__linux__) && defined(__GLIBC__)
#define SAME_PROTOTYPE(fn, type)                                                 \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&fn), type),          \
                   #fn ": the header's prototype differs from sockapi-sys's")
SAME_PROTOTYPE(getservbyname_r, int (*)(const char *, const char *, struct servent *,
                                        char *, size_t, struct servent **));
SAME_PROTOTYPE(getservbyport_r, int (*)(int, const char *, struct servent *, char *,
                                        size_t, struct servent **));
SAME_PROTOTYPE(getprotobyname_r, int (*)(const char *, struct protoent *, char *, size_t,
                                         struct protoent **));
SAME_PROTOTYPE(getprotobynumber_r, int (*)(int, struct protoent *, char *, size_t,
                                           struct protoent **));
SAME_PROTOTYPE(gethostbyname_r, int (*)(const char *, struct hostent *, char *, size_t,
                                        struct hostent **, int *));
SAME_PROTOTYPE(gethostbyaddr_r, int (*)(const void *, socklen_t, int, struct hostent *,
                                        char *, size_t, struct hostent **, int *));
#endif

#if defined(__linux__)
/* struct tcp_info, from <linux/tcp.h>: in layout_probe_tcp_info.c, its own
 * translation unit (that header and <netinet/tcp.h> cannot meet). */
void tcp_info_layout(void);
#endif

int main(void) {
#if defined(__linux__)
    tcp_info_layout();
#endif
    addrinfos();
    selects();
    polls();
    epolls();
    diags();
    messages();
    types();
    fields();
    constants();
    errnos();
    /* A short write (full disk, closed pipe) must not pass for a complete listing. */
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
