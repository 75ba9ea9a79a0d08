/* A migrated, empty database for a unit test, copied from one template
 * per run of scripts/run-unit.sh instead of migrated test by test. */
#ifndef SPK_TEST_DBTEMPLATE_H
#define SPK_TEST_DBTEMPLATE_H

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"

/* Makes path a migrated, empty database. Migrating a new file costs about
 * 0.1 s of a core (SQLite parses the whole schema again after each of the
 * ~50 migrations' changes), most of a test here, paid by some 300 tests a
 * run. Under scripts/run-unit.sh, whose run folder SPK_UNIT_OUT names (one
 * build, so one schema), the first test migrates a template there and the
 * rest copy it: made under its own name and renamed into place, closed and
 * so checkpointed (no -wal beside it); two binaries making it at once
 * rename equal files. A binary run alone migrates each test's own file.
 * Migrations write no random value, so copies share no secret. */
static inline void dbtemplate_make(const char *path)
{
    const char *run = getenv("SPK_UNIT_OUT");
    char tmpl[512], made[560], err[256], buf[65536];
    struct db *db;
    FILE *in, *out;
    size_t n;

    if (!run || !*run || strlen(run) > 400) {
        cr_assert_eq(db_open(path, &db, err, sizeof err), 0, "%s", err);
        cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
        db_close(db);
        return;
    }
    snprintf(tmpl, sizeof tmpl, "%s/casedb-template.db", run);
    if (access(tmpl, F_OK) != 0) {
        snprintf(made, sizeof made, "%s/casedb-template.%ld.db", run, (long)getpid());
        cr_assert_eq(db_open(made, &db, err, sizeof err), 0, "%s", err);
        cr_assert_eq(db_migrate(db, err, sizeof err), 0, "%s", err);
        db_close(db);
        cr_assert_eq(rename(made, tmpl), 0, "template %s: %s", tmpl, strerror(errno));
    }
    cr_assert_not_null(in = fopen(tmpl, "rb"), "%s: %s", tmpl, strerror(errno));
    cr_assert_not_null(out = fopen(path, "wbx"), "%s: %s", path, strerror(errno));
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        cr_assert_eq(fwrite(buf, 1, n, out), n);
    cr_assert_eq(ferror(in), 0);
    cr_assert_eq(fclose(in), 0);
    cr_assert_eq(fclose(out), 0);
}

#endif
