/* runtime/core/log.c — runtime/core's log: every line goes to the platform's sink (core_options.log)
 * or, without one, to platform_log as "[device] level: text", errors and warnings only (host/node's
 * default sink). core_logf formats into a fixed line; core_logf_once says a thing once per key
 * (a 64-bit FNV-1a of it, CORE_MAX_LOGONCE keys remembered; beyond that, every time). */
#include "internal.h"

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void core_log(struct core *rt, const char *device, int level, const char *text, size_t len)
{
    if (rt->opts.log) {
        rt->opts.log(rt->opts.log_ctx, device, level, text, len);
        return;
    }
    if (level > 1) return; /* host/node's default sink prints errors and warnings only */
    char line[512];
    int shown = (int)(len < sizeof line ? len : sizeof line);
    int n = level >= 0 && level < 4 ? core_snprintf(line, sizeof line, "[%s] %s: %.*s", device, level_names[level], shown, text)
                                    : core_snprintf(line, sizeof line, "[%s] %d: %.*s", device, level, shown, text);
    platform_log(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void vlogf(struct core *rt, const char *device, int level, const char *fmt, va_list ap)
{
    char text[CORE_LOG_LINE];
    int n = core_vsnprintf(text, sizeof text, fmt, ap);
    core_log(rt, device, level, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

void core_logf(struct core *rt, const char *device, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlogf(rt, device, level, fmt, ap);
    va_end(ap);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    return h;
}

/* true the first time `key` is seen (remembered while there is room) */
static bool first_time(struct core *rt, const char *key)
{
    uint64_t h = fnv1a(key);
    for (unsigned i = 0; i < rt->nlogged; i++)
        if (rt->logged[i] == h) return false;
    if (rt->nlogged < CORE_MAX_LOGONCE) rt->logged[rt->nlogged++] = h;
    return true;
}

void core_logf_once(struct core *rt, const char *key, const char *fmt, ...)
{
    char text[CORE_LOG_LINE];
    va_list ap;
    va_start(ap, fmt);
    if (key && !first_time(rt, key)) {
        va_end(ap);
        return;
    }
    core_vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!key && !first_time(rt, text)) return;
    core_log(rt, rt->current ? rt->current : "runtime", 2, text, core_strlen(text));
}
