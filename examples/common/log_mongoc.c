/* libmongoc's log handler, mapping its levels onto the host's logger. */
#include "log_mongoc.h"

#ifdef OT_HAVE_MONGO
#include <mongoc/mongoc.h>

static const struct {
    mongoc_log_level_t from;
    otc_log_level to;
} levels[] = {
    {MONGOC_LOG_LEVEL_ERROR, OTC_LOG_ERROR},   {MONGOC_LOG_LEVEL_CRITICAL, OTC_LOG_ERROR},
    {MONGOC_LOG_LEVEL_WARNING, OTC_LOG_WARN},  {MONGOC_LOG_LEVEL_MESSAGE, OTC_LOG_INFO},
    {MONGOC_LOG_LEVEL_INFO, OTC_LOG_INFO},     {MONGOC_LOG_LEVEL_DEBUG, OTC_LOG_DEBUG},
    {MONGOC_LOG_LEVEL_TRACE, OTC_LOG_DEBUG},
};

static void on_mongoc_log(mongoc_log_level_t level, const char *domain, const char *message,
                          void *userdata)
{
    const otc_log *log = userdata;
    otc_log_level to = OTC_LOG_DEBUG;

    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (levels[i].from == level)
            to = levels[i].to;
    if (otc_log_enabled(log, to))
        otc_log_write(log, to, message, json_pack("{ss}", "domain", domain ? domain : ""));
}

void otc_log_route_mongoc(const otc_log *log)
{
    mongoc_log_set_handler(on_mongoc_log, (void *)log);
}
#else
void otc_log_route_mongoc(const otc_log *log)
{
    (void)log;
}
#endif
