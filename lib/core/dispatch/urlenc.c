/* Percent-encoding (RFC 3986: every byte but the unreserved ones), for form values and path
 * segments. */
#include "dispatch/dispatch_internal.h"

int ot__url_encode_append(char *out, size_t size, size_t *n, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = *n;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (o + 4 > size)
            return -1;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    *n = o;
    return 0;
}
