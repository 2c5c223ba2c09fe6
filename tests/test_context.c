/* placeholder: being written */
#include "tests/lc_test.h"
Suite *suite_context(void) { Suite *s = suite_create("context"); TCase *tc = tcase_create("placeholder"); suite_add_tcase(s, tc); return s; }
