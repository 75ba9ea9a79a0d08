/* qrsvg: a QR code (libqrencode) drawn as an inline SVG, so that a slip
 * needs no image file and prints sharply at any size. */
#ifndef SPK_QRSVG_H
#define SPK_QRSVG_H

#include <stddef.h>

/* Longest text encoded; a case id is 32 characters. */
#define QRSVG_TEXT_MAX 256

/* An <svg> element holding text as a QR code (error correction M, 4-module
 * quiet zone), labelled by label for screen readers. Returns a new string
 * (caller frees), or NULL when text is too long or memory runs out. */
char *qrsvg_render(const char *text, const char *label);

#endif
