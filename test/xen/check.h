/* test/xen/check.h — the verdict lines of test/xen's C harnesses: "ok WHAT" for a check that
 * holds, "FAIL WHAT" and exit 1 for the first that does not (host-harness.ts reads them); and
 * the printk the code under test logs through, kept in `logbuf` for checks and echoed to stderr
 * (host-harness.ts shows it when a case fails). */
#ifndef TEST_XEN_CHECK_H
#define TEST_XEN_CHECK_H

void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern char logbuf[8192]; /* everything the code under test printk'd */

/* A harness's cases by name: check_run_case runs the one called `name` and returns 0, or prints
 * "no case NAME" and returns 2 (the harness's exit status either way). */
struct check_case { const char *name; void (*run)(void); };
int check_run_case(const char *name, const struct check_case *cases, unsigned n);
#define CHECK_CASES(name, cases) check_run_case((name), (cases), sizeof(cases) / sizeof((cases)[0]))

#endif
