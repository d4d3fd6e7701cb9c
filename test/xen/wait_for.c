/* test/xen/wait_for.c — for the nested dom0's test script: waits until FILE has a line matching
 * the extended regular expression REGEX, for at most SECONDS, without starting a process per
 * look (every fork in the nested dom0 is slow, and dom0 under a software CPU is fragile: the
 * fewer page-table changes, the better). Looks 4 times a second, reading only what was added;
 * prints dom0's uptime when it matched, else "-" (exit 1); a heartbeat line "@@ WAITING FILE
 * UPTIME" on stderr every 30 s keeps run.sh's hang watchdog quiet.
 * Usage: wait_for FILE REGEX SECONDS */
#define _GNU_SOURCE
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double uptime(void)
{
    double u = 0;
    FILE *f = fopen("/proc/uptime", "r");
    if (f) {
        if (fscanf(f, "%lf", &u) != 1)
            u = 0;
        fclose(f);
    }
    return u;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    regex_t re;
    if (regcomp(&re, argv[2], REG_EXTENDED | REG_NOSUB))
        return 2;
    double end = uptime() + atof(argv[3]), beat = uptime() + 30;
    long offset = 0;
    static char line[8192];
    size_t len = 0;
    while (uptime() < end) {
        FILE *f = fopen(argv[1], "r");
        if (f && fseek(f, offset, SEEK_SET) == 0) {
            int c;
            while ((c = fgetc(f)) != EOF) {
                offset++;
                if (c == '\n' || len == sizeof line - 1) {
                    line[len] = 0;
                    len = 0;
                    if (!regexec(&re, line, 0, 0, 0)) {
                        printf("%.2f\n", uptime());
                        fclose(f);
                        return 0;
                    }
                } else {
                    line[len++] = (char)c;
                }
            }
        }
        if (f)
            fclose(f);
        if (uptime() >= beat) {
            fprintf(stderr, "@@ WAITING %s %.2f\n", argv[1], uptime());
            beat = uptime() + 30;
        }
        usleep(250000);
    }
    printf("-\n");
    return 1;
}
