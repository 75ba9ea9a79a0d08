/* idmask: ID numbers inside free text, masked for the resident's side and
 * put back when the text comes back (src/idmask.c). */
#ifndef SPK_IDMASK_H
#define SPK_IDMASK_H

/* v with every ID number in it (GB 11643: region, a real birth date, the
 * check character; single spaces or hyphens between its characters, as
 * copied from a card) masked to its last 4 characters, the rest of v as it
 * is; a new string, NULL when memory runs out. For a value whose type knows
 * nothing of ID numbers: 残疾人证号 is the holder's ID number and 2 digits,
 * typed into a `text` field. */
char *idmask_text_hide(const char *v);

/* The text a resident sent back for a stored value v whose ID numbers the
 * resident's view showed masked (idmask_text_hide), edited around them (a
 * 备注 with a phone number added): each masked number of v that text still
 * holds, exactly as shown, stands for the number, as a whole echo does.
 * Returns 0 with *out a new string (text with the numbers put back), or
 * NULL when v shows no masked number; 1 when text holds more masked
 * numbers than that accounts for (a mask edited itself: the stars would
 * replace the number for good, so it must be typed in full), or when two
 * of v's numbers are masked alike (the same last four) and text no longer
 * holds that mask once for each, so which is which cannot be told, *out
 * NULL; -1 when memory runs out. */
int idmask_text_restore(const char *v, const char *text, char **out);

#endif
