/* Compiled alone as strict C11: the public header must be self-contained C. */
#include "mmdreg.h"

int mmdreg_headertest_status_is_int_sized(void);
int mmdreg_headertest_status_is_int_sized(void) {
  return (int)sizeof(mmdreg_status);
}
