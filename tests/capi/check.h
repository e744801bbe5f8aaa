/* A minimal test harness for the C ABI tests, written in C. Prints "N passed, N failed" at the end.
 */
#ifndef MMDREG_TESTS_CAPI_CHECK_H
#define MMDREG_TESTS_CAPI_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed = 0;
static int check_failed = 0;

#define CHECK(condition)                                                            \
  do {                                                                              \
    if (condition) {                                                                \
      ++check_passed;                                                               \
    } else {                                                                        \
      ++check_failed;                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
    }                                                                               \
  } while (0)

#define CHECK_STR(actual, expected)                                                          \
  do {                                                                                       \
    const char* check_a = (actual);                                                          \
    const char* check_e = (expected);                                                        \
    if (check_a != NULL && strcmp(check_a, check_e) == 0) {                                  \
      ++check_passed;                                                                        \
    } else {                                                                                 \
      ++check_failed;                                                                        \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, \
              check_a ? check_a : "(null)", check_e);                                        \
    }                                                                                        \
  } while (0)

static int check_report(void) {
  printf("%d passed, %d failed\n", check_passed, check_failed);
  return check_failed == 0 ? 0 : 1;
}

#endif
