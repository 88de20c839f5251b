import { MarkdownContent } from '@backstage/core-components';
import { useApi, configApiRef } from '@backstage/core-plugin-api';

export const WelcomeCard = () => {
  const orgName = useApi(configApiRef).getOptionalString('organization.name') ?? 'StackTalk';
  return (
    <MarkdownContent
      content={`
Everything ${orgName} runs, in one place: the **services** on DigitalOcean (App Platform,
Droplets, DOKS), the **Kafka topics and Redis Streams** that connect them, their **docs**, and
who owns what.

- [Browse the catalog](/catalog) — systems, components, APIs and resources
- [Read the docs](/docs) — every service's TechDocs, searchable
- [API explorer](/api-docs) — OpenAPI and AsyncAPI definitions
- [Portal guide](/docs/default/component/stacktalk-portal) — configuration, production, plugins
`}
    />
  );
};
