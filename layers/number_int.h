/*
 * layers/number_int.h — the one parser of numbers written as text: study values (layers/study.c)
 * and text attribute fields (layers/layer.c). Library-internal.
 */
#ifndef LIFECIRCLE_LAYERS_NUMBER_INT_H
#define LIFECIRCLE_LAYERS_NUMBER_INT_H

#include <stdbool.h>

/* Parses text that is a plain decimal number and nothing else: optional blanks (space, tab) around,
 * an optional sign, digits with an optional '.' fraction (at least one digit), an optional exponent
 * (e/E, optional sign, digits). Locale-independent. Refuses what C's strtod would also take but a
 * planner's table never means as a count: hexadecimal ("0x10" is not 16), "inf", "nan", and any
 * trailing text ("12a", "1,200"). Returns true and sets *out to a finite value, else false and
 * leaves *out unchanged. */
bool lc_number_parse(const char *text, double *out);

#endif /* LIFECIRCLE_LAYERS_NUMBER_INT_H */
