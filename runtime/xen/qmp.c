/* runtime/xen/qmp.c — see qmp.h. Input is split into top-level JSON objects by brace depth
 * (aware of strings and escapes), so both CRLF-terminated and back-to-back messages work. Only
 * the top-level "execute" string and the raw text of "id" are extracted from each object. */
#include "qmp.h"
#include "console.h"
#include "lib.h"

#define QEMU_MAJOR 7
#define QEMU_MINOR 2
#define QEMU_MICRO 0

void qmp_init(struct qmp *q, const struct qmp_hooks *hooks)
{
    memset(q, 0, sizeof *q);
    q->hooks = hooks;
}

static void emit(struct qmp *q, const char *s)
{
    size_t n = strlen(s);
    if (q->out_len + n > sizeof q->out) {
        printk("qmp: output buffer full, reply dropped\n");
        return;
    }
    memcpy(q->out + q->out_len, s, n);
    q->out_len += n;
}

void qmp_session_start(struct qmp *q)
{
    char buf[256];
    q->in_len = 0;
    q->out_len = 0;
    snprintf(buf, sizeof buf,
             "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": %d, \"minor\": %d, \"major\": %d}, "
             "\"package\": \"wasm-stubdom\"}, \"capabilities\": []}}\r\n",
             QEMU_MICRO, QEMU_MINOR, QEMU_MAJOR);
    emit(q, buf);
}

void qmp_consume_output(struct qmp *q, size_t n)
{
    if (n >= q->out_len) {
        q->out_len = 0;
        return;
    }
    memmove(q->out, q->out + n, q->out_len - n);
    q->out_len -= n;
}

/* Skips a JSON string starting at s[i] == '"'; returns the index after the closing quote. */
static size_t skip_string(const char *s, size_t i, size_t end)
{
    for (i++; i < end; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return end;
}

/* Skips any JSON value starting at s[i]; returns the index after it. */
static size_t skip_value(const char *s, size_t i, size_t end)
{
    if (i >= end)
        return end;
    if (s[i] == '"')
        return skip_string(s, i, end);
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        for (; i < end; i++) {
            if (s[i] == '"') {
                i = skip_string(s, i, end) - 1;
            } else if (s[i] == '{' || s[i] == '[') {
                depth++;
            } else if (s[i] == '}' || s[i] == ']') {
                if (--depth == 0)
                    return i + 1;
            }
        }
        return end;
    }
    while (i < end && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\r' &&
           s[i] != '\n' && s[i] != '\t')
        i++;
    return i;
}

static size_t skip_ws(const char *s, size_t i, size_t end)
{
    while (i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

/* The string value of `name` in the JSON object s[i..end) (one level, as QMP's "arguments"),
 * unescaped (\" \\ \/ only; other escapes are kept as written); "" when absent. */
static void object_string(const char *s, size_t i, size_t end, const char *name, char *out, size_t outlen)
{
    out[0] = 0;
    if (i >= end || s[i] != '{')
        return;
    size_t nlen = strlen(name);
    i = skip_ws(s, i + 1, end);
    while (i < end && s[i] == '"') {
        size_t kend = skip_string(s, i, end);
        int match = kend - i - 2 == nlen && !memcmp(s + i + 1, name, nlen);
        i = skip_ws(s, kend, end);
        if (i >= end || s[i] != ':')
            return;
        i = skip_ws(s, i + 1, end);
        size_t vend = skip_value(s, i, end);
        if (match && s[i] == '"') {
            size_t o = 0;
            for (size_t k = i + 1; k + 1 < vend && o + 1 < outlen; k++) {
                if (s[k] == '\\' && k + 2 < vend && (s[k + 1] == '"' || s[k + 1] == '\\' || s[k + 1] == '/'))
                    k++;
                out[o++] = s[k];
            }
            out[o] = 0;
            return;
        }
        i = skip_ws(s, vend, end);
        if (i < end && s[i] == ',')
            i = skip_ws(s, i + 1, end);
    }
}

static void handle_object(struct qmp *q, const char *s, size_t len)
{
    char cmd[64] = "";
    char id[128] = "";
    size_t args = 0, args_end = 0;
    size_t i = skip_ws(s, 1, len);   /* s[0] == '{' */
    while (i < len && s[i] == '"') {
        size_t kend = skip_string(s, i, len);
        const char *key = s + i + 1;
        size_t klen = kend - i - 2;
        i = skip_ws(s, kend, len);
        if (i >= len || s[i] != ':')
            break;
        i = skip_ws(s, i + 1, len);
        size_t vend = skip_value(s, i, len);
        if (klen == 7 && !memcmp(key, "execute", 7) && s[i] == '"') {
            size_t n = vend - i - 2;
            if (n >= sizeof cmd)
                n = sizeof cmd - 1;
            memcpy(cmd, s + i + 1, n);
            cmd[n] = 0;
        } else if (klen == 9 && !memcmp(key, "arguments", 9)) {
            args = i, args_end = vend;
        } else if (klen == 2 && !memcmp(key, "id", 2)) {
            size_t n = vend - i;
            if (n >= sizeof id)
                n = sizeof id - 1;
            memcpy(id, s + i, n);
            id[n] = 0;
        }
        i = skip_ws(s, vend, len);
        if (i < len && s[i] == ',')
            i = skip_ws(s, i + 1, len);
    }

    char tail[160];
    if (id[0])
        snprintf(tail, sizeof tail, ", \"id\": %s}\r\n", id);
    else
        snprintf(tail, sizeof tail, "}\r\n");

    printk("qmp: <- %s (id %s)\n", cmd[0] ? cmd : "?", id[0] ? id : "-");
    if (!strcmp(cmd, "qmp_capabilities")) {
        emit(q, "{\"return\": {}");
    } else if (!strcmp(cmd, "cont")) {
        q->running = 1;
        if (q->hooks && q->hooks->on_cont)
            q->hooks->on_cont();
        emit(q, "{\"return\": {}");
    } else if (!strcmp(cmd, "stop")) {
        q->running = 0;
        emit(q, "{\"return\": {}");
    } else if (!strcmp(cmd, "query-status")) {
        emit(q, q->running ? "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}"
                           : "{\"return\": {\"status\": \"prelaunch\", \"singlestep\": false, \"running\": false}");
    } else if (!strcmp(cmd, "query-chardev")) {
        emit(q, "{\"return\": []");   /* no character devices with ttys (libxl: serial/N/tty) */
    } else if (!strcmp(cmd, "query-vnc")) {
        char host[64], service[16], buf[200];
        if (q->hooks && q->hooks->vnc && q->hooks->vnc(host, sizeof host, service, sizeof service)) {
            snprintf(buf, sizeof buf, "{\"return\": {\"enabled\": true, \"host\": \"%s\", \"service\": \"%s\", "
                     "\"family\": \"ipv4\", \"auth\": \"none\", \"clients\": []}", host, service);
            emit(q, buf);
        } else {
            emit(q, "{\"return\": {\"enabled\": false}");
        }
    } else if (!strcmp(cmd, "change-vnc-password") && q->hooks && q->hooks->vnc_password) {
        char pw[64];
        object_string(s, args, args_end, "password", pw, sizeof pw);
        q->hooks->vnc_password(pw);
        emit(q, "{\"return\": {}");
    } else if (!strcmp(cmd, "query-cpus-fast")) {
        unsigned n = q->hooks && q->hooks->nr_vcpus ? q->hooks->nr_vcpus() : 1;
        char buf[160];
        emit(q, "{\"return\": [");
        for (unsigned c = 0; c < n; c++) {
            snprintf(buf, sizeof buf,
                     "%s{\"cpu-index\": %u, \"qom-path\": \"/machine/unattached/device[%u]\", "
                     "\"thread-id\": %u, \"target\": \"x86_64\"}",
                     c ? ", " : "", c, c, c + 1);
            emit(q, buf);
        }
        emit(q, "]");
    } else {
        char buf[160];
        snprintf(buf, sizeof buf,
                 "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command %s has not been found\"}",
                 cmd[0] ? cmd : "(none)");
        emit(q, buf);
    }
    emit(q, tail);
}

void qmp_input(struct qmp *q, const char *data, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        if (q->in_len == sizeof q->in) {
            printk("qmp: request too long, dropped\n");
            q->in_len = 0;
        }
        q->in[q->in_len++] = data[k];
    }
    /* Extract every complete top-level object. */
    for (;;) {
        size_t i = 0;
        while (i < q->in_len && q->in[i] != '{')
            i++;
        if (i == q->in_len) {
            q->in_len = 0;   /* only whitespace / CRLF */
            return;
        }
        size_t end = skip_value(q->in, i, q->in_len);
        if (end >= q->in_len && q->in[q->in_len - 1] != '}')
            return;   /* incomplete */
        /* skip_value returns `end` for an incomplete object too: check balance */
        int depth = 0;
        for (size_t j = i; j < end; j++) {
            if (q->in[j] == '"')
                j = skip_string(q->in, j, end) - 1;
            else if (q->in[j] == '{' || q->in[j] == '[')
                depth++;
            else if (q->in[j] == '}' || q->in[j] == ']')
                depth--;
        }
        if (depth != 0)
            return;
        handle_object(q, q->in + i, end - i);
        memmove(q->in, q->in + end, q->in_len - end);
        q->in_len -= end;
    }
}
