/* qrsvg: libqrencode's module matrix as one SVG path, a unit square per
 * dark module, so scanners at the window read it from paper or screen. */
#include "qrsvg.h"

#include <qrencode.h>
#include <string.h>

#include "strbuf.h"

char *qrsvg_render(const char *text, const char *label)
{
    struct strbuf sb = STRBUF_INIT;
    QRcode *qr;
    int x, y, w, rc = 0;

    if (strlen(text) > QRSVG_TEXT_MAX || !(qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)))
        return NULL;
    w = qr->width;
    rc |= strbuf_printf(&sb,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                        "role=\"img\" aria-label=\"",
                        w + 8, w + 8);
    rc |= strbuf_put_html(&sb, label, strlen(label));
    rc |= strbuf_printf(&sb, "\" shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
                             "fill=\"#fff\"/><path fill=\"#000\" d=\"", w + 8, w + 8);
    for (y = 0; y < w && rc == 0; y++)
        for (x = 0; x < w && rc == 0; x++)
            if (qr->data[y * w + x] & 1)
                rc |= strbuf_printf(&sb, "M%d %dh1v1h-1z", x + 4, y + 4);
    rc |= strbuf_puts(&sb, "\"/></svg>");
    QRcode_free(qr);
    if (rc != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_take(&sb);
}
