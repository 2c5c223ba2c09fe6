/* placeholder: being written */
#include "tests/lc_test.h"
Suite *suite_validate(void) { Suite *s = suite_create("validate"); TCase *tc = tcase_create("placeholder"); suite_add_tcase(s, tc); return s; }
