import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { apiExplorerTablesModule, catalogTablesModule } from './modules/tables';
import { signInModule } from './modules/signIn';
import { apiDocsCardsModule, techdocsTabModule } from './modules/entityPages';

export default createApp({
  features: [catalogPlugin, catalogTablesModule, apiExplorerTablesModule, navModule, homeModule, signInModule, techdocsTabModule, apiDocsCardsModule],
});
