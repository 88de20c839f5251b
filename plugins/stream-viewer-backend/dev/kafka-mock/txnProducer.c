/*
 * A transactional librdkafka producer for the stream viewer's tests:
 *   txn-producer <bootstrap> <topic> <compression.codec> <commit|abort>:<value>,<value>... ...
 * Each argument after the codec is one transaction on partition 0, committed or aborted.
 * Prints "done" when every transaction has ended.
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, rd_kafka_error_t *error) {
  fprintf(stderr, "%s: %s\n", what, rd_kafka_error_string(error));
  exit(1);
}

int main(int argc, char **argv) {
  char err[512];
  if (argc < 5) {
    fprintf(stderr, "usage: %s bootstrap topic codec commit|abort:v1,v2...\n", argv[0]);
    return 2;
  }
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) ||
      rd_kafka_conf_set(conf, "transactional.id", "stacktalk-txn-test", err, sizeof err) ||
      rd_kafka_conf_set(conf, "compression.codec", argv[3], err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  rd_kafka_error_t *error;
  if ((error = rd_kafka_init_transactions(rk, 10000))) fail("init_transactions", error);
  for (int t = 4; t < argc; t++) {
    char *plan = strdup(argv[t]);
    char *values = strchr(plan, ':');
    if (!values) return 2;
    *values++ = '\0';
    if ((error = rd_kafka_begin_transaction(rk))) fail("begin_transaction", error);
    for (char *v = strtok(values, ","); v; v = strtok(NULL, ","))
      rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_PARTITION(0),
                        RD_KAFKA_V_VALUE(v, strlen(v)), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                        RD_KAFKA_V_END);
    if (strcmp(plan, "commit") == 0) {
      if ((error = rd_kafka_commit_transaction(rk, 10000))) fail("commit_transaction", error);
    } else {
      rd_kafka_flush(rk, 10000); /* the aborted messages reach the broker first */
      if ((error = rd_kafka_abort_transaction(rk, 10000))) fail("abort_transaction", error);
    }
    free(plan);
  }
  rd_kafka_destroy(rk);
  printf("done\n");
  return 0;
}
