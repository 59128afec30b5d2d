/* Table-driven router: method + path pattern with {order_id}, {store_id}, {courier},
 * {index}, {token} and {asset} captures. */
#ifndef OTD_ROUTER_H
#define OTD_ROUTER_H

#include <stddef.h>

typedef enum otd_route_id {
    OTD_ROUTE_ORDER_INIT,
    OTD_ROUTE_ORDER_STATUS,
    OTD_ROUTE_ORDER_GET,
    OTD_ROUTE_ORDER_HISTORY,
    OTD_ROUTE_ORDER_LIVE_LOCATION,
    OTD_ROUTE_ORDER_LIST,
    OTD_ROUTE_ORDER_SLA,
    OTD_ROUTE_ISSUE_ADD,
    OTD_ROUTE_ISSUE_RESOLVE,
    OTD_ROUTE_SUBSTITUTION_RESPOND,
    OTD_ROUTE_STORE_ACKNOWLEDGE,
    OTD_ROUTE_STORE_START_PICKING,
    OTD_ROUTE_STORE_SUBSTITUTION,
    OTD_ROUTE_STORE_READY,
    OTD_ROUTE_DELIVERY_ASSIGN,
    OTD_ROUTE_DELIVERY_LOCATION,
    OTD_ROUTE_DELIVERY_PICKUP,
    OTD_ROUTE_DELIVERY_DELIVERED,
    OTD_ROUTE_WEBHOOK_UBER,
    OTD_ROUTE_WEBHOOK_DOORDASH,
    OTD_ROUTE_WEBHOOK_SHIPROCKET,
    OTD_ROUTE_WEBHOOK_VELOCITY,
    OTD_ROUTE_WEBHOOK_DELHIVERY,
    OTD_ROUTE_HEALTHZ,
    OTD_ROUTE_METRICS,
    OTD_ROUTE_ORDER_EVENTS,
    OTD_ROUTE_OPENAPI,
    OTD_ROUTE_TRACKING_LINK,
    OTD_ROUTE_PAGE_STATIC,   /* before OTD_ROUTE_PAGE: "static" is no token */
    OTD_ROUTE_PAGE,
    OTD_ROUTE_PAGE_EVENTS,
    OTD_ROUTE_WEBHOOK_COURIER,
    OTD_ROUTE_COUNT
} otd_route_id;

/* How a route authenticates. */
enum otd_route_auth {
    OTD_ROUTE_AUTH_KEY,     /* Authorization: Bearer <key>, role in `roles` */
    OTD_ROUTE_AUTH_NONE,    /* public (/healthz, /openapi.json, the tracking page: its
                               token is checked by the handler) */
    OTD_ROUTE_AUTH_PARTNER  /* webhook: the partner's signature or configured header */
};

typedef struct otd_route {
    otd_route_id id;
    const char *method;
    const char *pattern;  /* also the route's label in metrics and logs */
    int auth;             /* enum otd_route_auth */
    unsigned roles;       /* mask of enum otd_role allowed, for OTD_ROUTE_AUTH_KEY */
} otd_route;

#define OTD_CAPTURE_MAX 256
#define OTD_TOKEN_CAPTURE_MAX 512

typedef struct otd_match {
    const otd_route *route;            /* NULL unless matched */
    char order_id[OTD_CAPTURE_MAX];    /* "" when the pattern has no such capture */
    char store_id[OTD_CAPTURE_MAX];
    char token[OTD_TOKEN_CAPTURE_MAX]; /* {token}: a tracking link's (tracklink.h) */
    char asset[OTD_CAPTURE_MAX];       /* {asset}: a page file's hashed name */
    char courier[OTD_CAPTURE_MAX];     /* {courier}: a courier of courier_definitions */
    unsigned long index;               /* {index}, decimal */
    int has_index;
    char allow[64];                    /* on 405: the methods the path accepts, "GET, POST" */
} otd_match;

/* The whole table, OTD_ROUTE_COUNT entries, in otd_route_id order. */
const otd_route *otd_routes(void);

/* Match `method` and `path` (no query string). Returns 200 (m->route set), 404 (no pattern
 * matches the path, or a capture is empty, over-long or, for {index}, not decimal) or 405
 * (the path exists with other methods: m->allow lists them). Thread-safe. */
int otd_route_match(const char *method, const char *path, otd_match *m);

#endif
