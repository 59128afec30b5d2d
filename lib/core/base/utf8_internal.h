/* Internal: UTF-8 decoding (utf8.c). Not installed. */
#ifndef OT_UTF8_INTERNAL_H
#define OT_UTF8_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* The length of the UTF-8 sequence at s (n >= 1 bytes left) with its code point in `*cp`
 * (may be NULL), or 0 when invalid: jansson's rules (shortest form, no surrogates, at most
 * U+10FFFF; a sequence cut by the end of the input is invalid). Pure; thread-safe. */
size_t ot__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* 1 when the n bytes at s are valid UTF-8 (NUL bytes included), else 0. */
int ot__utf8_valid(const unsigned char *s, size_t n);

#endif
