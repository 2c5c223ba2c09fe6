/* placeholder: being written */
#include "tests/lc_test.h"
Suite *suite_study(void) { Suite *s = suite_create("study"); TCase *tc = tcase_create("placeholder"); suite_add_tcase(s, tc); return s; }
