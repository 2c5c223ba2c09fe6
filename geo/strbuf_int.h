/*
 * geo/strbuf_int.h — one growing string for the library's text builders (connection strings in
 * geo/conninfo.c, QGIS styles in outputs/qml.c, the study init writes in layers/study_init_write.c):
 * appends that remember a failed allocation, so a builder checks once at the end. Library-internal.
 */
#ifndef LIFECIRCLE_GEO_STRBUF_INT_H
#define LIFECIRCLE_GEO_STRBUF_INT_H

#include <stddef.h>

/* A string being built; a zeroed one is empty. s is owned (free() it), NUL-terminated once anything
 * was appended; failed is set for good by the first allocation that fails (appends then do nothing). */
typedef struct lc_strbuf {
    char *s;
    size_t n, cap;
    int failed;
} lc_strbuf;

/* Appends len bytes of s (which need not be NUL-terminated). */
void lc_strbuf_add(lc_strbuf *b, const char *s, size_t len);

/* Appends the NUL-terminated s. */
void lc_strbuf_str(lc_strbuf *b, const char *s);

/* Appends text formatted printf-style (study init's commented YAML, layers/study_init_write.c). */
void lc_strbuf_printf(lc_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* LIFECIRCLE_GEO_STRBUF_INT_H */
