/* base64url (RFC 4648 section 5): the JWT's encoding and DoorDash's signing secret. */
#include <string.h>

#include "dispatch/dispatch_internal.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int ot__b64url_encode(char *out, size_t size, const void *data, size_t len)
{
    const unsigned char *in = data;
    size_t i, o = 0, need = (len / 3) * 4 + (len % 3 ? len % 3 + 1 : 0) + 1;

    if (need > size)
        return -1;
    for (i = 0; i + 2 < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
        out[o++] = alphabet[v & 63];
    }
    if (len - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
    } else if (len - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
    }
    out[o] = '\0';
    return 0;
}

static int value_of(char c)
{
    const char *p;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

long ot__b64url_decode(unsigned char *out, size_t size, const char *text)
{
    unsigned acc = 0;
    int bits = 0;
    size_t o = 0;

    for (; *text && *text != '='; text++) {
        int v = value_of(*text);
        if (v < 0)
            return -1;
        acc = acc << 6 | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= size)
                return -1;
            out[o++] = (unsigned char)(acc >> bits & 0xff);
        }
    }
    for (; *text == '='; text++)
        ;
    return *text ? -1 : (long)o;
}
