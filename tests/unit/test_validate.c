/* Unit tests for validate: every field type and rule of the procedure
 * format, valid and invalid, with the exact code and a message that names
 * the field's label and never repeats the value. The identity-number tests
 * start from the national standard's example, 11010519491231002X. */
#include <criterion/criterion.h>

#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "field.h"
#include "utf8.h"
#include "validate.h"

#define TODAY 20250615
#define GB_EXAMPLE "11010519491231002X"

/* ---- helpers ---- */

/* Parses a form line into *f, which must be valid; the caller frees f. */
static void field_from(const char *line, struct field *f)
{
    struct diag_list d = DIAG_LIST_INIT;

    memset(f, 0, sizeof *f);
    cr_assert_eq(field_parse_line("t.md", 1, line, strlen(line), f, &d), 0, "「%s」", line);
    diag_list_free(&d);
}

/* Asserts that in is valid for f on today and normalises to want (NULL:
 * absent). */
static void expect_ok_on(const struct field *f, const char *in, int today, const char *want)
{
    struct validate_error err;
    char *out = (char *)1;
    int rc;

    rc = validate_field(f, in, in ? strlen(in) : 0, today, NULL, NULL, &out, &err);
    cr_assert_eq(rc, 0, "%s「%s」: rc %d, %s: %s", f->label, in, rc, err.code ? err.code : "-",
                 err.message);
    if (want) {
        cr_assert_not_null(out, "「%s」", in);
        cr_assert_str_eq(out, want, "「%s」", in);
    } else {
        cr_assert_null(out, "「%s」", in);
    }
    free(out);
}

static void expect_ok(const struct field *f, const char *in, const char *want)
{
    expect_ok_on(f, in, TODAY, want);
}

/* The checks every failure message must pass: it names the label, is whole
 * UTF-8, is never a bare "invalid" and does not repeat what was typed. */
static void check_message(const struct field *f, const char *in, const struct validate_error *err)
{
    size_t n = strlen(err->message);

    cr_assert_gt(n, 0);
    cr_assert_lt(n, sizeof err->message);
    cr_assert(utf8_valid(err->message, n), "message cut inside a character");
    cr_assert_not_null(strstr(err->message, f->label), "「%s」 does not name 「%s」", err->message,
                       f->label);
    cr_assert_null(strstr(err->message, "invalid"));
    if (in && strlen(in) >= 5)
        cr_assert_null(strstr(err->message, in), "「%s」 echoes the value", err->message);
}

/* Asserts that in is refused by f on today with exactly code. */
static void expect_bad_on(const struct field *f, const char *in, size_t len, int today,
                          const char *code)
{
    struct validate_error err;
    char *out = (char *)1;
    int rc;

    rc = validate_field(f, in, len, today, NULL, NULL, &out, &err);
    cr_assert_eq(rc, 1, "%s「%.*s」 was accepted (out 「%s」)", f->label, (int)len, in ? in : "",
                 rc == 0 && out ? out : "");
    cr_assert_null(out);
    cr_assert_not_null(err.code);
    cr_assert_str_eq(err.code, code, "%s「%.*s」: %s (%s)", f->label, (int)len, in ? in : "",
                     err.code, err.message);
    check_message(f, in && strlen(in) == len ? in : NULL, &err);
}

static void expect_bad(const struct field *f, const char *in, const char *code)
{
    expect_bad_on(f, in, in ? strlen(in) : 0, TODAY, code);
}

/* The message for in, which must be refused with code. */
static struct validate_error message_of(const struct field *f, const char *in, int today,
                                        const char *code)
{
    struct validate_error err;
    char *out = NULL;

    expect_bad_on(f, in, strlen(in), today, code);
    cr_assert_eq(validate_field(f, in, strlen(in), today, NULL, NULL, &out, &err), 1);
    return err;
}

/* 17 characters plus their own check character. */
static void with_check(const char *first17, char id[19])
{
    memcpy(id, first17, 17);
    id[17] = validate_cn_id_check_char(first17);
    id[18] = '\0';
}

static int cn_id(const char *s, char out[19], int *birth, const char **code)
{
    *code = NULL;
    return validate_cn_id(s, strlen(s), TODAY, out, birth, code);
}

static void cn_id_bad(const char *s, const char *want)
{
    char out[19];
    int birth;
    const char *code;

    cr_assert_eq(cn_id(s, out, &birth, &code), 1, "「%s」 was accepted", s);
    cr_assert_str_eq(code, want, "「%s」", s);
}

/* ---- cn_id: the pure check ---- */

Test(validate_cn_id, national_standard_example)
{
    char out[19];
    int birth = 0;
    const char *code;

    cr_assert_eq(validate_cn_id_check_char("11010519491231002"), 'X');
    cr_assert_eq(cn_id(GB_EXAMPLE, out, &birth, &code), 0);
    cr_assert_str_eq(out, GB_EXAMPLE);
    cr_assert_eq(birth, 19491231);
}

Test(validate_cn_id, lower_case_full_width_and_spaces_normalise)
{
    static const char *const forms[] = {
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "110105 19491231 002X",
        "110105　19491231　002x",  /* ideographic spaces */
        "  11010519491231002X\t",
    };
    char out[19];
    int birth;
    const char *code;
    size_t i;

    for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        cr_assert_eq(cn_id(forms[i], out, &birth, &code), 0, "「%s」: %s", forms[i], code);
        cr_assert_str_eq(out, GB_EXAMPLE, "「%s」", forms[i]);
        cr_assert_eq(birth, 19491231);
    }
}

Test(validate_cn_id, every_wrong_check_character)
{
    const char *digits = "0123456789";
    char id[19];
    size_t i;

    for (i = 0; i < 10; i++) {
        memcpy(id, GB_EXAMPLE, 19);
        id[17] = digits[i];
        cn_id_bad(id, "cn_id_checksum");
    }
}

/* MOD 11-2 catches every single-digit error; where the changed digit leaves
 * a real region and birth date, the check character is what fails. */
Test(validate_cn_id, every_single_digit_change)
{
    char id[19], out[19];
    int pos, d, birth, checksum_cases = 0;
    const char *code;

    for (pos = 0; pos < 17; pos++) {
        for (d = '0'; d <= '9'; d++) {
            if (GB_EXAMPLE[pos] == d)
                continue;
            memcpy(id, GB_EXAMPLE, 19);
            id[pos] = (char)d;
            cr_assert_eq(cn_id(id, out, &birth, &code), 1, "「%s」 was accepted", id);
            if ((pos >= 2 && pos < 6) || pos >= 14) {
                /* rest of the region code, the sequence number */
                cr_assert_str_eq(code, "cn_id_checksum", "「%s」", id);
                checksum_cases++;
            } else if (strcmp(code, "cn_id_checksum") == 0) {
                checksum_cases++;
            } else {
                cr_assert(strcmp(code, "cn_id_region") == 0 || strcmp(code, "cn_id_birth") == 0 ||
                          strcmp(code, "cn_id_future") == 0, "「%s」: %s", id, code);
            }
        }
    }
    cr_assert_gt(checksum_cases, 7 * 9);
    /* a few named ones */
    cn_id_bad("11010519491231003X", "cn_id_checksum");
    cn_id_bad("11010619491231002X", "cn_id_checksum");
    cn_id_bad("21010519491231002X", "cn_id_checksum");
    cn_id_bad("11010519481231002X", "cn_id_checksum");
}

Test(validate_cn_id, impossible_and_future_birth_dates)
{
    char id[19], out[19];
    int birth;
    const char *code;

    with_check("11010519490231002", id); /* 31 Feb */
    cn_id_bad(id, "cn_id_birth");
    cn_id_bad("11010519490231002X", "cn_id_birth");
    with_check("11010519491301002", id);
    cn_id_bad(id, "cn_id_birth");
    with_check("11010519490001002", id);
    cn_id_bad(id, "cn_id_birth");
    with_check("11010518991231002", id); /* before 1900 */
    cn_id_bad(id, "cn_id_birth");
    with_check("11010520230229002", id); /* 2023 has no 29 Feb */
    cn_id_bad(id, "cn_id_birth");
    with_check("11010520240229002", id); /* 2024 has */
    cr_assert_eq(cn_id(id, out, &birth, &code), 0, "%s", code);
    cr_assert_eq(birth, 20240229);

    with_check("11010520250616002", id); /* tomorrow */
    cn_id_bad(id, "cn_id_future");
    with_check("11010520250615002", id); /* born today */
    cr_assert_eq(cn_id(id, out, &birth, &code), 0, "%s", code);
    with_check("11010530000101002", id);
    cn_id_bad(id, "cn_id_future");
}

Test(validate_cn_id, region)
{
    static const char *const good[] = {"11", "15", "21", "23", "31", "37", "41", "46", "50",
                                       "54", "61", "65", "71", "81", "82", "83"};
    static const char *const bad[] = {"99", "00", "10", "16", "20", "24", "30", "38", "40",
                                      "47", "49", "55", "60", "66", "70", "72", "80", "84", "91"};
    char first17[18], id[19], out[19];
    int birth;
    const char *code;
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        memcpy(first17, good[i], 2);
        memcpy(first17 + 2, GB_EXAMPLE + 2, 15);
        first17[17] = '\0';
        with_check(first17, id);
        cr_assert_eq(cn_id(id, out, &birth, &code), 0, "%s: %s", id, code);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(first17, bad[i], 2);
        memcpy(first17 + 2, GB_EXAMPLE + 2, 15);
        first17[17] = '\0';
        with_check(first17, id);
        cn_id_bad(id, "cn_id_region");
    }
}

Test(validate_cn_id, length_and_characters)
{
    cn_id_bad("11010519491231002", "cn_id_length");      /* 17 */
    cn_id_bad("11010519491231002X1", "cn_id_length");    /* 19 */
    cn_id_bad("110105194912310021X", "cn_id_length");
    cn_id_bad("", "cn_id_length");
    cn_id_bad("110105-19491231-002X", "cn_id_length");   /* hyphens count */
    cn_id_bad("1101051949123100XX", "cn_id_chars");
    cn_id_bad("11010A19491231002X", "cn_id_chars");
    cn_id_bad("X10105194912310021", "cn_id_chars");
    cn_id_bad("11010519491231002Y", "cn_id_chars");
    cn_id_bad("1101051949123100二X", "cn_id_chars");
    cn_id_bad("11010519491231002\xff", "cn_id_chars");
}

/* ---- cn_id through validate_field ---- */

Test(validate_cn_id, field_normalises_and_messages)
{
    struct field f, g;
    struct validate_error err;
    char id[19];

    field_from("id_number | 公民身份号码 | cn_id | required", &f);
    expect_ok(&f, GB_EXAMPLE, GB_EXAMPLE);
    expect_ok(&f, "11010519491231002x", GB_EXAMPLE);
    expect_ok(&f, "１１０１０５１９４９１２３１００２Ｘ", GB_EXAMPLE);
    expect_ok(&f, "110105 19491231 002X", GB_EXAMPLE);
    expect_ok(&f, "　110105 19491231 002x　", GB_EXAMPLE);

    /* the spec's own example message, word for word */
    err = message_of(&f, "11010519491231003X", TODAY, "cn_id_checksum");
    cr_assert_str_eq(err.message, "公民身份号码的最后一位校验码不对，请核对身份证");
    field_from("sfz | 身份证号 | cn_id", &g);
    err = message_of(&g, "11010519491231003X", TODAY, "cn_id_checksum");
    cr_assert_str_eq(err.message, "身份证号的最后一位校验码不对，请核对身份证");

    err = message_of(&f, "11010519491231002", TODAY, "cn_id_length");
    cr_assert_not_null(strstr(err.message, "18"));
    cr_assert_not_null(strstr(err.message, "17"), "%s", err.message);
    cr_assert_null(strstr(err.message, "1101051949"));
    expect_bad(&f, "1101051949123100XX", "cn_id_chars");
    with_check("99010519491231002", id);
    expect_bad(&f, id, "cn_id_region");
    expect_bad(&f, "11010519490231002X", "cn_id_birth");
    with_check("11010520250616002", id);
    expect_bad(&f, id, "cn_id_future");
    /* the same number is fine once its birthday has come */
    expect_ok_on(&f, id, 20250616, id);
    field_free(&f);
    field_free(&g);
}

Test(validate_cn_id, age_rules_on_the_birthday)
{
    struct field f;
    char id[19];
    struct validate_error err;

    field_from("id_number | 公民身份号码 | cn_id | required age>=16 age<=60", &f);
    /* today 2025-06-15 */
    with_check("11010520090616002", id); /* 16 tomorrow */
    err = message_of(&f, id, TODAY, "too_young");
    cr_assert_not_null(strstr(err.message, "16"), "%s", err.message);
    with_check("11010520090615002", id); /* 16 today */
    expect_ok(&f, id, id);
    with_check("11010519640615002", id); /* 61 today */
    err = message_of(&f, id, TODAY, "too_old");
    cr_assert_not_null(strstr(err.message, "60"), "%s", err.message);
    with_check("11010519640616002", id); /* 61 tomorrow: still 60 */
    expect_ok(&f, id, id);
    /* the standard's example is 75: too old here */
    expect_bad(&f, GB_EXAMPLE, "too_old");
    field_free(&f);
}

/* ---- ages ---- */

Test(validate_age, birthdays)
{
    cr_assert_eq(validate_age(19491231, 20241230), 74);
    cr_assert_eq(validate_age(19491231, 20241231), 75);
    cr_assert_eq(validate_age(19491231, 20250101), 75);
    cr_assert_eq(validate_age(20090615, 20250614), 15);
    cr_assert_eq(validate_age(20090615, 20250615), 16);
    cr_assert_eq(validate_age(20250615, 20250615), 0);
    cr_assert_lt(validate_age(20250616, 20250615), 0);
}

Test(validate_age, leap_day_birthdays)
{
    /* a year without 29 February: older on 1 March */
    cr_assert_eq(validate_age(20000229, 20230228), 22);
    cr_assert_eq(validate_age(20000229, 20230301), 23);
    /* a leap year: older on the day itself */
    cr_assert_eq(validate_age(20000229, 20240228), 23);
    cr_assert_eq(validate_age(20000229, 20240229), 24);
    cr_assert_eq(validate_age(20000229, 20240301), 24);
    /* born on 1 March: 28 February is still the day before */
    cr_assert_eq(validate_age(20000301, 20230228), 22);
    cr_assert_eq(validate_age(20000301, 20230301), 23);
}

Test(validate_age, leap_day_through_a_field)
{
    struct field f;
    char id[19];

    field_from("id_number | 公民身份号码 | cn_id | age>=18", &f);
    with_check("11010520000229002", id);
    expect_bad_on(&f, id, 18, 20180228, "too_young");
    expect_ok_on(&f, id, 20180301, id);
    field_free(&f);
    field_from("birth | 出生日期 | date | age>=18", &f);
    expect_bad_on(&f, "2000-02-29", 10, 20180228, "too_young");
    expect_ok_on(&f, "2000-02-29", 20180301, "2000-02-29");
    field_free(&f);
}

/* ---- cn_mobile ---- */

Test(validate_cn_mobile, prefixes_spaces_hyphens_full_width)
{
    static const char *const good[] = {
        "13800138000", "+86 138-0013-8000", "+8613800138000", "0086 13800138000",
        "008613800138000", "8613800138000", "86 138 0013 8000", "138 0013 8000",
        "138-0013-8000", "１３８００１３８０００", "＋８６　１３８－００１３－８０００",
        " 13800138000 ",
    };
    char out[12];
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        cr_assert_eq(validate_cn_mobile(good[i], strlen(good[i]), out), 0, "「%s」", good[i]);
        cr_assert_str_eq(out, "13800138000", "「%s」", good[i]);
    }
    cr_assert_eq(validate_cn_mobile("19912345678", 11, out), 0);
    cr_assert_str_eq(out, "19912345678");
    /* 11 digits that start 86 are a number, not a prefix */
    cr_assert_eq(validate_cn_mobile("+86 18612345678", 15, out), 0);
    cr_assert_str_eq(out, "18612345678");
}

Test(validate_cn_mobile, refused)
{
    static const char *const bad[] = {
        "12800138000", "10800138000", "23800138000", "1380013800", "138001380001",
        "+87 13800138000", "0087 13800138000", "86 1380013800", "+86 1280013800",
        "1380013800a", "+86+13800138000", "138.0013.8000", "(138)00138000", "",
        "一三八00138000", "0086 138001380001", "85 13800138000",
    };
    char out[12];
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(validate_cn_mobile(bad[i], strlen(bad[i]), out), 1, "「%s」", bad[i]);
}

Test(validate_cn_mobile, field)
{
    struct field f;

    field_from("phone | 联系电话 | cn_mobile | required", &f);
    expect_ok(&f, "+86 138-0013-8000", "13800138000");
    expect_ok(&f, "0086 13800138000", "13800138000");
    expect_ok(&f, "8613800138000", "13800138000");
    expect_ok(&f, "１３８００１３８０００", "13800138000");
    expect_bad(&f, "12800138000", "cn_mobile");
    expect_bad(&f, "0535-1234567", "cn_mobile");
    field_free(&f);
}

/* ---- bank card ---- */

Test(validate_bank_card, groups_of_four_full_width_and_lengths)
{
    char out[20];

    cr_assert_eq(validate_bank_card("6222 0212 3456 7890 123", 23, out), 0);
    cr_assert_str_eq(out, "6222021234567890123");
    cr_assert_eq(validate_bank_card("6222-0212-3456-7890", 19, out), 0);
    cr_assert_str_eq(out, "6222021234567890");
    cr_assert_eq(validate_bank_card("６２２２０２１２３４５６", strlen("６２２２０２１２３４５６"), out), 0);
    cr_assert_str_eq(out, "622202123456", "full-width digits and 12 of them");
}

Test(validate_bank_card, refused)
{
    static const char *const bad[] = {
        "62220212345",              /* 11 digits */
        "62220212345678901234",     /* 20 digits */
        "6222 0212 3456 789X",      /* a letter */
        "6222.0212.3456.7890",      /* dots are not how cards are grouped */
        "",
    };
    char out[20];
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(validate_bank_card(bad[i], strlen(bad[i]), out), 1, "「%s」", bad[i]);
}

Test(validate_bank_card, field)
{
    struct field f;

    field_from("card | 收款银行卡号 | bank_card | required", &f);
    expect_ok(&f, " 6222 0212 3456 7890 ", "6222021234567890");
    expect_bad(&f, "6222 0212", "bank_card");
    field_free(&f);
}

/* ---- phone ---- */

Test(validate_phone, landlines_and_mobiles)
{
    static const struct {
        const char *in, *want;
    } good[] = {
        {"0535-1234567", "0535-1234567"},
        {"010-12345678", "010-12345678"},
        {"021-87654321", "021-87654321"},
        {"0535 1234567", "0535-1234567"},
        {"0535 - 1234567", "0535-1234567"},
        {"05351234567", "0535-1234567"},
        {"053512345678", "0535-12345678"},
        {"01012345678", "010-12345678"},
        {"0535-1234567-123", "0535-1234567-123"},
        {"0535 1234567-8", "0535-1234567-8"},
        {"05351234567-123456", "0535-1234567-123456"},
        {"０５３５－１２３４５６７", "0535-1234567"},
        {"+86 138-0013-8000", "13800138000"},
        {"13800138000", "13800138000"},
        {"0086 13800138000", "13800138000"},
    };
    static const char *const bad[] = {
        "1234567", "0535-123456", "0535-123456789", "0535-1234567-1234567",
        "0535 1234567 123", "00535-1234567", "535-1234567", "0535-1234567-",
        "-0535-1234567", "05-1234567", "05351-1234567", "0535123456", "abc", "0535—1234567",
        "12800138000", "0535-1234567-12-3", "0535-12a4567",
    };
    char out[VALIDATE_PHONE_SIZE];
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        cr_assert_eq(validate_phone(good[i].in, strlen(good[i].in), out), 0, "「%s」", good[i].in);
        cr_assert_str_eq(out, good[i].want, "「%s」", good[i].in);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(validate_phone(bad[i], strlen(bad[i]), out), 1, "「%s」 accepted as 「%s」",
                     bad[i], out);
}

Test(validate_phone, field)
{
    struct field f;

    field_from("tel | 固定电话 | phone", &f);
    expect_ok(&f, "0535-1234567", "0535-1234567");
    expect_ok(&f, "+86 138-0013-8000", "13800138000");
    expect_bad(&f, "7654321", "phone");
    expect_bad(&f, "0535-765", "phone");
    field_free(&f);
}

/* ---- email ---- */

Test(validate_email, addresses)
{
    static const struct {
        const char *in, *want;
    } good[] = {
        {"zhangsan@example.com", "zhangsan@example.com"},
        {"Zhang.San@Example.COM", "Zhang.San@example.com"},
        {"li_si+kiosk@mail.sd-gov.cn", "li_si+kiosk@mail.sd-gov.cn"},
        {"ｚｓ＠ｅｘａｍｐｌｅ．ｃｏｍ", "zs@example.com"},
        {"  wang@163.com  ", "wang@163.com"},
    };
    static const char *const bad[] = {
        "zhangsan", "zs@", "@example.com", "zs@example", "zs@@example.com", "a@b@c.com",
        "z s@example.com", "zs@exa mple.com", "zs@exa_mple.com", "zs@example..com",
        "zs@.example.com", "zs@example.com.", "zs@-example.com", "zs@example-.com",
        ".zs@example.com", "zs.@example.com", "z..s@example.com", "张三@example.com",
        "zs@例子.com", "zs@example.c\xff", "",
    };
    char out[VALIDATE_EMAIL_MAX + 1], longest[300];
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        cr_assert_eq(validate_email(good[i].in, strlen(good[i].in), out), 0, "「%s」", good[i].in);
        cr_assert_str_eq(out, good[i].want);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(validate_email(bad[i], strlen(bad[i]), out), 1, "「%s」", bad[i]);

    /* 254 bytes is the limit: 64 + 1 + 4 labels of 46 with dots + ".cn" */
    memset(longest, 'a', 64);
    longest[64] = '@';
    for (i = 0; i < 4; i++) {
        memset(longest + 65 + i * 47, 'b', 46);
        longest[65 + i * 47 + 46] = '.';
    }
    memcpy(longest + 65 + 4 * 47, "cn", 3);
    cr_assert_eq(strlen(longest), 255);
    cr_assert_eq(validate_email(longest, 255, out), 1);
    cr_assert_eq(validate_email(longest + 1, 254, out), 0);
    memset(longest, 'a', 65);
    memcpy(longest + 65, "@example.com", 13);
    cr_assert_eq(validate_email(longest, strlen(longest), out), 1, "local part over 64");
}

Test(validate_email, field)
{
    struct field f;

    field_from("mail | 电子邮箱 | email | required", &f);
    expect_ok(&f, "Zhang.San@Example.COM", "Zhang.San@example.com");
    expect_bad(&f, "zhangsan@example", "email");
    expect_bad(&f, "zhangsan", "email");
    field_free(&f);
}

/* ---- date ---- */

Test(validate_date, calendar)
{
    int d = 0;

    cr_assert_eq(validate_date("2024-02-29", 10, &d), 0);
    cr_assert_eq(d, 20240229);
    cr_assert_eq(validate_date("2025-02-29", 10, &d), 1);
    cr_assert_eq(validate_date("2000-02-29", 10, &d), 0);
    cr_assert_eq(validate_date("1900-02-29", 10, &d), 1);
    cr_assert_eq(validate_date("2024-04-31", 10, &d), 1);
    cr_assert_eq(validate_date("2024-13-01", 10, &d), 1);
    cr_assert_eq(validate_date("2024-00-10", 10, &d), 1);
    cr_assert_eq(validate_date("2024-01-00", 10, &d), 1);
    cr_assert_eq(validate_date("1899-12-31", 10, &d), 1);
    cr_assert_eq(validate_date("2024/03/01", 10, &d), 0);
    cr_assert_eq(d, 20240301);
    cr_assert_eq(validate_date("2024-03/01", 10, &d), 1);
    cr_assert_eq(validate_date("2024-3-1", 8, &d), 1);
    cr_assert_eq(validate_date("2024年3月1日", strlen("2024年3月1日"), &d), 1);
    cr_assert_eq(validate_date("20240301", 8, &d), 1);
    cr_assert(validate_date_real(2024, 2, 29));
    cr_assert_not(validate_date_real(2100, 2, 29));
    cr_assert(validate_date_real(2000, 2, 29));
    cr_assert_not(validate_date_real(2024, 6, 31));
}

Test(validate_date, field_formats)
{
    struct field f;

    field_from("start | 失业日期 | date | required", &f);
    expect_ok(&f, "2024-02-29", "2024-02-29");
    expect_bad(&f, "2024/03/01", "date");
    expect_bad(&f, "2025/02/29", "date");
    expect_ok(&f, "２０２４－０３－０１", "2024-03-01");
    expect_ok(&f, " 2024-03-01　", "2024-03-01");
    expect_bad(&f, "2025-02-29", "date_not_real");
    expect_bad(&f, "2024-04-31", "date_not_real");
    expect_bad(&f, "2024-3-1", "date");
    expect_bad(&f, "2024.03.01", "date");
    expect_bad(&f, "2024-03-01x", "date");
    expect_bad(&f, "昨天", "date");
    field_free(&f);
}

Test(validate_date, today_bounds)
{
    struct field f;
    struct validate_error err;

    field_from("start | 办理日期 | date | not_before=today", &f);
    expect_ok(&f, "2025-06-15", "2025-06-15");
    expect_ok(&f, "2025-06-16", "2025-06-16");
    err = message_of(&f, "2025-06-14", TODAY, "date_too_early");
    /* as the resident typed it, into 年, 月 and 日 boxes */
    cr_assert_str_eq(err.message, "办理日期不能早于今天（2025年6月15日），请核对后重新填写");
    /* the same value on another day */
    expect_ok_on(&f, "2025-06-14", 20250614, "2025-06-14");
    field_free(&f);

    field_from("start | 失业日期 | date | not_after=today", &f);
    expect_ok(&f, "2025-06-15", "2025-06-15");
    expect_ok(&f, "2025-06-14", "2025-06-14");
    err = message_of(&f, "2025-06-16", TODAY, "date_too_late");
    cr_assert_str_eq(err.message, "失业日期不能晚于今天（2025年6月15日），请核对后重新填写");
    field_free(&f);
}

Test(validate_date, fixed_bounds_and_ages)
{
    struct field f;
    struct validate_error err;

    field_from("start | 入学日期 | date | not_before=2024-01-01 not_after=2024-12-31", &f);
    expect_ok(&f, "2024-01-01", "2024-01-01");
    expect_ok(&f, "2024-12-31", "2024-12-31");
    err = message_of(&f, "2023-12-31", TODAY, "date_too_early");
    cr_assert_str_eq(err.message, "入学日期不能早于2024年1月1日，请核对后重新填写");
    err = message_of(&f, "2025-01-01", TODAY, "date_too_late");
    cr_assert_str_eq(err.message, "入学日期不能晚于2024年12月31日，请核对后重新填写");
    field_free(&f);

    field_from("birth | 出生日期 | date | age>=18 age<=65", &f);
    expect_ok(&f, "2007-06-15", "2007-06-15");
    expect_bad(&f, "2007-06-16", "too_young");
    expect_bad(&f, "2030-01-01", "date_too_late");   /* no age: born after today */
    expect_ok(&f, "1959-06-16", "1959-06-16");
    expect_bad(&f, "1959-06-15", "too_old");
    field_free(&f);
}

/* ---- number ---- */

Test(validate_number, plain_decimals)
{
    static const char *const good[] = {"0", "25", "-3.5", "+2", "007", "1234567.25",
                                       "１２３", "１２．５", "－４"};
    static const char *const bad[] = {"", "abc", "1e5", "0x10", ".5", "5.", "1,000", "inf", "nan",
                                      "1 000", "--1", "+", "-", "1.2.3", "三",
                                      "123456789012345678901234567890123"};
    double v;
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        cr_assert_eq(validate_number(good[i], strlen(good[i]), &v), 0, "「%s」", good[i]);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(validate_number(bad[i], strlen(bad[i]), &v), 1, "「%s」", bad[i]);
    cr_assert_eq(validate_number("-3.5", 4, &v), 0);
    cr_assert_float_eq(v, -3.5, 1e-12);
    cr_assert_eq(validate_number("１２．５", strlen("１２．５"), &v), 0);
    cr_assert_float_eq(v, 12.5, 1e-12);
}

Test(validate_number, field_min_max)
{
    struct field f;
    struct validate_error err;

    field_from("income | 月收入 | number | min=0 max=100.5", &f);
    expect_ok(&f, "0", "0");
    expect_ok(&f, "100.5", "100.5");
    expect_ok(&f, "１２．５", "12.5");
    expect_ok(&f, " 42 ", "42");
    err = message_of(&f, "-1", TODAY, "too_small");
    cr_assert_not_null(strstr(err.message, "0"), "%s", err.message);
    err = message_of(&f, "100.51", TODAY, "too_large");
    cr_assert_not_null(strstr(err.message, "100.5"), "%s", err.message);
    err = message_of(&f, "１０１", TODAY, "too_large");
    expect_bad(&f, "一百", "not_a_number");
    expect_bad(&f, "1e2", "not_a_number");
    field_free(&f);

    field_from("rooms | 房间数 | number | min=1", &f);
    err = message_of(&f, "0.5", TODAY, "too_small");
    cr_assert_not_null(strstr(err.message, "1，"), "%s", err.message);
    cr_assert_null(strstr(err.message, "1.0"), "%s", err.message);
    field_free(&f);
}

/* ---- text ---- */

Test(validate_text, length_in_characters)
{
    struct field f;
    struct validate_error err;

    field_from("name | 姓名 | text | required min=2 max=4", &f);
    expect_ok(&f, "汉字", "汉字");
    expect_ok(&f, "汉字汉字", "汉字汉字");   /* 12 bytes, 4 characters */
    expect_ok(&f, "  张三  ", "张三");
    expect_ok(&f, "　张三　", "张三");
    err = message_of(&f, "汉字汉字汉", TODAY, "too_long");
    cr_assert_not_null(strstr(err.message, "4"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "5"), "%s", err.message);
    err = message_of(&f, "汉", TODAY, "too_short");
    cr_assert_not_null(strstr(err.message, "2"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "1"), "%s", err.message);
    /* text is stored as typed: full-width stays full-width */
    expect_ok(&f, "ＡＢ", "ＡＢ");
    field_free(&f);
}

Test(validate_text, pattern_matches_the_whole_value)
{
    struct field f;
    struct validate_error err;

    field_from("postcode | 邮政编码 | text | pattern=[0-9]{6}", &f);
    expect_ok(&f, "264000", "264000");
    /* digits only: a Chinese input method's full-width ones are meant */
    expect_ok(&f, "２６４０００", "264000");
    expect_ok(&f, "　２６４０００　", "264000");
    expect_bad(&f, "２６４００", "pattern");
    expect_bad(&f, "1234567", "pattern");
    expect_bad(&f, "12345", "pattern");
    expect_bad(&f, "a264000", "pattern");
    /* a run of digits says what to type: the step never states the format */
    err = message_of(&f, "26400", TODAY, "pattern");
    cr_assert_str_eq(err.message, "邮政编码应是 6 位数字，请核对后重新填写");
    field_free(&f);

    field_from("room | 门牌号 | text | pattern=[0-9]{1,4}", &f);
    err = message_of(&f, "12号", TODAY, "pattern");
    cr_assert_str_eq(err.message, "门牌号应是 1 到 4 位数字，请核对后重新填写");
    field_free(&f);

    /* anything else keeps the general message */
    field_from("code | 编号 | text | pattern=[0-9]{6}[A-Z]", &f);
    err = message_of(&f, "26400", TODAY, "pattern");
    cr_assert_str_eq(err.message, "编号的格式不对：请对照证件或这一步的说明重新填写");
    /* and is matched as typed: only a digit run folds the width */
    expect_bad(&f, "２６４０００Ａ", "pattern");
    field_free(&f);

    field_from("kind | 类别 | text | pattern=甲|乙", &f);
    expect_ok(&f, "甲", "甲");
    expect_ok(&f, "乙", "乙");
    expect_bad(&f, "甲乙", "pattern");
    field_free(&f);
}

/* A ")" with no "(" before it is the character itself in POSIX ERE, and
 * the pattern compiles alone that way (the check's own look passes it):
 * matched as a whole value, it must keep that meaning. Put inside ^( )$
 * as it was written, it closed the wrapper early: a)|(b) became
 * ^(a)|(b))$, which let through any value that starts with a, and )12
 * matched 12) instead. */
Test(validate_text, a_parenthesis_with_no_pair_is_the_character_itself)
{
    struct field f;

    field_from("code | 编号 | text | pattern=a)|(b)", &f);
    expect_ok(&f, "a)", "a)");
    expect_ok(&f, "b", "b");
    expect_bad(&f, "a", "pattern");
    expect_bad(&f, "a1234", "pattern");
    expect_bad(&f, "b)", "pattern");
    field_free(&f);

    field_from("code | 编号 | text | pattern=)[0-9]{2}", &f);
    expect_ok(&f, ")12", ")12");
    expect_bad(&f, "12)", "pattern");
    field_free(&f);

    /* in brackets, escaped, or closing a group: as it always was */
    field_from("code | 编号 | text | pattern=[)]x|\\)y|(z)", &f);
    expect_ok(&f, ")x", ")x");
    expect_ok(&f, ")y", ")y");
    expect_ok(&f, "z", "z");
    expect_bad(&f, "zz", "pattern");
    field_free(&f);
    field_from("code | 编号 | text | pattern=[[:digit:])]+)|(q)", &f);
    expect_ok(&f, "1)2))", "1)2))");
    expect_ok(&f, "q", "q");
    expect_bad(&f, "12", "pattern");
    expect_bad(&f, "1)2q", "pattern");
    field_free(&f);
}

/* A ")" that closes no "(" stays the character (above), but an admin who
 * wrote one almost always meant something else: a warning at the field's
 * line names the part up to it, how to write the character and what a
 * group of alternatives looks like. A ")" that closes a group, one in
 * brackets and an escaped one are said nothing. */
Test(validate_text, a_parenthesis_with_no_pair_is_warned)
{
    static const struct {
        const char *line, *part;
    } warned[] = {
        {"code | 编号 | text | pattern=a)|(b)", "「a)」"},
        {"code | 编号 | text | pattern=(x)[0-9]{2})", "「(x)[0-9]{2})」"},
        {"code | 编号 | text | pattern=)12", "「)」"},
    };
    static const char *const quiet[] = {
        "code | 编号 | text | pattern=[)]x|\\)y|(z)",
        "code | 编号 | text | pattern=(a)|(b)",
        "code | 编号 | text | pattern=[0-9]{6}",
    };
    size_t i;

    for (i = 0; i < sizeof warned / sizeof warned[0]; i++) {
        struct diag_list d = DIAG_LIST_INIT;
        struct field f;
        memset(&f, 0, sizeof f);
        cr_assert_eq(field_parse_line("t.md", 7, warned[i].line, strlen(warned[i].line), &f, &d), 0,
                     "%s", warned[i].line);
        cr_assert_eq(d.errors, 0, "%s", warned[i].line);
        cr_assert_eq(d.n, 1, "%s: %zu entries", warned[i].line, d.n);
        cr_assert_eq(d.items[0].severity, DIAG_WARNING);
        cr_assert_eq(d.items[0].line, 7);
        cr_assert(strstr(d.items[0].message, warned[i].part), "%s", d.items[0].message);
        cr_assert(strstr(d.items[0].message, "当成普通字符"), "%s", d.items[0].message);
        cr_assert(strstr(d.items[0].message, "\\)"), "%s", d.items[0].message);
        cr_assert(strstr(d.items[0].message, "(a)|(b)"), "%s", d.items[0].message);
        field_free(&f);
        diag_list_free(&d);
    }
    for (i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        struct diag_list d = DIAG_LIST_INIT;
        struct field f;
        memset(&f, 0, sizeof f);
        cr_assert_eq(field_parse_line("t.md", 7, quiet[i], strlen(quiet[i]), &f, &d), 0, "%s", quiet[i]);
        cr_assert_eq(d.n, 0, "%s: %s", quiet[i], d.n ? d.items[0].message : "");
        field_free(&f);
        diag_list_free(&d);
    }
}

/* The contract's rule table binds pattern= to no type, and a hall has real
 * uses for it beyond text: a landline of its own area code, an ID number of
 * its district. It is matched against the value as stored, after the type
 * took off spaces, hyphens and +86 and upper-cased the X; the type's own
 * check comes first and keeps its message. */
Test(validate_any, pattern_on_other_types_matches_the_stored_value)
{
    struct field f;

    field_from("mobile | 手机号 | cn_mobile | pattern=13[0-9]{9}", &f);
    expect_ok(&f, "+86 138-0013-8000", "13800138000");
    expect_bad(&f, "189 0013 8000", "pattern");
    expect_bad(&f, "12345", "cn_mobile");
    field_free(&f);

    field_from("tel | 电话 | phone | pattern=0535-[0-9]{7,8}", &f);
    expect_ok(&f, "0535-6661234", "0535-6661234");
    expect_bad(&f, "010-66612345", "pattern");
    field_free(&f);

    field_from("id | 身份证号 | cn_id | pattern=110105.*", &f);
    expect_ok(&f, "11010519491231002x", GB_EXAMPLE);
    field_free(&f);
    field_from("id | 身份证号 | cn_id | pattern=370602.*", &f);
    expect_bad(&f, GB_EXAMPLE, "pattern");
    field_free(&f);

    field_from("n | 人数 | number | pattern=[1-9]", &f);
    expect_ok(&f, "3", "3");
    expect_bad(&f, "12", "pattern");
    field_free(&f);
}

/* The brief allows fields built by hand: a compiled regex and owned strings. */
Test(validate_text, hand_built_field)
{
    struct field f;

    memset(&f, 0, sizeof f);
    strcpy(f.key, "card");
    f.type = FIELD_TEXT;
    f.label = strdup("银行卡号");
    f.pattern = strdup("[0-9]{16,19}");
    cr_assert_not_null(f.label);
    cr_assert_not_null(f.pattern);
    cr_assert_eq(regcomp(&f.re, "^([0-9]{16,19})$", REG_EXTENDED | REG_NOSUB), 0);
    expect_ok(&f, "6222021234567890123", "6222021234567890123");
    expect_bad(&f, "622202123456789", "pattern");
    field_free(&f);
}

/* ---- choice and yesno ---- */

Test(validate_choice, options)
{
    struct field f;
    struct validate_error err;

    field_from("education | 文化程度 | choice | required options=小学/初中/高中", &f);
    expect_ok(&f, "初中", "初中");
    expect_ok(&f, " 高中　", "高中");
    err = message_of(&f, "大学", TODAY, "not_an_option");
    cr_assert_not_null(strstr(err.message, "小学、初中、高中"), "%s", err.message);
    expect_bad(&f, "初", "not_an_option");
    expect_bad(&f, "初中高中", "not_an_option");
    field_free(&f);

    field_from("who | 办理人 | choice | options=A/B", &f);
    expect_ok(&f, "A", "A");
    expect_bad(&f, "Ａ", "not_an_option"); /* options are compared as written */
    expect_bad(&f, "a", "not_an_option");
    field_free(&f);
}

Test(validate_choice, long_option_list_is_cut_with_deng)
{
    struct field f;
    struct validate_error err;
    char line[4096];
    size_t i, off;

    off = (size_t)snprintf(line, sizeof line, "street | 所在街道 | choice | options=");
    for (i = 0; i < 30; i++)
        off += (size_t)snprintf(line + off, sizeof line - off, "%s第%zu街道办事处", i ? "/" : "",
                                i + 1);
    field_from(line, &f);
    err = message_of(&f, "别处", TODAY, "not_an_option");
    cr_assert_not_null(strstr(err.message, "第1街道办事处、第2街道办事处"), "%s", err.message);
    cr_assert(strlen(err.message) >= 3 &&
              strcmp(err.message + strlen(err.message) - strlen("等"), "等") == 0,
              "%s", err.message);
    field_free(&f);
}

Test(validate_yesno, answers)
{
    static const struct {
        const char *in, *want;
    } good[] = {
        {"yes", "yes"}, {"no", "no"}, {"是", "yes"}, {"否", "no"}, {"true", "yes"},
        {"false", "no"}, {"YES", "yes"}, {"No", "no"}, {"ｙｅｓ", "yes"}, {" 是 ", "yes"},
    };
    struct field f;
    bool yes;
    size_t i;

    field_from("proxy | 是否代办 | yesno | required", &f);
    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        expect_ok(&f, good[i].in, good[i].want);
    expect_bad(&f, "maybe", "yesno");
    expect_bad(&f, "y", "yesno");
    expect_bad(&f, "1", "yesno");
    expect_bad(&f, "是的", "yesno");
    expect_bad(&f, "不是", "yesno");
    cr_assert_eq(validate_yesno("否", strlen("否"), &yes), 0);
    cr_assert_not(yes);
    field_free(&f);
}

/* ---- same_as ---- */

struct pairs {
    const char *key[4], *value[4];
};

static const char *lookup(void *ctx, const char *key)
{
    const struct pairs *p = ctx;
    size_t i;

    for (i = 0; i < 4 && p->key[i]; i++)
        if (strcmp(p->key[i], key) == 0)
            return p->value[i];
    return NULL;
}

static int check_with(const struct field *f, const char *in, struct pairs *p, char **out,
                      struct validate_error *err)
{
    return validate_field(f, in, strlen(in), TODAY, lookup, p, out, err);
}

Test(validate_same_as, compares_normalised_values)
{
    struct pairs p = {{"bank_card", "phone", NULL}, {"6222021234567890", "13800138000", NULL}};
    struct field card, phone, none;
    struct validate_error err;
    char *out = NULL;

    field_from("bank_card2 | 再次输入银行卡号 | text | required same_as=bank_card", &card);
    cr_assert_eq(check_with(&card, " 6222021234567890 ", &p, &out, &err), 0, "%s", err.message);
    cr_assert_str_eq(out, "6222021234567890");
    free(out);
    out = NULL;
    cr_assert_eq(check_with(&card, "6222021234567891", &p, &out, &err), 1);
    cr_assert_null(out);
    cr_assert_str_eq(err.code, "not_same");
    cr_assert_str_eq(err.message, "「再次输入银行卡号」和前面填的不一致，请再核对一遍");
    check_message(&card, "6222021234567891", &err);

    /* the other field's stored value is normalised, and so is this one */
    field_from("phone2 | 确认手机号码 | cn_mobile | same_as=phone", &phone);
    cr_assert_eq(check_with(&phone, "+86 138-0013-8000", &p, &out, &err), 0, "%s", err.message);
    cr_assert_str_eq(out, "13800138000");
    free(out);
    out = NULL;
    cr_assert_eq(check_with(&phone, "13900139000", &p, &out, &err), 1);
    cr_assert_str_eq(err.code, "not_same");
    /* its own check comes first */
    cr_assert_eq(check_with(&phone, "12800138000", &p, &out, &err), 1);
    cr_assert_str_eq(err.code, "cn_mobile");

    /* nothing to compare with is not the same */
    field_from("x2 | 确认 | text | same_as=missing", &none);
    cr_assert_eq(check_with(&none, "abc", &p, &out, &err), 1);
    cr_assert_str_eq(err.code, "not_same");
    cr_assert_null(out);
    /* empty and optional: no rule applies, same_as neither */
    cr_assert_eq(check_with(&none, "  ", &p, &out, &err), 0);
    cr_assert_null(out);
    field_free(&card);
    field_free(&phone);
    field_free(&none);
}

/* ---- presence, text encoding, input size ---- */

Test(validate_field, empty_required_and_optional)
{
    static const char *const lines[] = {
        "name | 姓名 | text | required",          "n | 月收入 | number | required",
        "d | 失业日期 | date | required",         "id | 公民身份号码 | cn_id | required",
        "m | 手机号码 | cn_mobile | required",    "p | 联系电话 | phone | required",
        "e | 电子邮箱 | email | required",        "c | 文化程度 | choice | required options=a/b",
        "y | 是否代办 | yesno | required",
    };
    static const char *const blanks[] = {"", " ", "  \t ", "　", " 　\n"};
    struct field f, g;
    struct validate_error err;
    char *out = (char *)1, opt[200];
    size_t i, j;

    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        field_from(lines[i], &f);
        for (j = 0; j < sizeof blanks / sizeof blanks[0]; j++)
            expect_bad(&f, blanks[j], "required");
        expect_bad_on(&f, NULL, 0, TODAY, "required");
        expect_bad_on(&f, NULL, 5, TODAY, "required");
        cr_assert_eq(validate_field(&f, "", 0, TODAY, NULL, NULL, &out, &err), 1);
        snprintf(opt, sizeof opt, "%s%s",
                 f.type == FIELD_CHOICE || f.type == FIELD_YESNO ? "请选择" : "请填写", f.label);
        cr_assert_str_eq(err.message, opt);

        /* the same field without required */
        snprintf(opt, sizeof opt, "%.*s", (int)(strstr(lines[i], "required") - lines[i]), lines[i]);
        strncat(opt, strstr(lines[i], "required") + strlen("required"),
                sizeof opt - strlen(opt) - 1);
        field_from(opt, &g);
        for (j = 0; j < sizeof blanks / sizeof blanks[0]; j++)
            expect_ok(&g, blanks[j], NULL);
        expect_ok(&g, NULL, NULL);
        field_free(&f);
        field_free(&g);
    }
}

/* A confirmation box whose label asks already (the sample library's
 * same_as fields): the label is the message, not 请填写请再输入一遍… */
Test(validate_field, empty_required_label_that_asks)
{
    struct field f;
    struct validate_error err;
    char *out = (char *)1;

    field_from("b2 | 请再输入一遍银行卡号 | text | required", &f);
    cr_assert_eq(validate_field(&f, "", 0, TODAY, NULL, NULL, &out, &err), 1);
    cr_assert_str_eq(err.code, "required");
    cr_assert_str_eq(err.message, "请再输入一遍银行卡号");
    field_free(&f);
    field_from("m2 | 请再输入一遍手机号码 | cn_mobile | required", &f);
    cr_assert_eq(validate_field(&f, " ", 1, TODAY, NULL, NULL, &out, &err), 1);
    cr_assert_str_eq(err.message, "请再输入一遍手机号码");
    field_free(&f);
}

Test(validate_field, optional_empty_skips_other_rules)
{
    struct field f;

    field_from("name | 姓名 | text | min=2 pattern=[a-z]+", &f);
    expect_ok(&f, "", NULL);
    expect_ok(&f, "   ", NULL);
    expect_bad(&f, "a", "too_short");
    field_free(&f);
}

Test(validate_field, bad_text_and_input_cap)
{
    struct field f, g;
    char *big;
    size_t i;

    field_from("note | 备注 | text", &f);
    expect_bad_on(&f, "\xff\xfe", 2, TODAY, "bad_text");
    expect_bad_on(&f, "ab\xe6\xb1", 4, TODAY, "bad_text");     /* cut character */
    expect_bad_on(&f, "\xc0\xaf", 2, TODAY, "bad_text");       /* overlong */
    expect_bad_on(&f, "\xed\xa0\x80", 3, TODAY, "bad_text");   /* surrogate */
    expect_bad_on(&f, "ab\0cd", 5, TODAY, "bad_text");

    big = malloc(VALIDATE_INPUT_MAX + 2);
    cr_assert_not_null(big);
    memset(big, 'a', VALIDATE_INPUT_MAX + 1);
    big[VALIDATE_INPUT_MAX + 1] = '\0';
    expect_bad_on(&f, big, VALIDATE_INPUT_MAX + 1, TODAY, "too_long_input");
    big[VALIDATE_INPUT_MAX] = '\0';
    expect_ok(&f, big, big);
    /* the cap is on what arrives, before trimming */
    for (i = 0; i < VALIDATE_INPUT_MAX + 1; i++)
        big[i] = ' ';
    expect_bad_on(&f, big, VALIDATE_INPUT_MAX + 1, TODAY, "too_long_input");
    field_from("id | 公民身份号码 | cn_id", &g);
    expect_bad_on(&g, "\xff", 1, TODAY, "bad_text");
    expect_bad_on(&g, big, VALIDATE_INPUT_MAX + 1, TODAY, "too_long_input");
    free(big);
    field_free(&f);
    field_free(&g);
}

/* A label at the format's 200-byte limit still leaves a whole message. */
Test(validate_field, long_label_is_shortened_in_messages)
{
    struct field f;
    struct validate_error err;
    char *out = NULL, label[210];
    size_t i;

    memset(&f, 0, sizeof f);
    strcpy(f.key, "x");
    f.type = FIELD_CN_ID;
    f.has_age_min = true;
    f.age_min = 16;
    label[0] = '\0';
    for (i = 0; i < 66; i++)
        strcat(label, "很");
    strcat(label, "长");
    cr_assert_lt(strlen(label), 210);
    f.label = strdup(label);
    cr_assert_not_null(f.label);
    cr_assert_eq(validate_field(&f, "11010519491231003X", 18, TODAY, NULL, NULL, &out, &err), 1);
    cr_assert_str_eq(err.code, "cn_id_checksum");
    cr_assert(utf8_valid(err.message, strlen(err.message)));
    cr_assert_not_null(strstr(err.message, "很很很很很"));
    cr_assert_not_null(strstr(err.message, "校验码不对，请核对身份证"), "%s", err.message);
    cr_assert_eq(validate_field(&f, "", 0, TODAY, NULL, NULL, &out, &err), 0);
    cr_assert_null(out);
    f.required = true;
    cr_assert_eq(validate_field(&f, "", 0, TODAY, NULL, NULL, &out, &err), 1);
    cr_assert(utf8_valid(err.message, strlen(err.message)));
    field_free(&f);
}

Test(validate_fold, full_width_forms)
{
    char out[64];
    const char *in = "０９ＡＺａｚ！～　＠";

    cr_assert_eq(validate_fold_width(in, strlen(in), out), 10);
    cr_assert_str_eq(out, "09AZaz!~ @");
    in = "张三 (ｂ)";
    cr_assert_eq(validate_fold_width(in, strlen(in), out), strlen("张三 (b)"));
    cr_assert_str_eq(out, "张三 (b)");
    cr_assert_eq(validate_fold_width("\xff", 1, out), (size_t)-1);
}

Test(validate_text, control_characters_are_refused_line_breaks_are_not)
{
    struct field f;

    field_from("note | 备注 | text | max=50", &f);
    expect_bad(&f, "张\x01三", "bad_text");
    expect_bad(&f, "张\x7f三", "bad_text");
    expect_bad_on(&f, "张\0三", 5, TODAY, "bad_text");
    expect_ok(&f, "第一行\n第二行\t完", "第一行\n第二行\t完");
    field_free(&f);
}

/* validate_field reaches each type through the CHECK column of FIELD_TYPES:
 * "@@@" is a valid text and each other type's own refusal. A new type
 * without an entry here fails the test, so that its validator is tried. */
Test(validate_field, every_type_reaches_its_validator)
{
    static const char *const codes[FIELD_TYPE_COUNT] = {
        [FIELD_TEXT] = "",                  /* accepted */
        [FIELD_NUMBER] = "not_a_number",
        [FIELD_DATE] = "date",
        [FIELD_CN_ID] = "cn_id_length",
        [FIELD_CN_MOBILE] = "cn_mobile",
        [FIELD_PHONE] = "phone",
        [FIELD_EMAIL] = "email",
        [FIELD_CHOICE] = "not_an_option",
        [FIELD_YESNO] = "yesno",
        [FIELD_BANK_CARD] = "bank_card",
    };
    struct field f;
    char line[100];
    int t;

    for (t = 0; t < FIELD_TYPE_COUNT; t++) {
        const struct field_type_info *ti = field_type_get((enum field_type)t);
        cr_assert_not_null(codes[t], "type %s: no expected code", ti->name);
        snprintf(line, sizeof line, "a | 甲 | %s | %s", ti->name,
                 ti->rules & FIELD_RULE_OPTIONS ? "options=x/y" : "");
        field_from(line, &f);
        if (*codes[t])
            expect_bad(&f, "@@@", codes[t]);
        else
            expect_ok(&f, "@@@", "@@@");
        field_free(&f);
    }
}

/* A type outside the table is refused, never read past the table's end. */
Test(validate_field, type_outside_the_table)
{
    struct field f;

    field_from("a | 甲 | text", &f);
    f.type = (enum field_type)FIELD_TYPE_COUNT;
    expect_bad(&f, "x", "bad_text");
    f.type = FIELD_TEXT;
    field_free(&f);
}

/* ---- boundaries the tests above leave open (mutation review) ---- */

/* A date is real by its month's own length: the last day of every month
 * passes, the day after it does not. */
Test(validate_date, every_month_has_its_own_last_day)
{
    static const int last[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    char s[32];
    int m, d;

    for (m = 1; m <= 12; m++) {
        snprintf(s, sizeof s, "2023-%02d-%02d", m, last[m - 1]);
        cr_assert_eq(validate_date(s, 10, &d), 0, "「%s」", s);
        snprintf(s, sizeof s, "2023-%02d-%02d", m, last[m - 1] + 1);
        cr_assert_eq(validate_date(s, 10, &d), 1, "「%s」 was accepted", s);
    }
    /* the floor is 1900 itself */
    cr_assert_eq(validate_date("1900-01-01", 10, &d), 0);
    cr_assert_eq(d, 19000101);
}

/* Two separators that differ are not a date's shape: the resident is told
 * how to write one, not that the day does not exist. */
Test(validate_date, mixed_separators_are_the_wrong_shape)
{
    struct field f;

    field_from("start | 失业日期 | date | required", &f);
    expect_bad(&f, "2024-03/01", "date");
    expect_bad(&f, "2024/03-01", "date");
    field_free(&f);
}

/* "at most 32 characters": 32 are a number. */
Test(validate_number, thirty_two_characters)
{
    double v;

    cr_assert_eq(validate_number("12345678901234567890123456789012", 32, &v), 0);
    cr_assert_eq(validate_number("-1234567890123456789012345678901", 32, &v), 0);
}

/* A bound that prints as -0 is shown as 0. */
Test(validate_number, bound_never_shown_as_minus_zero)
{
    struct field f;
    struct validate_error err;

    field_from("t | 温度 | number | min=-0.0000001", &f);
    err = message_of(&f, "-1", TODAY, "too_small");
    cr_assert_null(strstr(err.message, "-0"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "不能小于 0，"), "%s", err.message);
    field_free(&f);
}

/* Area code and number typed as one run: Beijing and the 02x cities have
 * 3-digit codes; a 7-digit number after a 3-digit code is read too; 00 is
 * an international prefix, never an area. */
Test(validate_phone, three_digit_areas_written_together_and_no_00)
{
    static const struct {
        const char *in, *want;
    } good[] = {
        {"02187654321", "021-87654321"},
        {"02012345678", "020-12345678"},
        {"0101234567", "010-1234567"},
        {"010 1234567", "010-1234567"},
    };
    static const char *const bad[] = {"0053-1234567", "005312345678", "00531234567"};
    char out[VALIDATE_PHONE_SIZE];
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        cr_assert_eq(validate_phone(good[i].in, strlen(good[i].in), out), 0, "「%s」", good[i].in);
        cr_assert_str_eq(out, good[i].want, "「%s」", good[i].in);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(validate_phone(bad[i], strlen(bad[i]), out), 1, "「%s」 accepted as 「%s」",
                     bad[i], out);
}

/* A domain label is at most 63 characters (RFC 1035). */
Test(validate_email, domain_label_of_63_but_not_64)
{
    char in[128], out[VALIDATE_EMAIL_MAX + 1];

    memcpy(in, "zs@", 3);
    memset(in + 3, 'a', 63);
    memcpy(in + 66, ".cn", 4);
    cr_assert_eq(validate_email(in, strlen(in), out), 0, "63");
    memset(in + 3, 'a', 64);
    memcpy(in + 67, ".cn", 4);
    cr_assert_eq(validate_email(in, strlen(in), out), 1, "64");
}

/* A label of 90 bytes (30 汉字) is within the clip: shown whole. */
Test(validate_field, label_at_the_clip_is_shown_whole)
{
    struct field f;
    char line[200];
    size_t i;

    strcpy(line, "n | ");
    for (i = 0; i < 30; i++)
        strcat(line, "很");
    strcat(line, " | number");
    field_from(line, &f);
    cr_assert_eq(strlen(f.label), 90);
    expect_bad(&f, "x", "not_a_number");   /* check_message: names the whole label */
    field_free(&f);
}

/* The length message counts what was typed but the spaces, as the check
 * does. */
Test(validate_cn_id, length_message_leaves_out_spaces)
{
    struct field f;
    struct validate_error err;

    field_from("id_number | 公民身份号码 | cn_id | required", &f);
    err = message_of(&f, "110105 19491231 002", TODAY, "cn_id_length");
    cr_assert_not_null(strstr(err.message, "现在是 17 位"), "%s", err.message);
    field_free(&f);
}

/* The resident is told what is wrong with the number, not another fault. */
Test(validate_cn_id, each_refusal_has_its_own_advice)
{
    struct field f;
    struct validate_error err;
    char id[19];

    field_from("id_number | 公民身份号码 | cn_id | required", &f);
    with_check("99010519491231002", id);
    err = message_of(&f, id, TODAY, "cn_id_region");
    cr_assert_not_null(strstr(err.message, "地区代码"), "%s", err.message);
    with_check("11010520250616002", id);
    err = message_of(&f, id, TODAY, "cn_id_future");
    cr_assert_not_null(strstr(err.message, "晚于今天"), "%s", err.message);
    err = message_of(&f, "11010519490231002X", TODAY, "cn_id_birth");
    cr_assert_not_null(strstr(err.message, "不是真实的日期"), "%s", err.message);
    field_free(&f);
}

/* What a copy from a web page or a document brings around a value: the
 * no-break space and the byte-order mark are trimmed like any other. */
Test(validate_field, nbsp_and_bom_around_a_value_are_trimmed)
{
    struct field f, c;

    field_from("name | 姓名 | text | required max=4", &f);
    expect_ok(&f, "\u00a0张三\u00a0", "张三");
    expect_ok(&f, "\ufeff张三", "张三");
    expect_ok(&f, "张三\ufeff", "张三");
    field_free(&f);
    field_from("edu | 文化程度 | choice | options=小学/初中", &c);
    expect_ok(&c, "初中\u00a0", "初中");
    expect_ok(&c, "\ufeff初中", "初中");
    field_free(&c);
}

/* However long the options, the message is whole and within its buffer:
 * the third option ends at every byte around the end of the message. */
Test(validate_choice, option_list_ending_at_the_buffer_edge)
{
    struct field f;
    struct validate_error err;
    char line[1024], third[64];
    size_t len;

    for (len = 1; len < 40; len++) {
        memset(third, 'c', len);
        third[len] = '\0';
        snprintf(line, sizeof line, "k | 甲 | choice | options=%0100d/%0100d/%s/d", 1, 2, third);
        field_from(line, &f);
        err = message_of(&f, "z", TODAY, "not_an_option");   /* check_message: < 256 bytes */
        cr_assert(strcmp(err.message + strlen(err.message) - strlen("等"), "等") == 0 ||
                  strstr(err.message, "、d") != NULL, "%zu: %s", len, err.message);
        field_free(&f);
    }
}

/* An age rule makes a date field a date of birth: one after today has no
 * age and is refused, as cn_id refuses it, whichever limit the field has
 * (age<= alone passed it: a negative age is under any maximum). */
Test(validate_date, a_birth_date_after_today_is_refused)
{
    static const char *const lines[] = {
        "born | 出生日期 | date | required age<=60",
        "born | 出生日期 | date | required age>=0",
        "born | 出生日期 | date | required age>=16 age<=60",
    };
    struct validate_error err;
    struct field f;
    size_t i;

    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        field_from(lines[i], &f);
        err = message_of(&f, "2030-01-01", TODAY, "date_too_late");
        cr_assert_not_null(strstr(err.message, "不能晚于今天（2025年6月15日）"), "%s", err.message);
        expect_bad(&f, "2025-06-16", "date_too_late");
        field_free(&f);
    }
    /* born today: age 0, within age<=60 */
    field_from(lines[0], &f);
    expect_ok(&f, "2025-06-15", "2025-06-15");
    field_free(&f);
    /* no age rule: a date in the future is any other date (an appointment) */
    field_from("when | 预约日期 | date | required", &f);
    expect_ok(&f, "2030-01-01", "2030-01-01");
    field_free(&f);
}

/* ---- pinned by a mutation review of src/validate.c ---- */

/* Every digit of a date is a digit, the last one too: "2024-01-1/" is not
 * 9 January ('/' - '0' is -1) nor "2024-01-1:" the 20th. */
Test(validate_date, the_last_character_must_be_a_digit)
{
    int d = 0;

    cr_assert_eq(validate_date("2024-01-1/", 10, &d), 1, "read as %d", d);
    cr_assert_eq(validate_date("2024-01-1:", 10, &d), 1, "read as %d", d);
    cr_assert_eq(validate_date("2024-01-19", 10, &d), 0);
    cr_assert_eq(d, 20240119);
}

/* A character outside ASCII is not read by its low byte: 丰 is U+4E30,
 * whose low byte is the digit 0; 二 in the last place is a wrong
 * character, not a wrong check character. */
Test(validate_cn_id, a_character_outside_ascii_is_never_a_digit)
{
    cn_id_bad("110105194912310丰2X", "cn_id_chars");
    cn_id_bad("11010519491231002二", "cn_id_chars");
}

/* An extension follows the number once: a second group after it is not
 * dropped, whether the area code is set off or written together. */
Test(validate_phone, only_one_extension)
{
    char out[VALIDATE_PHONE_SIZE];

    cr_assert_eq(validate_phone("05351234567-12-3", strlen("05351234567-12-3"), out), 1,
                 "accepted as 「%s」", out);
    cr_assert_eq(validate_phone("05351234567-12", strlen("05351234567-12"), out), 0);
    cr_assert_str_eq(out, "0535-1234567-12");
}

/* RFC 5321: a local part of 64 bytes is allowed, 65 is not (tested above). */
Test(validate_email, local_part_of_64)
{
    char in[100], out[VALIDATE_EMAIL_MAX + 1];

    memset(in, 'a', 64);
    strcpy(in + 64, "@example.com");
    cr_assert_eq(validate_email(in, strlen(in), out), 0);
    cr_assert_str_eq(out, in);
}

/* The domain is lower-cased to its last letter (Z, as in ZJ for Zhejiang). */
Test(validate_email, domain_lower_cased_through_z)
{
    char out[VALIDATE_EMAIL_MAX + 1];

    cr_assert_eq(validate_email("ZS@ZJ.GOV.CN", strlen("ZS@ZJ.GOV.CN"), out), 0);
    cr_assert_str_eq(out, "ZS@zj.gov.cn");
}

/* A NUL is not a character of the local part (validate_field refuses it
 * earlier; the public check refuses it too). */
Test(validate_email, nul_in_the_local_part)
{
    char out[VALIDATE_EMAIL_MAX + 1];

    cr_assert_eq(validate_email("a\0b@example.com", 15, out), 1);
}

/* A label shortened in a message is cut between characters, wherever its
 * 87th byte falls: "a" and then 3-byte characters puts it inside one. */
Test(validate_field, long_label_is_cut_between_characters)
{
    struct field f;
    struct validate_error err;
    char *out = NULL, label[200];
    size_t i;

    memset(&f, 0, sizeof f);
    strcpy(f.key, "x");
    f.type = FIELD_NUMBER;
    strcpy(label, "a");
    for (i = 0; i < 40; i++)
        strcat(label, "很");
    f.label = strdup(label);
    cr_assert_not_null(f.label);
    cr_assert_eq(validate_field(&f, "x", 1, TODAY, NULL, NULL, &out, &err), 1);
    cr_assert_str_eq(err.code, "not_a_number");
    cr_assert(utf8_valid(err.message, strlen(err.message)), "cut inside a character");
    cr_assert_not_null(strstr(err.message, "很…要填一个数"), "%s", err.message);
    field_free(&f);
}

/* A bound is shown as written, to six decimal places: 2.125 is not 2.13. */
Test(validate_number, a_bound_is_shown_with_its_decimals)
{
    struct field f;
    struct validate_error err;

    field_from("rate | 比例 | number | min=0.001 max=2.125", &f);
    err = message_of(&f, "3", TODAY, "too_large");
    cr_assert_not_null(strstr(err.message, "不能大于 2.125，"), "%s", err.message);
    err = message_of(&f, "0", TODAY, "too_small");
    cr_assert_not_null(strstr(err.message, "不能小于 0.001，"), "%s", err.message);
    field_free(&f);
}

/* A pattern is matched as written: [A-Z] takes capitals only. */
Test(validate_text, pattern_is_case_sensitive)
{
    struct field f;

    field_from("plate | 车牌号 | text | pattern=[A-Z][A-Z0-9]{5}", &f);
    expect_ok(&f, "AB1234", "AB1234");
    expect_bad(&f, "ab1234", "pattern");
    field_free(&f);
}

/* The area code in brackets, as letterheads write it: 「(0535)1234567」 was
 * refused with 「…如 0535-1234567」 to a resident who had written the same
 * number. A bracket that closes no area code stays refused. */
Test(validate_phone, an_area_code_in_brackets)
{
    static const struct {
        const char *in, *want;
    } good[] = {
        {"(0535)1234567", "0535-1234567"},
        {"（0535）1234567", "0535-1234567"},
        {"(010) 12345678", "010-12345678"},
        {"(0535)-1234567-801", "0535-1234567-801"},
    };
    static const char *const bad[] = {
        "(0535-1234567", "(05351234567)", "()1234567", "(0535)", "(0535)123456", "0535)1234567",
        "(00535)1234567", "(0535)(1234567)",
    };
    char out[VALIDATE_PHONE_SIZE];
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        cr_assert_eq(validate_phone(good[i].in, strlen(good[i].in), out), 0, "「%s」", good[i].in);
        cr_assert_str_eq(out, good[i].want, "「%s」", good[i].in);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(validate_phone(bad[i], strlen(bad[i]), out), 1, "「%s」 accepted as 「%s」",
                     bad[i], out);
}
