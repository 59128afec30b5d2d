/* A tiny SMTP responder on 127.0.0.1 for the tests: one connection at a time, EHLO, AUTH
 * PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT; records the last message. Test code only. */
#ifndef OT_SMTP_SERVER_H
#define OT_SMTP_SERVER_H

#include <stddef.h>

typedef struct ot_smtp_server ot_smtp_server;

typedef struct ot_smtp_script {
    const char *auth_b64;       /* expected AUTH PLAIN response (base64), NULL: no AUTH */
    const char *refuse_rcpt;    /* RCPT TO of this address is answered 550, NULL: none */
} ot_smtp_script;

/* What the server received in the last accepted (or last attempted) transaction. */
typedef struct ot_smtp_received {
    char mail_from[256];
    char rcpt[1024];            /* the RCPT TO arguments, each followed by "\n" */
    char data[65536];           /* the message, dot-unstuffed, without the final ".\r\n" */
    size_t data_length;
    unsigned messages;          /* messages accepted (250 after DATA) so far */
    unsigned auth_ok;           /* successful AUTH so far */
    unsigned auth_failed;
} ot_smtp_received;

/* Start on an ephemeral port; `script` is copied (its strings must outlive the server). */
int ot_smtp_server_start(ot_smtp_server **server, const ot_smtp_script *script);
void ot_smtp_server_stop(ot_smtp_server *server);
unsigned short ot_smtp_server_port(const ot_smtp_server *server);
void ot_smtp_server_received(ot_smtp_server *server, ot_smtp_received *out);

#endif
