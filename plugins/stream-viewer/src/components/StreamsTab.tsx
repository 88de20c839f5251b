import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  CodeSnippet,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Box,
  Chip,
  Tab,
  Tabs,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import useAsync from 'react-use/esm/useAsync';
import {
  streamViewerApiRef,
  type StreamViewerApi,
} from '../api/StreamViewerClient';
import type { StreamDescriptor, StreamsResponse } from '../api/types';
import { StreamView } from './StreamView';

const useStyles = makeStyles(theme => ({
  head: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    margin: theme.spacing(1, 0, 2),
  },
}));

const EXAMPLE = `apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: api-latency
  annotations:
    stacktalk.io/kafka-cluster: stacktalk-main          # or stacktalk.io/redis-instance
    stacktalk.io/kafka-topic: stacktalk.metrics.api-latency   # or stacktalk.io/redis-stream
    stacktalk.io/stream-fields: "$.latency_ms,$.rps"    # numeric fields to chart
    stacktalk.io/stream-timestamp-field: "$.ts"         # optional event time
spec:
  type: kafka-topic                                     # or redis-stream
  owner: my-team
---
# and on the component:  spec.dependsOn: [resource:default/api-latency]`;

const CONFIG = `streamViewer:
  kafka:
    clusters:
      - { name: stacktalk-main, brokers: [kafka-1:9092] }
  redis:
    instances:
      - { name: stacktalk-cache, url: redis://redis:6379 }`;

function NoStreams({
  configured,
}: {
  configured: StreamsResponse['configured'];
}) {
  const names = [
    ...configured.kafka.map(n => `Kafka ${n}`),
    ...configured.redis.map(n => `Redis ${n}`),
  ];
  return (
    <EmptyState
      missing="data"
      title="No Kafka topics or Redis Streams for this entity"
      description={
        <>
          <Typography paragraph>
            The Streams tab charts the topics and streams described by catalog
            Resources of type <code>kafka-topic</code> or{' '}
            <code>redis-stream</code>, on the Resource itself and on every
            component that <code>dependsOn</code> it. Describe the stream like
            this:
          </Typography>
          <CodeSnippet language="yaml" text={EXAMPLE} />
          <Typography paragraph style={{ marginTop: 16 }}>
            and name its cluster or instance in <code>app-config.yaml</code>
            {names.length
              ? ` (configured now: ${names.join(', ')})`
              : ' (none is configured now)'}
            :
          </Typography>
          <CodeSnippet language="yaml" text={CONFIG} />
        </>
      }
    />
  );
}

function Unconfigured({ stream }: { stream: StreamDescriptor }) {
  const kafka = stream.transport === 'kafka';
  return (
    <Alert severity="warning">
      {kafka ? 'Kafka cluster' : 'Redis instance'} "{stream.server}" of{' '}
      {stream.entityRef} is not configured: add it to{' '}
      <code>
        {kafka ? 'streamViewer.kafka.clusters' : 'streamViewer.redis.instances'}
      </code>{' '}
      in app-config.yaml ({kafka ? 'name, brokers' : 'name, url'}).
    </Alert>
  );
}

/** The streams of an entity with a picker; exported for tests with a fake API. */
export function StreamsPanel({
  api,
  entityRef,
}: {
  api: StreamViewerApi;
  entityRef: string;
}) {
  const classes = useStyles();
  const { value, loading, error } = useAsync(
    () => api.streams(entityRef),
    [api, entityRef],
  );
  const [selected, setSelected] = useState(0);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.streams.length === 0)
    return (
      <NoStreams configured={value?.configured ?? { kafka: [], redis: [] }} />
    );
  const stream = value.streams[Math.min(selected, value.streams.length - 1)];
  return (
    <div>
      {value.streams.length > 1 && (
        <Tabs
          value={Math.min(selected, value.streams.length - 1)}
          onChange={(_, i) => setSelected(i)}
          indicatorColor="primary"
          variant="scrollable"
          aria-label="Streams"
        >
          {value.streams.map(s => (
            <Tab key={s.entityRef} label={s.title} />
          ))}
        </Tabs>
      )}
      <Box className={classes.head}>
        <Typography variant="h6" component="h2">
          {stream.title}
        </Typography>
        <Chip
          size="small"
          label={stream.transport === 'kafka' ? 'Kafka topic' : 'Redis stream'}
        />
        <Typography
          variant="body2"
          color="textSecondary"
          style={{ fontFamily: 'monospace' }}
        >
          {stream.server} / {stream.name}
        </Typography>
      </Box>
      {stream.configured && stream.problem && (
        // Another entity claims the stream, or its field annotations do not parse.
        <Alert severity="error">{stream.problem}</Alert>
      )}
      {stream.configured && !stream.problem && (
        <StreamView key={stream.entityRef} api={api} stream={stream} />
      )}
      {!stream.configured && <Unconfigured stream={stream} />}
    </div>
  );
}

/** Entity tab "Streams". */
export function StreamsTab() {
  const { entity } = useEntity();
  const api = useApi(streamViewerApiRef);
  return <StreamsPanel api={api} entityRef={stringifyEntityRef(entity)} />;
}
