/* A consumer of the installed MongoDB store: links it, fills its options, and gets a clean
 * OT_ESTORAGE from a port nobody listens on (no server is needed). */
#include <stdio.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/mongo.h>

int main(void)
{
    ot_mongo_options o;
    ot_storage *st = NULL;
    ot_error err;
    int rc;

    if (ot_mongo_options_init(&o, OT_MONGO_OPTIONS_VERSION, &err) != 0)
        return 1;
    o.database = "consumer";
    rc = ot_storage_mongo_open(&st, "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100",
                               &o, &err);
    if (rc != OT_ESTORAGE || st != NULL) {
        fprintf(stderr, "mongo consumer: expected OT_ESTORAGE, got %d\n", rc);
        return 1;
    }
    printf("mongo consumer ok: %s\n", ot_code_name(rc));
    return 0;
}
