/* libFuzzer harness: a resident's value through validate_field for a field
 * of every type and most rules, as a step submission does. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "field.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const lines[] = {
    "name | 姓名 | text | required min=2 max=20",
    "zip | 邮编 | text | pattern=[0-9]{6}",
    "n | 人数 | number | min=1 max=20",
    "d | 日期 | date | not_before=2020-01-01 not_after=today age>=16",
    "id | 身份证 | cn_id | required age>=16 age<=60",
    "m | 手机 | cn_mobile | required",
    "p | 电话 | phone",
    "e | 邮箱 | email",
    "c | 选项 | choice | options=本人/代办/其他",
    "y | 是否 | yesno | required",
    "again | 再输一次 | text | same_as=name",
};

static struct field fields[sizeof lines / sizeof lines[0]];
static int ready;

static const char *fuzz_lookup(void *ctx, const char *key)
{
    (void)key;
    return ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t i;
    char *text;

    if (!ready) {
        for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
            struct diag_list d = DIAG_LIST_INIT;
            if (field_parse_line("fuzz.md", 1, lines[i], strlen(lines[i]), &fields[i], &d) != 0)
                abort();
            diag_list_free(&d);
        }
        ready = 1;
    }
    if (!(text = malloc(size ? size : 1)))
        return 0;
    memcpy(text, data, size);
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        struct validate_error err;
        char *out = NULL;
        if (validate_field(&fields[i], text, size, 20261121, fuzz_lookup, "张三", &out, &err) == 0 &&
            out && strlen(out) > size * 3 + 32)
            abort(); /* normalising never grows a value much */
        free(out);
    }
    free(text);
    return 0;
}
