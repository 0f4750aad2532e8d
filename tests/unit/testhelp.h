/* testhelp.h: a tiny assert helper for the unit tests (after Redis's src/testhelp.h).
 *
 *   CHECK(cond)          count a pass, or print file:line and the condition and count a failure
 *   CHECK_STR(a, b)      the same for two strings, printing both on failure
 *   TEST_REPORT("name")  print "name: N passed, M failed"; evaluates to the exit status
 *
 * Each test program includes this once: the counters are static to that program.
 */
#ifndef CM_TESTHELP_H
#define CM_TESTHELP_H

#include <stdio.h>
#include <string.h>

static int th_passed __attribute__((unused));
static int th_failed __attribute__((unused));

#define CHECK(cond) do { \
        if (cond) th_passed++; \
        else { th_failed++; fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
    } while (0)

#define CHECK_STR(a, b) do { \
        const char *th_a = (a), *th_b = (b); \
        if (th_a && th_b && strcmp(th_a, th_b) == 0) th_passed++; \
        else { th_failed++; fprintf(stderr, "%s:%d: check failed: %s == %s (\"%s\" vs \"%s\")\n", \
                                    __FILE__, __LINE__, #a, #b, th_a ? th_a : "(null)", \
                                    th_b ? th_b : "(null)"); } \
    } while (0)

#define TEST_REPORT(name) \
    (printf("%s: %d passed, %d failed\n", (name), th_passed, th_failed), th_failed ? 1 : 0)

#endif
