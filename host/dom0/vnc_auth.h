/* host/dom0/vnc_auth.h — RFB "VNC Authentication" (security type 2, RFC 6143 §7.2.2) for the
 * dom0 helper's VNC server, and the throttle on failed logins. The DES is Debian's nettle; the
 * password (its first 8 bytes, zero-padded, each byte's bits reversed as every VNC viewer does)
 * is kept only as nettle's key schedule, never as text. Challenges come from getrandom(); the
 * answer is compared in constant time. The throttle locks an address out after each failure
 * (doubling, capped) and caps the failures of all addresses together per time window. */
#ifndef DOM0_VNC_AUTH_H
#define DOM0_VNC_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include <nettle/des.h>

#define VNC_CHALLENGE_LEN 16

struct vnc_auth_key {
    struct des_ctx des;
    bool set;
};

/* Derives the key from `password` (NULL or "": no password); the caller's text is not kept. */
void vnc_auth_set_password(struct vnc_auth_key *k, const char *password);
/* 16 random bytes; false when the kernel gives none. */
bool vnc_auth_challenge(uint8_t challenge[VNC_CHALLENGE_LEN]);
/* What a viewer that knows the password answers: the challenge DES-ECB-encrypted with the key. */
void vnc_auth_response(const struct vnc_auth_key *k, const uint8_t challenge[VNC_CHALLENGE_LEN],
                       uint8_t response[VNC_CHALLENGE_LEN]);
/* Whether `response` is the right answer (constant time); false without a key. */
bool vnc_auth_check(const struct vnc_auth_key *k, const uint8_t challenge[VNC_CHALLENGE_LEN],
                    const uint8_t response[VNC_CHALLENGE_LEN]);

/* ---- failed-login throttle (addresses are IPv4, network order; times in ms, monotonic) ---- */

struct vnc_throttle_limits {
    uint32_t fail_delay_ms;       /* an address's first failure locks it out this long, doubling */
    uint32_t fail_delay_max_ms;   /* ... up to this */
    uint32_t global_fails;        /* failures of all addresses together per window, then none may try */
    uint32_t global_window_ms;
};

void vnc_throttle_configure(const struct vnc_throttle_limits *l);
/* 0 when `addr` may try a password now; else how many ms it has to wait. */
uint64_t vnc_throttle_wait(uint32_t addr, uint64_t now);
void vnc_throttle_failed(uint32_t addr, uint64_t now);
void vnc_throttle_succeeded(uint32_t addr);

#endif
