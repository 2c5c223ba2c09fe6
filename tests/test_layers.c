/* placeholder: being written */
#include "tests/lc_test.h"
Suite *suite_layers(void) { Suite *s = suite_create("layers"); TCase *tc = tcase_create("placeholder"); suite_add_tcase(s, tc); return s; }
