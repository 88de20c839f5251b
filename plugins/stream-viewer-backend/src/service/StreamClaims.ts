import type { AuthService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_ORIGIN_LOCATION,
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KAFKA_TOPIC,
  ANNOTATION_REDIS_STREAM,
} from '@stacktalk/plugin-stream-viewer-common';
import {
  describeStream,
  type StreamDescriptor,
  type StreamServers,
} from './StreamCatalog';

/** An entity ref as the catalog spells it (`resource:default/x`), for comparisons. */
export function canonicalRef(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref));
}

/**
 * Who may show a stream. A topic or Redis stream is served for one catalog entity only, whose
 * owners then see its messages; any other entity naming it gets the reason instead. The rightful
 * claimant, decided the same way on every replica and every request:
 *   1. the entity named for it in config (`streamViewer.kafka.clusters[].claims`,
 *      `streamViewer.redis.instances[].claims`), whatever else claims it;
 *   2. otherwise the only claimant from a trusted location: with `streamViewer.trustedLocations`
 *      set, an entity whose `backstage.io/managed-by-origin-location` starts with none of them
 *      claims nothing; without it every location counts;
 *   3. two or more such claimants: a conflict, and none of them is served until config names one.
 * Registering a Resource for a topic someone already claims therefore never grants its messages:
 * at worst it stops the existing claimant's tab until an administrator pins the topic in config.
 */
export class StreamClaims {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      servers: StreamServers;
      trustedLocations?: string[];
    },
  ) {}

  private trusted(entity: Entity): boolean {
    const prefixes = this.options.trustedLocations;
    if (!prefixes) return true;
    const origin = entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
    return !!origin && prefixes.some(p => origin.startsWith(p));
  }

  /** Why `entity` may not show `stream` (which it describes), or undefined when it is the stream's claimant. */
  async problem(
    stream: StreamDescriptor,
    entity: Entity,
  ): Promise<string | undefined> {
    const kafka = stream.transport === 'kafka';
    const what = `${kafka ? 'Kafka topic' : 'Redis stream'} "${
      stream.name
    }" on ${stream.server}`;
    const configKey = kafka
      ? `streamViewer.kafka.clusters[${stream.server}].claims`
      : `streamViewer.redis.instances[${stream.server}].claims`;
    const server = (
      kafka ? this.options.servers.kafka : this.options.servers.redis
    ).find(s => s.name === stream.server);
    const pinned = server?.claims?.find(c => c.name === stream.name)?.entity;
    if (pinned)
      return pinned === stream.entityRef
        ? undefined
        : `${what} belongs to ${pinned} (${configKey}): ${stream.entityRef} cannot show it. Remove its stream annotations.`;
    if (!this.trusted(entity)) {
      const origin =
        entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION] ??
        'an unknown location';
      return `${stream.entityRef} comes from ${origin}, which is not one of streamViewer.trustedLocations: it cannot claim ${what}. Register it from a trusted location, or name it in ${configKey}.`;
    }
    const others = (await this.claimants(stream))
      .filter(e => stringifyEntityRef(e) !== stream.entityRef)
      .filter(e => this.trusted(e))
      .map(e => stringifyEntityRef(e))
      .sort();
    if (others.length === 0) return undefined;
    return `${what} is also claimed by ${others.join(
      ', ',
    )}: a stream is shown for one catalog entity only (its owners see the messages). Name the rightful one in ${configKey}, or remove the annotations from the others.`;
  }

  /** Every catalog entity naming the same stream on the same server (read as the plugin: a user may not see them all). */
  private async claimants(stream: StreamDescriptor): Promise<Entity[]> {
    const annotation =
      stream.transport === 'kafka'
        ? ANNOTATION_KAFKA_TOPIC
        : ANNOTATION_REDIS_STREAM;
    const { items } = await this.options.catalog.getEntities(
      { filter: { [`metadata.annotations.${annotation}`]: stream.name } },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    return items.filter(e => {
      const d = describeStream(e, this.options.servers);
      return (
        d?.transport === stream.transport &&
        d.server === stream.server &&
        d.name === stream.name
      );
    });
  }
}
