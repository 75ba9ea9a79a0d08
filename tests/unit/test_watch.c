/* Unit tests for watch.h: what a change under the library is seen as,
 * where the daemon's API tests (tests/api/watch.test.mjs) cannot reach: a
 * library named "." or "lib/." (a review found its top-level files no
 * longer seen), and a git checkout moved away and replaced by another (a
 * pull into the new one was not seen). Each test works in a folder of its
 * own under /tmp and drains the watch after each change. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "watch.h"

static char dir[256];
static char here[PATH_MAX];

static void sh(const char *fmt, const char *arg)
{
    char cmd[4 * PATH_MAX];

    snprintf(cmd, sizeof cmd, fmt, arg, arg, arg, arg);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/spk-watch-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_not_null(getcwd(here, sizeof here));
    sh("mkdir -p %s/lib/a && echo x > %s/lib/g.md && echo y > %s/lib/a/f.md", dir);
}

static void teardown(void)
{
    if (chdir(here) != 0)
        cr_log_warn("cannot go back to %s", here);
    sh("rm -rf %s", dir);
}

TestSuite(watch, .init = setup, .fini = teardown, .timeout = 30);

/* Events take a moment to be queued: drained after a short pause. */
static int settle_drain(struct watch *w)
{
    usleep(100000);
    return watch_drain(w);
}

/* lib made a git checkout of one commit; a test adds " && more" to it */
#define GIT_ONE_COMMIT                                                                             \
    "cd %s/lib && git init -q -b main . && git -c user.email=t@t -c user.name=t add -A && "       \
    "git -c user.email=t@t -c user.name=t commit -q -m one"

/* lib watched, with what the set-up made drained: inotify queues events
 * within the syscall, so these drains need no pause. */
static struct watch *watch_lib(void)
{
    struct watch *w;
    char root[PATH_MAX];

    snprintf(root, sizeof root, "%s/lib", dir);
    cr_assert_not_null(w = watch_open(root));
    (void)watch_drain(w);
    return w;
}

Test(watch, a_library_named_dot_sees_its_top_level_files)
{
    static const char *const names[] = {".", "lib/.", "lib/"};
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct watch *w;
        char at[PATH_MAX];
        snprintf(at, sizeof at, "%s%s", dir, i == 0 ? "/lib" : "");
        cr_assert_eq(chdir(at), 0);
        cr_assert_not_null(w = watch_open(names[i]));
        (void)settle_drain(w);
        sh("echo changed >> %s/lib/g.md", dir);
        cr_expect_eq(settle_drain(w), 1, "%s: a top-level file", names[i]);
        sh("echo changed >> %s/lib/a/f.md", dir);
        cr_expect_eq(settle_drain(w), 1, "%s: a category's file", names[i]);
        watch_close(w);
    }
}

Test(watch, a_checkout_moved_in_place_of_another_is_watched_for_pulls)
{
    struct watch *w;
    char root[PATH_MAX];

    sh(GIT_ONE_COMMIT, dir);
    sh("cp -a %s/lib %s/new", dir);
    snprintf(root, sizeof root, "%s/lib", dir);
    cr_assert_not_null(w = watch_open(root));
    (void)settle_drain(w);
    sh("mv %s/lib %s/lib.old && mv %s/new %s/lib", dir);
    cr_expect_eq(settle_drain(w), 1, "the library replaced");
    /* a pull into the new checkout moves its branch and nothing else */
    sh("cd %s/lib && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m two", dir);
    cr_expect_eq(settle_drain(w), 1, "a commit in the new checkout");
    /* the old one moved away is no longer the library */
    sh("cd %s/lib.old && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m old", dir);
    cr_expect_eq(settle_drain(w), 0, "a commit in the old one");
    watch_close(w);
}

/* git writes a branch's new commit into refs/heads/NAME.lock, then renames
 * it into place: only the rename is the pull (a load at the .lock would
 * read the old commit). inotify queues events within the syscall, so the
 * drains need no pause. */
Test(watch, a_branch_lock_file_is_not_the_pull_yet)
{
    struct watch *w;

    sh(GIT_ONE_COMMIT, dir);
    w = watch_lib();
    sh("cp %s/lib/.git/refs/heads/main %s/lib/.git/refs/heads/main.lock", dir);
    cr_expect_eq(watch_drain(w), 0, "the .lock taken for a change");
    sh("mv %s/lib/.git/refs/heads/main.lock %s/lib/.git/refs/heads/main", dir);
    cr_expect_eq(watch_drain(w), 1, "the ref renamed into place");
    watch_close(w);
}

/* A hidden folder (an editor's or a tool's) is not content: not watched,
 * so what is written inside it costs no load. */
Test(watch, a_hidden_folder_is_not_watched)
{
    struct watch *w;

    sh("mkdir %s/lib/.drafts", dir);
    w = watch_lib();
    sh("echo x > %s/lib/.drafts/f.md", dir);
    cr_expect_eq(watch_drain(w), 0, "a file in a hidden folder");
    sh("echo changed >> %s/lib/a/f.md", dir);
    cr_expect_eq(watch_drain(w), 1, "a category's file");
    watch_close(w);
}

/* WATCH_MAX_DIRS folders at most, the root among them: with 256 category
 * folders one is left unwatched, and the array is never written past. A
 * file written in each folder in turn is seen in all the others. */
Test(watch, folders_past_the_cap_are_not_watched)
{
    struct watch *w;
    char root[PATH_MAX], p[PATH_MAX + 32];
    int i, seen = 0;

    snprintf(root, sizeof root, "%s/cap", dir);
    cr_assert_eq(mkdir(root, 0755), 0);
    for (i = 0; i < WATCH_MAX_DIRS; i++) {
        snprintf(p, sizeof p, "%s/c%03d", root, i);
        cr_assert_eq(mkdir(p, 0755), 0);
    }
    cr_assert_not_null(w = watch_open(root));
    (void)watch_drain(w);
    for (i = 0; i < WATCH_MAX_DIRS; i++) {
        FILE *f;
        snprintf(p, sizeof p, "%s/c%03d/f.md", root, i);
        cr_assert_not_null(f = fopen(p, "w"));
        cr_assert_eq(fclose(f), 0);
        seen += watch_drain(w) == 1;
    }
    cr_expect_eq(seen, WATCH_MAX_DIRS - 1, "%d of %d category folders watched", seen, WATCH_MAX_DIRS);
    watch_close(w);
}

/* A branch whose ref lives only in packed-refs moves when packed-refs is
 * rewritten (git writes packed-refs.lock and renames it into place). */
Test(watch, a_rewritten_packed_refs_is_a_change)
{
    struct watch *w;

    sh(GIT_ONE_COMMIT " && git pack-refs --all --prune", dir);
    w = watch_lib();
    sh("cp %s/lib/.git/packed-refs %s/lib/.git/packed-refs.lock", dir);
    cr_expect_eq(watch_drain(w), 0, "the .lock taken for a change");
    sh("mv %s/lib/.git/packed-refs.lock %s/lib/.git/packed-refs", dir);
    cr_expect_eq(watch_drain(w), 1, "packed-refs renamed into place");
    watch_close(w);
}

/* The root's parent is watched for the root's own name only: what else is
 * made beside the library (a backup folder, a copy of it) is not a change
 * of it. */
Test(watch, a_sibling_of_the_library_is_not_a_change)
{
    struct watch *w = watch_lib();

    sh("mkdir %s/backups && cp -a %s/lib %s/lib.copy && touch %s/notes.txt", dir);
    cr_expect_eq(watch_drain(w), 0, "a folder or file beside the library");
    watch_close(w);
}

/* A checkout's .git folder replaced by a .git file (the library made a
 * worktree of another clone) makes no folder event at the root: the git
 * watches going away must be what watches the new git directories. */
Test(watch, a_git_folder_replaced_by_a_worktree_file_is_watched_anew)
{
    struct watch *w;

    sh(GIT_ONE_COMMIT " && git clone -q . %s/main && git -C %s/main worktree add -q -b hall %s/wt", dir);
    w = watch_lib();
    sh("rm -rf %s/lib/.git && cp %s/wt/.git %s/lib/.git", dir);
    (void)watch_drain(w);
    sh("cd %s/wt && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m two", dir);
    cr_expect_eq(watch_drain(w), 1, "a commit on the worktree's branch");
    watch_close(w);
}
