/* Unit tests of the admin console's core (admin.c) and of the library's
 * edit scan it rests on: If-Match matching, which names are procedure
 * files, an edit checked in place of its file (parsed, never reused; a new
 * file; id clashes either way; a changed id), and saving (each refusal
 * leaves the file alone, a save writes it atomically and loads it; a file
 * written by someone else between the check and the rename is not
 * overwritten; a folder that cannot be synced after the rename does not
 * undo the save). Each test works in its own temporary tree and database. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "admin.h"
#include "catalog.h"
#include "db.h"
#include "dbtemplate.h"
#include "library.h"
#include "loader.h"
#include "store.h"

#define GOOD(t) "# " t "\n\n简介。\n\n## 第一步:准备\n- [ ] 身份证\n"
#define BROKEN "# 坏\n\n简介。\n\n## 第一步:准备\n- [ ] 身份证\n- [ ] \n" /* line 7 */

static char dir[64];
static char root[96];
static struct db *db;

/* The test binary's own fsync stands in for libc's (admin.c is linked
 * into this executable, which defines it), so that a test can make the
 * fsync of one folder fail without a hook in admin.c. Every other call
 * goes to the kernel. */
static bool fsync_fail;
static dev_t fsync_fail_dev;
static ino_t fsync_fail_ino;
static int fsync_failed;

int fsync(int fd)
{
    struct stat st;

    if (fsync_fail && fstat(fd, &st) == 0 && st.st_dev == fsync_fail_dev &&
        st.st_ino == fsync_fail_ino) {
        fsync_failed++;
        errno = EIO;
        return -1;
    }
    return (int)syscall(SYS_fsync, fd);
}

static void put(const char *rel, const char *text)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof p, "%s/%s", root, rel);
    cr_assert_not_null(f = fopen(p, "w"), "%s", p);
    cr_assert_eq(fputs(text, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
}

/* The file's content (in a buffer reused by the next call), or NULL. */
static const char *get(const char *rel)
{
    static char buf[4096];
    char p[256], *text = NULL;
    size_t len;

    snprintf(p, sizeof p, "%s/%s", root, rel);
    if (library_read_file(p, sizeof buf - 1, &text, &len) != 0)
        return NULL;
    memcpy(buf, text, len + 1);
    free(text);
    return buf;
}

static void setup(void)
{
    char err[256], p[160];

    strcpy(dir, "/tmp/spk-adminXXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(root, sizeof root, "%s/tree", dir);
    cr_assert_eq(mkdir(root, 0755), 0);
    snprintf(p, sizeof p, "%s/alpha", root);
    cr_assert_eq(mkdir(p, 0755), 0);
    put("alpha/README.md", "# 甲\n\n甲类。\n");
    put("alpha/one.md", GOOD("一"));
    put("alpha/two.md", GOOD("二"));
    snprintf(p, sizeof p, "%s/x.db", dir);
    dbtemplate_make(p);
    cr_assert_eq(db_open(p, &db, err, sizeof err), 0, "%s", err);
    cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
    cr_assert_eq(loader_run(db, root), 0);
}

static void teardown(void)
{
    char cmd[128];

    catalog_shutdown();
    db_close(db);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static bool has(const struct diag_list *l, enum diag_severity sev, int line, const char *sub)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (l->items[i].severity == sev && l->items[i].line == line &&
            strstr(l->items[i].message, sub))
            return true;
    return false;
}

/* Names in alpha/ starting with a dot: a temporary file left behind. */
static int dotfiles(void)
{
    char p[160];
    struct dirent *e;
    DIR *d;
    int n = 0;

    snprintf(p, sizeof p, "%s/alpha", root);
    cr_assert_not_null(d = opendir(p));
    while ((e = readdir(d)))
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

Test(admin, if_match_takes_quoted_and_bare_tags_and_star)
{
    const char *h = "abc123";

    cr_assert(admin_if_match("\"abc123\"", h, true));
    cr_assert(admin_if_match("abc123", h, true));
    cr_assert(admin_if_match(" \"zzz\", \"abc123\" ", h, true));
    cr_assert(admin_if_match("*", h, true));
    cr_assert_not(admin_if_match("*", h, false));
    cr_assert_not(admin_if_match("\"abc123\"", h, false));
    cr_assert_not(admin_if_match("W/\"abc123\"", h, true));
    cr_assert_not(admin_if_match("\"abc12\"", h, true));
    cr_assert_not(admin_if_match("\"abc1234\"", h, true));
    cr_assert_not(admin_if_match("", h, true));
    cr_assert_not(admin_if_match(NULL, h, true));
    cr_assert_not(admin_if_match("\"\"", "", true));
}

Test(admin, rel_names_procedure_files_only)
{
    cr_assert(admin_rel_valid("employment/labour-handbook.md"));
    cr_assert(admin_rel_valid("a/中文名.md"));
    cr_assert_not(admin_rel_valid("labour.md"));
    cr_assert_not(admin_rel_valid("employment/README.md"));
    cr_assert_not(admin_rel_valid("employment/_triage.md"));
    cr_assert_not(admin_rel_valid("employment/.x.md"));
    cr_assert_not(admin_rel_valid("employment/x.txt"));
    cr_assert_not(admin_rel_valid("employment/.md"));
    cr_assert_not(admin_rel_valid("../x/y.md"));
    cr_assert_not(admin_rel_valid("Employment/x.md"));
    cr_assert_not(admin_rel_valid("a/b/c.md"));
    cr_assert_not(admin_rel_valid("a/x\n.md"));
    cr_assert_not(admin_rel_valid("a/\xff.md"));
}

Test(admin, edit_scan_parses_the_edit_and_adds_a_new_file, .init = setup, .fini = teardown)
{
    struct library_edit e = {"alpha/one.md", GOOD("改"), strlen(GOOD("改")), false};
    struct library lib;

    cr_assert_eq(library_scan_edit(root, 0, &(struct library_reuse){.by_hash = store_reuse, .ctx = db}, &e, &lib), 0);
    cr_assert_eq(lib.n_files, 2);
    cr_assert_str_eq(lib.files[0].rel, "alpha/one.md");
    cr_assert_eq(lib.files[0].status, LIB_PARSED, "the edit is parsed, never reused");
    cr_assert_str_eq(lib.files[0].model->title, "改");
    cr_assert_eq(lib.files[1].status, LIB_REUSED, "an unchanged file is reused");
    library_free(&lib);
    cr_assert_str_eq(get("alpha/one.md"), GOOD("一"), "the scan writes nothing");

    e.rel = "alpha/b-new.md";
    cr_assert_eq(library_scan_edit(root, 0, &(struct library_reuse){.by_hash = store_reuse, .ctx = db}, &e, &lib), 0);
    cr_assert_eq(lib.n_files, 3);
    cr_assert_str_eq(lib.files[0].rel, "alpha/b-new.md", "kept in path order");
    cr_assert_eq(lib.files[0].status, LIB_PARSED);
    cr_assert_str_eq(lib.files[0].id, "b-new");
    library_free(&lib);
}

Test(admin, check_reports_the_edit_lines_under_its_rel, .init = setup, .fini = teardown)
{
    struct admin_check c;

    cr_assert_eq(admin_check(db, root, 0, "alpha/one.md", BROKEN, strlen(BROKEN), &c), 0);
    cr_assert_eq(c.diags.errors, 1);
    cr_assert_str_eq(c.diags.items[0].file, "alpha/one.md");
    cr_assert(has(&c.diags, DIAG_ERROR, 7, "清单项"));
    cr_assert_null(c.model);
    admin_check_free(&c);
    cr_assert_eq(admin_check(db, root, 0, "alpha/one.md", GOOD("好"), strlen(GOOD("好")), &c), 0);
    cr_assert_eq(c.diags.n, 0);
    cr_assert_not_null(c.model);
    cr_assert_str_eq(c.model->title, "好");
    admin_check_free(&c);
}

/* The loader refuses only the later of two files by path; an edit that
 * takes another file's id is refused whichever comes first. */
Test(admin, check_refuses_an_id_clash_either_way, .init = setup, .fini = teardown)
{
    const char *as_two = "---\nid: two\n---\n" GOOD("冒名");
    const char *as_one = "---\nid: one\n---\n" GOOD("冒名");
    struct admin_check c;

    /* one.md comes before two.md */
    cr_assert_eq(admin_check(db, root, 0, "alpha/one.md", as_two, strlen(as_two), &c), 0);
    /* at the `id:` line that claims it */
    cr_assert(has(&c.diags, DIAG_ERROR, 2, "alpha/two.md"), "edit first by path");
    cr_assert_null(c.model);
    admin_check_free(&c);
    cr_assert_eq(admin_check(db, root, 0, "alpha/two.md", as_one, strlen(as_one), &c), 0);
    cr_assert_gt(c.diags.errors, 0, "edit second by path");
    cr_assert_null(c.model);
    admin_check_free(&c);
    /* a new file too, even when the other file is broken now and only its
     * last good version is live */
    put("alpha/two.md", BROKEN);
    cr_assert_eq(loader_run(db, root), 0);
    cr_assert_eq(admin_check(db, root, 0, "alpha/a-new.md", as_two, strlen(as_two), &c), 0);
    cr_assert(has(&c.diags, DIAG_ERROR, 2, "alpha/two.md"));
    /* the loader would take the new file: only this check finds the
     * clash, and a text with an error has no model (the preview renders
     * none) */
    cr_assert_null(c.model);
    admin_check_free(&c);
}

Test(admin, check_warns_that_a_changed_id_retires_the_old, .init = setup, .fini = teardown)
{
    const char *renamed = "---\nid: one-new\n---\n" GOOD("一");
    struct admin_check c;

    cr_assert_eq(admin_check(db, root, 0, "alpha/one.md", renamed, strlen(renamed), &c), 0);
    cr_assert_eq(c.diags.errors, 0);
    cr_assert(has(&c.diags, DIAG_WARNING, 2, "保存后 one 停办")); /* at the `id:` line */
    cr_assert_not_null(c.model);
    admin_check_free(&c);
}

/* With a later `effective` the old id stays until that date: the warning
 * said 保存后 one 停办 of a save that stopped nothing yet (a policy-change
 * review). */
Test(admin, check_of_a_scheduled_id_change_names_the_date, .init = setup, .fini = teardown)
{
    const char *renamed = "---\nid: one-new\neffective: 2099-03-01\n---\n" GOOD("一");
    struct admin_check c;

    cr_assert_eq(admin_check(db, root, 20261204, "alpha/one.md", renamed, strlen(renamed), &c), 0);
    cr_assert_eq(c.diags.errors, 0);
    cr_assert(has(&c.diags, DIAG_WARNING, 2, "到 2099-03-01 新版本生效时 one 停办"));
    cr_assert_not(has(&c.diags, DIAG_WARNING, 1, "保存后"));
    admin_check_free(&c);
}

Test(admin, check_of_a_missing_category_is_an_error, .init = setup, .fini = teardown)
{
    struct admin_check c;

    cr_assert_eq(admin_check(db, root, 0, "nowhere/x.md", GOOD("x"), strlen(GOOD("x")), &c), 0);
    cr_assert(has(&c.diags, DIAG_ERROR, 1, "分类文件夹 nowhere 不存在"), "not: has a problem");
    cr_assert_null(c.model);
    admin_check_free(&c);
}

static void hash_of(const char *text, char out[65])
{
    library_hash(text, strlen(text), out);
}

Test(admin, save_refusals_leave_the_file_alone, .init = setup, .fini = teardown)
{
    struct admin_check c;
    struct admin_saved res;
    char h[65], tag[70];

    cr_assert_eq(admin_save(db, root, "alpha/one.md", GOOD("改"), strlen(GOOD("改")), "\"nope\"", &c,
                            &res), 0);
    cr_assert_eq(res.outcome, ADMIN_CHANGED);
    hash_of(GOOD("一"), h);
    cr_assert_str_eq(res.current, h);
    admin_check_free(&c);

    snprintf(tag, sizeof tag, "\"%s\"", h);
    cr_assert_eq(admin_save(db, root, "alpha/one.md", BROKEN, strlen(BROKEN), tag, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_INVALID);
    cr_assert(has(&c.diags, DIAG_ERROR, 7, "清单项"));
    admin_check_free(&c);

    cr_assert_eq(admin_save(db, root, "alpha/one.md", GOOD("改"), strlen(GOOD("改")), NULL, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_EXISTS);
    admin_check_free(&c);

    cr_assert_eq(admin_save(db, root, "alpha/gone.md", GOOD("改"), strlen(GOOD("改")), "*", &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_MISSING);
    admin_check_free(&c);

    cr_assert_str_eq(get("alpha/one.md"), GOOD("一"));
    cr_assert_null(get("alpha/gone.md"));
    cr_assert_eq(dotfiles(), 0);
}

Test(admin, save_writes_loads_and_publishes, .init = setup, .fini = teardown)
{
    struct admin_check c;
    struct admin_saved res;
    struct catalog *snap;
    const struct catalog_proc *p;
    char h[65], tag[70];

    hash_of(GOOD("一"), h);
    snprintf(tag, sizeof tag, "\"%s\"", h);
    cr_assert_eq(admin_save(db, root, "alpha/one.md", GOOD("新"), strlen(GOOD("新")), tag, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_SAVED);
    cr_assert(res.live);
    cr_assert_str_eq(get("alpha/one.md"), GOOD("新"));
    cr_assert_eq(dotfiles(), 0);
    hash_of(GOOD("新"), h);
    cr_assert_str_eq(c.hash, h);
    admin_check_free(&c);
    snap = catalog_acquire();
    cr_assert_not_null(p = catalog_find(snap, "one"));
    cr_assert_str_eq(p->hash, h, "published before admin_save returns");
    catalog_release(snap);

    cr_assert_eq(admin_save(db, root, "alpha/three.md", GOOD("三"), strlen(GOOD("三")), NULL, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_SAVED);
    admin_check_free(&c);
    snap = catalog_acquire();
    cr_assert_not_null(catalog_find(snap, "three"));
    catalog_release(snap);
}

Test(admin, list_shows_state_errors_and_problems, .init = setup, .fini = teardown)
{
    char *json = NULL;

    put("alpha/two.md", BROKEN);
    put("alpha/bad.md", BROKEN);
    put("_triage.md", "# 分诊\n");
    cr_assert_eq(loader_run(db, root), 0);
    cr_assert_eq(admin_list_json(db, root, 20260101, false, &json), 0);
    cr_assert(strstr(json, "\"id\":\"two\""));
    cr_assert(strstr(json, "\"state\":\"error_old_live\""));
    cr_assert(strstr(json, "\"state\":\"error_not_live\""));
    cr_assert(strstr(json, "{\"file\":\"alpha/two.md\",\"line\":7,"));
    cr_assert(strstr(json, "\"problems\":[{\"file\":\"_triage.md\",\"line\":1,\"severity\":\"error\""));
    free(json);
}

/* The rename is done, only the folder's fsync fails: the file is the new
 * one, so the save is SAVED and loaded, never -1 ("nothing changed"). */
Test(admin, save_is_done_when_only_the_folder_sync_fails, .init = setup, .fini = teardown)
{
    struct admin_check c;
    struct admin_saved res;
    struct catalog *snap;
    const struct catalog_proc *p;
    struct stat st;
    char h[65], tag[70], folder[160];

    snprintf(folder, sizeof folder, "%s/alpha", root);
    cr_assert_eq(stat(folder, &st), 0);
    fsync_fail_dev = st.st_dev;
    fsync_fail_ino = st.st_ino;
    fsync_fail = true;
    hash_of(GOOD("一"), h);
    snprintf(tag, sizeof tag, "\"%s\"", h);
    cr_assert_eq(admin_save(db, root, "alpha/one.md", GOOD("新"), strlen(GOOD("新")), tag, &c, &res), 0);
    fsync_fail = false;
    cr_assert_gt(fsync_failed, 0, "the folder's fsync was attempted and failed");
    cr_assert_eq(res.outcome, ADMIN_SAVED);
    cr_assert(res.live, "the load ran");
    admin_check_free(&c);
    cr_assert_str_eq(get("alpha/one.md"), GOOD("新"));
    cr_assert_eq(dotfiles(), 0);
    hash_of(GOOD("新"), h);
    snap = catalog_acquire();
    cr_assert_not_null(p = catalog_find(snap, "one"));
    cr_assert_str_eq(p->hash, h);
    catalog_release(snap);
}

/* Prepares a save of text over rel (If-Match: its current content's hash,
 * or creating when cur is NULL); the temporary file is then on disk. */
static struct admin_pending *prepare(const char *rel, const char *cur, const char *text,
                                     struct admin_check *c, struct admin_saved *res)
{
    struct admin_pending *p = NULL;
    char h[65], tag[70];

    if (cur) {
        hash_of(cur, h);
        snprintf(tag, sizeof tag, "\"%s\"", h);
    }
    cr_assert_eq(admin_save_prepare(db, root, rel, text, strlen(text), cur ? tag : NULL, c, res, &p),
                 1);
    cr_assert_not_null(p);
    cr_assert_eq(dotfiles(), 1, "the temporary file is written before the commit");
    return p;
}

/* The whole-tree check lies between If-Match and the rename: a file
 * written, deleted or created in that time is never overwritten. */
Test(admin, commit_refuses_a_file_written_after_if_match, .init = setup, .fini = teardown)
{
    const char *theirs = GOOD("别人改的");
    struct admin_pending *p;
    struct admin_check c;
    struct admin_saved res;
    char h[65];

    p = prepare("alpha/one.md", GOOD("一"), GOOD("我改的"), &c, &res);
    put("alpha/one.md", theirs);
    cr_assert_eq(admin_save_commit(db, root, p, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_CHANGED);
    hash_of(theirs, h);
    cr_assert_str_eq(res.current, h);
    cr_assert_str_eq(get("alpha/one.md"), theirs);
    cr_assert_eq(dotfiles(), 0, "the temporary file is removed");
    admin_check_free(&c);
}

Test(admin, commit_refuses_a_file_deleted_after_if_match, .init = setup, .fini = teardown)
{
    struct admin_pending *p;
    struct admin_check c;
    struct admin_saved res;
    char path[160];

    p = prepare("alpha/one.md", GOOD("一"), GOOD("我改的"), &c, &res);
    snprintf(path, sizeof path, "%s/alpha/one.md", root);
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(admin_save_commit(db, root, p, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_MISSING);
    cr_assert_null(get("alpha/one.md"));
    cr_assert_eq(dotfiles(), 0);
    admin_check_free(&c);
}

Test(admin, commit_refuses_a_file_created_meanwhile, .init = setup, .fini = teardown)
{
    const char *theirs = GOOD("别人建的");
    struct admin_pending *p;
    struct admin_check c;
    struct admin_saved res;

    p = prepare("alpha/three.md", NULL, GOOD("三"), &c, &res);
    put("alpha/three.md", theirs);
    cr_assert_eq(admin_save_commit(db, root, p, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_EXISTS);
    cr_assert_str_eq(get("alpha/three.md"), theirs);
    cr_assert_eq(dotfiles(), 0);
    admin_check_free(&c);
}

/* Names in the folder p starting with a dot (a temporary file left there). */
static int dotfiles_in(const char *p)
{
    struct dirent *e;
    DIR *d;
    int n = 0;

    cr_assert_not_null(d = opendir(p), "%s", p);
    while ((e = readdir(d)))
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* alpha/ swapped between the save's two phases (the whole-tree check lies
 * between them; a pull or a shell may do it then): moved to target and a
 * symbolic link to it put in its place (how 0: target outside the library;
 * 1: another category of the library, "beta"), or (how 2) moved away and a
 * new folder with the same files made in its place. Its one.md has the
 * bytes the admin saw, so a save that compares and renames by path went
 * through the link (or failed in a folder without its temporary file).
 * The commit refuses it (CHANGED), writes nothing in the target, and
 * leaves no temporary file in the folder it was made in. */
static void swapped_folder(int how)
{
    const char *outcome_of[] = {"SAVED", "INVALID", "CHANGED", "MISSING", "EXISTS"};
    char alpha[160], target[160], p[200];
    struct admin_pending *pend;
    struct admin_check c;
    struct admin_saved res;

    snprintf(alpha, sizeof alpha, "%s/alpha", root);
    if (how == 0)
        snprintf(target, sizeof target, "%s/outside", dir);
    else
        snprintf(target, sizeof target, "%s/%s", root, how == 1 ? "beta" : "alpha.old");
    pend = prepare("alpha/one.md", GOOD("一"), GOOD("我改的"), &c, &res);
    cr_assert_eq(rename(alpha, target), 0);
    if (how < 2) {
        cr_assert_eq(symlink(target, alpha), 0);
    } else {
        cr_assert_eq(mkdir(alpha, 0755), 0);
        put("alpha/README.md", "# 甲\n\n甲类。\n");
        put("alpha/one.md", GOOD("一"));
    }
    cr_assert_eq(admin_save_commit(db, root, pend, &c, &res), 0, "case %d", how);
    cr_assert_eq(res.outcome, ADMIN_CHANGED, "case %d: %s", how, outcome_of[res.outcome]);
    snprintf(p, sizeof p, "%s/one.md", target);
    {
        char *text = NULL;
        size_t len;
        cr_assert_eq(library_read_file(p, 4096, &text, &len), 0);
        cr_assert_str_eq(text, GOOD("一"), "case %d: the target's file is untouched", how);
        free(text);
    }
    cr_assert_eq(dotfiles_in(target), 0, "case %d: no temporary file left", how);
    if (how == 2)
        cr_assert_str_eq(get("alpha/one.md"), GOOD("一"));
    admin_check_free(&c);
}

Test(admin, commit_refuses_a_folder_swapped_for_a_link_outside, .init = setup, .fini = teardown)
{
    swapped_folder(0);
}

Test(admin, commit_refuses_a_folder_swapped_for_a_link_to_another_category, .init = setup,
     .fini = teardown)
{
    swapped_folder(1);
}

Test(admin, commit_refuses_a_folder_replaced_by_another, .init = setup, .fini = teardown)
{
    swapped_folder(2);
}

/* 恢复 with alpha/ swapped between its two phases, as swapped_folder does
 * to a save: one.md retired (its file deleted, its practice file set aside
 * by 停办), restore_prepare puts the practice file back and prepares the
 * new file, then the folder goes (how as swapped_folder). The commit
 * refuses it as CHANGED with folder_moved (the API's 409 file_changed,
 * not 412 「已经有文件了」), writes no one.md in the target or in a folder
 * made in alpha's place, and sets the practice file aside again in the
 * folder it was moved in, where it was. */
static void restore_swapped_folder(int how)
{
    static const char scen[] = "# 练习\n\n## 场景\n王某来办。\n\n```case\nbrought = s0-0\nexpect = accept\n"
                               "explain = 齐了\n```\n";
    const char *outcome_of[] = {"SAVED", "INVALID", "CHANGED", "MISSING", "EXISTS"};
    char alpha[160], target[160], p[200];
    struct admin_restore_pending *pend = NULL;
    struct admin_check c;
    struct admin_saved res;
    struct stat st;
    char *rel = (char *)1;
    bool practice = true;

    snprintf(alpha, sizeof alpha, "%s/alpha", root);
    snprintf(p, sizeof p, "%s/alpha/one.md", root);
    cr_assert_eq(unlink(p), 0);
    put("alpha/.one.practice.md.retired", scen);
    cr_assert_eq(loader_run(db, root), 0);
    cr_assert_eq(admin_restore_prepare(db, root, "one", &c, &res, &pend), 0);
    cr_assert_not_null(pend);
    cr_assert_str_eq(get("alpha/one.practice.md"), scen, "case %d: the scenarios are put back first", how);
    if (how == 0)
        snprintf(target, sizeof target, "%s/outside", dir);
    else
        snprintf(target, sizeof target, "%s/%s", root, how == 1 ? "beta" : "alpha.old");
    cr_assert_eq(rename(alpha, target), 0);
    if (how < 2) {
        cr_assert_eq(symlink(target, alpha), 0);
    } else {
        cr_assert_eq(mkdir(alpha, 0755), 0);
        put("alpha/README.md", "# 甲\n\n甲类。\n");
    }
    cr_assert_eq(admin_restore_commit(db, root, pend, &c, &res, &rel, &practice), 0, "case %d", how);
    cr_assert_eq(res.outcome, ADMIN_CHANGED, "case %d: %s", how, outcome_of[res.outcome]);
    cr_assert(res.folder_moved, "case %d: the folder, not the file", how);
    cr_assert_not(practice, "case %d", how);
    cr_assert_str_eq(rel, "alpha/one.md");
    free(rel);
    snprintf(p, sizeof p, "%s/one.md", target);
    cr_assert_neq(lstat(p, &st), 0, "case %d: nothing written in the target", how);
    snprintf(p, sizeof p, "%s/one.practice.md", target);
    cr_assert_neq(lstat(p, &st), 0, "case %d: the practice file is aside again", how);
    snprintf(p, sizeof p, "%s/.one.practice.md.retired", target);
    cr_assert_eq(lstat(p, &st), 0, "case %d: where 停办 put it", how);
    cr_assert_eq(dotfiles_in(target), 1, "case %d: no temporary file left", how);
    if (how == 2) {
        cr_assert_null(get("alpha/one.md"), "the new folder holds no one.md");
        cr_assert_eq(dotfiles_in(alpha), 0);
    }
    admin_check_free(&c);
}

Test(admin, restore_refuses_a_folder_swapped_for_a_link_outside, .init = setup, .fini = teardown)
{
    restore_swapped_folder(0);
}

Test(admin, restore_refuses_a_folder_swapped_for_a_link_to_another_category, .init = setup,
     .fini = teardown)
{
    restore_swapped_folder(1);
}

Test(admin, restore_refuses_a_folder_replaced_by_another, .init = setup, .fini = teardown)
{
    restore_swapped_folder(2);
}

/* The content decides: a checkout that writes the same bytes is no change. */
Test(admin, commit_saves_over_the_same_content_rewritten, .init = setup, .fini = teardown)
{
    struct admin_pending *p;
    struct admin_check c;
    struct admin_saved res;

    p = prepare("alpha/one.md", GOOD("一"), GOOD("我改的"), &c, &res);
    put("alpha/one.md", GOOD("一"));
    cr_assert_eq(admin_save_commit(db, root, p, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_SAVED);
    cr_assert(res.live);
    cr_assert_str_eq(get("alpha/one.md"), GOOD("我改的"));
    cr_assert_eq(dotfiles(), 0);
    admin_check_free(&c);
}

/* Every character of the tag counts, the last one too: a tag one digit
 * off names another version of the file. */
Test(admin, if_match_compares_the_whole_tag)
{
    cr_assert_not(admin_if_match("\"abc124\"", "abc123", true));
    cr_assert_not(admin_if_match("abc124", "abc123", true));
}

/* Quotes are taken off only in pairs: a tag opened and not closed (or
 * closed and not opened) is not the hash with one quote too many. */
Test(admin, if_match_strips_quotes_only_in_pairs)
{
    cr_assert_not(admin_if_match("\"abc123x", "abc123", true));
    cr_assert_not(admin_if_match("xabc123\"", "abc123", true));
}

/* ADMIN_REL_MAX is the longest rel taken: that many bytes pass, one more
 * does not. */
/* The files a console edits that are not procedures: the four root files,
 * a category's README.md and a practice file; a procedure file, however
 * long its name, is none of them. */
Test(admin, rel_special_names_the_files_that_are_not_procedures)
{
    cr_assert(admin_rel_special("_triage.md"));
    cr_assert(admin_rel_special("_directory.md"));
    cr_assert(admin_rel_special("_posts.md"));
    cr_assert(admin_rel_special("_calendar.md"));
    cr_assert(admin_rel_special("alpha/README.md"));
    cr_assert(admin_rel_special("alpha/one.practice.md"));
    cr_assert_not(admin_rel_special("alpha/one.md"));
    cr_assert_not(admin_rel_special("alpha/a-rather-long-procedure-name.md"));
    cr_assert_not(admin_rel_special("Alpha/README.md"));
}

Test(admin, rel_is_bounded_at_admin_rel_max)
{
    char rel[ADMIN_REL_MAX + 2];

    memset(rel, 'x', sizeof rel);
    memcpy(rel, "a/", 2);
    strcpy(rel + ADMIN_REL_MAX - 3, ".md");
    cr_assert_eq(strlen(rel), ADMIN_REL_MAX);
    cr_assert(admin_rel_valid(rel));
    strcpy(rel + ADMIN_REL_MAX - 2, ".md");
    cr_assert_not(admin_rel_valid(rel));
}

/* A file that cannot load claims no id, as in a load: a new file may take
 * the id of a broken file that never went live. */
Test(admin, check_lets_a_new_file_take_a_broken_files_id, .init = setup, .fini = teardown)
{
    const char *as_bad = "---\nid: bad\n---\n" GOOD("好");
    struct admin_check c;

    put("alpha/bad.md", BROKEN);
    cr_assert_eq(loader_run(db, root), 0);
    cr_assert_eq(admin_check(db, root, 0, "alpha/c-new.md", as_bad, strlen(as_bad), &c), 0);
    cr_assert_eq(c.diags.errors, 0);
    cr_assert_not_null(c.model);
    admin_check_free(&c);
}

/* A symbolic link where the file should be is never replaced, not even
 * with If-Match: * (the loader does not follow it, and a save would swap
 * the link for a file behind the back of whoever made it). */
Test(admin, save_leaves_a_link_alone_even_with_star, .init = setup, .fini = teardown)
{
    struct admin_check c;
    struct admin_saved res;
    struct stat st;
    char p[160];

    snprintf(p, sizeof p, "%s/alpha/link.md", root);
    cr_assert_eq(symlink("one.md", p), 0);
    cr_assert_eq(admin_save(db, root, "alpha/link.md", GOOD("链"), strlen(GOOD("链")), "*", &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_CHANGED);
    admin_check_free(&c);
    cr_assert_eq(lstat(p, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "still the link");
    cr_assert_str_eq(get("alpha/one.md"), GOOD("一"));
    cr_assert_eq(dotfiles(), 0);
}

/* A file of n bytes of c (over PROCEDURE_FILE_MAX: it cannot be read). */
static void put_big_of(const char *rel, size_t n, int c)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof p, "%s/%s", root, rel);
    cr_assert_not_null(f = fopen(p, "w"));
    while (n--)
        cr_assert_neq(fputc(c, f), EOF);
    cr_assert_eq(fclose(f), 0);
}

static void put_big(const char *rel, size_t n)
{
    put_big_of(rel, n, 'x');
}

/* Sets rel's modification time to sec.nsec exactly. */
static void set_mtime(const char *rel, time_t sec, long nsec)
{
    struct timespec t[2] = {{sec, nsec}, {sec, nsec}};
    char p[256];

    snprintf(p, sizeof p, "%s/%s", root, rel);
    cr_assert_eq(utimensat(AT_FDCWD, p, t, 0), 0, "%s", p);
}

/* A file too big to hash is compared by its identity, size and mtime: one
 * rewritten between If-Match: * and the rename is not overwritten. */
Test(admin, commit_refuses_an_unreadable_file_rewritten, .init = setup, .fini = teardown)
{
    struct admin_pending *p = NULL;
    struct admin_check c;
    struct admin_saved res;
    struct stat st;
    char path[160];

    put_big("alpha/big.md", PROCEDURE_FILE_MAX + 1);
    cr_assert_eq(admin_save_prepare(db, root, "alpha/big.md", GOOD("大"), strlen(GOOD("大")), "*", &c,
                                    &res, &p), 1);
    put_big("alpha/big.md", PROCEDURE_FILE_MAX + 2);
    cr_assert_eq(admin_save_commit(db, root, p, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_CHANGED);
    snprintf(path, sizeof path, "%s/alpha/big.md", root);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq((size_t)st.st_size, PROCEDURE_FILE_MAX + 2, "theirs is kept");
    cr_assert_eq(dotfiles(), 0);
    admin_check_free(&c);
}

/* An unreadable file rewritten between If-Match: * and the rename, with
 * one of its stamps alone telling: the file is one written in place with
 * the same size and only its mtime (a nanosecond) changed, one written in
 * place to another size under the same mtime, or another file of the same
 * size and mtime renamed over it (only its inode differs). None is
 * overwritten. */
static void unreadable_changed(const char *rel, int how)
{
    char path[160], other[160];
    struct admin_pending *p = NULL;
    struct admin_check c;
    struct admin_saved res;
    struct stat st;

    put_big(rel, PROCEDURE_FILE_MAX + 1);
    set_mtime(rel, 1000000000, 0);
    cr_assert_eq(admin_save_prepare(db, root, rel, GOOD("大"), strlen(GOOD("大")), "*", &c, &res, &p),
                 1);
    if (how == 0) {
        put_big_of(rel, PROCEDURE_FILE_MAX + 1, 'y');
        set_mtime(rel, 1000000000, 1);
    } else if (how == 1) {
        put_big_of(rel, PROCEDURE_FILE_MAX + 2, 'y');
        set_mtime(rel, 1000000000, 0);
    } else {
        put_big_of("alpha/theirs.md", PROCEDURE_FILE_MAX + 1, 'y');
        set_mtime("alpha/theirs.md", 1000000000, 0);
        snprintf(other, sizeof other, "%s/alpha/theirs.md", root);
        snprintf(path, sizeof path, "%s/%s", root, rel);
        cr_assert_eq(rename(other, path), 0);
    }
    cr_assert_eq(admin_save_commit(db, root, p, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_CHANGED, "case %d: theirs is not overwritten", how);
    snprintf(path, sizeof path, "%s/%s", root, rel);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_gt((size_t)st.st_size, PROCEDURE_FILE_MAX, "case %d: theirs is kept", how);
    cr_assert_eq(dotfiles(), 0);
    admin_check_free(&c);
}

Test(admin, commit_refuses_an_unreadable_file_by_its_mtime_alone, .init = setup, .fini = teardown)
{
    unreadable_changed("alpha/big0.md", 0);
}

Test(admin, commit_refuses_an_unreadable_file_by_its_size_alone, .init = setup, .fini = teardown)
{
    unreadable_changed("alpha/big1.md", 1);
}

Test(admin, commit_refuses_an_unreadable_file_by_its_inode_alone, .init = setup, .fini = teardown)
{
    unreadable_changed("alpha/big2.md", 2);
}

/* A file put on disk since the last load (not live, so only the scan
 * knows its id) and later by path than the edit: the loader would refuse
 * it, not the edit, and the check must still say that the id is taken. */
Test(admin, check_refuses_the_id_of_a_later_file_not_loaded_yet, .init = setup, .fini = teardown)
{
    const char *as_fresh = "---\nid: fresh\n---\n" GOOD("抢先");
    struct admin_check c;

    put("alpha/zz.md", "---\nid: fresh\n---\n" GOOD("新来的"));
    cr_assert_eq(admin_check(db, root, 0, "alpha/one.md", as_fresh, strlen(as_fresh), &c), 0);
    cr_assert(has(&c.diags, DIAG_ERROR, 2, "alpha/zz.md"));
    cr_assert_null(c.model);
    admin_check_free(&c);
}

/* A special file's check refuses the errors its text would cause in other
 * files, not those they have already: a broken procedure elsewhere does not
 * stop an edit of _directory.md. */
Test(admin, check_of_a_special_file_ignores_errors_other_files_already_have, .init = setup,
     .fini = teardown)
{
    const char *offices = "# 其他办事地点\n\n## 派出所 {#paichusuo}\n- 地址:幸福路 12 号\n";
    struct admin_check c;

    put("alpha/bad.md", BROKEN);
    cr_assert_eq(loader_run(db, root), 0);
    cr_assert_eq(admin_check(db, root, 0, "_directory.md", offices, strlen(offices), &c), 0);
    cr_assert_eq(c.diags.errors, 0, "%s", c.diags.n ? c.diags.items[0].message : "");
    admin_check_free(&c);
}

/* A file over PROCEDURE_FILE_MAX is never read, so never hashed: only
 * If-Match: * may replace it, not a tag with the hash of its bytes. */
Test(admin, save_over_an_unreadable_file_needs_star, .init = setup, .fini = teardown)
{
    size_t n = PROCEDURE_FILE_MAX + 1;
    char *big = malloc(n + 1), h[65], tag[70];
    struct admin_check c;
    struct admin_saved res;

    cr_assert_not_null(big);
    memset(big, 'x', n);
    big[n] = '\0';
    put_big("alpha/big.md", n);
    library_hash(big, n, h);
    free(big);
    snprintf(tag, sizeof tag, "\"%s\"", h);
    cr_assert_eq(admin_save(db, root, "alpha/big.md", GOOD("大"), strlen(GOOD("大")), tag, &c, &res), 0);
    cr_assert_eq(res.outcome, ADMIN_CHANGED);
    cr_assert_str_eq(res.current, "");
    admin_check_free(&c);
    cr_assert_eq(dotfiles(), 0);
}

/* review_by is the last day the text counts as reviewed: overdue the day
 * after, not on the day (as the loader's warning says it). */
Test(admin, list_is_overdue_only_after_review_by, .init = setup, .fini = teardown)
{
    char *json = NULL;

    put("alpha/one.md", "---\nreview_by: 2026-01-01\n---\n" GOOD("一"));
    cr_assert_eq(loader_run(db, root), 0);
    cr_assert_eq(admin_list_json(db, root, 20260101, false, &json), 0);
    cr_assert(strstr(json, "\"review_by\":\"2026-01-01\",\"review_overdue\":false"), "%s", json);
    free(json);
    cr_assert_eq(admin_list_json(db, root, 20260102, false, &json), 0);
    cr_assert(strstr(json, "\"review_by\":\"2026-01-01\",\"review_overdue\":true"), "%s", json);
    free(json);
}

/* Dates are YYYY-MM-DD, the month before the day (a date whose month and
 * day differ tells them apart). */
Test(admin, list_dates_are_year_month_day, .init = setup, .fini = teardown)
{
    char *json = NULL;

    put("alpha/one.md", "---\nreview_by: 2099-03-15\n---\n" GOOD("一"));
    cr_assert_eq(loader_run(db, root), 0);
    cr_assert_eq(admin_list_json(db, root, 20260412, false, &json), 0);
    cr_assert(strstr(json, "\"today\":\"2026-04-12\""), "%s", json);
    cr_assert(strstr(json, "\"review_by\":\"2099-03-15\""), "%s", json);
    free(json);
}

/* A diagnostic about the procedures folder itself (as "too many files"
 * is) is listed as a problem of ".", not under the server's path. */
Test(admin, list_names_the_folder_itself_dot, .init = setup, .fini = teardown)
{
    sqlite3_stmt *st;
    char *json = NULL;

    cr_assert_not_null(st = db_stmt(db, "INSERT INTO diagnostics (file, line, severity, message)"
                                        " VALUES (?1, 1, 'error', 'too many')"));
    cr_assert_eq(sqlite3_bind_text(st, 1, root, -1, SQLITE_STATIC), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    cr_assert_eq(admin_list_json(db, root, 20260101, false, &json), 0);
    cr_assert(strstr(json, "\"problems\":[{\"file\":\".\",\"line\":1,\"severity\":\"error\""), "%s",
              json);
    free(json);
}

/* The check's diagnostics come in line order, the warnings about the
 * whole file (line 1) before those of later lines, whichever check made
 * them first: the editor lists them as they come. */
Test(admin, check_lists_diagnostics_by_line, .init = setup, .fini = teardown)
{
    const char *text = "---\nid: one-new\nreview_by: 2000-01-01\n---\n" GOOD("一");
    struct admin_check c;
    size_t i;

    cr_assert_eq(admin_check(db, root, 20260101, "alpha/one.md", text, strlen(text), &c), 0);
    cr_assert_geq(c.diags.n, 2);
    cr_assert(has(&c.diags, DIAG_WARNING, 2, "停办"));
    cr_assert(has(&c.diags, DIAG_WARNING, 3, "review_by"));
    for (i = 1; i < c.diags.n; i++)
        cr_assert_leq(c.diags.items[i - 1].line, c.diags.items[i].line);
    admin_check_free(&c);
}

/* Without a live procedure, the file a load last named the id in is the
 * first by path: two broken files of the same name in two categories. */
Test(admin, locate_without_a_live_one_takes_the_first_by_path, .init = setup, .fini = teardown)
{
    char *rel = NULL, p[160];

    snprintf(p, sizeof p, "%s/beta", root);
    cr_assert_eq(mkdir(p, 0755), 0);
    put("beta/README.md", "# 乙\n\n乙类。\n");
    put("alpha/zz.md", BROKEN);
    put("beta/zz.md", BROKEN);
    cr_assert_eq(loader_run(db, root), 0);
    cr_assert_eq(admin_locate(db, "zz", NULL, &rel), 0);
    cr_assert_str_eq(rel, "alpha/zz.md");
    free(rel);
}
