/* test/xen/check.h — the verdict lines of test/xen's C harnesses: "ok WHAT" for a check that
 * holds, "FAIL WHAT" and exit 1 for the first that does not (host-harness.ts reads them); and
 * the printk the code under test logs through, kept in `logbuf` for checks and echoed to stderr
 * (host-harness.ts shows it when a case fails). */
#ifndef TEST_XEN_CHECK_H
#define TEST_XEN_CHECK_H

void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern char logbuf[8192]; /* everything the code under test printk'd */

#endif
