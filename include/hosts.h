/* hosts: the names this daemon answers to, against DNS rebinding (issue
 * #12, item 9). A page on another site whose name an attacker points at
 * this machine (or at 127.0.0.1) reaches the daemon with that site's name
 * in Host; such a request gets 421 Misdirected Request, on every route
 * (http.c asks before routing).
 *
 * Allowed: a request without Host (HTTP/1.0); an IP address literal (a
 * rebinding attack always comes with a name of the attacker's, and a hall
 * often reaches the daemon by its LAN address); localhost; the machine's
 * own name (gethostname, and its first label); the --listen host; the host
 * of --public-url; and each `serve --host NAME`. Names compare without
 * case, port or trailing dot. Set up before the HTTP workers start; read
 * only after, so thread-safe.
 */
#ifndef SPK_HOSTS_H
#define SPK_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#define HOSTS_MAX 32            /* names at most, defaults included */
#define HOSTS_NAME_MAX 253      /* a DNS name's longest */

/* Whether name may be given to `serve --host`: a DNS name (letters,
 * digits, '-', '.'), at most HOSTS_NAME_MAX bytes. */
bool hosts_name_valid(const char *name);

/* Whether v is a listen address serve can use: HOST:PORT, HOST a name as
 * above, an IPv4 address or [an IPv6 address], PORT 0 to 65535 in digits
 * and nothing after it. Syntax only: nothing is resolved or opened (so
 * --check-config can ask it). */
bool hosts_listen_valid(const char *v);

/* Sets the allowed names: the defaults above, from listen (HOST:PORT) and
 * public_url (NULL allowed), and extra[0..n). Returns 0, or -1 with a
 * message in err (a name that is not valid, more than HOSTS_MAX). */
int hosts_setup(const char *listen, const char *public_url, const char *const *extra, size_t n,
                char *err, size_t errlen);

/* Whether a request with Host header host (NULL: none) may be served. */
bool hosts_allowed(const char *host);

/* Whether host ("NAME" or "NAME:PORT", an Origin's authority) is one of the
 * names above: never for NULL or an IP address literal, which anyone's
 * page may be served from. Tells a browser's Origin of the hall's own
 * public name behind a proxy that rewrites Host (http.c). */
bool hosts_named(const char *host);

#endif
