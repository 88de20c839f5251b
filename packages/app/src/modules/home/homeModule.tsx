import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';

const welcomeWidget = HomePageWidgetBlueprint.make({
  name: 'welcome',
  params: {
    name: 'StackTalkWelcome',
    title: 'Welcome to StackTalk Portal',
    description: 'What the portal holds and where to start',
    components: () => import('./WelcomeCard').then(m => ({ Content: m.WelcomeCard })),
  },
});

const ownedEntitiesWidget = HomePageWidgetBlueprint.make({
  name: 'owned-entities',
  params: {
    name: 'OwnedEntities',
    title: 'Owned by you and your teams',
    description: 'Catalog entities whose owner is you or one of your groups',
    components: () =>
      import('./OwnedEntitiesCard').then(m => ({ Content: m.OwnedEntitiesCard })),
  },
});

const portalStatusWidget = HomePageWidgetBlueprint.make({
  name: 'portal-status',
  params: {
    name: 'PortalStatus',
    title: 'Portal features',
    description: 'Optional features of this installation and how to enable missing ones',
    components: () =>
      import('./PortalStatusCard').then(m => ({ Content: m.PortalStatusCard })),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [welcomeWidget, ownedEntitiesWidget, portalStatusWidget],
});
