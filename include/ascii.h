/* ascii.h: character classes and case folding by ASCII rules, whatever the locale.
 *
 * <ctype.h> follows LC_CTYPE: under tr_TR.UTF-8, tolower('I') is not 'i', and "ICT" would
 * stop naming the ict sector. Ids, vocabulary names and keyword tokens are folded and
 * checked with these instead; bytes from 0x80 up (UTF-8) are never letters or digits here.
 */
#ifndef CM_ASCII_H
#define CM_ASCII_H

#include <stdbool.h>

static inline bool cm_is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline bool cm_is_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline bool cm_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool cm_is_alnum(int c) { return cm_is_upper(c) || cm_is_lower(c) || cm_is_digit(c); }
static inline int cm_to_lower(int c) { return cm_is_upper(c) ? c - 'A' + 'a' : c; }

#endif
