/* The hashing gate of accounts.c: at most ACCOUNTS_HASH_CONCURRENCY
 * Argon2id checks at once, a login that finds both slots busy told so at
 * once (2) without hashing, and every slot given back. The test binary's
 * own crypto_pwhash_str_verify stands in for libsodium's (the call leaves
 * libspk.a for the shared library) and, while `hold` is set, stops each
 * check inside its slot until the test lets it go: the slots are held by
 * the test's threads for as long as it needs, never by timing. */
#include <criterion/criterion.h>

#include <dlfcn.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "accounts.h"
#include "casedb.h"
#include "db.h"

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static atomic_bool hold;
static int inside, finished;
static bool let_go;

int crypto_pwhash_str_verify(const char str[crypto_pwhash_STRBYTES], const char *const passwd,
                             unsigned long long passwdlen)
{
    int (*real)(const char *, const char *, unsigned long long);

    *(void **)&real = dlsym(RTLD_NEXT, "crypto_pwhash_str_verify");
    if (!real)
        return -1;
    if (atomic_load(&hold)) {
        pthread_mutex_lock(&gate_mu);
        inside++;
        pthread_cond_broadcast(&gate_cv);
        while (!let_go)
            pthread_cond_wait(&gate_cv, &gate_mu);
        pthread_mutex_unlock(&gate_mu);
    }
    return real(str, passwd, passwdlen);
}

struct login {
    const char *path;
    int rc;
};

/* A worker's login: its own connection, as every worker thread has. */
static void *gate_login(void *arg)
{
    struct login *l = arg;
    struct accounts_user u;
    struct db *db = NULL;
    char err[256];

    l->rc = -9;
    if (db_open(l->path, &db, err, sizeof err) == 0) {
        l->rc = accounts_password_check(db, "amy", "amy-password", 12, false, &u);
        db_close(db);
    }
    pthread_mutex_lock(&gate_mu);
    finished++;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
    return NULL;
}

Test(gate, two_checks_at_once_a_third_told_busy_and_every_slot_given_back, .timeout = 60)
{
    struct casedb t;
    struct login l[ACCOUNTS_HASH_CONCURRENCY];
    pthread_t th[ACCOUNTS_HASH_CONCURRENCY];
    struct accounts_user u;
    struct timespec until;
    char err[160], path[160];
    unsigned long before;
    int i, r = 0;

    cr_assert_geq(sodium_init(), 0);
    casedb_open(&t);
    cr_assert_eq(accounts_user_add(t.db, "amy", ACCOUNTS_ROLE_STAFF, NULL, "amy-password", 12,
                                   err, sizeof err), 0, "%s", err);
    cr_assert_eq(accounts_gate_held(), 0, "adding a user gives its slot back");
    snprintf(path, sizeof path, "%s/x.db", t.dir);
    atomic_store(&hold, true);
    for (i = 0; i < ACCOUNTS_HASH_CONCURRENCY; i++) {
        l[i] = (struct login){.path = path};
        cr_assert_eq(pthread_create(&th[i], NULL, gate_login, &l[i]), 0);
    }
    /* both inside their check, each in a slot; a login refused at the gate
     * would finish instead (the deadline only ends a broken run) */
    cr_assert_eq(clock_gettime(CLOCK_REALTIME, &until), 0);
    until.tv_sec += 30;
    pthread_mutex_lock(&gate_mu);
    while (inside < ACCOUNTS_HASH_CONCURRENCY && finished == 0 && r == 0)
        r = pthread_cond_timedwait(&gate_cv, &gate_mu, &until);
    pthread_mutex_unlock(&gate_mu);
    cr_assert_eq(finished, 0, "a login did not get one of the %d slots (rc %d, %d)",
                 ACCOUNTS_HASH_CONCURRENCY, l[0].rc, l[1].rc);
    cr_assert_eq(inside, ACCOUNTS_HASH_CONCURRENCY);
    cr_expect_eq(accounts_gate_held(), ACCOUNTS_HASH_CONCURRENCY);

    /* a third, not from a known device: told the slots are busy, unhashed */
    before = accounts_verify_count();
    cr_expect_eq(accounts_password_check(t.db, "amy", "amy-password", 12, false, &u), 2);
    cr_expect_eq(accounts_verify_count(), before);

    pthread_mutex_lock(&gate_mu);
    let_go = true;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
    for (i = 0; i < ACCOUNTS_HASH_CONCURRENCY; i++) {
        cr_assert_eq(pthread_join(th[i], NULL), 0);
        cr_expect_eq(l[i].rc, 0, "login %d", i);
    }
    atomic_store(&hold, false);
    cr_expect_eq(accounts_gate_held(), 0, "every slot given back");

    /* given back on every way out: a wrong password, an unknown name, an
     * older hash replaced at login */
    cr_expect_eq(accounts_password_check(t.db, "amy", "wrong-password", 14, false, &u), 1);
    cr_expect_eq(accounts_password_check(t.db, "nobody", "amy-password", 12, true, &u), 1);
    {
        char old[crypto_pwhash_STRBYTES];

        cr_assert_eq(crypto_pwhash_str(old, "amy-password", 12, crypto_pwhash_OPSLIMIT_MIN,
                                       crypto_pwhash_MEMLIMIT_MIN), 0);
        casedb_exec(&t, "UPDATE users SET pwhash = '%s' WHERE name = 'amy'", old);
    }
    cr_expect_eq(accounts_password_check(t.db, "amy", "amy-password", 12, true, &u), 0);
    cr_expect_eq(accounts_gate_held(), 0, "every slot given back");
    casedb_close(&t);
}
