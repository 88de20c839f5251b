/*
 * A Kafka broker for tests and local demos: librdkafka's mock cluster (Debian librdkafka-dev),
 * which speaks the real Kafka protocol over TCP.
 *
 *   kafka-mock [--brokers N] topic[:partitions] ...
 *
 * Prints the bootstrap address on the first line of stdout, then reads commands on stdin:
 *   down      take every broker down (connections dropped, new ones refused)
 *   up        bring them back on the same addresses
 *   topic name[:partitions]   create a topic
 * and exits on EOF or SIGTERM.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void create_topic(rd_kafka_mock_cluster_t *mc, const char *spec) {
  char name[256];
  int partitions = 3;
  const char *colon = strchr(spec, ':');
  size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
  if (len == 0 || len >= sizeof(name)) return;
  memcpy(name, spec, len);
  name[len] = '\0';
  if (colon) partitions = atoi(colon + 1);
  if (partitions < 1) partitions = 1;
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name, partitions, 1);
  fprintf(stderr, "topic %s (%d partitions): %s\n", name, partitions, rd_kafka_err2str(err));
}

int main(int argc, char **argv) {
  int brokers = 1;
  char errstr[512];
  signal(SIGPIPE, SIG_IGN);
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    return 1;
  }
  int first_topic = 1;
  if (argc > 2 && strcmp(argv[1], "--brokers") == 0) {
    brokers = atoi(argv[2]);
    first_topic = 3;
  }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers < 1 ? 1 : brokers);
  if (!mc) {
    fprintf(stderr, "could not start the mock cluster\n");
    return 1;
  }
  for (int i = first_topic; i < argc; i++) create_topic(mc, argv[i]);
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  char line[512];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (strcmp(line, "down") == 0 || strcmp(line, "up") == 0) {
      for (int b = 1; b <= brokers; b++) {
        if (line[0] == 'd') rd_kafka_mock_broker_set_down(mc, b);
        else rd_kafka_mock_broker_set_up(mc, b);
      }
      printf("%s\n", line);
      fflush(stdout);
    } else if (strncmp(line, "topic ", 6) == 0) {
      create_topic(mc, line + 6);
      printf("ok\n");
      fflush(stdout);
    }
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
