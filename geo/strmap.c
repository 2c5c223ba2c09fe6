/*
 * geo/strmap.c — the string hash table of geo/strmap_int.h: FNV-1a from a per-map random basis,
 * finished by a 64-bit mixer, probed linearly in a table kept at most half full. What the keys mean
 * (YAML paths, category labels) is the caller's; this file only maps bytes to numbers.
 */
#define _GNU_SOURCE /* getrandom */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "geo/context_int.h"
#include "geo/strmap_int.h"

/* The hash of len bytes from a basis: FNV-1a, then the murmur3 finaliser so every input bit reaches
 * the low bits the table indexes by. */
static uint64_t hash_bytes(uint64_t basis, const char *key, size_t len)
{
    uint64_t h = basis;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* A random basis for a new map (getrandom; the clock and the map's address if that fails). */
static uint64_t draw_seed(const lc_strmap *m)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        s = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)m;
    }
    return s ^ 0xcbf29ce484222325ULL;
}

/* The slot holding key, or the empty slot where it would go. The table must have an empty slot. */
static lc_strmap_slot *probe(const lc_strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        lc_strmap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

/* Looks a key up; see strmap_int.h. */
size_t *lc_strmap_find(const lc_strmap *m, const char *key, size_t len)
{
    if (!m || !m->count)
        return NULL;
    lc_strmap_slot *s = probe(m, key, len, hash_bytes(m->seed, key, len));
    return s->key ? &s->value : NULL;
}

/* Moves every slot into a table of cap slots. LC_OK or LC_ERR_NOMEM with the map unchanged. */
static lc_status rehash(lc_context *ctx, lc_strmap *m, size_t cap)
{
    lc_strmap_slot *slots = lc_calloc(ctx, cap, sizeof *slots);
    if (!slots)
        return LC_ERR_NOMEM;
    lc_strmap bigger = {.slots = slots, .cap = cap, .count = m->count, .seed = m->seed};
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *probe(&bigger, m->slots[i].key, m->slots[i].len, m->slots[i].hash) = m->slots[i];
    free(m->slots);
    *m = bigger;
    return LC_OK;
}

/* Inserts a key unless present; see strmap_int.h. */
size_t *lc_strmap_add(lc_context *ctx, lc_strmap *m, const char *key, size_t len, size_t value, bool *added)
{
    *added = false;
    if (!m->slots)
        m->seed = draw_seed(m);
    if ((m->count + 1) * 2 > m->cap && rehash(ctx, m, m->cap ? m->cap * 2 : 16) != LC_OK)
        return NULL;
    uint64_t h = hash_bytes(m->seed, key, len);
    lc_strmap_slot *s = probe(m, key, len, h);
    if (!s->key) {
        *s = (lc_strmap_slot){.key = key, .len = len, .hash = h, .value = value};
        m->count++;
        *added = true;
    }
    return &s->value;
}

/* Releases the table; see strmap_int.h. */
void lc_strmap_free(lc_strmap *m)
{
    if (!m)
        return;
    free(m->slots);
    memset(m, 0, sizeof *m);
}
