/* The "pii" configuration block (piiconf.h). */
#include "piiconf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#define ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
#define HEX_DIGITS (2 * OT_PII_KEY_SIZE)

static const char *const block_fields[] = {"key_id", "key_hex", "key_file", "retired", NULL};
static const char *const key_fields[] = {"key_id", "key_hex", "key_file", NULL};

static int hex_value(char h)
{
    return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
           : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
}

/* 64 hex digits (surrounding whitespace allowed) into key; -1 if the text is not that. */
static int decode_hex(unsigned char key[OT_PII_KEY_SIZE], const char *text, size_t len)
{
    size_t i;

    while (len && strchr(" \t\r\n", text[len - 1]))
        len--;
    while (len && strchr(" \t\r\n", *text))
        text++, len--;
    if (len != HEX_DIGITS)
        return -1;
    for (i = 0; i < OT_PII_KEY_SIZE; i++) {
        int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            OPENSSL_cleanse(key, OT_PII_KEY_SIZE);
            return -1;
        }
        key[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

/* The key of `key_file`: a regular file its owner alone may read, holding 64 hex digits. */
static int read_key_file(const jsonconf *c, const char *where, const char *path,
                         unsigned char key[OT_PII_KEY_SIZE])
{
    char text[HEX_DIGITS + 16];
    struct stat st;
    size_t n;
    FILE *f;
    int rc;

    if (!(f = fopen(path, "r")))
        return jc_bad(c, where, "%s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return jc_bad(c, where, "%s: not a regular file", path);
    }
    if (st.st_mode & 077) {
        fclose(f);
        return jc_bad(c, where, "%s: readable or writable by group or others (chmod 600)",
                      path);
    }
    n = fread(text, 1, sizeof text, f);
    fclose(f);
    rc = n < sizeof text ? decode_hex(key, text, n) : -1;
    OPENSSL_cleanse(text, sizeof text);
    if (rc != 0)
        return jc_bad(c, where, "%s: must hold %d hexadecimal digits (a 256-bit key)", path,
                      HEX_DIGITS);
    return 0;
}

/* One key object at `path` ("pii" or "pii.retired[i]"). */
static int load_key(const jsonconf *c, const char *path, json_t *obj, piiconf_key *out)
{
    json_t *hex = json_object_get(obj, "key_hex"), *file = json_object_get(obj, "key_file");
    const char *id = json_string_value(json_object_get(obj, "key_id"));
    char where[96];

    if (!id || !*id || strlen(id) >= sizeof out->id || strspn(id, ID_CHARS) != strlen(id))
        return jc_bad(c, jc_path(where, sizeof where, path, "key_id"),
                      "must be 1..%d characters of [A-Za-z0-9._-]", OT_PII_KEY_ID_SIZE - 1);
    memcpy(out->id, id, strlen(id) + 1);
    if ((hex != NULL) == (file != NULL))
        return jc_bad(c, path, "give exactly one of \"key_hex\" and \"key_file\"");
    if (file) {
        if (!json_is_string(file) || !*json_string_value(file))
            return jc_bad(c, jc_path(where, sizeof where, path, "key_file"),
                          "must be a file name");
        return read_key_file(c, jc_path(where, sizeof where, path, "key_file"),
                             json_string_value(file), out->key);
    }
    if (!json_is_string(hex) ||
        decode_hex(out->key, json_string_value(hex), json_string_length(hex)) != 0)
        return jc_bad(c, jc_path(where, sizeof where, path, "key_hex"),
                      "must be %d hexadecimal digits (a 256-bit key)", HEX_DIGITS);
    return 0;
}

static int load(piiconf *out, const jsonconf *c, json_t *obj)
{
    json_t *retired, *v;
    char where[48];
    size_t i, j;

    if (!json_is_object(obj))
        return jc_bad(c, "pii", "must be an object {\"key_id\", \"key_hex\" or \"key_file\"}");
    if (jc_check_fields(c, obj, "pii", block_fields) != 0 ||
        load_key(c, "pii", obj, &out->keys[0]) != 0)
        return -1;
    out->n_keys = 1;
    retired = json_object_get(obj, "retired");
    if (!retired || json_is_null(retired))
        return 0;
    if (!json_is_array(retired) || json_array_size(retired) > PIICONF_MAX_KEYS - 1)
        return jc_bad(c, "pii.retired", "must be an array of at most %d keys",
                      PIICONF_MAX_KEYS - 1);
    json_array_foreach(retired, i, v) {
        piiconf_key *k = &out->keys[out->n_keys];
        snprintf(where, sizeof where, "pii.retired[%zu]", i);
        if (!json_is_object(v))
            return jc_bad(c, where, "must be an object {\"key_id\", \"key_hex\" or \"key_file\"}");
        if (jc_check_fields(c, v, where, key_fields) != 0 || load_key(c, where, v, k) != 0)
            return -1;
        for (j = 0; j < out->n_keys; j++)
            if (strcmp(out->keys[j].id, k->id) == 0)
                return jc_bad(c, where, "key_id \"%s\" is given twice", k->id);
        out->n_keys++;
    }
    return 0;
}

int piiconf_load(piiconf *out, const jsonconf *c, json_t *obj)
{
    memset(out, 0, sizeof *out);
    if (load(out, c, obj) == 0)
        return 0;
    piiconf_wipe(out);
    return -1;
}

/* The key provider over a piiconf: the current key, or the one a token names. */
static int get_key(unsigned char key[OT_PII_KEY_SIZE], char id_out[OT_PII_KEY_ID_SIZE],
                   const char *key_id, void *userdata)
{
    const piiconf *cfg = userdata;
    size_t i;

    for (i = 0; i < cfg->n_keys; i++)
        if (!key_id || strcmp(cfg->keys[i].id, key_id) == 0) {
            memcpy(key, cfg->keys[i].key, OT_PII_KEY_SIZE);
            memcpy(id_out, cfg->keys[i].id, OT_PII_KEY_ID_SIZE);
            return 0;
        }
    return OT_ENOTFOUND;
}

void piiconf_provider(ot_pii_key_provider *out, const piiconf *cfg)
{
    *out = (ot_pii_key_provider)OT_PII_KEY_PROVIDER_INIT;
    out->userdata = (void *)cfg;
    out->get_key = get_key;
}

void piiconf_wipe(piiconf *cfg)
{
    OPENSSL_cleanse(cfg, sizeof *cfg);
}
