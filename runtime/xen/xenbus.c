/* runtime/xen/xenbus.c — see xenbus.h. */
#include "xenbus.h"
#include "lib.h"
#include "xenstore.h"

int xs_printf(const char *dir, const char *node, const char *fmt, ...)
{
    char path[192], value[64];
    va_list ap;
    va_start(ap, fmt);
    int vn = vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    int pn = snprintf(path, sizeof path, "%s/%s", dir, node);
    if (pn < 0 || (size_t)pn >= sizeof path || vn < 0 || (size_t)vn >= sizeof value)
        return -1;
    return xs_write(path, value);
}

int xs_set_state(const char *dir, enum xenbus_state state)
{
    return xs_printf(dir, "state", "%u", (unsigned)state);
}
