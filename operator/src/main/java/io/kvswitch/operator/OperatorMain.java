package io.kvswitch.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.kvswitch.operator.metrics.HttpEndpoints;
import io.kvswitch.operator.metrics.OperatorMetrics;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator process: reads its configuration, serves health and metrics, and reconciles. */
public final class OperatorMain {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    OperatorConfig config = OperatorConfig.fromEnvironment(System.getenv());
    LOG.info(
        "kvswitch operator starting in namespace {} (dataplane image {}, leader election {})",
        config.namespace(),
        config.dataplaneImage(),
        config.leaderElection());
    OperatorMetrics metrics = new OperatorMetrics();
    KubernetesClient client = new KubernetesClientBuilder().build();
    Operator operator = KvswitchOperator.create(client, config, metrics, Clock.systemUTC());
    HttpEndpoints endpoints =
        HttpEndpoints.start(
            config.metricsPort(),
            config.healthPort(),
            metrics::render,
            () -> KvswitchOperator.isReady(operator));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      LOG.info("kvswitch operator stopping");
                      operator.stop();
                      endpoints.close();
                      client.close();
                      stopped.countDown();
                    }));
    operator.start();
    stopped.await();
  }
}
