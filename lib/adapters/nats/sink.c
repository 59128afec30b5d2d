/* libordertrack-nats: the NATS JetStream sink (include/ordertrack/adapters/nats.h). A batch
 * is published asynchronously, one message per event with the event id as its JetStream
 * message id; libnats calls ack_received (on its own thread) for each acknowledgment, which
 * fills that event's outcome; deliver waits for them all (js_PublishAsyncComplete) and fails
 * the events still unacknowledged after timeout_ms. */
#include <nats/nats.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ordertrack/adapters/nats.h"
#include "ordertrack/outbox.h"
#include "ordertrack/sys/sink.h"

#define STREAM_NAME_MAX 64
#define PREFIX_MAX 64
#define REPLICAS_MAX 5

/* One event of the batch being delivered. `msg` is an identity only (never dereferenced
 * after the publish call): a live message's address is unique among the undone slots. */
struct slot {
    natsMsg *msg;
    ot_error *outcome;
    int done;
};

struct nats_sink {
    ot_sink sink;                   /* first: the ot_sink handed out is this struct */
    char *name;
    char *stream;
    char *prefix;
    int64_t timeout_ms;
    natsConnection *conn;
    jsCtx *js;
    pthread_mutex_t lock;           /* guards `slots` and `slot_count` against ack_received */
    struct slot *slots;
    size_t slot_count;
};

/* libnats' text for a status, with its last error detail when there is one. */
static const char *nats_text(natsStatus s)
{
    const char *last = nats_GetLastError(NULL);
    return last && *last ? last : natsStatus_GetText(s);
}

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static int token_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* A subject prefix: tokens of token bytes separated by single dots. */
static int prefix_check(const char *prefix, ot_error *err)
{
    size_t i, n = strlen(prefix);
    if (n == 0 || n > PREFIX_MAX)
        return ot_error_setf(err, OT_EINVAL, "subject_prefix", "subject_prefix is %zu bytes long "
                             "(1..%d)", n, PREFIX_MAX);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)prefix[i];
        if (c == '.' && i > 0 && i + 1 < n && prefix[i + 1] != '.')
            continue;
        if (!token_byte(c))
            return ot_error_setf(err, OT_EINVAL, "subject_prefix",
                                 "subject_prefix has '%c' at %zu: "
                                 "tokens of A-Z a-z 0-9 _ - separated by single dots", c, i);
    }
    return 0;
}

int ot_nats_subject(char *out, size_t out_size, const char *prefix, const char *store_id,
                    int type, ot_error *err)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *type_name;
    const unsigned char *p;
    size_t used;
    int rc;
    if (!out || out_size == 0)
        return ot_error_setf(err, OT_EINVAL, "out", "out is NULL or empty");
    out[0] = '\0';
    if (!prefix)
        prefix = "ordertrack";
    if ((rc = prefix_check(prefix, err)) != 0)
        return rc;
    if (!store_id)
        return ot_error_setf(err, OT_EINVAL, "store_id", "store_id is NULL");
    if (ot_event_type_to_string(&type_name, type, NULL) != 0)
        return ot_error_setf(err, OT_EINVAL, "type", "event type %d is unknown", type);
    used = strlen(prefix);
    if (used + 1 >= out_size)
        goto too_small;
    memcpy(out, prefix, used);
    out[used++] = '.';
    if (!*store_id) {
        if (used + 3 >= out_size)
            goto too_small;
        memcpy(out + used, "%00", 3);
        used += 3;
    }
    for (p = (const unsigned char *)store_id; *p; p++) {
        if (token_byte(*p)) {
            if (used + 1 >= out_size)
                goto too_small;
            out[used++] = (char)*p;
        } else {
            if (used + 3 >= out_size)
                goto too_small;
            out[used++] = '%';
            out[used++] = hex[*p >> 4];
            out[used++] = hex[*p & 15];
        }
    }
    if (used + 1 + strlen(type_name) >= out_size)
        goto too_small;
    out[used++] = '.';
    strcpy(out + used, type_name);
    return 0;
too_small:
    out[0] = '\0';
    return ot_error_setf(err, OT_ELIMIT, "out", "the subject does not fit in %zu bytes", out_size);
}

int ot_nats_sink_options_init(ot_nats_sink_options *options, unsigned version, ot_error *err)
{
    static const ot_nats_sink_options defaults = OT_NATS_SINK_OPTIONS_INIT;
    if (!options)
        return ot_error_setf(err, OT_EINVAL, "options", "options is NULL");
    if (version == 0 || version > OT_NATS_SINK_OPTIONS_VERSION)
        return ot_error_setf(err, OT_EVERSION, "version",
                             "nats sink options version %u not supported "
                             "(this library knows 1..%d)", version, OT_NATS_SINK_OPTIONS_VERSION);
    *options = defaults;
    options->version = version;
    return 0;
}

static int options_check(const ot_nats_sink_options *o, ot_error *err)
{
    size_t i;
    int rc;
    if (o->version == 0 || o->version > OT_NATS_SINK_OPTIONS_VERSION)
        return ot_error_setf(err, OT_EVERSION, "version",
                             "nats sink options version %u not supported "
                             "(this library knows 1..%d)", o->version,
                             OT_NATS_SINK_OPTIONS_VERSION);
    if (!o->servers || o->server_count == 0 || o->server_count > OT_NATS_SERVERS_MAX)
        return ot_error_setf(err, OT_EINVAL, "servers", "servers needs 1..%d URLs (got %zu)",
                             OT_NATS_SERVERS_MAX, o->servers ? o->server_count : 0);
    for (i = 0; i < o->server_count; i++) {
        if (!o->servers[i] || !*o->servers[i]) {
            char field[32];
            snprintf(field, sizeof field, "servers[%zu]", i);
            return ot_error_setf(err, OT_EINVAL, field, "%s is empty", field);
        }
    }
    if (o->stream) {
        size_t n = strlen(o->stream);
        if (n == 0 || n > STREAM_NAME_MAX)
            return ot_error_setf(err, OT_EINVAL, "stream", "stream is %zu bytes long (1..%d)", n,
                                 STREAM_NAME_MAX);
        for (i = 0; i < n; i++)
            if (!token_byte((unsigned char)o->stream[i]))
                return ot_error_setf(err, OT_EINVAL, "stream",
                                     "stream has '%c' at %zu: only A-Z a-z "
                                     "0-9 _ -", o->stream[i], i);
    }
    if (o->subject_prefix && (rc = prefix_check(o->subject_prefix, err)) != 0)
        return rc;
    if (o->name) {
        size_t n = strspn(o->name, "abcdefghijklmnopqrstuvwxyz0123456789._:-");
        if (n == 0 || o->name[n] || n > OT_SINK_NAME_MAX)
            return ot_error_setf(err, OT_EINVAL, "name", "name \"%s\" is not a sink name: 1..%d "
                                 "bytes of a-z 0-9 . _ : -", o->name, OT_SINK_NAME_MAX);
    }
    if (o->replicas < 1 || o->replicas > REPLICAS_MAX)
        return ot_error_setf(err, OT_EINVAL, "replicas", "replicas %d is outside 1..%d",
                             o->replicas,
                             REPLICAS_MAX);
    if (o->duplicate_window_ms < 1000 || o->duplicate_window_ms > 604800000)
        return ot_error_setf(err, OT_EINVAL, "duplicate_window_ms", "duplicate_window_ms %lld is "
                             "outside 1000..604800000", (long long)o->duplicate_window_ms);
    if (o->timeout_ms < 100 || o->timeout_ms > 120000)
        return ot_error_setf(err, OT_EINVAL, "timeout_ms", "timeout_ms %lld is outside 100..120000",
                             (long long)o->timeout_ms);
    return 0;
}

/* Called by libnats on its thread for each acknowledgment (or failure) of a published
 * message: fill the outcome of its slot, if it still belongs to the batch. */
static void ack_received(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae,
                         void *closure)
{
    struct nats_sink *s = closure;
    size_t i;
    (void)js;
    pthread_mutex_lock(&s->lock);
    for (i = 0; i < s->slot_count; i++) {
        struct slot *slot = &s->slots[i];
        if (slot->done || slot->msg != msg)
            continue;
        slot->done = 1;
        if (!pa) {
            const char *why = pae && pae->ErrText ? pae->ErrText
                              : natsStatus_GetText(pae ? pae->Err : NATS_ERR);
            ot_error_setf(slot->outcome, OT_EIO, "nats",
                          "JetStream refused the event (error %d): %s",
                          pae ? (int)pae->ErrCode : 0, why);
        }
        break;
    }
    pthread_mutex_unlock(&s->lock);
    natsMsg_Destroy(msg);
}

static int sink_deliver(void *userdata, const ot_event *const *events, size_t n,
                        ot_error *outcomes, ot_error *err)
{
    struct nats_sink *s = userdata;
    char subject[OT_NATS_SUBJECT_MAX];
    jsPubOptions po;
    natsStatus st;
    size_t i;
    struct slot *slots = calloc(n ? n : 1, sizeof *slots);
    if (!slots)
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory for a batch of %zu events", n);
    pthread_mutex_lock(&s->lock);
    s->slots = slots;
    s->slot_count = n;
    for (i = 0; i < n; i++)
        slots[i].outcome = &outcomes[i];
    pthread_mutex_unlock(&s->lock);

    for (i = 0; i < n; i++) {
        const ot_event *e = events[i];
        natsMsg *msg = NULL;
        ot_error sub;
        if (ot_nats_subject(subject, sizeof subject, s->prefix, e->store_id, e->type, &sub)) {
            pthread_mutex_lock(&s->lock);
            slots[i].done = 1;
            pthread_mutex_unlock(&s->lock);
            ot_error_setf(&outcomes[i], sub.code, sub.field, "no subject for the event: %s",
                          sub.message);
            continue;
        }
        st = natsMsg_Create(&msg, subject, NULL, e->json, (int)e->json_len);
        jsPubOptions_Init(&po);
        po.MsgId = e->event_id;
        po.ExpectStream = s->stream;
        pthread_mutex_lock(&s->lock);
        slots[i].msg = msg;
        pthread_mutex_unlock(&s->lock);
        if (st == NATS_OK)
            st = js_PublishMsgAsync(s->js, &msg, &po); /* clears msg once libnats owns it */
        if (st != NATS_OK) {
            pthread_mutex_lock(&s->lock);
            if (!slots[i].done) {
                slots[i].done = 1;
                ot_error_setf(&outcomes[i], OT_EIO, "nats", "publish failed: %s", nats_text(st));
            }
            pthread_mutex_unlock(&s->lock);
            natsMsg_Destroy(msg);
        }
    }

    jsPubOptions_Init(&po);
    po.MaxWait = s->timeout_ms;
    st = js_PublishAsyncComplete(s->js, &po);
    if (st != NATS_OK) {
        /* Take back what is still unacknowledged: those acknowledgments are dropped. */
        natsMsgList pending = {NULL, 0};
        if (js_PublishAsyncGetPendingList(&pending, s->js) == NATS_OK)
            natsMsgList_Destroy(&pending);
    }
    pthread_mutex_lock(&s->lock);
    for (i = 0; i < n; i++)
        if (!slots[i].done)
            ot_error_setf(&outcomes[i], st == NATS_TIMEOUT ? OT_ETIMEOUT : OT_EIO, "nats",
                          "no acknowledgment from JetStream within %lld ms (%s)",
                          (long long)s->timeout_ms, natsStatus_GetText(st));
    s->slots = NULL;
    s->slot_count = 0;
    pthread_mutex_unlock(&s->lock);
    free(slots);
    return 0;
}

static void sink_free(struct nats_sink *s)
{
    if (!s)
        return;
    jsCtx_Destroy(s->js);
    if (s->conn) {
        natsConnection_Close(s->conn);
        natsConnection_Destroy(s->conn);
    }
    pthread_mutex_destroy(&s->lock);
    free(s->name);
    free(s->stream);
    free(s->prefix);
    free(s);
}

static void sink_close(void *userdata)
{
    sink_free(userdata);
}

static int connect_all(struct nats_sink *s, const ot_nats_sink_options *o, ot_error *err)
{
    natsOptions *no = NULL;
    jsOptions jo;
    natsStatus st = natsOptions_Create(&no);
    if (st == NATS_OK)
        st = natsOptions_SetServers(no, (const char **)o->servers, (int)o->server_count);
    if (st != NATS_OK) {
        natsOptions_Destroy(no);
        return ot_error_setf(err, OT_EINVAL, "servers", "servers refused by libnats: %s",
                             nats_text(st));
    }
    if (st == NATS_OK)
        st = natsOptions_SetTimeout(no, o->timeout_ms);
    if (st == NATS_OK)
        st = natsOptions_SetName(no, s->name);
    if (st == NATS_OK)
        st = natsOptions_SetMaxReconnect(no, -1);
    if (st == NATS_OK)
        st = natsOptions_SetReconnectWait(no, 100);
    if (st == NATS_OK)
        st = natsConnection_Connect(&s->conn, no);
    natsOptions_Destroy(no);
    if (st != NATS_OK)
        return ot_error_setf(err, OT_EUNAVAILABLE, "servers", "cannot connect to NATS (%s): %s",
                             o->servers[0], nats_text(st));
    jsOptions_Init(&jo);
    jo.Wait = o->timeout_ms;
    jo.PublishAsync.MaxPending = OT_OUTBOX_QUERY_MAX;
    jo.PublishAsync.AckHandler = ack_received;
    jo.PublishAsync.AckHandlerClosure = s;
    st = natsConnection_JetStream(&s->js, s->conn, &jo);
    if (st != NATS_OK)
        return ot_error_setf(err, OT_EIO, "servers", "no JetStream context: %s", nats_text(st));
    return 0;
}

/* Look the stream up; create it when missing, else check its subjects and replicas. */
static int stream_ensure(struct nats_sink *s, const ot_nats_sink_options *o, ot_error *err)
{
    char subject[PREFIX_MAX + 3];
    const char *subjects[1];
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus st;
    int i, found = 0;
    snprintf(subject, sizeof subject, "%s.>", s->prefix);
    st = js_GetStreamInfo(&si, s->js, s->stream, NULL, &jerr);
    if (st == NATS_NOT_FOUND) {
        jsStreamConfig cfg;
        jsStreamConfig_Init(&cfg);
        subjects[0] = subject;
        cfg.Name = s->stream;
        cfg.Subjects = subjects;
        cfg.SubjectsLen = 1;
        cfg.Storage = js_FileStorage;
        cfg.Replicas = o->replicas;
        cfg.Duplicates = o->duplicate_window_ms * 1000000; /* nanoseconds */
        jerr = 0;
        st = js_AddStream(&si, s->js, &cfg, NULL, &jerr);
        jsStreamInfo_Destroy(si);
        if (st != NATS_OK)
            return ot_error_setf(err, OT_EIO, "stream",
                                 "cannot create stream %s (subjects %s, %d replicas): %s "
                                 "(JetStream error %d)", s->stream, subject, o->replicas,
                                 nats_text(st), (int)jerr);
        return 0;
    }
    if (st != NATS_OK)
        return ot_error_setf(err, OT_EIO, "stream", "cannot look up stream %s: %s (JetStream error "
                             "%d)", s->stream, nats_text(st), (int)jerr);
    for (i = 0; si->Config && i < si->Config->SubjectsLen; i++)
        if (strcmp(si->Config->Subjects[i], subject) == 0)
            found = 1;
    if (!found) {
        jsStreamInfo_Destroy(si);
        return ot_error_setf(err, OT_EINVAL, "stream", "stream %s exists without the subjects %s: "
                             "use another stream or subject_prefix", s->stream, subject);
    }
    if (si->Config->Replicas != o->replicas) {
        int have = (int)si->Config->Replicas;
        jsStreamInfo_Destroy(si);
        return ot_error_setf(err, OT_EINVAL, "replicas",
                             "stream %s has %d replicas, the options ask "
                             "for %d", s->stream, have, o->replicas);
    }
    jsStreamInfo_Destroy(si);
    return 0;
}

int ot_nats_sink_new(ot_sink **sink, const ot_nats_sink_options *options, ot_error *err)
{
    struct nats_sink *s;
    int rc;
    if (!sink)
        return ot_error_setf(err, OT_EINVAL, "sink", "sink is NULL");
    *sink = NULL;
    if (!options)
        return ot_error_setf(err, OT_EINVAL, "options", "options is NULL");
    if ((rc = options_check(options, err)) != 0)
        return rc;
    s = calloc(1, sizeof *s);
    if (!s)
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory");
    pthread_mutex_init(&s->lock, NULL);
    s->name = copy_string(options->name ? options->name : "nats");
    s->stream = copy_string(options->stream ? options->stream : "ORDERTRACK");
    s->prefix = copy_string(options->subject_prefix ? options->subject_prefix : "ordertrack");
    s->timeout_ms = options->timeout_ms;
    if (!s->name || !s->stream || !s->prefix) {
        sink_free(s);
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory");
    }
    if ((rc = connect_all(s, options, err)) != 0 || (rc = stream_ensure(s, options, err)) != 0) {
        sink_free(s);
        return rc;
    }
    s->sink.version = OT_SINK_VERSION;
    s->sink.userdata = s;
    s->sink.name = s->name;
    s->sink.deliver = sink_deliver;
    s->sink.close = sink_close;
    *sink = &s->sink;
    return 0;
}
