import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { apiExplorerTablesModule, catalogTablesModule } from './modules/tables';

export default createApp({
  features: [catalogPlugin, catalogTablesModule, apiExplorerTablesModule, navModule, homeModule],
});
