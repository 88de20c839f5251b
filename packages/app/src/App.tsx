import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { apiExplorerTablesModule, catalogTablesModule } from './modules/tables';
import { signInModule } from './modules/signIn';
import { signalsModule } from './modules/signals';
import { apiDocsCardsModule, techdocsTabModule } from './modules/entityPages';
import { dynamicFrontendFeatures } from '@stacktalk/plugin-frontend-dynamic-feature-loader';

export default createApp({
  features: [catalogPlugin, catalogTablesModule, apiExplorerTablesModule, navModule, homeModule, signInModule, signalsModule, techdocsTabModule, apiDocsCardsModule,
    // Frontend plugins dropped into the backend's dynamic plugins folder (docs/dynamic-plugins.md).
    dynamicFrontendFeatures()],
});
