/*
 * tests/test_atomic.c — the output directory survives a kill at any instant: a kill injected right
 * after the swap and right between the fall-back order's two renames (rename and renameat2 are
 * interposed by this file, so no hook is compiled into the library), the next run's repair of the
 * leftovers (a parked previous output moved back, stale temporaries removed, live ones kept), and
 * 100 random SIGKILLs of the `lifecircle check` command on the demo.
 */
#define _GNU_SOURCE /* RTLD_NEXT, renameat2, RENAME_EXCHANGE */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "tests/lc_test.h"

/* ---- interposed renames --------------------------------------------------------------------- */

/* What the interposed renames do in this process (a forked child sets it before it commits). */
typedef enum hook_mode {
    HOOK_OFF = 0,        /* pass through */
    HOOK_KILL_AFTER_SWAP, /* the exchange happens, then the process is killed */
    HOOK_NO_EXCHANGE,    /* RENAME_EXCHANGE fails with EINVAL (a filesystem without it) */
    HOOK_KILL_PARKED     /* no exchange; killed right after the previous output is parked (.old-) */
} hook_mode;
static hook_mode hook;

/* The library's renameat2 resolves to this definition of the executable first. */
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)
{
    int (*real)(int, const char *, int, const char *, unsigned int) =
        (int (*)(int, const char *, int, const char *, unsigned int))dlsym(RTLD_NEXT, "renameat2");
    if ((flags & RENAME_EXCHANGE) && (hook == HOOK_NO_EXCHANGE || hook == HOOK_KILL_PARKED)) {
        errno = EINVAL;
        return -1;
    }
    int rc = real(olddirfd, oldpath, newdirfd, newpath, flags);
    if (rc == 0 && (flags & RENAME_EXCHANGE) && hook == HOOK_KILL_AFTER_SWAP)
        raise(SIGKILL);
    return rc;
}

int rename(const char *oldpath, const char *newpath)
{
    int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    int rc = real(oldpath, newpath);
    if (rc == 0 && hook == HOOK_KILL_PARKED && strstr(newpath, ".old-"))
        raise(SIGKILL);
    return rc;
}

/* ---- helpers -------------------------------------------------------------------------------- */

/* How many entries of dir start with prefix. */
static size_t count_prefixed(const char *dir, const char *prefix)
{
    size_t n = 0, hits = 0;
    char **names = lct_list_dir(dir, &n);
    for (size_t i = 0; i < n; i++)
        hits += !strncmp(names[i], prefix, strlen(prefix));
    lct_free_names(names, n);
    return hits;
}

/* The one entry of dir starting with prefix, joined to dir (caller frees); fails the test unless
 * exactly one. */
static char *the_prefixed(const char *dir, const char *prefix)
{
    size_t n = 0;
    char **names = lct_list_dir(dir, &n), *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(names[i], prefix, strlen(prefix)))
            continue;
        ck_assert_msg(!found, "%s holds more than one %s*", dir, prefix);
        found = lct_path(dir, names[i]);
    }
    lct_free_names(names, n);
    ck_assert_msg(found != NULL, "%s holds no %s*", dir, prefix);
    return found;
}

/* An output of three text files, each holding tag and the file's name (so a whole output is one
 * where all three say the same tag). */
static lc_status write_tagged(lc_context *ctx, const char *dir, const char *tag, int overwrite)
{
    lc_crs *crs = lc_crs_create(ctx, "EPSG:32651");
    if (!crs)
        return lc_context_errno(ctx);
    lc_output_options o = {.format = LC_FORMAT_GEOJSON, .overwrite = overwrite, .encoding = NULL};
    lc_output *out = lc_output_begin(ctx, dir, crs, &o);
    lc_crs_destroy(crs);
    if (!out)
        return lc_context_errno(ctx);
    const char *files[] = {"a.txt", "b.txt", "c.txt"};
    for (size_t i = 0; i < 3; i++) {
        char text[64];
        snprintf(text, sizeof text, "%s %s\n", tag, files[i]);
        lc_status st = lc_output_write_text(ctx, out, files[i], text);
        if (st != LC_OK) {
            lc_output_abort(ctx, out);
            return st;
        }
    }
    return lc_output_commit(ctx, out);
}

/* Asserts dir is a whole output written by write_tagged with tag. */
static void assert_tagged(const char *dir, const char *tag)
{
    size_t n = 0;
    char **names = lct_list_dir(dir, &n);
    ck_assert_uint_eq(n, 3);
    for (size_t i = 0; i < n; i++) {
        char *p = lct_path(dir, names[i]);
        size_t len = 0;
        char *text = lct_slurp(p, &len);
        ck_assert_ptr_nonnull(text);
        char want[64];
        snprintf(want, sizeof want, "%s %s\n", tag, names[i]);
        ck_assert_msg(len == strlen(want) && !memcmp(text, want, len), "%s does not hold \"%s\"", p, tag);
        free(text), free(p);
    }
    lct_free_names(names, n);
}

/* Forks a child that replaces dir by the output tagged "new" with the hook set, and waits for it;
 * returns its wait status. */
static int child_replaces(const char *dir, hook_mode mode)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        lc_context *ctx = lc_context_create();
        hook = mode;
        lc_status st = ctx ? write_tagged(ctx, dir, "new", 1) : LC_ERR_NOMEM;
        hook = HOOK_OFF;
        lc_context_destroy(ctx);
        _exit(st == LC_OK ? 0 : 3);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

/* A pid that names no live process: a child that has exited and been reaped. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(0);
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
    return pid;
}

/* ---- injected kills ------------------------------------------------------------------------- */

START_TEST(kill_after_exchange_keeps_the_new_output)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    ck_assert_int_eq(write_tagged(lct_ctx, dir, "old", 0), LC_OK);
    int status = child_replaces(dir, HOOK_KILL_AFTER_SWAP);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child was not killed at the swap");
    /* the swap is one step: the target is the new output, whole; the previous one is in the
     * child's temporary directory, whole too */
    assert_tagged(dir, "new");
    char *left = the_prefixed(tmp, "out.tmp-");
    assert_tagged(left, "old");
    ck_assert_uint_eq(count_prefixed(tmp, "out.old-"), 0);
    /* the next run removes the dead child's temporary directory */
    ck_assert_int_eq(write_tagged(lct_ctx, dir, "next", 1), LC_OK);
    assert_tagged(dir, "next");
    size_t n = 0;
    char **names = lct_list_dir(tmp, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(names[0], "out");
    lct_free_names(names, n);
    lct_rmtree(tmp);
    free(left), free(dir), free(tmp);
}
END_TEST

START_TEST(kill_between_the_fallback_renames_is_repaired)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    ck_assert_int_eq(write_tagged(lct_ctx, dir, "old", 0), LC_OK);
    int status = child_replaces(dir, HOOK_KILL_PARKED);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child was not killed between renames");
    /* killed between the renames: no target, the previous output parked whole, the new one whole
     * in the temporary directory */
    struct stat st;
    ck_assert_int_ne(lstat(dir, &st), 0);
    char *parked = the_prefixed(tmp, "out.old-");
    char *fresh = the_prefixed(tmp, "out.tmp-");
    assert_tagged(parked, "old");
    assert_tagged(fresh, "new");
    /* the next run first moves the previous output back (so a run that then fails leaves it in
     * place), then writes its own; nothing else remains */
    lc_output_options o = {.format = LC_FORMAT_GEOJSON, .overwrite = 1, .encoding = NULL};
    lc_crs *crs = lc_crs_create(lct_ctx, "EPSG:32651");
    lc_output *out = lc_output_begin(lct_ctx, dir, crs, &o);
    ck_assert_ptr_nonnull(out);
    assert_tagged(dir, "old");
    ck_assert_uint_eq(count_prefixed(tmp, "out.old-"), 0);
    ck_assert_uint_eq(count_prefixed(tmp, "out.tmp-"), 1); /* this run's own */
    lc_output_abort(lct_ctx, out);
    lc_crs_destroy(crs);
    size_t n = 0;
    char **names = lct_list_dir(tmp, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(names[0], "out");
    lct_free_names(names, n);
    lct_rmtree(tmp);
    free(parked), free(fresh), free(dir), free(tmp);
}
END_TEST

START_TEST(fallback_order_replaces)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    ck_assert_int_eq(write_tagged(lct_ctx, dir, "old", 0), LC_OK);
    int status = child_replaces(dir, HOOK_NO_EXCHANGE); /* EINVAL: the two renames */
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_tagged(dir, "new");
    size_t n = 0;
    char **names = lct_list_dir(tmp, &n);
    ck_assert_uint_eq(n, 1); /* neither .tmp- nor .old- left */
    lct_free_names(names, n);
    lct_rmtree(tmp);
    free(dir), free(tmp);
}
END_TEST

/* ---- what the repair leaves alone ----------------------------------------------------------- */

/* Makes dir/name a directory holding one file, with mtime (0: now). */
static void make_leftover(const char *dir, const char *name, time_t mtime)
{
    char *p = lct_path(dir, name);
    ck_assert_int_eq(mkdir(p, 0755), 0);
    char *f = lct_path(p, "x.txt");
    ck_assert_int_eq(lct_write_text(f, "x"), 0);
    if (mtime) {
        struct utimbuf t = {.actime = mtime, .modtime = mtime};
        ck_assert_int_eq(utime(p, &t), 0);
    }
    free(f), free(p);
}

START_TEST(repair_removes_only_stale_leftovers)
{
    char *tmp = lct_tmpdir();
    char *dir = lct_path(tmp, "out");
    ck_assert_int_eq(write_tagged(lct_ctx, dir, "old", 0), LC_OK);
    char name[128];
    pid_t dead = dead_pid();
    snprintf(name, sizeof name, "out.tmp-%ld-abcDE1", (long)dead);
    make_leftover(tmp, name, 0);                     /* dead pid: removed */
    snprintf(name, sizeof name, "out.old-%ld-abcDE2", (long)dead);
    make_leftover(tmp, name, 0);                     /* dead pid, target present: removed */
    make_leftover(tmp, "out.tmp-Zz9Yy8", 946684800); /* no pid, from 2000: removed */
    make_leftover(tmp, "out.tmp-Zz9Yy7", 0);         /* no pid, made after this process started: kept */
    snprintf(name, sizeof name, "out.tmp-%ld-abcDE3", (long)getppid());
    make_leftover(tmp, name, 0);                     /* a live process's: kept */
    char live[128];
    snprintf(live, sizeof live, "%s", name);
    make_leftover(tmp, "out.tmp-notes", 946684800);  /* not a name of ours: kept */
    make_leftover(tmp, "other.tmp-Zz9Yy6", 946684800); /* another target's: kept */
    ck_assert_int_eq(write_tagged(lct_ctx, dir, "new", 1), LC_OK);
    assert_tagged(dir, "new");
    size_t n = 0;
    char **names = lct_list_dir(tmp, &n);
    const char *want[] = {"other.tmp-Zz9Yy6", "out", "out.tmp-Zz9Yy7", "out.tmp-notes", live};
    ck_assert_uint_eq(n, 5);
    for (size_t i = 0; i < 5; i++) {
        int found = 0;
        for (size_t k = 0; k < n; k++)
            found |= !strcmp(names[k], want[i]);
        ck_assert_msg(found, "%s was removed", want[i]);
    }
    lct_free_names(names, n);
    lct_rmtree(tmp);
    free(dir), free(tmp);
}
END_TEST

/* ---- random kills of the command ------------------------------------------------------------ */

/* Runs the command with argv (NULL-terminated, argv[0] the command), killing it with SIGKILL after
 * delay seconds (< 0: never); returns its wait status. */
static int run_cli(char *const argv[], double delay)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (delay >= 0) {
        struct timespec t = {.tv_sec = (time_t)delay, .tv_nsec = (long)((delay - (double)(time_t)delay) * 1e9)};
        nanosleep(&t, NULL);
        kill(pid, SIGKILL);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* 100 kills on the plain build (a demo check takes ~0.5 s of CPU); the sanitizer builds run the
 * command about 5 times slower and check memory, not the swap, so they kill 10 times. */
#if defined(__SANITIZE_ADDRESS__)
enum { KILLS = 10 };
#else
enum { KILLS = 100 };
#endif

START_TEST(random_kills_leave_old_or_new)
{
    const char *cli = getenv("LC_CLI");
    ck_assert_msg(cli && *cli, "LC_CLI is not set (meson sets it)");
    char *study = lct_path(lct_source_dir(), "data/demo/porto.yml");
    char *tmp = lct_tmpdir();
    char *ref_a = lct_path(tmp, "ref-a"), *ref_b = lct_path(tmp, "ref-b");
    char *work = lct_path(tmp, "w");
    ck_assert_int_eq(mkdir(work, 0755), 0);
    char *out = lct_path(work, "out");
    /* two references that differ (reach 1000 m by the profile, and 800 m) */
    char *args_a[] = {(char *)cli, "check", "-q", study, "-o", ref_a, NULL};
    char *args_b[] = {(char *)cli, "check", "-q", study, "--reach", "800", "-o", ref_b, NULL};
    double t0 = now_s();
    int st = run_cli(args_a, -1);
    double full = now_s() - t0;
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "the demo check exited %d (1 expected)", st);
    t0 = now_s();
    st = run_cli(args_b, -1);
    full = fmin(full, now_s() - t0);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    ck_assert_msg(!lct_same_dirs(ref_a, ref_b), "the two references must differ for the test to mean anything");

    char *run_a[] = {(char *)cli, "check", "-q", study, "--overwrite", "-o", out, NULL};
    char *run_b[] = {(char *)cli, "check", "-q", study, "--reach", "800", "--overwrite", "-o", out, NULL};
    t0 = now_s();
    st = run_cli(run_a, -1);
    full = fmin(full, now_s() - t0);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    srand(14);
    int killed = 0, finished = 0, was_b = 0, now_new = 0, runs = 0;
    /* On a loaded machine a run takes many times its idle time: stop killing after BUDGET_S
     * seconds (and say so) rather than hit the test's timeout. */
    const double budget_s = 150, loop_start = now_s();
    for (int i = 0; i < KILLS && now_s() - loop_start < budget_s; i++, runs++) {
        /* alternately write B over A and A over B, killed at a random instant of a whole run */
        int to_b = !was_b;
        double delay = full * (double)rand() / RAND_MAX;
        double t_run = now_s();
        st = run_cli(to_b ? run_b : run_a, delay);
        if (WIFSIGNALED(st)) {
            killed++;
        } else {
            ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "run %d exited %d", i, st);
            finished++;
            /* The delays are fractions of the fastest whole run seen: a run measured while the
             * machine was busier than later would leave most of the kills too late. */
            full = fmin(full, now_s() - t_run);
        }
        const char *old_ref = was_b ? ref_b : ref_a, *new_ref = to_b ? ref_b : ref_a;
        int is_old = lct_same_dirs(out, old_ref), is_new = lct_same_dirs(out, new_ref);
        ck_assert_msg(is_old || is_new, "after run %d (killed at %.3f s) the output is neither the old nor "
                      "the new one", i, delay);
        ck_assert_msg(WIFSIGNALED(st) || is_new, "run %d finished but the output is not the new one", i);
        /* each run first removes what the one before left: never two temporaries, never a parked one */
        ck_assert_uint_le(count_prefixed(work, "out.tmp-"), 1);
        ck_assert_uint_eq(count_prefixed(work, "out.old-"), 0);
        now_new += is_new && WIFSIGNALED(st);
        if (is_new)
            was_b = to_b;
    }
    /* the next run leaves nothing but its output */
    st = run_cli(was_b ? run_a : run_b, -1);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    ck_assert(lct_same_dirs(out, was_b ? ref_a : ref_b));
    size_t n = 0;
    char **names = lct_list_dir(work, &n);
    ck_assert_msg(n == 1, "%zu entries beside the output after the last run (first: %s)", n, names[0]);
    lct_free_names(names, n);
    ck_assert_msg(runs >= KILLS / 4, "only %d of %d runs within %.0f s: the machine is too loaded", runs, KILLS,
                  budget_s);
    ck_assert_msg(killed >= runs / 2, "only %d of %d runs were killed: the delays are too long", killed, runs);
    fprintf(stderr, "random kills: %d runs of %d (%.0f s budget), %d killed (%d of them after the new output "
            "was in place), %d finished; full run %.2f s\n", runs, KILLS, budget_s, killed, now_new, finished, full);
    lct_rmtree(tmp);
    free(out), free(work), free(ref_a), free(ref_b), free(tmp), free(study);
}
END_TEST

Suite *suite_atomic(void)
{
    Suite *s = suite_create("atomic");
    TCase *inject = tcase_create("injected kills");
    tcase_add_checked_fixture(inject, lct_setup, lct_teardown);
    tcase_add_test(inject, kill_after_exchange_keeps_the_new_output);
    tcase_add_test(inject, kill_between_the_fallback_renames_is_repaired);
    tcase_add_test(inject, fallback_order_replaces);
    suite_add_tcase(s, inject);
    TCase *repair = tcase_create("repair");
    tcase_add_checked_fixture(repair, lct_setup, lct_teardown);
    tcase_add_test(repair, repair_removes_only_stale_leftovers);
    suite_add_tcase(s, repair);
    TCase *kills = tcase_create("random kills");
    tcase_add_checked_fixture(kills, lct_setup, lct_teardown);
    tcase_set_timeout(kills, 280);
    tcase_add_test(kills, random_kills_leave_old_or_new);
    suite_add_tcase(s, kills);
    return s;
}
