/* Memory running out in the middle of a load. A load runs on the main
 * thread and on a worker for every admin save, so a failed allocation
 * anywhere in it must come back as -1 with everything freed, never a
 * double free (a code review found one in lib_lists_load: the posts'
 * path freed twice when the calendar's read then failed).
 *
 * The test replaces malloc and its kin for this binary and fails the Nth
 * allocation of one library_scan, for every N until a scan finishes
 * without meeting a failure. cmark's allocations are left alone: its
 * allocator aborts on NULL by contract (docs/reliability.md). Under the
 * sanitizers, which own malloc, the test is skipped; their builds find
 * the double free itself when the plain build's sweep reaches it. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "library.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OOM_INJECT 0
#else
#define OOM_INJECT 1
#endif

#if OOM_INJECT
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static pthread_t oom_thread;
static bool oom_armed;
static long oom_count, oom_fail_at;
static bool oom_hit;

/* Whether this allocation is the one to fail: the armed thread's Nth,
 * not made by cmark (whose allocator must not return NULL). */
static bool oom_fail(void *caller)
{
    Dl_info info;

    if (!oom_armed || !pthread_equal(pthread_self(), oom_thread))
        return false;
    if (dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, "libcmark"))
        return false;
    if (++oom_count != oom_fail_at)
        return false;
    oom_hit = true;
    return true;
}

void *malloc(size_t n)
{
    return oom_fail(__builtin_return_address(0)) ? NULL : __libc_malloc(n);
}

void *calloc(size_t k, size_t n)
{
    return oom_fail(__builtin_return_address(0)) ? NULL : __libc_calloc(k, n);
}

void *realloc(void *p, size_t n)
{
    return oom_fail(__builtin_return_address(0)) ? NULL : __libc_realloc(p, n);
}

void free(void *p)
{
    __libc_free(p);
}

static void oom_write(const char *dir, const char *rel, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, rel);
    cr_assert_not_null(f = fopen(path, "w"), "%s", path);
    cr_assert_eq(fputs(text, f) >= 0, true);
    cr_assert_eq(fclose(f), 0);
}

/* A small library with every kind of file a load reads. */
static void oom_tree(char *dir)
{
    char sub[512];

    cr_assert_not_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/jobs", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    oom_write(dir, "_posts.md", "# 岗位\n\n- window 综合窗口（A岗）\n- civil 民政专干\n");
    oom_write(dir, "_calendar.md", "# 工作日日历\n\n- 2026-10-01 休\n- 2026-10-10 班\n");
    oom_write(dir, "_triage.md", "# 引导\n\n## 您想办什么？ {#start}\n- [贷款](jobs/loan.md)\n"
                                 "- 其他事情请到综合窗口咨询\n");
    oom_write(dir, "jobs/README.md", "---\norder: 10\n---\n\n# 就业服务\n\n失业登记和贷款。\n");
    oom_write(dir, "jobs/loan.md",
              "---\nkeywords: 创业担保贷款, 小额贷款\n---\n\n# 创业担保贷款申请\n\n"
              "为自主经营的城乡居民提供贷款贴息。\n\n## 办理条件\n- 在本市登记注册经营实体\n\n"
              "## 第一步：准备材料\n- [ ] 本人身份证原件\n\n## 第二步：填写申请\n"
              "```form\namount | 贷款金额（万元） | number | required min=1 max=30\n```\n\n"
              "## 办理流程\n```chain\nwindow | 窗口受理 | 1\ncivil | 审核 | 3\n```\n");
}

static void oom_rm(const char *dir)
{
    static const char *const rel[] = {"jobs/loan.md", "jobs/README.md", "_triage.md", "_calendar.md",
                                      "_posts.md", "jobs"};
    char path[512];
    size_t i;

    for (i = 0; i < sizeof rel / sizeof *rel; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, rel[i]);
        if (unlink(path) != 0)
            rmdir(path);
    }
    rmdir(dir);
}

#endif /* OOM_INJECT: the tree's helpers are only the sweep's */

Test(oom, every_failed_allocation_of_a_load_is_a_clean_failure)
{
#if OOM_INJECT
    char dir[] = "/tmp/spk-oomXXXXXX";
    struct library lib;
    long n, failed = 0;
    int r;

    oom_tree(dir);
    /* the whole scan once, to know it loads at all */
    memset(&lib, 0, sizeof lib);
    cr_assert_eq(library_scan(dir, 20261204, NULL, &lib), 0);
    cr_assert_eq(lib.n_files > 0, true);
    library_free(&lib);
    for (n = 1; n < 200000; n++) {
        memset(&lib, 0, sizeof lib);
        oom_thread = pthread_self();
        oom_count = 0;
        oom_fail_at = n;
        oom_hit = false;
        oom_armed = true;
        r = library_scan(dir, 20261204, NULL, &lib);
        oom_armed = false;
        library_free(&lib);
        if (!oom_hit) {
            cr_assert_eq(r, 0, "the scan with no failure met");
            break;
        }
        /* a failure met may still be a load: a diagnostic's text, say */
        cr_assert(r == 0 || r == -1, "allocation %ld failed: library_scan gave %d", n, r);
        failed += r == -1;
    }
    cr_log_info("%ld allocations, %ld scans failed", n, failed);
    cr_assert_lt(n, 200000, "the scan never ran out of allocations to fail");
    cr_assert_gt(failed, 10, "failures were injected (%ld of %ld)", failed, n);
    oom_rm(dir);
#else
    cr_skip_test("the sanitizers own malloc here");
#endif
}
