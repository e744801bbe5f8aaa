/* A minimal test harness for the C ABI tests, written in C. Prints "N passed, N failed" at the end.
 */
#ifndef MMDREG_TESTS_CAPI_CHECK_H
#define MMDREG_TESTS_CAPI_CHECK_H

#include <stdio.h>
#include <string.h>

/* The C ABI promises strict ISO C11 callers: the tests are such callers, not GNU C ones. */
#if !defined(__STDC_VERSION__) || __STDC_VERSION__ != 201112L || !defined(__STRICT_ANSI__)
#error "the C ABI tests must be compiled as strict C11 (-std=c11, C_EXTENSIONS OFF)"
#endif

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

/* `message` (a last-error string) starts with "<function>: " and contains `fragment`. */
#define CHECK_MESSAGE(message, function, fragment)                                               \
  do {                                                                                           \
    const char* check_m = (message);                                                             \
    const char* check_f = (function);                                                            \
    const size_t check_n = strlen(check_f);                                                      \
    if (check_m != NULL && strncmp(check_m, check_f, check_n) == 0 && check_m[check_n] == ':' && \
        strstr(check_m, (fragment)) != NULL) {                                                   \
      ++check_passed;                                                                            \
    } else {                                                                                     \
      ++check_failed;                                                                            \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s: ...%s...\"\n", __FILE__, __LINE__,    \
              #message, check_m ? check_m : "(null)", check_f, (fragment));                      \
    }                                                                                            \
  } while (0)

static int check_report(void) {
  printf("%d passed, %d failed\n", check_passed, check_failed);
  return check_failed == 0 ? 0 : 1;
}

#endif
