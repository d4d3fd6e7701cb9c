/* test/xen/check.h — the verdict lines of test/xen's C harnesses: "ok WHAT" for a check that
 * holds, "FAIL WHAT" and exit 1 for the first that does not (host-harness.ts reads them). */
#ifndef TEST_XEN_CHECK_H
#define TEST_XEN_CHECK_H

void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
