/* runtime/xen/devices_conf.c — see devices_conf.h. */
#include "devices_conf.h"
#include "console.h"
#include "lib.h"

/* The value of fact `name`, NULL when the guest lacks it (absent or empty). */
static const char *fact(const char *name, const struct conf_var *vars, unsigned nvars)
{
    for (unsigned i = 0; i < nvars; i++)
        if (!strcmp(vars[i].name, name))
            return vars[i].value && vars[i].value[0] ? vars[i].value : 0;
    return 0;
}

/* Expands ${name} from vars; returns false when one is unknown or empty. */
static bool expand(const char *in, char *out, size_t size, const struct conf_var *vars, unsigned nvars)
{
    size_t o = 0;
    while (*in) {
        if (in[0] == '$' && in[1] == '{') {
            const char *end = in + 2;
            while (*end && *end != '}')
                end++;
            if (!*end)
                return false;
            size_t nl = (size_t)(end - in - 2);
            const char *val = 0;
            for (unsigned i = 0; i < nvars; i++)
                if (strlen(vars[i].name) == nl && !strncmp(vars[i].name, in + 2, nl))
                    val = vars[i].value;
            if (!val || !*val)
                return false;
            size_t vl = strlen(val);
            if (o + vl >= size)
                return false;
            memcpy(out + o, val, vl);
            o += vl;
            in = end + 1;
            continue;
        }
        if (o + 1 >= size)
            return false;
        out[o++] = *in++;
    }
    out[o] = 0;
    return true;
}

static bool parse_irqs(const char *s, struct core_device_spec *spec)
{
    spec->nirqs = 0;
    if (!strcmp(s, "-"))
        return true;
    while (*s) {
        if (spec->nirqs == CORE_MAX_PINS)
            return false;
        struct core_irq_route *r = &spec->irqs[spec->nirqs++];
        if (!strncmp(s, "isa:", 4))
            r->kind = CORE_ROUTE_ISA, s += 4;
        else if (!strncmp(s, "intx:", 5))
            r->kind = CORE_ROUTE_INTX, s += 5;
        else
            return false;
        unsigned v = 0;
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            v = v * 10 + (unsigned)(*s++ - '0');
        r->line = (uint8_t)v;
        r->bdf = -1;
        if (*s == ',')
            s++;
        else if (*s)
            return false;
    }
    return true;
}

/* Splits `line` (modified) into at most `max` blank-separated words before a "#". */
static unsigned split_words(char *line, char **tok, unsigned max)
{
    unsigned nt = 0;
    for (char *p = line; *p && nt < max;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            break;
        tok[nt++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = 0;
    }
    return nt;
}

int devices_conf_each(const uint8_t *conf, uint32_t len, const struct conf_var *vars, unsigned nvars,
                      int (*add)(void *ctx, struct core_device_spec *spec), void *ctx)
{
    static char text[4096], cfg[256];
    if (len >= sizeof text) {
        printk("stubdom.mod: devices section too large (%u bytes)\n", len);
        return -1;
    }
    memcpy(text, conf, len);
    text[len] = 0;
    int bad = 0;
    char *line = text;
    for (unsigned lineno = 1; *line; lineno++) {
        char *nl = line;
        while (*nl && *nl != '\n')
            nl++;
        char *next = *nl ? nl + 1 : nl;
        *nl = 0;
        char *tok[6];
        unsigned nt = split_words(line, tok, 6);
        line = next;
        if (!nt)
            continue;
        if (!strcmp(tok[0], "if")) {   /* "if FACT NAME MODULE IRQS CONFIG" */
            if (nt < 2 || !fact(tok[1], vars, nvars))
                continue;
            memmove(tok, tok + 2, sizeof tok[0] * 4);
            nt -= 2;
        }
        if (nt != 4) {
            printk("devices line %u: want NAME MODULE IRQS CONFIG\n", lineno);
            bad++;
            continue;
        }
        if (!expand(tok[3], cfg, sizeof cfg, vars, nvars)) {
            printk("devices: %s left out (its configuration names a value this guest lacks: %s)\n", tok[0], tok[3]);
            continue;
        }
        struct core_device_spec spec = { .name = tok[0], .module = tok[1], .config = strcmp(cfg, "-") ? cfg : "" };
        if (!parse_irqs(tok[2], &spec)) {
            printk("devices line %u: bad IRQ list %s\n", lineno, tok[2]);
            bad++;
            continue;
        }
        if (add(ctx, &spec))
            bad++;
    }
    return bad;
}

unsigned devices_conf_facts(const struct dm_machine *m, const struct backend_facts *f, struct conf_var *v, unsigned max)
{
    static char vgamem[8], names[DM_MAX_NICS][4][12];
    static const char *const coms[] = { "com2", "com3", "com4" };
    unsigned n = 0;
    if (max < DEVICES_CONF_FACTS)
        return 0;
    snprintf(vgamem, sizeof vgamem, "%u", m->vgamem_mb);
    v[n++] = (struct conf_var){ "ram_mb", m->ram_mb };
    v[n++] = (struct conf_var){ "cpus", m->cpus };
    v[n++] = (struct conf_var){ "boot", m->boot };
    v[n++] = (struct conf_var){ "acpi", m->acpi ? "on" : "off" };
    v[n++] = (struct conf_var){ "ide", f->ide };
    v[n++] = (struct conf_var){ "vga", m->vgamem_mb ? "yes" : "" };
    v[n++] = (struct conf_var){ "vgamem_mb", m->vgamem_mb ? vgamem : "" };
    v[n++] = (struct conf_var){ "vga_bdf", m->vgamem_mb ? m->vga_bdf : "" };
    v[n++] = (struct conf_var){ "xenfv", m->xenfv ? "yes" : "" };
    v[n++] = (struct conf_var){ "platform_bdf", m->xenfv ? m->platform_bdf : "" };
    for (unsigned i = 0; i < 3; i++)
        v[n++] = (struct conf_var){ coms[i], m->nserials > i + 1 ? "yes" : "" };
    for (unsigned k = 0; k < DM_MAX_NICS; k++) {
        bool has = k < m->nnics;
        static const char *const suffix[] = { "", "_bdf", "_mac", "_link" };
        const char *val[] = { has ? "yes" : "", has ? m->nics[k].bdf : "", has ? m->nics[k].mac : "",
                              has ? (f->link_up[k] ? "up" : "down") : "" };
        for (unsigned j = 0; j < 4; j++) {
            snprintf(names[k][j], sizeof names[k][j], "nic%u%s", k, suffix[j]);
            v[n++] = (struct conf_var){ names[k][j], val[j] };
        }
    }
    return n;
}
