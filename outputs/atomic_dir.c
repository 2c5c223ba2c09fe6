/*
 * outputs/atomic_dir.c — the output directory appears whole or not at all: everything is written
 * into "<dir>.tmp-<pid>-XXXXXX" beside the target (same parent, so same filesystem) and renamed into
 * place on commit; a replaced directory is swapped out in one step (renameat2 RENAME_EXCHANGE) or,
 * where the filesystem cannot, parked as "<dir>.old-<pid>-XXXXXX" until the new one is in. A run
 * first repairs what a killed run left beside its target (recover_leftovers). What goes into the
 * directory (layers, text files) lives in outputs/vector.c.
 */
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE (glibc >= 2.28) */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "geo/context_int.h"
#include "outputs/output_int.h"

/* ---- removing trees ------------------------------------------------------------------------- */

/* Why a removal failed, filled by the first failure (so lc_atomic_dir_commit can warn without
 * recording an error on a call that succeeds). */
typedef struct rm_failure {
    char message[1024];
} rm_failure;

/* Records the first failure: what was being done to which path, and errno's text. Returns -1. */
static int rm_fail(rm_failure *why, const char *what, const char *path, int err)
{
    if (!why->message[0])
        snprintf(why->message, sizeof why->message, "cannot %s %s (%s)", what, path, strerror(err));
    return -1;
}

/* Removes name (relative to parent_fd, or a path with AT_FDCWD); shown is its path for messages.
 * Directories are emptied recursively; symbolic links are removed, never followed. A name that is
 * already gone counts as removed. Returns 0, or -1 with *why filled. */
static int remove_entry(int parent_fd, const char *name, const char *shown, rm_failure *why)
{
    struct stat st;
    if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0 : rm_fail(why, "inspect", shown, errno);
    if (!S_ISDIR(st.st_mode)) {
        if (unlinkat(parent_fd, name, 0) != 0 && errno != ENOENT)
            return rm_fail(why, "remove", shown, errno);
        return 0;
    }
    int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return rm_fail(why, "open directory", shown, errno);
    DIR *d = fdopendir(fd);
    if (!d) {
        int err = errno;
        close(fd);
        return rm_fail(why, "read directory", shown, err);
    }
    int rc = 0;
    struct dirent *de;
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (!de) {
            if (errno)
                rc = rm_fail(why, "read directory", shown, errno);
            break;
        }
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        size_t n = strlen(shown) + strlen(de->d_name) + 2;
        char *child = malloc(n);
        if (!child) {
            rc = rm_fail(why, "remove entries of", shown, ENOMEM);
            break;
        }
        snprintf(child, n, "%s/%s", shown, de->d_name);
        rc = remove_entry(dirfd(d), de->d_name, child, why);
        free(child);
        if (rc != 0)
            break;
    }
    closedir(d);
    if (rc != 0)
        return rc;
    if (unlinkat(parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        return rm_fail(why, "remove directory", shown, errno);
    return 0;
}

/* ---- leftovers of killed runs --------------------------------------------------------------- */

/* When this process started (seconds since the epoch, from /proc), or 0 when it cannot be told. */
static time_t process_start(void)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return 0;
    char line[256];
    long long btime = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "btime %lld", &btime) == 1)
            break;
    fclose(f);
    f = fopen("/proc/self/stat", "r");
    if (!f || btime <= 0) {
        if (f)
            fclose(f);
        return 0;
    }
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may hold spaces; the fields follow its ')' */
    unsigned long long start = 0;
    /* after ')' come fields 3 (state) to 21, then 22: starttime, in clock ticks since boot */
    if (!p || sscanf(p + 1, " %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
                     &start) != 1)
        return 0;
    long hz = sysconf(_SC_CLK_TCK);
    return hz > 0 ? (time_t)(btime + (long long)(start / (unsigned long long)hz)) : 0;
}

/* Whether name is "<base>.<kind>-<pid>-XXXXXX" or the older "<base>.<kind>-XXXXXX" (kind "tmp" or
 * "old", XXXXXX the six characters mkdtemp fills in). *pid is the pid, or 0 for the older form. */
static int leftover_name(const char *name, const char *base, const char *kind, long *pid)
{
    size_t nb = strlen(base), nk = strlen(kind);
    if (strncmp(name, base, nb) || name[nb] != '.' || strncmp(name + nb + 1, kind, nk) || name[nb + 1 + nk] != '-')
        return 0;
    const char *rest = name + nb + 2 + nk;
    const char *dash = strchr(rest, '-');
    *pid = 0;
    if (dash) {
        if (dash == rest || dash - rest > 10)
            return 0;
        for (const char *c = rest; c < dash; c++)
            if (!isdigit((unsigned char)*c))
                return 0;
        *pid = strtol(rest, NULL, 10);
        if (*pid <= 0)
            return 0;
        rest = dash + 1;
    }
    if (strlen(rest) != 6)
        return 0;
    for (const char *c = rest; *c; c++)
        if (!isalnum((unsigned char)*c))
            return 0;
    return 1;
}

/* Whether a leftover directory is stale: made by a run of ours (same owner) that is over — its pid
 * names no live process, or (older names without a pid) it was last changed before this process
 * started. A live pid (even one reused by another program) keeps it: better a stale directory
 * than another run's output removed under it. */
static int leftover_stale(const struct stat *st, long pid, time_t started)
{
    if (!S_ISDIR(st->st_mode) || st->st_uid != geteuid())
        return 0;
    if (pid > 0)
        return pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
    return started > 0 && st->st_mtime < started;
}

/* Repairs what killed runs left beside target (a path without trailing '/'): when target is
 * missing, the newest stale "<target>.old-*" (a previous output parked by the fall-back order
 * before the new one was in place) is moved back to target; every other stale .old-* and .tmp-*
 * is removed. What is done is logged (info); what cannot be is a warning. Never fails. */
static void recover_leftovers(lc_context *ctx, const char *target)
{
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    char *parent = slash ? lc_sprintf(ctx, "%.*s", (int)(slash == target ? 1 : slash - target), target)
                         : lc_strdup(ctx, ".");
    if (!parent || !*base) {
        free(parent);
        return;
    }
    DIR *d = opendir(parent);
    if (!d) {
        free(parent);
        return;
    }
    time_t started = process_start();
    char **olds = NULL, **tmps = NULL;
    time_t *old_mtime = NULL;
    size_t nold = 0, ntmp = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        long pid;
        int is_old = leftover_name(de->d_name, base, "old", &pid);
        if (!is_old && !leftover_name(de->d_name, base, "tmp", &pid))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !leftover_stale(&st, pid, started))
            continue;
        char *path = lc_sprintf(ctx, "%s/%s", parent, de->d_name);
        char ***list = is_old ? &olds : &tmps;
        size_t *n = is_old ? &nold : &ntmp;
        char **grown = path ? realloc(*list, (*n + 1) * sizeof **list) : NULL;
        if (grown)
            *list = grown;
        time_t *times = is_old && grown ? realloc(old_mtime, (*n + 1) * sizeof *old_mtime) : NULL;
        if (times)
            old_mtime = times;
        if (!grown || (is_old && !times)) {
            free(path);
            break; /* out of memory: repair what was listed */
        }
        if (is_old)
            old_mtime[*n] = st.st_mtime;
        (*list)[(*n)++] = path;
    }
    closedir(d);

    struct stat st;
    if (nold && lstat(target, &st) != 0 && errno == ENOENT) {
        size_t newest = 0;
        for (size_t i = 1; i < nold; i++)
            if (old_mtime[i] > old_mtime[newest])
                newest = i;
        if (rename(olds[newest], target) == 0) {
            lc_log(ctx, LC_LOG_WARNING, "an earlier run was interrupted while replacing %s: the previous "
                   "output was moved back from %s", target, olds[newest]);
            free(olds[newest]);
            olds[newest] = NULL;
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        char **list = pass ? tmps : olds;
        size_t n = pass ? ntmp : nold;
        for (size_t i = 0; i < n; i++) {
            if (!list[i])
                continue;
            rm_failure why = {{0}};
            if (remove_entry(AT_FDCWD, list[i], list[i], &why) != 0)
                lc_log(ctx, LC_LOG_WARNING, "cannot remove %s, left by an interrupted run: %s", list[i],
                       why.message);
            else
                lc_log(ctx, LC_LOG_INFO, "removed %s, left by an interrupted run", list[i]);
            free(list[i]);
        }
    }
    free(olds);
    free(tmps);
    free(old_mtime);
    free(parent);
}

/* ---- checks on the target ------------------------------------------------------------------- */

/* 0 if the directory is empty, 1 if it holds anything, -1 (errno set) if it cannot be read. */
static int dir_has_entries(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int found = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            found = 1;
            break;
        }
    }
    int err = errno;
    closedir(d);
    if (!found && err) {
        errno = err;
        return -1;
    }
    return found;
}

/* Non-zero if resolved (an absolute path without symlinks) is the current directory or one of its
 * parents: replacing it would pull the ground from under the caller (think "-o . --overwrite"). */
static int holds_cwd(const char *resolved)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return 0;
    if (!strcmp(resolved, "/"))
        return 1;
    size_t n = strlen(resolved);
    return !strncmp(cwd, resolved, n) && (cwd[n] == '\0' || cwd[n] == '/');
}

/* The permission bits mkdir(path, 0777) gives under the current umask, learnt by making a probe
 * directory inside dir (umask() itself would change process state). -1 with errno on failure. */
static int default_dir_mode(lc_context *ctx, const char *dir, mode_t *mode)
{
    char *probe = lc_sprintf(ctx, "%s/.mode-probe", dir);
    if (!probe) {
        errno = ENOMEM;
        return -1;
    }
    struct stat st;
    int rc = mkdir(probe, 0777);
    if (rc == 0) {
        rc = stat(probe, &st);
        int err = errno;
        rmdir(probe);
        errno = err;
    }
    free(probe);
    if (rc == 0)
        *mode = st.st_mode & 07777;
    return rc;
}

/* Creates the missing parent directories of path (as `mkdir -p` on its dirname would), so
 * `-o results/2025/yangpu` works on a fresh machine. Returns 0, or -1 with errno set. Parents made
 * here stay when a later step fails: they are empty and hold nothing of ours. */
static int make_parents(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf)
        return 0;
    *slash = '\0';
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* ---- begin / commit / abort ----------------------------------------------------------------- */

lc_status lc_atomic_dir_begin(lc_context *ctx, const char *dir, int overwrite, lc_atomic_dir *ad)
{
    memset(ad, 0, sizeof *ad);
    if (!dir || !*dir)
        return lc_error(ctx, LC_ERR_MISUSE, "lc_output_begin: the output directory is empty");
    lc_status status = LC_OK;
    char *tmp = NULL;
    char *path = lc_strdup(ctx, dir);
    if (!path)
        return LC_ERR_NOMEM;
    for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
        path[n - 1] = '\0';

    recover_leftovers(ctx, path);
    int exists = 0;
    mode_t mode = 0;
    struct stat st;
    if (lstat(path, &st) == 0) {
        exists = 1;
        char *real = realpath(path, NULL); /* follows a symlink to the directory it names */
        if (!real && errno != ENOENT) {
            status = lc_error(ctx, LC_ERR_IO, "cannot resolve output directory %s (%s)", dir, strerror(errno));
            goto fail;
        }
        if (!real || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
            free(real);
            status = lc_error(ctx, LC_ERR_IO, "output path %s exists and is not a directory", dir);
            goto fail;
        }
        free(path);
        path = real;
        if (holds_cwd(path)) {
            status = lc_error(ctx, LC_ERR_IO,
                              "refusing to write the output into %s: it is the current directory or one "
                              "of its parents; name a new directory",
                              dir);
            goto fail;
        }
        int full = dir_has_entries(path);
        if (full < 0) {
            status = lc_error(ctx, LC_ERR_IO, "cannot read output directory %s (%s)", dir, strerror(errno));
            goto fail;
        }
        if (full && !overwrite) {
            status = lc_error(ctx, LC_ERR_IO,
                              "output directory %s is not empty; use --overwrite to replace it", dir);
            goto fail;
        }
        mode = st.st_mode & 07777;
    } else if (errno != ENOENT) {
        status = lc_error(ctx, LC_ERR_IO, "cannot access output directory %s (%s)", dir, strerror(errno));
        goto fail;
    }

    if (!exists && make_parents(path) != 0) {
        status = lc_error(ctx, LC_ERR_IO, "cannot create the parent directories of %s (%s)", dir, strerror(errno));
        goto fail;
    }
    tmp = lc_sprintf(ctx, "%s.tmp-%ld-XXXXXX", path, (long)getpid());
    if (!tmp) {
        status = LC_ERR_NOMEM;
        goto fail;
    }
    if (!mkdtemp(tmp)) {
        int err = errno;
        free(tmp);
        tmp = NULL;
        status = err == ENOENT
                     ? lc_error(ctx, LC_ERR_IO, "cannot create output directory %s: its parent directory "
                                "does not exist", dir)
                     : lc_error(ctx, LC_ERR_IO, "cannot create a temporary directory beside %s (%s)",
                                dir, strerror(err));
        goto fail;
    }
    if ((!exists && default_dir_mode(ctx, tmp, &mode) != 0) || chmod(tmp, mode) != 0) {
        status = lc_error(ctx, LC_ERR_IO, "cannot set the permissions of %s (%s)", tmp, strerror(errno));
        goto fail;
    }
    ad->target = path;
    ad->tmp = tmp;
    ad->overwrite = overwrite;
    return LC_OK;
fail:
    if (tmp)
        rmdir(tmp);
    free(tmp);
    free(path);
    return status;
}

lc_status lc_atomic_dir_commit(lc_context *ctx, lc_atomic_dir *ad)
{
    lc_status status = LC_OK;
    char *old = NULL;
    struct stat st;
    int exists = lstat(ad->target, &st) == 0;
    if (!exists && errno != ENOENT) {
        status = lc_error(ctx, LC_ERR_IO, "cannot access output directory %s (%s)", ad->target,
                          strerror(errno));
        goto fail;
    }
    if (exists && !S_ISDIR(st.st_mode)) {
        status = lc_error(ctx, LC_ERR_IO, "output path %s is no longer a directory", ad->target);
        goto fail;
    }
    if (!exists || !ad->overwrite) {
        /* rename() onto an empty directory replaces it and fails on a non-empty one, so a target
         * filled by someone else since lc_output_begin is never clobbered. */
        if (rename(ad->tmp, ad->target) != 0) {
            int err = errno;
            status = err == ENOTEMPTY || err == EEXIST
                         ? lc_error(ctx, LC_ERR_IO, "output directory %s is no longer empty (something "
                                    "wrote into it meanwhile); use --overwrite to replace it", ad->target)
                         : lc_error(ctx, LC_ERR_IO, "cannot move %s into place as %s (%s)", ad->tmp,
                                    ad->target, strerror(err));
            goto fail;
        }
        goto done;
    }

#ifdef RENAME_EXCHANGE
    /* One step: the new output takes the target's name and the previous one the temporary name, so
     * a kill at any instant leaves one of the two whole at the target (and a stale temporary
     * directory that the next run removes). */
    if (renameat2(AT_FDCWD, ad->tmp, AT_FDCWD, ad->target, RENAME_EXCHANGE) == 0) {
        rm_failure why = {{0}};
        if (remove_entry(AT_FDCWD, ad->tmp, ad->tmp, &why) != 0)
            lc_log(ctx, LC_LOG_WARNING, "the new output is in %s, but the previous one could not be removed "
                   "from %s: %s", ad->target, ad->tmp, why.message);
        goto done;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
        status = lc_error(ctx, LC_ERR_IO, "cannot move the new output into place as %s (%s); the previous "
                          "output is unchanged", ad->target, strerror(errno));
        goto fail;
    }
#endif
    /* The filesystem cannot exchange: park the previous output, then move the new one in. A kill
     * between the two leaves no target; the next run moves the parked one back. */
    old = lc_sprintf(ctx, "%s.old-%ld-XXXXXX", ad->target, (long)getpid());
    if (!old) {
        status = LC_ERR_NOMEM;
        goto fail;
    }
    if (!mkdtemp(old)) {
        status = lc_error(ctx, LC_ERR_IO, "cannot create a directory beside %s to park the previous "
                          "output in (%s)", ad->target, strerror(errno));
        goto fail;
    }
    if (rename(ad->target, old) != 0) { /* replaces the empty directory mkdtemp made */
        status = lc_error(ctx, LC_ERR_IO, "cannot move the previous output %s aside (%s)", ad->target,
                          strerror(errno));
        rmdir(old);
        goto fail;
    }
    if (rename(ad->tmp, ad->target) != 0) {
        int err = errno;
        if (rename(old, ad->target) != 0)
            status = lc_error(ctx, LC_ERR_IO, "cannot move the new output into place as %s (%s), and "
                              "cannot move the previous output back (%s): it is in %s",
                              ad->target, strerror(err), strerror(errno), old);
        else
            status = lc_error(ctx, LC_ERR_IO, "cannot move the new output into place as %s (%s); the "
                              "previous output is unchanged", ad->target, strerror(err));
        goto fail;
    }
    {
        rm_failure why = {{0}};
        if (remove_entry(AT_FDCWD, old, old, &why) != 0)
            lc_log(ctx, LC_LOG_WARNING, "the new output is in %s, but the previous one could not be removed "
                   "from %s: %s", ad->target, old, why.message);
    }
done:
    free(old);
    free(ad->tmp);
    free(ad->target);
    memset(ad, 0, sizeof *ad);
    return LC_OK;
fail:
    free(old);
    lc_atomic_dir_abort(ctx, ad);
    return status;
}

void lc_atomic_dir_abort(lc_context *ctx, lc_atomic_dir *ad)
{
    if (!ad)
        return;
    if (ad->tmp) {
        rm_failure why = {{0}};
        if (remove_entry(AT_FDCWD, ad->tmp, ad->tmp, &why) != 0)
            lc_log(ctx, LC_LOG_WARNING, "cannot remove the temporary output %s: %s", ad->tmp, why.message);
    }
    free(ad->tmp);
    free(ad->target);
    memset(ad, 0, sizeof *ad);
}
