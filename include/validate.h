/* validate: checks a resident's value for one form field against its type
 * and rules (docs/procedure-format.md, "Field types and rules"), and turns
 * an accepted value into the normalised text that is stored.
 *
 * Every function here is pure: no I/O, no clock (the caller passes today's
 * local date as YYYYMMDD), no global state. A failure carries a stable
 * snake_case code for programs and a plain Chinese message for the resident
 * that names the field by its label, says what is wrong and how to fix it,
 * and never repeats the value typed (it may be an ID number).
 *
 * Codes: required, bad_text, too_long_input, too_short, too_long, pattern,
 * not_a_number, too_small, too_large, date, date_not_real, date_too_early,
 * date_too_late, too_young, too_old, cn_id_length, cn_id_chars,
 * cn_id_region, cn_id_birth, cn_id_future, cn_id_checksum, cn_mobile,
 * phone, email, not_an_option, yesno, bank_card, not_same.
 */
#ifndef SPK_VALIDATE_H
#define SPK_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "field.h"

/* A raw value longer than this many bytes is refused before any check. */
#define VALIDATE_INPUT_MAX 4096
/* Longest e-mail address accepted, in bytes. */
#define VALIDATE_EMAIL_MAX 254
/* Room for a normalised phone number: "0535-12345678-123456" or 11 digits. */
#define VALIDATE_PHONE_SIZE 24

struct validate_error {
    const char *code;       /* stable snake_case code, e.g. "cn_id_checksum" (static string) */
    char message[256];      /* plain Chinese for the resident, naming the field's label */
};

/* Looks up the normalised value another field has (for same_as); NULL if none. */
typedef const char *(*validate_lookup_fn)(void *ctx, const char *key);

/* Checks one submitted value against field f. value[0..len) is the raw UTF-8
 * text (value NULL or len 0 = absent). today is YYYYMMDD (local date); it is
 * what `today` bounds and ages are measured against. lookup (may be NULL,
 * then same_as is not checked) gives the other field's normalised value.
 * The type's own checks are the validator its row of FIELD_TYPES (field.h)
 * names; a type outside the table is refused with bad_text.
 * On 0: *out is a new normalised string (caller frees), or NULL when the
 * value is empty and the field optional.
 * Returns 0 valid, 1 invalid (*err filled, *out NULL), -1 out of memory
 * (*out NULL). */
int validate_field(const struct field *f, const char *value, size_t len, int today,
                   validate_lookup_fn lookup, void *ctx, char **out, struct validate_error *err);

/* The per-type checks below take raw UTF-8 s[0..n): each trims white space
 * and folds full-width ASCII (U+FF01-FF5E) and U+3000 to ASCII itself, so it
 * can be called on what a resident typed. Each returns 0 when the value is
 * valid (outputs set) and 1 when it is not (outputs unspecified). */

/* Folds s[0..n) into out (at least n + 1 bytes): full-width ASCII becomes
 * ASCII and U+3000 a space; everything else is copied. Returns the length
 * written (out is NUL-terminated), or (size_t)-1 when s is not valid UTF-8. */
size_t validate_fold_width(const char *s, size_t n, char *out);

/* A mainland resident identity number (GB 11643-1999). Spaces are ignored
 * and a lower-case x accepted. On 0, out is the 18 characters with an
 * upper-case X and *birth_yyyymmdd the birth date in it. On 1, *code is one
 * of cn_id_length, cn_id_chars, cn_id_region, cn_id_birth, cn_id_future,
 * cn_id_checksum. */
int validate_cn_id(const char *s, size_t n, int today, char out[19], int *birth_yyyymmdd,
                   const char **code);

/* The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of 17 digits. */
char validate_cn_id_check_char(const char digits17[17]);

/* A mainland mobile number: spaces and hyphens ignored, an optional +86,
 * 0086 or 86 prefix, then 11 digits starting 1[3-9]. out gets the 11 digits. */
int validate_cn_mobile(const char *s, size_t n, char out[12]);

/* A bank card number (银行卡号): spaces and hyphens ignored (cards are
 * printed and read out in groups of four), 12 to 19 digits. out gets the
 * digits. No check digit is tested: not every card issued in China passes
 * the Luhn check. */
int validate_bank_card(const char *s, size_t n, char out[20]);

/* A mobile number as validate_cn_mobile, or a landline: area code 0 and 2-3
 * digits, an optional '-' or space, 7-8 digits, an optional '-' and an
 * extension of 1-6 digits. out gets the 11 mobile digits or
 * "AREA-NUMBER[-EXT]". */
int validate_phone(const char *s, size_t n, char out[VALIDATE_PHONE_SIZE]);

/* An e-mail address: one '@', a dot-atom local part, a dotted domain of
 * letters, digits and hyphens; at most VALIDATE_EMAIL_MAX bytes. out gets
 * the address with the domain lower-cased. */
int validate_email(const char *s, size_t n, char out[VALIDATE_EMAIL_MAX + 1]);

/* A real calendar date (year 1900-9999) written YYYY-MM-DD or YYYY/MM/DD;
 * *yyyymmdd gets it as a number. */
int validate_date(const char *s, size_t n, int *yyyymmdd);

/* True when y-m-d is a real date of the Gregorian calendar. */
bool validate_date_real(int y, int m, int d);

/* A plain decimal number, [+-]digits[.digits], at most 32 characters. */
int validate_number(const char *s, size_t n, double *v);

/* yes/no (also 是/否 and true/false, ASCII in any case); *yes gets which. */
int validate_yesno(const char *s, size_t n, bool *yes);

/* Full years of age on today for someone born on birth (both YYYYMMDD). A
 * 29 February birthday counts on 1 March in a year without one. Negative
 * when birth is after today. */
int validate_age(int birth, int today);

#endif
