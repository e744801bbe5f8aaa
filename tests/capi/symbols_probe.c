/* Not part of mmdreg: a library exporting mmdreg_ symbols of every kind that the exported-symbol
 * check must see (a plain function, a weak function, a weak object, an indirect function). */
int mmdreg_probe_function(void);
int mmdreg_probe_function(void) {
  return 1;
}

int mmdreg_probe_weak_function(void) __attribute__((weak));
int mmdreg_probe_weak_function(void) {
  return 2;
}

__attribute__((weak)) int mmdreg_probe_weak_object = 3;

typedef int (*probe_implementation)(void);
static int probe_ifunc_implementation(void) {
  return 4;
}
static probe_implementation probe_ifunc_resolver(void) {
  return probe_ifunc_implementation;
}
int mmdreg_probe_ifunc(void) __attribute__((ifunc("probe_ifunc_resolver")));
