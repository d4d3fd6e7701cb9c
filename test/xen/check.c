/* test/xen/check.c — see check.h. */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s ", ok ? "ok" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    if (!ok)
        exit(1);
}

char logbuf[8192];
void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = strlen(logbuf);
    vsnprintf(logbuf + n, sizeof logbuf - n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s", logbuf + n);
}

int check_run_case(const char *name, const struct check_case *cases, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(cases[i].name, name)) {
            cases[i].run();
            return 0;
        }
    fprintf(stderr, "no case %s\n", name);
    return 2;
}
