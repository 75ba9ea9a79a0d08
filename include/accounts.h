/* accounts: the staff and admin users — who they are (a name and a role),
 * their passwords, and the check of a password at login.
 *
 * Users live in SQLite (schema/003-users.sql) with an Argon2id hash
 * (libsodium crypto_pwhash_str, at least the interactive limits). Each hash
 * takes 64 MiB, so at most ACCOUNTS_HASH_CONCURRENCY run at once: the
 * command line and rehashing wait for a turn, a login never does (it is
 * told the slots are busy). Used by `spkiosk user …` (main.c), by server
 * start-up (accounts_bootstrap) and by the login handler (api_auth.c).
 */
#ifndef SPK_ACCOUNTS_H
#define SPK_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "db.h"

#define ACCOUNTS_NAME_MAX 32        /* user names: [a-z0-9][a-z0-9._-]{0,31} */
#define ACCOUNTS_PASSWORD_MIN 8     /* bytes */
#define ACCOUNTS_PASSWORD_MAX 256   /* bytes; longer input is refused, not cut */
#define ACCOUNTS_HASH_CONCURRENCY 2
#define ACCOUNTS_GATE_WAIT_MS 3000     /* a known device's login waits this long at most ... */
#define ACCOUNTS_GATE_WAITERS 2        /* ... and this many of them at once */
#define ACCOUNTS_POST_MAX 32        /* a post id: [a-z][a-z0-9_-]{0,31} (as _posts.md's) */
#define ACCOUNTS_POSTS_MAX 16       /* posts one user holds */
/* the posts as stored: ids joined by ',' */
#define ACCOUNTS_POSTS_TEXT (ACCOUNTS_POSTS_MAX * (ACCOUNTS_POST_MAX + 1))

enum accounts_role {
    ACCOUNTS_ROLE_STAFF = 1,
    ACCOUNTS_ROLE_ADMIN = 2,        /* may do everything staff may */
};

/* The posts (岗位) a staffer holds, ids of _posts.md as given: the relay
 * ("my work") lists the cases at stages of these posts. */
struct accounts_posts {
    size_t n;
    char id[ACCOUNTS_POSTS_MAX][ACCOUNTS_POST_MAX + 1];
};

#define ACCOUNTS_DISPLAY_MAX 20     /* characters of a display name (王芳) */
#define ACCOUNTS_DISPLAY_BUF (ACCOUNTS_DISPLAY_MAX * 4 + 1)

struct accounts_user {
    char name[ACCOUNTS_NAME_MAX + 1];
    char display[ACCOUNTS_DISPLAY_BUF]; /* the name residents read; "" for none */
    enum accounts_role role;
    struct accounts_posts posts;
};

/* "staff" or "admin". */
const char *accounts_role_name(enum accounts_role role);

/* Parses "staff" or "admin". Returns 0 and sets *role, or -1 (also for
 * NULL). */
int accounts_role_parse(const char *s, enum accounts_role *role);

/* True when s is a valid user name. */
bool accounts_name_valid(const char *s);

/* Parses a comma-separated list of post ids ("" or "-" for none) into
 * *out: each [a-z][a-z0-9_-]{0,31}, at most ACCOUNTS_POSTS_MAX, a repeated
 * id kept once, the order kept. Returns 0, or 1 with a message in err. */
int accounts_posts_parse(const char *list, struct accounts_posts *out, char *err, size_t errlen);

/* The post a staff user holds when created without --posts: the window,
 * which every chain without a block of its own uses (procedure-format). */
#define ACCOUNTS_POST_DEFAULT "window"

/* Creates a user. posts is a list as accounts_posts_parse takes it; NULL
 * gives a staff user ACCOUNTS_POST_DEFAULT (the contract's default) and an
 * admin none. password is password_len bytes (not NUL-terminated
 * necessarily). Returns 0; 1 with a message in err for a bad name, a bad
 * password length or a name already taken; -1 on a database or hashing
 * failure (message in err). Waits for a hashing slot. */
int accounts_user_add(struct db *db, const char *name, enum accounts_role role,
                      const char *posts, const char *password, size_t password_len, char *err, size_t errlen);

/* Replaces a user's password and ends their sessions, in one transaction.
 * Returns 0; 1 with a message in err (unknown user, bad password length);
 * -1 on failure (message in err). */
int accounts_user_passwd(struct db *db, const char *name, const char *password,
                         size_t password_len, char *err, size_t errlen);

/* Disables a user (no login, sessions ended); the account and its name in
 * case histories stay. Never the last active admin. Returns 0; 1 with a
 * message (unknown user, the last active admin); -1. */
int accounts_user_disable(struct db *db, const char *name, char *err, size_t errlen);

/* Writes to out a warning for each post of list (as accounts_posts_parse
 * takes it; NULL for ACCOUNTS_POST_DEFAULT) that the live library's
 * _posts.md (as the last load stored it) does not have: held all the same,
 * since the file may gain it, but a typo would otherwise pass unseen (an IT
 * officer's review). Nothing when there is no _posts.md or the list does
 * not parse. Returns 0, or -1 on a database error or when memory ran out. */
int accounts_posts_unknown(struct db *db, const char *list, FILE *out);

struct posts;
struct diag_list;
/* The other way round: a warning at line 1 of file in diags for each post
 * an active account holds that ps (a _posts.md's posts; NULL: there is no
 * such file, and nothing is warned) does not have, with how many hold it
 * and the first of them by name. Those staff see nothing of the post in
 * their work list, and an admin who took it out of the file (or renamed
 * it) was told nothing, the accounts being the IT officer's. 0, or -1 on a
 * database error or when memory ran out. */
int accounts_posts_held(struct db *db, const struct posts *ps, const char *file,
                        struct diag_list *diags);
/* accounts_posts_held against the live library's _posts.md, as the last
 * load stored it. */
int accounts_posts_held_live(struct db *db, const char *file, struct diag_list *diags);
/* Enables a disabled user again: they log in with their password (set a
 * new one with accounts_user_passwd if it was disabled for a leak).
 * Returns 0 (also when it was enabled); 1 with a message (unknown user); -1. */
int accounts_user_enable(struct db *db, const char *name, char *err, size_t errlen);

/* Replaces the posts a user holds (a list as accounts_posts_parse takes
 * it); their sessions stay (the next request sees the new posts). Returns
 * 0; 1 with a message in err (unknown user, bad list); -1 on a database
 * error (message in err). */
int accounts_user_set_posts(struct db *db, const char *name, const char *posts, char *err,
                            size_t errlen);

/* The posts user holds, for the handlers of the session's user (req->user).
 * Returns 0 and fills *out (n 0 for none); 1 for an unknown user; -1 on a
 * database error. */
int accounts_user_posts(struct db *db, const char *name, struct accounts_posts *out);

/* Whether name is an account that may be handed work: 0 when it exists and
 * is not disabled (staff or admin: both may work cases); 1 when unknown or
 * disabled; -1 on a database error. */
int accounts_user_active(struct db *db, const char *name);

/* The display name display would set, trimmed, into out: 0; 1 when it is
 * refused (empty, over ACCOUNTS_DISPLAY_MAX characters, a line break, tab
 * or character the text policy refuses). "-" gives "" (none). Pure. */
int accounts_display_check(const char *display, char out[ACCOUNTS_DISPLAY_BUF]);

/* Sets the name residents read for the user (printed notices, the
 * colleague list): display trimmed, 1..ACCOUNTS_DISPLAY_MAX characters of
 * the text policy (text.h) without line breaks, or "-" to clear it (the
 * login name stands in again). Returns 0; 1 with err (unknown user, a name
 * refused); -1 on a database error (err says). */
int accounts_user_set_display(struct db *db, const char *name, const char *display, char *err,
                              size_t errlen);

/* A display name as read from the users table (NULL: none) into out,
 * "" for none; the stored value was checked by accounts_display_check. */
void accounts_display_copy(const unsigned char *stored, char out[ACCOUNTS_DISPLAY_BUF]);

/* The name residents read for login name: its display name, or name
 * itself when it has none, is unknown, or the database fails (a printout
 * must still say who). Writes NUL-terminated into out (cap bytes). */
void accounts_display_of(struct db *db, const char *name, char *out, size_t cap);

/* One account that may be handed work, as accounts_active_each gives it:
 * its name, display name ("" for none), role and posts (valid during the
 * call only). Nonzero stops. */
typedef int (*accounts_each_fn)(void *ctx, const char *name, const char *display,
                                enum accounts_role role, const struct accounts_posts *posts);

#define ACCOUNTS_ACTIVE_MAX 500 /* accounts accounts_active_each gives at most */

/* Calls fn for each account not disabled (staff and admins: both may own
 * a case, accounts_user_active), by name, at most ACCOUNTS_ACTIVE_MAX.
 * Returns 0; -1 on a database error or when fn returned nonzero. */
int accounts_active_each(struct db *db, accounts_each_fn fn, void *ctx);

/* Prints "NAME ROLE active|disabled CREATED POSTS DISPLAY" per user to
 * out, POSTS the ids joined by ',' or "-" for none, DISPLAY the display
 * name or "-". 0 or -1. */
int accounts_user_list(struct db *db, void *out /* FILE * */);

/* At start-up, before logins are served: prepares the hash unknown names
 * are checked against, and when there is no user at all creates `admin`
 * with a random password written to out once (flushed), and to also when
 * not NULL (best effort: its failure is not out's). Returns 0 (created or
 * not needed) or -1 (message on stderr); when the password cannot be
 * written to out, nothing is created, so the next start makes a new one. */
int accounts_bootstrap(struct db *db, void *out /* FILE * */, void *also /* FILE * */);

/* The password check of a login, for a worker thread. It does not wait
 * for a hashing slot, unless known_device (the login comes from a device
 * this name logged in from before, devices_known): then it waits up to
 * ACCOUNTS_GATE_WAIT_MS, and a slot that frees goes to it before any other
 * login, so a flood of guesses cannot keep a staffer at their own PC out.
 * At most ACCOUNTS_GATE_WAITERS such logins wait at once. Returns 0 when name and password match an active account:
 * *u is filled (posts included), and a hash made with older limits is replaced (best
 * effort: the old one keeps working if that fails). Returns 1 when they do
 * not match (unknown or disabled name, wrong, empty or over-long
 * password); an unknown name costs as much time as a wrong password.
 * Returns 2 when every hashing slot is busy and nothing was checked; -1 on
 * a database error. */
int accounts_password_check(struct db *db, const char *name, const char *password, size_t len,
                            bool known_device, struct accounts_user *u);

/* How many Argon2id verifications logins have run since start (an unknown
 * name runs one, against the dummy hash), for tests: the equal cost of
 * unknown names is checked by count, never by time. */
unsigned long accounts_verify_count(void);

/* Hashing slots held now (at most ACCOUNTS_HASH_CONCURRENCY), for tests:
 * a slot that is never given back shows here, long before logins fail. */
unsigned accounts_gate_held(void);

/* The crypto_pwhash_str string unknown names are verified against ("" until
 * accounts_bootstrap). Static; never free it. For tests. */
const char *accounts_dummy_hash(void);

#endif
