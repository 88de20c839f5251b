import type { AuthService } from '@backstage/backend-plugin-api';
import { RELATION_MEMBER_OF, stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

export interface ExampleGroup {
  entityRef: string;
  title: string;
  description?: string;
}

export interface ExampleUser {
  name: string;
  entityRef: string;
  displayName: string;
  groups: ExampleGroup[];
}

function groupOf(group: Entity): ExampleGroup {
  const profile = (group.spec?.profile ?? {}) as { displayName?: string };
  return {
    entityRef: stringifyEntityRef(group),
    title: group.metadata.title ?? profile.displayName ?? group.metadata.name,
    description: group.metadata.description,
  };
}

/**
 * The users of the catalog's default namespace, each with the groups it is a member of, as the
 * development sign-in page lists them. Read with the module's own credentials: nobody is signed
 * in yet when the page asks.
 */
export async function listExampleUsers(catalog: CatalogService, auth: AuthService): Promise<ExampleUser[]> {
  const credentials = await auth.getOwnServiceCredentials();
  const [users, groups] = await Promise.all([
    catalog.getEntities({ filter: { kind: 'User', 'metadata.namespace': 'default' } }, { credentials }),
    catalog.getEntities({ filter: { kind: 'Group' } }, { credentials }),
  ]);
  const groupsByRef = new Map(groups.items.map(g => [stringifyEntityRef(g), groupOf(g)]));
  return users.items
    .map(user => {
      const profile = (user.spec?.profile ?? {}) as { displayName?: string };
      const memberOf = (user.relations ?? []).filter(r => r.type === RELATION_MEMBER_OF).map(r => r.targetRef);
      return {
        name: user.metadata.name,
        entityRef: stringifyEntityRef(user),
        displayName: profile.displayName ?? user.metadata.title ?? user.metadata.name,
        groups: memberOf.flatMap(ref => groupsByRef.get(ref) ?? []),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
