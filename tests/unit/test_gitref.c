/* Unit tests for gitref: HEAD, loose and packed refs, a detached HEAD, a
 * `.git` file (git worktree, submodule), garbage and oversized files, ref
 * names that would leave the git directory; the parsers on exact-length
 * heap copies (ASan sees a read past the end), then gitref_head over real
 * folders laid out as git lays them out. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitref.h"

#define C1 "0123456789abcdef0123456789abcdef01234567"
#define C2 "89abcdef0123456789abcdef0123456789abcdef"

/* n bytes of s, which may hold a NUL */
static enum gitref_kind head_n(const char *s, size_t n, char hex[GITREF_HEX + 1], char *ref,
                               size_t cap)
{
    char *copy = malloc(n ? n : 1);
    enum gitref_kind k;

    cr_assert_not_null(copy);
    memcpy(copy, s, n);
    k = gitref_parse_head(copy, n, hex, ref, cap);
    free(copy);
    return k;
}

static enum gitref_kind head(const char *s, char hex[GITREF_HEX + 1], char *ref, size_t cap)
{
    return head_n(s, strlen(s), hex, ref, cap);
}

static int packed(const char *s, const char *ref, char hex[GITREF_HEX + 1])
{
    size_t n = strlen(s);
    char *copy = malloc(n ? n : 1);
    int r;

    cr_assert_not_null(copy);
    memcpy(copy, s, n);
    r = gitref_parse_packed(copy, n, ref, hex);
    free(copy);
    return r;
}

Test(gitref_parse, detached_head_and_loose_ref)
{
    char hex[GITREF_HEX + 1], ref[64];

    cr_assert_eq(head(C1 "\n", hex, ref, sizeof ref), GITREF_HASH);
    cr_assert_str_eq(hex, C1);
    cr_assert_eq(head(C1, hex, ref, sizeof ref), GITREF_HASH);
    /* upper case is read, and given back lower-case */
    cr_assert_eq(head("0123456789ABCDEF0123456789ABCDEF01234567\r\n", hex, ref, sizeof ref),
                 GITREF_HASH);
    cr_assert_str_eq(hex, C1);
}

Test(gitref_parse, symbolic_head)
{
    char hex[GITREF_HEX + 1], ref[64];

    cr_assert_eq(head("ref: refs/heads/main\n", hex, ref, sizeof ref), GITREF_SYMREF);
    cr_assert_str_eq(ref, "refs/heads/main");
    cr_assert_eq(head("ref: refs/heads/street/2026\n", hex, ref, sizeof ref), GITREF_SYMREF);
    cr_assert_str_eq(ref, "refs/heads/street/2026");
}

Test(gitref_parse, garbage)
{
    char hex[GITREF_HEX + 1], ref[64];
    const char *bad[] = {
        "",
        "\n",
        "hello\n",
        "0123456789abcdef0123456789abcdef0123456\n",          /* 39 digits */
        "0123456789abcdef0123456789abcdef012345678\n",        /* 41 */
        "0123456789abcdef0123456789abcdef0123456g\n",         /* not hex */
        C1 "\n\n",                                             /* two newlines */
        /* a SHA-256 repository's 64 digits: not what this reader promises */
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
        "ref: \n",
        "ref: HEAD\n",
        "ref:refs/heads/main\n",
        "ref: refs/heads/../../../etc/passwd\n",
        "ref: refs/heads/main.lock\n",
        "ref: refs/heads/.hidden\n",
        "ref: refs//heads\n",
        "ref: refs/heads/a b\n",
        "ref: /etc/passwd\n",
        "ref: refs/heads/main\nref: refs/heads/other\n",
    };
    size_t i;

    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_expect_eq(head(bad[i], hex, ref, sizeof ref), GITREF_BAD, "accepted [%s]", bad[i]);
}

Test(gitref_parse, too_long)
{
    char hex[GITREF_HEX + 1], ref[GITREF_NAME_MAX + 1], small[16];
    char buf[GITREF_NAME_MAX + 32];
    size_t i;

    /* a name that fits the reader's bound but not the caller's buffer */
    cr_assert_eq(head("ref: refs/heads/a-long-branch\n", hex, small, sizeof small), GITREF_BAD);
    /* a name over GITREF_NAME_MAX */
    strcpy(buf, "ref: refs/heads/");
    for (i = strlen(buf); i < sizeof buf - 2; i++)
        buf[i] = 'x';
    buf[i] = '\0';
    cr_assert_eq(head(buf, hex, ref, sizeof ref), GITREF_BAD);
    /* exactly GITREF_NAME_MAX is fine */
    buf[5 + GITREF_NAME_MAX] = '\0';
    cr_assert_eq(head(buf, hex, ref, sizeof ref), GITREF_SYMREF);
    cr_assert_eq(strlen(ref), GITREF_NAME_MAX);
}

Test(gitref_parse, packed_refs)
{
    const char *p = "# pack-refs with: peeled fully-peeled sorted \n"
                    C1 " refs/heads/main\n"
                    C2 " refs/tags/v1\n"
                    "^" C1 "\n"
                    C2 " refs/heads/main-old\n";
    char hex[GITREF_HEX + 1];

    cr_assert_eq(packed(p, "refs/heads/main", hex), 0);
    cr_assert_str_eq(hex, C1);
    cr_assert_eq(packed(p, "refs/heads/main-old", hex), 0);
    cr_assert_str_eq(hex, C2);
    cr_assert_eq(packed(p, "refs/tags/v1", hex), 0);
    cr_assert_str_eq(hex, C2);
    cr_assert_eq(packed(p, "refs/heads/mai", hex), 1);
    cr_assert_eq(packed(p, "refs/heads/other", hex), 1);
    /* no final newline */
    cr_assert_eq(packed(C1 " refs/heads/main", "refs/heads/main", hex), 0);
    cr_assert_eq(packed("", "refs/heads/main", hex), 1);
    /* garbage before the ref */
    cr_assert_eq(packed("nonsense line\n" C1 " refs/heads/main\n", "refs/heads/main", hex), -1);
    cr_assert_eq(packed(C1 "refs/heads/main\n", "refs/heads/main", hex), -1);
}

Test(gitref_parse, gitdir_file)
{
    char dir[32];
    const char *s = "gitdir: ../main/.git/worktrees/hall\n";

    cr_assert_eq(gitref_parse_gitfile(s, strlen(s), dir, sizeof dir), 0);
    cr_assert_str_eq(dir, "../main/.git/worktrees/hall");
    cr_assert_eq(gitref_parse_gitfile("gitdir: /x", 10, dir, sizeof dir), 0);
    cr_assert_str_eq(dir, "/x");
    cr_assert_eq(gitref_parse_gitfile("gitdir: \n", 9, dir, sizeof dir), -1);
    cr_assert_eq(gitref_parse_gitfile("gitdir:/x\n", 10, dir, sizeof dir), -1);
    cr_assert_eq(gitref_parse_gitfile("gitdir: a\nb\n", 12, dir, sizeof dir), -1);
    s = "gitdir: /a/path/longer/than/thirty/two/bytes\n";
    cr_assert_eq(gitref_parse_gitfile(s, strlen(s), dir, sizeof dir), -1);
}

/* ---- gitref_head over folders ---- */

static char root[64];

static void put(const char *rel, const char *content)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fputs(content, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
}

static void dir(const char *rel)
{
    char path[256];

    snprintf(path, sizeof path, "%s/%s", root, rel);
    cr_assert_eq(mkdir(path, 0755), 0, "%s", path);
}

static void setup(void)
{
    strcpy(root, "/tmp/spk-gitref-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    cr_assert_eq(system(cmd), 0);
}

static int at(const char *rel, char hex[GITREF_HEX + 1])
{
    char path[256];

    snprintf(path, sizeof path, "%s/%s", root, rel);
    return gitref_head(path, hex);
}

static void gitdir(const char *rel)
{
    char p[128];

    dir(rel);
    snprintf(p, sizeof p, "%s/refs", rel);
    dir(p);
    snprintf(p, sizeof p, "%s/refs/heads", rel);
    dir(p);
}

Test(gitref_head, not_a_checkout, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1];

    cr_assert_eq(at("", hex), 1);
    cr_assert_eq(at("missing", hex), 1);
}

Test(gitref_head, loose_ref, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1];

    gitdir(".git");
    put(".git/HEAD", "ref: refs/heads/main\n");
    put(".git/refs/heads/main", C1 "\n");
    /* packed-refs has an older value: the loose file wins, as in git */
    put(".git/packed-refs", C2 " refs/heads/main\n");
    cr_assert_eq(at("", hex), 0);
    cr_assert_str_eq(hex, C1);
}

Test(gitref_head, packed_ref, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1];

    gitdir(".git");
    put(".git/HEAD", "ref: refs/heads/main\n");
    put(".git/packed-refs", "# pack-refs with: peeled fully-peeled sorted \n" C1
                            " refs/heads/dev\n" C2 " refs/heads/main\n");
    cr_assert_eq(at("", hex), 0);
    cr_assert_str_eq(hex, C2);
}

Test(gitref_head, detached_head, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1];

    gitdir(".git");
    put(".git/HEAD", C2 "\n");
    cr_assert_eq(at("", hex), 0);
    cr_assert_str_eq(hex, C2);
}

Test(gitref_head, symbolic_chain_bounded, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1];

    gitdir(".git");
    put(".git/HEAD", "ref: refs/heads/a\n");
    put(".git/refs/heads/a", "ref: refs/heads/b\n");
    put(".git/refs/heads/b", C1 "\n");
    cr_assert_eq(at("", hex), 0);
    cr_assert_str_eq(hex, C1);
    /* a loop ends at the depth bound */
    put(".git/refs/heads/b", "ref: refs/heads/a\n");
    cr_assert_eq(at("", hex), -1);
}

Test(gitref_head, gitdir_file_and_worktree, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1];

    /* main/.git holds the refs; hall/.git points to main/.git/worktrees/hall,
     * whose commondir leads back, as `git worktree add` leaves them */
    dir("main");
    gitdir("main/.git");
    dir("main/.git/worktrees");
    dir("main/.git/worktrees/hall");
    put("main/.git/HEAD", "ref: refs/heads/main\n");
    put("main/.git/refs/heads/main", C1 "\n");
    put("main/.git/refs/heads/hall", C2 "\n");
    put("main/.git/worktrees/hall/HEAD", "ref: refs/heads/hall\n");
    put("main/.git/worktrees/hall/commondir", "../..\n");
    dir("hall");
    put("hall/.git", "gitdir: ../main/.git/worktrees/hall\n");
    cr_assert_eq(at("hall", hex), 0);
    cr_assert_str_eq(hex, C2);
    cr_assert_eq(at("main", hex), 0);
    cr_assert_str_eq(hex, C1);
    /* an absolute gitdir (a submodule's style) without commondir */
    dir("sub");
    {
        char line[160];
        snprintf(line, sizeof line, "gitdir: %s/main/.git\n", root);
        put("sub/.git", line);
    }
    cr_assert_eq(at("sub", hex), 0);
    cr_assert_str_eq(hex, C1);
}

Test(gitref_head, garbage, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1];

    gitdir(".git");
    /* an unborn branch: HEAD names a ref no file has */
    put(".git/HEAD", "ref: refs/heads/main\n");
    cr_assert_eq(at("", hex), -1);
    put(".git/refs/heads/main", "not a commit\n");
    cr_assert_eq(at("", hex), -1);
    put(".git/HEAD", "ref: refs/heads/../../../../etc/passwd\n");
    cr_assert_eq(at("", hex), -1);
    put(".git/HEAD", "");
    cr_assert_eq(at("", hex), -1);
    /* .git a file that is not a gitdir line */
    dir("w");
    put("w/.git", "hello\n");
    cr_assert_eq(at("w", hex), -1);
    /* a FIFO for HEAD is refused, not waited on */
    dir("f");
    gitdir("f/.git");
    {
        char p[256];
        snprintf(p, sizeof p, "%s/f/.git/HEAD", root);
        cr_assert_eq(mkfifo(p, 0600), 0);
    }
    cr_assert_eq(at("f", hex), -1);
}

Test(gitref_head, too_long, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1];
    char *big = malloc(GITREF_FILE_MAX + 2);
    size_t i;

    cr_assert_not_null(big);
    gitdir(".git");
    /* a HEAD over the bound is not read, whatever it starts with */
    memcpy(big, C1, GITREF_HEX);
    for (i = GITREF_HEX; i < GITREF_FILE_MAX + 1; i++)
        big[i] = '\n';
    big[GITREF_FILE_MAX + 1] = '\0';
    put(".git/HEAD", big);
    cr_assert_eq(at("", hex), -1);
    /* a .git file over the bound */
    dir("w");
    memcpy(big, "gitdir: ", 8);
    for (i = 8; i < GITREF_FILE_MAX + 1; i++)
        big[i] = 'x';
    put("w/.git", big);
    cr_assert_eq(at("w", hex), -1);
    free(big);
}

/* What the reader refuses besides what leaves the git directory: the
 * characters git itself never puts in a ref name, bytes outside printable
 * ASCII, a name ending in a folder, and one a byte over GITREF_NAME_MAX. */
Test(gitref_parse, names_git_would_not_make)
{
    static const char *const bad[] = {
        "refs/heads/a:b", "refs/heads/a?b", "refs/heads/a*b", "refs/heads/a[b",
        "refs/heads/a~1", "refs/heads/a^2", "refs/heads/a\\b", "refs/heads/\x7f",
        "refs/heads/\xe4\xb8\xbb", "refs/heads/",
    };
    char name[GITREF_NAME_MAX + 2];
    size_t i;

    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_expect_not(gitref_name_ok(bad[i]), "accepted [%s]", bad[i]);
    memcpy(name, "refs/heads/", 11);
    memset(name + 11, 'x', GITREF_NAME_MAX - 11);
    name[GITREF_NAME_MAX] = '\0';
    cr_expect(gitref_name_ok(name), "GITREF_NAME_MAX bytes refused");
    name[GITREF_NAME_MAX] = 'x';
    name[GITREF_NAME_MAX + 1] = '\0';
    cr_expect_not(gitref_name_ok(name), "GITREF_NAME_MAX + 1 bytes accepted");
}

/* The bound exactly: HEAD and then GITREF_DEPTH symbolic refs are followed
 * to a commit, one more is not (the loop test above passes any bound). */
Test(gitref_head, symbolic_chain_at_the_depth_bound, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1], rel[64], line[64];
    int i;

    gitdir(".git");
    put(".git/HEAD", "ref: refs/heads/r1\n");
    for (i = 1; i < GITREF_DEPTH; i++) {
        snprintf(rel, sizeof rel, ".git/refs/heads/r%d", i);
        snprintf(line, sizeof line, "ref: refs/heads/r%d\n", i + 1);
        put(rel, line);
    }
    snprintf(rel, sizeof rel, ".git/refs/heads/r%d", GITREF_DEPTH);
    put(rel, C1 "\n");
    cr_assert_eq(at("", hex), 0, "%d symbolic steps not followed", GITREF_DEPTH);
    cr_assert_str_eq(hex, C1);
    snprintf(line, sizeof line, "ref: refs/heads/r%d\n", GITREF_DEPTH + 1);
    put(rel, line);
    snprintf(rel, sizeof rel, ".git/refs/heads/r%d", GITREF_DEPTH + 1);
    put(rel, C1 "\n");
    cr_assert_eq(at("", hex), -1, "%d symbolic steps followed", GITREF_DEPTH + 1);
}

/* A NUL inside a name read from a file would cut it short where the
 * checks end: "refs/heads/a" passed for what git wrote as a longer name. */
Test(gitref_parse, a_nul_inside_a_name_is_refused)
{
    static const char h[] = "ref: refs/heads/a\0../../x\n", g[] = "gitdir: /x\0/y\n";
    char hex[GITREF_HEX + 1], ref[64], d[32];

    cr_assert_eq(head_n(h, sizeof h - 1, hex, ref, sizeof ref), GITREF_BAD);
    cr_assert_eq(gitref_parse_gitfile(g, sizeof g - 1, d, sizeof d), -1);
}

/* packed-refs with CRLF line ends (a checkout copied through Windows
 * tools) is read as with LF. */
Test(gitref_parse, packed_refs_with_crlf)
{
    char hex[GITREF_HEX + 1];

    cr_assert_eq(packed("# pack-refs with: peeled\r\n" C1 " refs/heads/main\r\n", "refs/heads/main", hex), 0);
    cr_assert_str_eq(hex, C1);
}

/* put with n bytes of content, which may hold a NUL */
static void put_n(const char *rel, const char *content, size_t n)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    cr_assert_not_null(f = fopen(path, "w"), "%s", path);
    cr_assert_eq(fwrite(content, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

/* A worktree's commondir with a NUL inside is refused like HEAD's: the
 * path would be cut at the NUL, past the checks. */
Test(gitref_head, a_nul_inside_commondir_is_refused, .init = setup, .fini = teardown)
{
    static const char common[] = "../..\0/elsewhere\n";
    char hex[GITREF_HEX + 1];

    dir("main");
    gitdir("main/.git");
    dir("main/.git/worktrees");
    dir("main/.git/worktrees/hall");
    put("main/.git/HEAD", "ref: refs/heads/main\n");
    put("main/.git/refs/heads/hall", C2 "\n");
    put("main/.git/worktrees/hall/HEAD", "ref: refs/heads/hall\n");
    put_n("main/.git/worktrees/hall/commondir", common, sizeof common - 1);
    dir("hall");
    put("hall/.git", "gitdir: ../main/.git/worktrees/hall\n");
    cr_assert_eq(at("hall", hex), -1);
}

/* ---- gitref_upstream: the office's branch as last fetched ---- */

static int up_at(const char *rel, char hex[GITREF_HEX + 1])
{
    char path[256];

    snprintf(path, sizeof path, "%s/%s", root, rel);
    return gitref_upstream(path, hex);
}

Test(gitref_upstream, loose_then_packed, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1];

    gitdir(".git");
    dir(".git/refs/remotes");
    dir(".git/refs/remotes/origin");
    put(".git/HEAD", "ref: refs/heads/main\n");
    put(".git/refs/heads/main", C1 "\n");
    /* a clone packs its remote refs; a later fetch writes a loose one */
    put(".git/packed-refs", C1 " refs/remotes/origin/dev\n" C1 " refs/remotes/origin/main\n");
    cr_assert_eq(up_at("", hex), 0);
    cr_assert_str_eq(hex, C1);
    put(".git/refs/remotes/origin/main", C2 "\n");
    cr_assert_eq(up_at("", hex), 0);
    cr_assert_str_eq(hex, C2);
}

Test(gitref_upstream, none, .init = setup, .fini = teardown)
{
    char hex[GITREF_HEX + 1];

    cr_assert_eq(up_at("", hex), 1, "no checkout");
    gitdir(".git");
    put(".git/HEAD", "ref: refs/heads/main\n");
    put(".git/refs/heads/main", C1 "\n");
    cr_assert_eq(up_at("", hex), 1, "never fetched: no remote ref, no packed-refs");
    put(".git/packed-refs", C1 " refs/heads/main\n");
    cr_assert_eq(up_at("", hex), 1, "packed-refs without it");
    put(".git/HEAD", C2 "\n");
    cr_assert_eq(up_at("", hex), 1, "a detached HEAD follows no branch");
    put(".git/HEAD", "garbage\n");
    cr_assert_eq(up_at("", hex), -1);
}
