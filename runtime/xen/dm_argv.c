/* runtime/xen/dm_argv.c — see dm_argv.h. */
#include "dm_argv.h"
#include "console.h"
#include "lib.h"
#include "xenstore.h"

#define MAX_ARGS 64
static char argv_buf[4096];
static const char *argv_v[MAX_ARGS];
static unsigned argc;

void dm_argv_read(domid_t guest)
{
    char path[160], vm[96], names[1024];
    snprintf(path, sizeof path, "/local/domain/%u/vm", guest);
    if (xs_read(path, vm, sizeof vm) < 0) {
        printk("no vm path for guest %u\n", guest);
        return;
    }
    snprintf(path, sizeof path, "%s/image/dm-argv", vm);
    int n = xs_directory(path, names, sizeof names);
    printk("dm-argv (%s): %d arguments\n", path, n);
    /* entries are named 000, 001, ...: read them in order */
    size_t used = 0;
    for (int i = 0; i < n && argc < MAX_ARGS; i++) {
        char p2[192];
        snprintf(p2, sizeof p2, "%s/%03d", path, i);
        int len = xs_read(p2, argv_buf + used, sizeof argv_buf - used);
        if (len < 0)
            continue;
        argv_v[argc++] = argv_buf + used;
        used += (size_t)len + 1;
    }
    char line[160];
    size_t len = 0;
    line[0] = 0;
    for (unsigned i = 0; i < argc; i++) {
        if (len && len + strlen(argv_v[i]) + 2 > 120) {
            printk("  %s\n", line);
            len = 0;
            line[0] = 0;
        }
        len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", len ? " " : "", argv_v[i]);
    }
    if (len)
        printk("  %s\n", line);
}

const char *dm_argv_value(const char *flag)
{
    for (unsigned i = 0; i + 1 < argc; i++)
        if (!strcmp(argv_v[i], flag))
            return argv_v[i + 1];
    return 0;
}
