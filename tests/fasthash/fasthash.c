/* fasthash: an LD_PRELOAD library that makes the test daemons' password
 * hashes cheap. spkiosk hashes with Argon2id at libsodium's interactive
 * limits (64 MiB, 2 passes: ~0.08 s of a core); the HTTP and browser suites
 * start ~450 daemons, each hashing its new admin's password, and log in
 * ~750 times, each verifying one: about 90 s of the HTTP suite's 216 s of
 * CPU on CI's two cores (2026-12-07). Under this library the daemon's code
 * runs unchanged, the same calls in the same order, and the hashes are
 * real Argon2id strings, only made at libsodium's minimum limits (8 KiB,
 * one pass): crypto_pwhash_str makes them so, and
 * crypto_pwhash_str_needs_rehash judges a stored hash against those limits,
 * so that a login rehashes a hash made at other limits exactly as the
 * daemon does after a real upgrade of them. crypto_pwhash_str_verify reads
 * the limits from the string it is given and is left alone: a hash made
 * without this library still costs its full price. The dummy hash an
 * unknown name is verified against is composed at the interactive limits;
 * judged against these, it is hashed the slow way at start (accounts.c),
 * so that an unknown name costs as little as a known one, equal as in the
 * real daemon. A test of what a hash's cost does (the hashing slots, the
 * limits on disk) runs without it: startDaemon({realHash: true}),
 * addUser(..., {realHash: true}), userCmd(..., {realHash: true}).
 *
 * Test-only code: built by the Makefile into $(BUILD)/fasthash.so, preloaded
 * by tests/api/db-shortcuts.mjs (hashShimEnv) into the daemons and `spkiosk
 * user` commands the tests start, never linked into spkiosk. What stays at
 * the real limits: the unit tests (test_accounts.c), a test file that turns
 * the shortcuts off (setShortcuts({hashes: false})), SPKIOSK_TEST_SHORTCUTS=0,
 * and `make check-tsan`.
 */
#include <dlfcn.h>
#include <sodium.h>
#include <stddef.h>

typedef int (*fasthash_str_fn)(char *, const char *, unsigned long long, unsigned long long,
                               size_t);
typedef int (*fasthash_rehash_fn)(const char *, unsigned long long, size_t);

int crypto_pwhash_str(char out[crypto_pwhash_STRBYTES], const char *const passwd,
                      unsigned long long passwdlen, unsigned long long opslimit, size_t memlimit)
{
    fasthash_str_fn real = (fasthash_str_fn)dlsym(RTLD_NEXT, "crypto_pwhash_str");

    (void)opslimit;
    (void)memlimit;
    if (!real)
        return -1;
    return real(out, passwd, passwdlen, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
}

int crypto_pwhash_str_needs_rehash(const char str[crypto_pwhash_STRBYTES],
                                   unsigned long long opslimit, size_t memlimit)
{
    fasthash_rehash_fn real =
        (fasthash_rehash_fn)dlsym(RTLD_NEXT, "crypto_pwhash_str_needs_rehash");

    (void)opslimit;
    (void)memlimit;
    if (!real)
        return -1;
    return real(str, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
}
