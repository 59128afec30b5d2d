/* The route table (docs/API.md) and a segment-by-segment matcher. */
#include "router.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define ALL_ROLES (OTD_ROLE_ADMIN | OTD_ROLE_STORE | OTD_ROLE_COURIER)
#define STORE_ROLES (OTD_ROLE_ADMIN | OTD_ROLE_STORE)
#define KEY OTD_ROUTE_AUTH_KEY
#define PARTNER OTD_ROUTE_AUTH_PARTNER

static const otd_route routes[OTD_ROUTE_COUNT] = {
    {OTD_ROUTE_ORDER_INIT, "POST", "/tracking/orders/{order_id}/init", KEY, STORE_ROLES},
    {OTD_ROUTE_ORDER_STATUS, "PUT", "/tracking/orders/{order_id}/status", KEY, STORE_ROLES},
    {OTD_ROUTE_ORDER_GET, "GET", "/tracking/orders/{order_id}", KEY, ALL_ROLES},
    {OTD_ROUTE_ORDER_HISTORY, "GET", "/tracking/orders/{order_id}/history", KEY, ALL_ROLES},
    {OTD_ROUTE_ORDER_LIVE_LOCATION, "GET", "/tracking/orders/{order_id}/live-location", KEY,
     ALL_ROLES},
    {OTD_ROUTE_ORDER_LIST, "GET", "/tracking/orders", KEY, STORE_ROLES},
    {OTD_ROUTE_ORDER_SLA, "GET", "/tracking/orders/{order_id}/sla", KEY, STORE_ROLES},
    {OTD_ROUTE_ISSUE_ADD, "POST", "/tracking/orders/{order_id}/issues", KEY, ALL_ROLES},
    {OTD_ROUTE_ISSUE_RESOLVE, "POST", "/tracking/orders/{order_id}/issues/{index}/resolve", KEY,
     STORE_ROLES},
    {OTD_ROUTE_SUBSTITUTION_RESPOND, "POST", "/tracking/orders/{order_id}/substitutions/respond",
     KEY, STORE_ROLES},
    {OTD_ROUTE_STORE_ACKNOWLEDGE, "POST", "/tracking/store/{store_id}/acknowledge", KEY,
     STORE_ROLES},
    {OTD_ROUTE_STORE_START_PICKING, "POST", "/tracking/store/{store_id}/start-picking", KEY,
     STORE_ROLES},
    {OTD_ROUTE_STORE_SUBSTITUTION, "POST", "/tracking/store/{store_id}/substitution", KEY,
     STORE_ROLES},
    {OTD_ROUTE_STORE_READY, "POST", "/tracking/store/{store_id}/ready", KEY, STORE_ROLES},
    {OTD_ROUTE_DELIVERY_ASSIGN, "POST", "/tracking/delivery/{order_id}/assign", KEY, ALL_ROLES},
    {OTD_ROUTE_DELIVERY_LOCATION, "PUT", "/tracking/delivery/{order_id}/location", KEY,
     ALL_ROLES},
    {OTD_ROUTE_DELIVERY_PICKUP, "POST", "/tracking/delivery/{order_id}/pickup", KEY, ALL_ROLES},
    {OTD_ROUTE_DELIVERY_DELIVERED, "POST", "/tracking/delivery/{order_id}/delivered", KEY,
     ALL_ROLES},
    {OTD_ROUTE_WEBHOOK_UBER, "POST", "/tracking/webhooks/uber", PARTNER, 0},
    {OTD_ROUTE_WEBHOOK_DOORDASH, "POST", "/tracking/webhooks/doordash", PARTNER, 0},
    {OTD_ROUTE_WEBHOOK_SHIPROCKET, "POST", "/tracking/webhooks/shiprocket", PARTNER, 0},
    {OTD_ROUTE_WEBHOOK_VELOCITY, "POST", "/tracking/webhooks/velocity", PARTNER, 0},
    {OTD_ROUTE_WEBHOOK_DELHIVERY, "POST", "/tracking/webhooks/delhivery", PARTNER, 0},
    {OTD_ROUTE_HEALTHZ, "GET", "/healthz", OTD_ROUTE_AUTH_NONE, 0},
    {OTD_ROUTE_METRICS, "GET", "/metrics", KEY, OTD_ROLE_ADMIN},
    {OTD_ROUTE_ORDER_EVENTS, "GET", "/tracking/orders/{order_id}/events", KEY, ALL_ROLES},
    {OTD_ROUTE_OPENAPI, "GET", "/openapi.json", OTD_ROUTE_AUTH_NONE, 0},
    {OTD_ROUTE_TRACKING_LINK, "POST", "/tracking/orders/{order_id}/tracking-link", KEY,
     STORE_ROLES},
    {OTD_ROUTE_PAGE_STATIC, "GET", "/t/static/{asset}", OTD_ROUTE_AUTH_NONE, 0},
    {OTD_ROUTE_PAGE, "GET", "/t/{token}", OTD_ROUTE_AUTH_NONE, 0},
    {OTD_ROUTE_PAGE_EVENTS, "GET", "/t/{token}/events", OTD_ROUTE_AUTH_NONE, 0},
    {OTD_ROUTE_WEBHOOK_COURIER, "POST", "/tracking/webhooks/couriers/{courier}", PARTNER, 0},
};

const otd_route *otd_routes(void)
{
    return routes;
}

/* Copy the segment [s, e) into dst (size bytes); 0 if it is empty or too long. */
static int capture_into(char *dst, size_t size, const char *s, const char *e)
{
    size_t n = (size_t)(e - s);

    if (n == 0 || n >= size)
        return 0;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 1;
}

static int capture(char *dst, const char *s, const char *e)
{
    return capture_into(dst, OTD_CAPTURE_MAX, s, e);
}

/* Does `path` fit `pattern`? Fills the captures of m. */
static int path_matches(const char *pattern, const char *path, otd_match *m)
{
    const char *p = pattern, *s = path;

    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return 0;
        p++, s++;
        const char *pe = strchr(p, '/'), *se = strchr(s, '/');
        if (!pe)
            pe = p + strlen(p);
        if (!se)
            se = s + strlen(s);
        if (*p == '{') {
            size_t n = (size_t)(pe - p);
            if (n == 10 && strncmp(p, "{order_id}", n) == 0) {
                if (!capture(m->order_id, s, se))
                    return 0;
            } else if (n == 10 && strncmp(p, "{store_id}", n) == 0) {
                if (!capture(m->store_id, s, se))
                    return 0;
            } else if (n == 7 && strncmp(p, "{token}", n) == 0) {
                if (!capture_into(m->token, sizeof m->token, s, se))
                    return 0;
            } else if (n == 7 && strncmp(p, "{asset}", n) == 0) {
                if (!capture(m->asset, s, se))
                    return 0;
            } else if (n == 9 && strncmp(p, "{courier}", n) == 0) {
                if (!capture(m->courier, s, se))
                    return 0;
            } else { /* {index} */
                char digits[24], *end;
                if ((size_t)(se - s) >= sizeof digits || !capture(digits, s, se) ||
                    strspn(digits, "0123456789") != strlen(digits))
                    return 0;
                errno = 0;
                m->index = strtoul(digits, &end, 10);
                if (errno)
                    return 0;
                m->has_index = 1;
            }
        } else if (pe - p != se - s || strncmp(p, s, (size_t)(pe - p)) != 0) {
            return 0;
        }
        p = pe, s = se;
    }
    return *p == '\0' && *s == '\0';
}

int otd_route_match(const char *method, const char *path, otd_match *m)
{
    otd_match scratch;
    size_t used = 0;
    int path_known = 0;

    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < OTD_ROUTE_COUNT; i++) {
        memset(&scratch, 0, sizeof scratch);
        if (!path_matches(routes[i].pattern, path, &scratch))
            continue;
        if (strcmp(routes[i].method, method) == 0) {
            *m = scratch;
            m->route = &routes[i];
            return 200;
        }
        /* Collect the other methods for Allow, once each. */
        if (!strstr(m->allow, routes[i].method) &&
            used + strlen(routes[i].method) + 3 < sizeof m->allow) {
            if (path_known)
                memcpy(m->allow + used, ", ", 3), used += 2;
            strcpy(m->allow + used, routes[i].method);
            used += strlen(routes[i].method);
        }
        path_known = 1;
    }
    return path_known ? 405 : 404;
}
