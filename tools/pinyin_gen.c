/* pinyin_gen: turns Unihan_Readings.txt (Debian's unicode-data, read on
 * stdin, decompressed) into the C tables of src/pinyin.c. Runs at build time
 * only; output on stdout, exit 1 with a message on any error.
 *
 * For each ideograph it keeps at most PY_MAX readings, tone marks removed
 * and ü written v (as Chinese input methods type it), in this order: the
 * first kMandarin value (the usual reading), then the modern dictionaries'
 * readings (kTGHZ2013, kXHC1983), and only for a character none of those
 * know, kHanyuPinyin, whose many archaic readings would add noise. A reading
 * with ü also gets its u spelling (lv, lu), since both are typed.
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PY_MAX 4          /* readings per character; must match PINYIN_MAX_READINGS */
#define PY_SYL_MAX 8      /* longest toneless syllable + NUL ("zhuang" is 6) */
#define PY_CP_MAX 0x40000 /* planes 0-3: every CJK ideograph */
#define PY_SYLS 1024

enum { SRC_MANDARIN, SRC_MODERN, SRC_HANYU, SRC_N };

struct py_char {
    char r[SRC_N][PY_MAX * 2][PY_SYL_MAX];
    int n[SRC_N];
};

static struct py_char *py_chars[PY_CP_MAX];
static char py_syls[PY_SYLS][PY_SYL_MAX];
static int py_nsyls;

/* Decodes one UTF-8 sequence; 0 on a bad one. */
static size_t py_decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    return 0;
}

/* The base letter of a toned vowel, 'v' for ü, 0 to drop a combining mark,
 * -1 for anything a toneless ASCII syllable cannot hold. */
static int py_base(uint32_t cp)
{
    static const struct { const char *from; char to; } map[] = {
        {"āáǎàa", 'a'}, {"ēéěèêếềḗ", 'e'}, {"īíǐìi", 'i'}, {"ōóǒòo", 'o'},
        {"ūúǔùu", 'u'}, {"ǖǘǚǜü", 'v'}, {"ḿm", 'm'}, {"ńňǹn", 'n'},
    };
    size_t i, k;
    uint32_t c;

    if (cp >= 'a' && cp <= 'z')
        return (int)cp;
    if (cp >= 0x300 && cp <= 0x36F)
        return 0;
    for (i = 0; i < sizeof map / sizeof map[0]; i++) {
        const unsigned char *s = (const unsigned char *)map[i].from;
        while (*s) {
            if (!(k = py_decode(s, &c)))
                return -1;
            if (c == cp)
                return map[i].to;
            s += k;
        }
    }
    return -1;
}

/* Toneless form of one reading r[0..len) into out; 0, or -1 to skip it. */
static int py_toneless(const char *r, size_t len, char out[PY_SYL_MAX])
{
    const unsigned char *s = (const unsigned char *)r;
    unsigned char buf[64];
    size_t i = 0, k, o = 0;
    uint32_t cp;
    int b;

    if (len == 0 || len >= sizeof buf - 4)
        return -1;
    memcpy(buf, r, len);
    memset(buf + len, 0, 4);
    s = buf;
    while (i < len) {
        if (!(k = py_decode(s + i, &cp)) || (b = py_base(cp)) < 0)
            return -1;
        if (b > 0) {
            if (o + 1 >= PY_SYL_MAX)
                return -1;
            out[o++] = (char)b;
        }
        i += k;
    }
    out[o] = '\0';
    return o > 0 ? 0 : -1;
}

static void py_add(struct py_char *c, int src, const char *syl)
{
    int i;

    for (i = 0; i < c->n[src]; i++)
        if (strcmp(c->r[src][i], syl) == 0)
            return;
    if (c->n[src] < PY_MAX * 2)
        strcpy(c->r[src][c->n[src]++], syl);
}

/* One value field: space-separated entries, each "index:r1,r2" or "r". */
static void py_field(struct py_char *c, int src, char *v, int first_only)
{
    char *save = NULL, *ent, *r, *colon, *save2 = NULL;
    char syl[PY_SYL_MAX];

    for (ent = strtok_r(v, " ", &save); ent; ent = strtok_r(NULL, " ", &save)) {
        colon = strchr(ent, ':');
        if (colon)
            ent = colon + 1;
        for (r = strtok_r(ent, ",", &save2); r; r = strtok_r(NULL, ",", &save2))
            if (py_toneless(r, strlen(r), syl) == 0)
                py_add(c, src, syl);
        if (first_only)
            return;
    }
}

static int py_syl_id(const char *s)
{
    int lo = 0, hi = py_nsyls;

    while (lo < hi) {
        int mid = (lo + hi) / 2, r = strcmp(s, py_syls[mid]);
        if (r == 0)
            return mid;
        if (r < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

static int py_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The final readings of c, in priority order, at most PY_MAX. */
static int py_final(const struct py_char *c, char out[PY_MAX][PY_SYL_MAX])
{
    int n = 0, src, i, j, dup;
    char alt[PY_SYL_MAX], *v;

    for (src = 0; src < SRC_N; src++) {
        if (src == SRC_HANYU && n > 0)
            break;
        for (i = 0; i < c->n[src] && n < PY_MAX; i++) {
            const char *cand[2] = {c->r[src][i], NULL};
            int k;

            strcpy(alt, c->r[src][i]);
            if ((v = strchr(alt, 'v'))) {
                *v = 'u';
                cand[1] = alt;
            }
            for (k = 0; k < 2 && cand[k] && n < PY_MAX; k++) {
                for (dup = 0, j = 0; j < n; j++)
                    dup |= strcmp(out[j], cand[k]) == 0;
                if (!dup)
                    strcpy(out[n++], cand[k]);
            }
        }
    }
    return n;
}

int main(void)
{
    static char line[8192];
    char out[PY_MAX][PY_SYL_MAX], *tab1, *tab2, *field, *val;
    unsigned long cp;
    uint32_t c;
    long nids = 0, ncps = 0;
    int i, n;

    while (fgets(line, sizeof line, stdin)) {
        int src;

        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "U+", 2) != 0)
            continue;
        if (!(tab1 = strchr(line, '\t')) || !(tab2 = strchr(tab1 + 1, '\t')))
            continue;
        *tab1 = *tab2 = '\0';
        field = tab1 + 1;
        val = tab2 + 1;
        if (strcmp(field, "kMandarin") == 0)
            src = SRC_MANDARIN;
        else if (strcmp(field, "kTGHZ2013") == 0 || strcmp(field, "kXHC1983") == 0)
            src = SRC_MODERN;
        else if (strcmp(field, "kHanyuPinyin") == 0)
            src = SRC_HANYU;
        else
            continue;
        cp = strtoul(line + 2, NULL, 16);
        if (cp >= PY_CP_MAX)
            continue;
        if (!py_chars[cp] && !(py_chars[cp] = calloc(1, sizeof *py_chars[cp]))) {
            fprintf(stderr, "pinyin_gen: out of memory\n");
            return 1;
        }
        py_field(py_chars[cp], src, val, src == SRC_MANDARIN);
    }
    if (ferror(stdin)) {
        fprintf(stderr, "pinyin_gen: read error\n");
        return 1;
    }
    /* the syllable list first, sorted, so that readings can be its indices */
    for (c = 0; c < PY_CP_MAX; c++) {
        if (!py_chars[c])
            continue;
        n = py_final(py_chars[c], out);
        for (i = 0; i < n; i++) {
            int j, dup = 0;
            for (j = 0; j < py_nsyls; j++)
                dup |= strcmp(py_syls[j], out[i]) == 0;
            if (dup)
                continue;
            if (py_nsyls == PY_SYLS) {
                fprintf(stderr, "pinyin_gen: more than %d syllables\n", PY_SYLS);
                return 1;
            }
            strcpy(py_syls[py_nsyls++], out[i]);
        }
    }
    if (py_nsyls == 0) {
        fprintf(stderr, "pinyin_gen: no readings found (is this Unihan_Readings.txt?)\n");
        return 1;
    }
    qsort(py_syls, (size_t)py_nsyls, sizeof py_syls[0], py_cmp);

    printf("/* Generated by tools/pinyin_gen.c from Unihan_Readings.txt (Unicode, Inc.;\n"
           " * Unicode License, see docs/internals.md). Do not edit. */\n"
           "#include \"pinyin_data.h\"\n\n");
    printf("const char *const pinyin_syllables[] = {\n");
    for (i = 0; i < py_nsyls; i++)
        printf("\"%s\",%s", py_syls[i], i % 12 == 11 ? "\n" : "");
    printf("};\nconst size_t pinyin_n_syllables = %d;\n\n", py_nsyls);

    printf("const uint32_t pinyin_cps[] = {\n");
    for (c = 0; c < PY_CP_MAX; c++)
        if (py_chars[c] && py_final(py_chars[c], out) > 0)
            printf("0x%lx,%s", (unsigned long)c, ++ncps % 12 == 0 ? "\n" : "");
    printf("};\nconst size_t pinyin_n_cps = %ld;\n\n", ncps);

    /* offsets into pinyin_ids: readings of pinyin_cps[i] are
     * pinyin_ids[pinyin_at[i] .. pinyin_at[i + 1]) */
    printf("const uint32_t pinyin_at[] = {\n0,");
    ncps = 0;
    for (c = 0; c < PY_CP_MAX; c++)
        if (py_chars[c] && (n = py_final(py_chars[c], out)) > 0) {
            nids += n;
            printf("%ld,%s", nids, ++ncps % 12 == 0 ? "\n" : "");
        }
    printf("};\n\nconst uint16_t pinyin_ids[] = {\n");
    nids = 0;
    for (c = 0; c < PY_CP_MAX; c++) {
        if (!py_chars[c])
            continue;
        n = py_final(py_chars[c], out);
        for (i = 0; i < n; i++)
            printf("%d,%s", py_syl_id(out[i]), ++nids % 16 == 0 ? "\n" : "");
    }
    printf("};\n");
    for (c = 0; c < PY_CP_MAX; c++)
        free(py_chars[c]);
    return ferror(stdout) ? 1 : 0;
}
