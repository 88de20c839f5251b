import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  techdocsWarmup?: {
    /**
     * Set to false to build docs only when someone opens them. Default true.
     * @visibility backend
     */
    enabled?: boolean;
    /**
     * When to (re)build. Default: 10 seconds after start, then every 2 minutes.
     * @visibility backend
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
  };
}
