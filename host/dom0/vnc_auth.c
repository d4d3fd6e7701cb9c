/* host/dom0/vnc_auth.c — see vnc_auth.h. The throttle keeps a fixed table of addresses that
 * failed recently (no allocation); when it is full, the entry whose lock-out ends first makes
 * room, and the global cap still bounds what many addresses together may try. */
#define _GNU_SOURCE
#include "vnc_auth.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/memops.h>

#define THROTTLE_SLOTS 32

void vnc_auth_set_password(struct vnc_auth_key *k, const char *password)
{
    explicit_bzero(k, sizeof *k);
    if (!password || !*password)
        return;
    /* RFB: the password's first 8 bytes, zero-padded, with each byte's bits in reverse order
     * (the classic VNC DES code numbers key bits from the other end). DES ignores the parity
     * bits; fixing them keeps nettle's key check quiet. A weak key is still a valid key here:
     * the viewer computes the same thing. */
    uint8_t key[DES_KEY_SIZE] = { 0 };
    for (unsigned i = 0; i < DES_KEY_SIZE && password[i]; i++) {
        uint8_t b = (uint8_t)password[i], r = 0;
        for (unsigned bit = 0; bit < 8; bit++)
            r |= (uint8_t)(((b >> bit) & 1) << (7 - bit));
        key[i] = r;
    }
    des_fix_parity(DES_KEY_SIZE, key, key);
    (void)des_set_key(&k->des, key);
    explicit_bzero(key, sizeof key);
    k->set = true;
}

bool vnc_auth_challenge(uint8_t challenge[VNC_CHALLENGE_LEN])
{
    size_t got = 0;
    for (int tries = 0; got < VNC_CHALLENGE_LEN && tries < 8; tries++) {
        ssize_t n = getrandom(challenge + got, VNC_CHALLENGE_LEN - got, 0);
        if (n > 0)
            got += (size_t)n;
        else if (n < 0 && errno != EINTR)
            break;
    }
    return got == VNC_CHALLENGE_LEN;
}

void vnc_auth_response(const struct vnc_auth_key *k, const uint8_t challenge[VNC_CHALLENGE_LEN],
                       uint8_t response[VNC_CHALLENGE_LEN])
{
    des_encrypt(&k->des, VNC_CHALLENGE_LEN, response, challenge);   /* ECB: two blocks, each alone */
}

bool vnc_auth_check(const struct vnc_auth_key *k, const uint8_t challenge[VNC_CHALLENGE_LEN],
                    const uint8_t response[VNC_CHALLENGE_LEN])
{
    if (!k->set)
        return false;
    uint8_t want[VNC_CHALLENGE_LEN];
    vnc_auth_response(k, challenge, want);
    bool ok = memeql_sec(want, response, sizeof want);
    explicit_bzero(want, sizeof want);
    return ok;
}

/* ---- throttle ---- */

struct offender {
    uint32_t addr;
    uint32_t fails;   /* 0: free slot */
    uint64_t until;   /* locked out before this */
};

static struct vnc_throttle_limits limits = { 1000, 60000, 10, 60000 };
static struct offender offenders[THROTTLE_SLOTS];
static uint64_t window_start;
static uint32_t window_fails;

void vnc_throttle_configure(const struct vnc_throttle_limits *l)
{
    limits = *l;
    memset(offenders, 0, sizeof offenders);
    window_start = 0, window_fails = 0;
}

static struct offender *find(uint32_t addr)
{
    for (unsigned i = 0; i < THROTTLE_SLOTS; i++)
        if (offenders[i].fails && offenders[i].addr == addr)
            return &offenders[i];
    return 0;
}

uint64_t vnc_throttle_wait(uint32_t addr, uint64_t now)
{
    uint64_t wait = 0;
    if (window_fails >= limits.global_fails && now - window_start < limits.global_window_ms)
        wait = window_start + limits.global_window_ms - now;
    const struct offender *o = find(addr);
    if (o && o->until > now && o->until - now > wait)
        wait = o->until - now;
    return wait;
}

void vnc_throttle_failed(uint32_t addr, uint64_t now)
{
    if (now - window_start >= limits.global_window_ms || !window_fails)
        window_start = now, window_fails = 0;
    window_fails++;
    struct offender *o = find(addr);
    if (o && now > o->until && now - o->until > limits.fail_delay_max_ms)
        o->fails = 0;   /* quiet long enough: start over */
    if (!o) {
        o = &offenders[0];
        for (unsigned i = 0; i < THROTTLE_SLOTS; i++)   /* a free slot, else the lock-out ending first */
            if (!offenders[i].fails || (o->fails && offenders[i].until < o->until))
                o = &offenders[i];
        *o = (struct offender){ .addr = addr };
    }
    if (o->fails < 32)
        o->fails++;
    uint64_t delay = (uint64_t)limits.fail_delay_ms << (o->fails - 1 < 16 ? o->fails - 1 : 16);
    if (delay > limits.fail_delay_max_ms)
        delay = limits.fail_delay_max_ms;
    o->until = now + delay;
}

void vnc_throttle_succeeded(uint32_t addr)
{
    struct offender *o = find(addr);
    if (o)
        memset(o, 0, sizeof *o);
}
