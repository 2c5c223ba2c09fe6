/*
 * queries/dissolve.c — dissolving the network service areas on a thread of their own while the
 * caller goes on (see dissolve_int.h for why). Categories are taken one at a time from a counter
 * under a mutex by the dissolver's thread and by whoever waits; each is unioned whole by the one
 * thread that took it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/context_int.h"
#include "queries/dissolve_int.h"

struct lc_dissolver {
    size_t ncat;
    GEOSGeometry ***parts;    /* per category: its parts, owned; NULL once handed to a union */
    size_t *nparts;
    GEOSGeometry **out;       /* the caller's: category c's union goes to out[c] */
    pthread_mutex_t lock;     /* guards next, stop and the failure */
    size_t next;              /* next category to take */
    int stop;                 /* set by destroy, or by a failure: take no more */
    int failed;
    lc_status failed_status;
    size_t failed_category;
    char reason[256];
    GEOSContextHandle_t h;    /* the thread's own GEOS handle */
    char thread_msg[256];     /* its last GEOS message */
    pthread_t thread;
    int started, joined;
};

/* GEOS message handler of the dissolver's thread. */
static void thread_geos_message(const char *message, void *userdata)
{
    lc_dissolver *d = userdata;
    snprintf(d->thread_msg, sizeof d->thread_msg, "%s", message ? message : "");
}

/* Takes categories until none are left (or stop is set) and unions each with handle h; a failure
 * is recorded with msg (that handle's last GEOS message) and stops the others. */
static void dissolve_some(lc_dissolver *d, GEOSContextHandle_t h, const char *msg)
{
    for (;;) {
        pthread_mutex_lock(&d->lock);
        size_t c = d->next;
        int stop = d->stop || c >= d->ncat;
        if (!stop)
            d->next++;
        pthread_mutex_unlock(&d->lock);
        if (stop)
            return;
        if (!d->nparts[c])
            continue;
        /* The collection takes the parts (GEOS frees them when it cannot make it, since 3.10). */
        GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, d->parts[c], (unsigned)d->nparts[c]);
        free(d->parts[c]);
        d->parts[c] = NULL;
        GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
        if (coll)
            GEOSGeom_destroy_r(h, coll);
        if (u) {
            d->out[c] = u;
            continue;
        }
        pthread_mutex_lock(&d->lock);
        if (!d->failed) {
            d->failed = 1;
            d->failed_status = coll ? LC_ERR_GEOMETRY : LC_ERR_NOMEM;
            d->failed_category = c;
            snprintf(d->reason, sizeof d->reason, "%s", msg);
        }
        d->stop = 1;
        pthread_mutex_unlock(&d->lock);
        return;
    }
}

/* pthread start routine: the dissolver's own share. */
static void *dissolver_thread(void *arg)
{
    lc_dissolver *d = arg;
    dissolve_some(d, d->h, d->thread_msg);
    return NULL;
}

lc_dissolver *lc_dissolver_start(lc_context *ctx, size_t ncat, GEOSGeometry **const *parts, const size_t *nparts,
                                 GEOSGeometry **out)
{
    lc_dissolver *d = lc_calloc(ctx, 1, sizeof *d);
    GEOSGeometry ***own = lc_calloc(ctx, ncat ? ncat : 1, sizeof *own);
    size_t *n = lc_calloc(ctx, ncat ? ncat : 1, sizeof *n);
    if (!d || !own || !n) {
        GEOSContextHandle_t h = lc_ctx_geos(ctx);
        for (size_t c = 0; c < ncat; c++) {
            for (size_t k = 0; k < nparts[c]; k++)
                GEOSGeom_destroy_r(h, parts[c][k]);
            free(parts[c]);
        }
        free(d);
        free(own);
        free(n);
        return NULL;
    }
    for (size_t c = 0; c < ncat; c++) {
        own[c] = parts[c];
        n[c] = nparts[c];
    }
    d->ncat = ncat;
    d->parts = own;
    d->nparts = n;
    d->out = out;
    pthread_mutex_init(&d->lock, NULL);
    /* Without a handle or a thread the work is left to lc_dissolver_finish. */
    if ((d->h = GEOS_init_r())) {
        GEOSContext_setErrorMessageHandler_r(d->h, thread_geos_message, d);
        d->started = pthread_create(&d->thread, NULL, dissolver_thread, d) == 0;
    }
    return d;
}

/* Waits for the thread once. */
static void join(lc_dissolver *d)
{
    if (d->started && !d->joined) {
        pthread_join(d->thread, NULL);
        d->joined = 1;
    }
}

lc_status lc_dissolver_finish(lc_context *ctx, lc_dissolver *d, size_t *failed_category, char *reason,
                              size_t reason_size)
{
    lc_ctx_geos_clear_message(ctx);
    dissolve_some(d, lc_ctx_geos(ctx), lc_ctx_geos_message(ctx));
    join(d);
    if (!d->failed)
        return LC_OK;
    if (failed_category)
        *failed_category = d->failed_category;
    if (reason && reason_size)
        snprintf(reason, reason_size, "%s", d->reason);
    return d->failed_status;
}

void lc_dissolver_destroy(lc_context *ctx, lc_dissolver *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->stop = 1;
    pthread_mutex_unlock(&d->lock);
    join(d);
    GEOSContextHandle_t h = lc_ctx_geos(ctx);
    for (size_t c = 0; c < d->ncat; c++) {
        for (size_t k = 0; d->parts[c] && k < d->nparts[c]; k++)
            GEOSGeom_destroy_r(h, d->parts[c][k]);
        free(d->parts[c]);
    }
    free(d->parts);
    free(d->nparts);
    if (d->h)
        GEOS_finish_r(d->h);
    pthread_mutex_destroy(&d->lock);
    free(d);
}
