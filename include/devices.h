/* devices: the browsers each user has logged in from, for the login
 * throttle (throttle.h). A device is a random 256-bit token (base64url)
 * the browser keeps in an HttpOnly cookie; only its BLAKE2b hash is stored
 * (schema/022-login-devices.sql), with each user who logged in from it.
 * A device unused for DEVICES_KEEP_SECONDS is forgotten.
 */
#ifndef SPK_DEVICES_H
#define SPK_DEVICES_H

#include "db.h"

#define DEVICES_TOKEN_LEN 43                    /* base64url of 32 random bytes */
#define DEVICES_ID_LEN 16                       /* a device's id for the throttle: hash hex prefix */
#define DEVICES_KEEP_SECONDS (90 * 24 * 60 * 60)

/* Whether user has logged in from the device of token (NULL or malformed:
 * no) within DEVICES_KEEP_SECONDS. Returns 1 and fills id (a short,
 * non-secret name of the device for the throttle's keys), 0 when not
 * known, -1 on a database error. */
int devices_known(struct db *db, const char *token, const char *user,
                  char id[DEVICES_ID_LEN + 1]);

/* Remembers a successful login of user from the device of token (kept
 * when well formed, else a new token is made into out); forgotten devices
 * are swept in the same transaction. out receives the token to set in the
 * cookie again (the same or the new one). Returns 0 or -1 (database). */
int devices_remember(struct db *db, const char *token, const char *user,
                     char out[DEVICES_TOKEN_LEN + 1]);

#endif
