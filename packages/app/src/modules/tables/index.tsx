import {
  coreExtensionData,
  createExtensionInput,
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { AppIcon } from '@backstage/core-components';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import apiDocsPlugin from '@backstage/plugin-api-docs/alpha';
import CategoryIcon from '@material-ui/icons/Category';

/**
 * `page:catalog` with columns per kind. Backstage's page takes no columns from config (only
 * the legacy DefaultCatalogPage has a `columns` prop), so this module replaces the extension with
 * the same page, filters input and path, and a CatalogTable given `catalogColumns`.
 */
const catalogIndexPage = PageBlueprint.makeWithOverrides({
  inputs: {
    filters: createExtensionInput([coreExtensionData.reactElement]),
  },
  factory(originalFactory, { inputs }) {
    return originalFactory({
      path: '/catalog',
      routeRef: catalogPlugin.routes.catalogIndex,
      title: 'Catalog',
      icon: <CategoryIcon fontSize="inherit" />,
      loader: async () => {
        const { CatalogIndexPage } = await import('./CatalogIndexPage');
        const filters = inputs.filters.map(f =>
          f.get(coreExtensionData.reactElement),
        );
        return <CatalogIndexPage filters={<>{filters}</>} pagination />;
      },
    });
  },
});

export const catalogTablesModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [catalogIndexPage],
});

/** `page:api-docs` with the API columns (the plugin's page takes none from config either). */
const apiExplorerPage = PageBlueprint.make({
  params: {
    path: '/api-docs',
    routeRef: apiDocsPlugin.routes.root,
    title: 'APIs',
    icon: <AppIcon fontSize="inherit" id="kind:api" />,
    loader: async () => {
      const { ApiExplorerPage } = await import('./CatalogIndexPage');
      return <ApiExplorerPage />;
    },
  },
});

export const apiExplorerTablesModule = createFrontendModule({
  pluginId: 'api-docs',
  extensions: [apiExplorerPage],
});
