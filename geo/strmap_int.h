/*
 * geo/strmap_int.h — the library's one string hash table: byte strings (borrowed) to size_t values,
 * open addressing with linear probing. Used wherever a lookup by name must not be linear: the YAML
 * reader's keys and sections (layers/keyvalue.c), the study's category labels (layers/study.c) and
 * the profile's labels (layers/profile.c). Never included by cli/.
 */
#ifndef LIFECIRCLE_GEO_STRMAP_INT_H
#define LIFECIRCLE_GEO_STRMAP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lifecircle/context.h"

/* One slot: key NULL when empty. */
typedef struct lc_strmap_slot {
    const char *key; /* borrowed: the caller keeps the bytes alive and unchanged while mapped */
    size_t len;
    uint64_t hash;
    size_t value;
} lc_strmap_slot;

/* A map; zero-initialise it ({0}) before use, release it with lc_strmap_free(). */
typedef struct lc_strmap {
    lc_strmap_slot *slots; /* cap slots, cap a power of two, at most half full; owned */
    size_t cap, count;
    uint64_t seed; /* drawn on the first insertion, so crafted keys cannot all land in one probe run */
} lc_strmap;

/* The value of the len bytes at key, or NULL when absent. Borrowed: valid until the next
 * insertion. Accepts a zeroed map. */
size_t *lc_strmap_find(const lc_strmap *m, const char *key, size_t len);

/* Maps the len bytes at key (borrowed, see lc_strmap_slot) to value unless already mapped. Returns
 * the value's slot: the new one (*added true) or the existing one, left unchanged (*added false);
 * valid until the next insertion. NULL with LC_ERR_NOMEM recorded in ctx and the map unchanged. */
size_t *lc_strmap_add(lc_context *ctx, lc_strmap *m, const char *key, size_t len, size_t value, bool *added);

/* Releases the slots (not the keys, which are borrowed) and zeroes the map. Accepts a zeroed map. */
void lc_strmap_free(lc_strmap *m);

#endif /* LIFECIRCLE_GEO_STRMAP_INT_H */
