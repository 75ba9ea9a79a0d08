/* qrsvg (src/qrsvg.c): the SVG drawn is the QR code of the text, module for
 * module (error correction M, 8-bit, case kept), inside a 4-module quiet
 * zone, labelled with its label escaped; text past QRSVG_TEXT_MAX is
 * refused. The matrix is compared with libqrencode's own. */
#include <criterion/criterion.h>

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qrsvg.h"

static void expect_qr(const char *text)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    char *svg = qrsvg_render(text, "QR"), head[160], *d, *p;
    unsigned char *seen;
    int w, x, y, n, dark = 0;

    cr_assert_not_null(qr);
    cr_assert_not_null(svg, "%s", text);
    w = qr->width;
    snprintf(head, sizeof head, "viewBox=\"0 0 %d %d\"", w + 8, w + 8);
    cr_assert_not_null(strstr(svg, head), "%s", svg);
    snprintf(head, sizeof head, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", w + 8, w + 8);
    cr_assert_not_null(strstr(svg, head), "%s", svg);
    d = strstr(svg, "<path fill=\"#000\" d=\"");
    cr_assert_not_null(d);
    seen = calloc((size_t)(w * w), 1);
    cr_assert_not_null(seen);
    for (p = d + strlen("<path fill=\"#000\" d=\""); sscanf(p, "M%d %dh1v1h-1z%n", &x, &y, &n) == 2; p += n) {
        cr_assert(x >= 4 && x < w + 4 && y >= 4 && y < w + 4, "module %d,%d off the code", x, y);
        cr_assert_not(seen[(y - 4) * w + x - 4], "module %d,%d twice", x, y);
        seen[(y - 4) * w + x - 4] = 1;
    }
    cr_assert_str_eq(p, "\"/></svg>");
    for (y = 0; y < w; y++)
        for (x = 0; x < w; x++) {
            cr_assert_eq(seen[y * w + x], qr->data[y * w + x] & 1, "module %d,%d", x, y);
            dark += seen[y * w + x];
        }
    cr_assert_gt(dark, 0);
    free(seen);
    free(svg);
    QRcode_free(qr);
}

Test(qrsvg, draws_the_code_of_the_text)
{
    expect_qr("A017");
    expect_qr("https://kiosk.example/c/5f3a9bd0c1e24e6f8a7b9c0d1e2f3a4b");
    expect_qr("lower-case text stays lower case");
}

Test(qrsvg, label_is_escaped)
{
    char *svg = qrsvg_render("A017", "\"><script>&'");

    cr_assert_not_null(svg);
    cr_assert_not_null(strstr(svg, "aria-label=\"&quot;&gt;&lt;script&gt;&amp;&#39;\""), "%s", svg);
    free(svg);
}

Test(qrsvg, text_up_to_the_max)
{
    char text[QRSVG_TEXT_MAX + 2], *svg;

    memset(text, 'a', sizeof text);
    text[QRSVG_TEXT_MAX] = '\0';
    svg = qrsvg_render(text, "QR");
    cr_assert_not_null(svg, "QRSVG_TEXT_MAX bytes are drawn");
    free(svg);
    text[QRSVG_TEXT_MAX] = 'a';
    text[QRSVG_TEXT_MAX + 1] = '\0';
    cr_assert_null(qrsvg_render(text, "QR"));
}
