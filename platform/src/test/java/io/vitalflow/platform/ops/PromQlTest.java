package io.vitalflow.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void namesBeforeBracesAndBracketsAndBareOnesAreFoundFunctionsAndLabelsAreNot() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le, uri) (rate(http_server_requests_seconds_bucket"
                    + "{uri=~\"/fhir.*\", outcome!=\"SUCCESS\"}[$__rate_interval])))"))
        .containsExactly("http_server_requests_seconds_bucket");
    assertThat(
            PromQl.metricNames(
                "sum(rate(a_total[5m])) / sum without (instance) (b_count) > bool 0.5"
                    + " and on (job) c unless ignoring (x) group_left (y) d offset 5m"))
        .containsExactly("a_total", "b_count", "c", "d");
    assertThat(
            PromQl.metricNames(
                "label_replace(kafka_stream_client_state, \"application\", \"$1\", \"client_id\","
                    + " \"(.+)-[0-9a-f]{8}\") != 2 or vector(0)"))
        .containsExactly("kafka_stream_client_state");
    assertThat(PromQl.metricNames("max(x:recorded:rate5m) * 1e3 + Inf"))
        .containsExactly("x:recorded:rate5m");
  }
}
