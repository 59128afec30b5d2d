/* Alerts under concurrency: writers queue through the sink while a flusher delivers; every
 * notice is either sent (alone, or in a grouped message "N orders") or counted as overflow,
 * and nothing races (run under TSan too). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include <ordertrack/sys/http.h>

#define WRITERS 4
#define PER_WRITER 300

/* Answers 200 and adds the alerts of each message to *userdata (called by the flusher). */
static int ok_send(void *userdata, const ot_http_request *const *requests, size_t n,
                   ot_http_response *const *responses, ot_error *err)
{
    uint64_t *alerts = userdata;
    size_t i;
    for (i = 0; i < n; i++) {
        char body[512];
        const char *group;
        snprintf(body, sizeof body, "%.*s", (int)requests[i]->body_length,
                 (const char *)requests[i]->body);
        group = strstr(body, "\"Order alert (lost): ");
        *alerts += group && strstr(group, " orders: ") ? strtoull(group + 21, NULL, 10) : 1;
        ot_http_response_set_status(responses[i], 200, err);
    }
    return 0;
}

struct shared {
    ot_notice_sink sink;
    pthread_mutex_t lock;
    int writers_done;
};

static void *writer(void *arg)
{
    struct shared *s = arg;
    char id[32];
    int i;
    for (i = 0; i < PER_WRITER; i++) {
        ot_notice n = {OT_NOTICE_VERSION, OT_NOTICE_ALERT, id, "S1", 0, 0, 0, 0, 0, "lost"};
        snprintf(id, sizeof id, "ORD-%d", i);
        s->sink.notify(s->sink.userdata, &n);
    }
    pthread_mutex_lock(&s->lock);
    s->writers_done++;
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void test_writers_and_flusher(void **state)
{
    ot_http port = OT_HTTP_INIT;
    ot_http_client *c;
    ot_alerts_config cfg = OT_ALERTS_CONFIG_INIT;
    ot_alerts *al;
    struct shared s;
    pthread_t t[WRITERS];
    uint64_t sent = 0, overflow = 0, delivered = 0;
    int i, done = 0;
    (void)state;

    port.send_batch = ok_send;
    port.userdata = &delivered;
    assert_int_equal(ot_http_client_new(&c, &port, NULL, NULL, NULL), 0);
    cfg.http = c;
    cfg.slack_webhook_url = "http://127.0.0.1:9/never-contacted";
    cfg.queue_capacity = 64;
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    assert_int_equal(ot_alerts_sink(&s.sink, al, NULL), 0);
    pthread_mutex_init(&s.lock, NULL);
    s.writers_done = 0;
    for (i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, writer, &s), 0);
    while (!done) {
        ot_alerts_stats st = OT_ALERTS_STATS_INIT;
        pthread_mutex_lock(&s.lock);
        done = s.writers_done == WRITERS;
        pthread_mutex_unlock(&s.lock);
        assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
        sent += st.sent;
        overflow += st.overflow;
        assert_int_equal(st.lost, 0);
    }
    for (i = 0; i < WRITERS; i++)
        pthread_join(t[i], NULL);
    {
        ot_alerts_stats st = OT_ALERTS_STATS_INIT;
        assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
        sent += st.sent;
        overflow += st.overflow;
        assert_int_equal(st.pending, 0);
    }
    assert_int_equal(delivered + overflow, WRITERS * PER_WRITER);
    assert_true(sent <= delivered);
    pthread_mutex_destroy(&s.lock);
    ot_alerts_free(al);
    ot_http_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writers_and_flusher),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
