package io.vitalflow.web;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import reactor.netty.http.server.HttpServer;

/**
 * Every reactive VitalFlow service on Reactor Netty gets the {@link HttpLimits} of its own
 * configuration file ({@code vitalflow.http.*}); one {@link RequestGate} per application context,
 * so services sharing the local platform's JVM keep separate budgets.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(HttpServer.class)
@EnableConfigurationProperties(HttpLimits.class)
public class HttpLimitsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  RequestGate requestGate(HttpLimits limits, ObjectProvider<MeterRegistry> meters) {
    return new RequestGate(limits, meters.getIfAvailable());
  }

  @Bean
  @ConditionalOnMissingBean
  OverloadAnswer overloadAnswer() {
    return OverloadAnswer::problem;
  }

  @Bean
  TimeoutAnswers httpTimeoutAnswers(OverloadAnswer answer) {
    return new TimeoutAnswers(answer);
  }

  @Bean
  LimitsCustomizer httpLimitsCustomizer(RequestGate gate, OverloadAnswer answer) {
    return new LimitsCustomizer(gate, answer);
  }
}
