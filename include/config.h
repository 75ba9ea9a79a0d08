/* config: where `spkiosk serve` takes its options from — the command line,
 * SPKIOSK_* environment variables and a configuration file
 * (/etc/spkiosk/spkiosk.conf by default) — through one table of options
 * (config_options) that the flag parser, the file parser, the environment
 * reader, --check-config, --help and the example file all read.
 * Precedence: flag > environment > file > default. */
#ifndef SPK_CONFIG_H
#define SPK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "server.h"

#define CONFIG_DEFAULT_FILE "/etc/spkiosk/spkiosk.conf"
#define CONFIG_FILE_MAX (64 << 10)  /* bytes of a configuration file */
#define CONFIG_LINE_MAX 4096        /* bytes of one of its lines */
#define CONFIG_KEYS_MAX 256         /* `key = value` lines in one file */
#define CONFIG_VALUE_MAX 4096       /* bytes of one value (a line, a variable, an argument) */
#define CONFIG_PROBLEMS_MAX 100     /* problems kept; past it one "and more" line */

enum config_kind {
    CONFIG_STR,     /* a string, checked by valid() when set */
    CONFIG_STRS,    /* a repeatable string (each checked by valid()), up to max values;
                     * with set(), each is parsed by set() instead of kept */
    CONFIG_FLAG,    /* on/off: the flag alone; true/false/yes/no/1/0 elsewhere (an int) */
    CONFIG_UINT,    /* an unsigned of min..max */
    CONFIG_LONG,    /* a long of min..max */
    CONFIG_INT,     /* an int of min..max */
    CONFIG_MIB,     /* min..max MiB, stored as bytes in a size_t */
    CONFIG_CUSTOM,  /* parsed by set() */
};

/* One option of `serve`. A new option is one row in config_options (and its
 * member in struct server_options). */
struct config_option {
    const char *name;       /* the long option without "--"; the file's key */
    enum config_kind kind;
    const char *arg;        /* what --help shows for its value ("N", "FILE"); NULL for a flag */
    unsigned long min, max; /* the numbers' bounds; CONFIG_STRS: max is the count */
    size_t off;             /* offsetof(struct server_options, member) */
    size_t count_off;       /* CONFIG_STRS: offsetof the size_t count */
    bool (*valid)(const char *v);                       /* CONFIG_STR(S); NULL: any */
    int (*set)(const char *v, struct server_options *o); /* CONFIG_CUSTOM, or CONFIG_STRS
                                                          * parsed: 0 or -1 */
    const char *def;        /* the default as written in the file; NULL: unset */
    const char *bad;        /* a bad value is told "KEY takes " and this; for a number
                             * "KEY takes MIN to MAX" and this (a unit), or nothing */
    const char *help;       /* --help's text; '\n' starts an indented line */
};

extern const struct config_option config_options[];
extern const size_t config_options_n;

enum config_source { CONFIG_FROM_DEFAULT, CONFIG_FROM_FILE, CONFIG_FROM_ENV, CONFIG_FROM_FLAG };

struct config_value {
    char *text;             /* owned */
    int line;               /* the file's line (CONFIG_FROM_FILE), else 0 */
};

/* What one option was given by the layer that won it. */
struct config_slot {
    enum config_source src;
    struct config_value *v; /* n values (more than one only for CONFIG_STRS) */
    size_t n;
};

struct config_problem {
    int layer;              /* the order they are told in: file, environment, flags, the whole */
    int line;
    size_t seq;             /* the order found, which breaks ties */
    char *text;             /* owned, a whole line without "\n" */
};

struct config {
    struct server_options o;    /* the effective options; strings point into slots */
    struct config_slot *slots;  /* one per config_options row */
    char *file;                 /* the file read (owned), or NULL */
    bool file_found;
    bool check;                 /* --check-config */
    bool help;                  /* --help */
    bool example;               /* --example-config */
    struct config_problem *problems;
    size_t n_problems;
    size_t more_problems;       /* past CONFIG_PROBLEMS_MAX, only counted */
    /* what was read otherwise than written, serving anyway: a comment
     * after a text value, taken off (at most CONFIG_PROBLEMS_MAX) */
    struct config_problem *notes;
    size_t n_notes;
    bool oom;
};

/* Notes (config_notes_print) each SPKIOSK_ variable of envp (NULL-ended
 * NAME=VALUE strings, environ in the daemon) that names no option but
 * nearly names one, as a misspelt Environment= line of a unit does: read
 * by nothing, it left the option at the file's value or the default
 * without a word. Variables far from every option (the notify command's
 * SPKIOSK_PHONE, SPKIOSK_BACKUP_KEEP of the backup unit) are not options
 * and are left alone, as are those set to the empty string. */
void config_env_check(struct config *c, char *const *envp);

/* Reads serve's options: argv (argc arguments after "serve"), then
 * SPKIOSK_* variables through getenv_fn (getenv in the daemon; tests pass
 * their own), then the file (`--config FILE`, else SPKIOSK_CONFIG, else
 * CONFIG_DEFAULT_FILE, whose absence alone is not a problem), and applies
 * them over server_options_default by precedence. Every problem found (a
 * file's line, a variable, a flag, the options together) is recorded in
 * c->problems, in the order file lines, variables, flags, the whole.
 * Returns 0 (c filled; problems possible), or -1 when out of memory. The
 * caller calls config_free(c) after the options are no longer used, in
 * both cases. */
int config_load(struct config *c, int argc, char **argv, const char *(*getenv_fn)(const char *));

/* Parses a file's text (len bytes; name for messages) into c's file
 * layer: what config_load does with the file it reads. Exposed for the
 * unit tests; config_apply then applies. Returns 0, or -1 out of memory. */
int config_parse_text(struct config *c, const char *name, const char *text, size_t len);

/* Applies the slots over the defaults into c->o and checks the options
 * together. Returns 0, or -1 out of memory. */
int config_apply(struct config *c);

/* An empty config (c->o the defaults, no slot set). 0, or -1 out of memory. */
int config_init(struct config *c);

/* Frees what c owns (not c itself). */
void config_free(struct config *c);

/* Writes the effective configuration, a line per key: KEY = VALUE and
 * where it came from (flag, env VAR, file:LINE, default). */
void config_print(const struct config *c, FILE *f);

/* Writes c's problems, each line prefixed with prefix. */
void config_problems_print(const struct config *c, FILE *f, const char *prefix);

/* Writes c's notes (what serves anyway, read otherwise than written), each
 * line prefixed with prefix. */
void config_notes_print(const struct config *c, FILE *f, const char *prefix);

/* Writes serve's --help from the table. */
void config_usage(FILE *f);

/* Writes the commented example file (dist/spkiosk.conf) from the table. */
void config_example(FILE *f);

/* The environment variable of option name: "SPKIOSK_" and the name in upper
 * case with '_' for '-', in buf. Returns buf, or NULL when it does not fit. */
char *config_env_name(const char *name, char *buf, size_t cap);

#endif
