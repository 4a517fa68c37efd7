import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import { nodeBuildInfo } from '../core/node/build-info.ts';
import { createMetrics, type Metrics, type MetricsSources } from '../core/node/metrics/registry.ts';
import { metricsHandler, readMetricsToken } from '../functions/node/metrics-endpoint.ts';

export interface ProcessMetrics {
  metrics: Metrics;
  handler: ReturnType<typeof metricsHandler>;
  hasToken: boolean;
}

/** A process's registry and its /metrics handler, guarded by `metrics.token_file` when set. */
export function processMetrics(
  config: Config,
  sources: Omit<MetricsSources, 'version'>,
  log: Logger,
): ProcessMetrics {
  const token = config.metrics.token_file ? readMetricsToken(config.metrics.token_file) : undefined;
  const metrics = createMetrics({ ...sources, version: nodeBuildInfo().version });
  return { metrics, handler: metricsHandler(metrics, token, log), hasToken: token !== undefined };
}
