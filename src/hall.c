/* hall: the hall's own location, hours and phone, filled into procedures
 * that leave them out (a library shared by several halls). Written once at
 * start, before threads; read without a lock after. */
#include "hall.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

static char hall_values[HALL_CONTACT_N][HALL_CONTACT_MAX + 1];
static char hall_name[HALL_NAME_MAX + 1];
static char hall_tag[HALL_TAG_LEN + 1];

static const char *const hall_names[HALL_CONTACT_N] = {
    [HALL_LOCATION] = "location", [HALL_HOURS] = "hours", [HALL_PHONE] = "phone",
};

bool hall_contact_valid(const char *s)
{
    return utf8_line_valid(s, HALL_CONTACT_MAX);
}

/* The tag of the three values and the name as they stand: each and a 0
 * byte between them, so that "a" + "" and "" + "a" differ. The name comes
 * last, so the tag of the three alone is what an earlier build stored. */
static void hall_tag_update(void)
{
    uint64_t h = 14695981039346656037ULL;
    bool any = false;
    size_t k;
    const char *s;

    for (k = 0; k <= HALL_CONTACT_N; k++) {
        const char *v = k < HALL_CONTACT_N ? hall_values[k] : hall_name;
        if (k == HALL_CONTACT_N && !*v)
            break;
        any |= *v != '\0';
        for (s = v;; s++) {
            h = (h ^ (unsigned char)*s) * 1099511628211ULL;
            if (!*s)
                break;
        }
    }
    if (any)
        snprintf(hall_tag, sizeof hall_tag, "%016llx", (unsigned long long)h);
    else
        hall_tag[0] = '\0';
}

int hall_contact_set(enum hall_contact_key key, const char *value)
{
    if ((unsigned)key >= HALL_CONTACT_N)
        return -1;
    if (value && *value && !hall_contact_valid(value))
        return -1;
    snprintf(hall_values[key], sizeof hall_values[key], "%s", value ? value : "");
    hall_tag_update();
    return 0;
}

int hall_name_set(const char *name)
{
    if (name && strlen(name) > HALL_NAME_MAX)
        return -1;
    snprintf(hall_name, sizeof hall_name, "%s", name ? name : "");
    hall_tag_update();
    return 0;
}

const char *hall_name_get(void)
{
    return hall_name[0] ? hall_name : NULL;
}

const char *hall_contact_name(enum hall_contact_key key)
{
    return (unsigned)key < HALL_CONTACT_N ? hall_names[key] : NULL;
}

const char *hall_contact_get(enum hall_contact_key key)
{
    if ((unsigned)key >= HALL_CONTACT_N || !hall_values[key][0])
        return NULL;
    return hall_values[key];
}

const char *hall_contact_tag(void)
{
    return hall_tag;
}
