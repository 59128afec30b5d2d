/* Storage URIs to storage adapters, shared by the host programs: `memory:`, `sqlite:PATH`,
 * `mongodb://...` (any libmongoc connection string), through the library's registry of
 * schemes (ot_storage_open_uri) holding every adapter this build links. */
#ifndef OT_EXAMPLES_STORAGE_OPEN_H
#define OT_EXAMPLES_STORAGE_OPEN_H

#include <stddef.h>

#include <ordertrack/sys/storage.h>

/* Returned when the URI is refused as written (a configuration error: the hosts exit 2): a
 * scheme this build registered no adapter for (the message lists the registered schemes),
 * or a URI or option its adapter refused (OT_EINVAL: "uri: option ot.x ..."). */
#define STORAGE_OPEN_REFUSED 2

/* Open the storage `uri` names into *out (release with ot_storage_close). 0; or
 * STORAGE_OPEN_REFUSED (the URI refused as written), or 1 when the adapter failed to open
 * it (unreachable server, unreadable file); the reason in err, naming the field when the adapter did. The
 * URI in messages has its user information (a password) replaced by "***". */
int storage_open_uri(ot_storage **out, const char *uri, char *err, size_t errlen);

/* `uri` for messages, its user information (a password) shown as "***": uri itself when it
 * has none, else written into buf (size bytes). */
const char *storage_uri_shown(char *buf, size_t size, const char *uri);

#endif
