/* A consumer of the installed curl adapter: public API only, no network. */
#include <stdio.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/curl.h>

int main(void)
{
    ot_curl_options options = OT_CURL_OPTIONS_INIT;
    ot_http port;
    ot_http_client *client;
    ot_error err;

    options.max_in_flight = 2;
    if (ot_curl_http_new(&port, &options, &err) != 0
        || ot_http_client_new(&client, &port, NULL, NULL, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (ot_http_client_breaker_state(client, "https://example.invalid/", &err)
        != OT_HTTP_BREAKER_CLOSED) {
        fprintf(stderr, "unexpected breaker state\n");
        return 1;
    }
    ot_http_client_free(client);
    printf("curl consumer ok\n");
    return 0;
}
