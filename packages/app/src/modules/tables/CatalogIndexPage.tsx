import type { ReactNode } from 'react';
import { Content } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { CatalogTable } from '@backstage/plugin-catalog';
import {
  CatalogFilterLayout,
  EntityKindPicker,
  EntityLifecyclePicker,
  EntityListProvider,
  EntityOwnerPicker,
  EntityTagPicker,
  EntityTypePicker,
  UserListPicker,
} from '@backstage/plugin-catalog-react';
import { Container, Header, HeaderPage } from '@backstage/ui';
import { apiColumns, catalogColumns } from './catalogColumns';
import { useStarAction } from './StarAction';

/** The catalog's index page as the catalog plugin draws it, with columns chosen per kind. */
export function CatalogIndexPage({
  filters,
  pagination,
}: {
  filters: ReactNode;
  pagination: boolean;
}) {
  const orgName =
    useApi(configApiRef).getOptionalString('organization.name') ?? 'Backstage';
  const actions = useStarAction();
  return (
    <EntityListProvider pagination={pagination}>
      <Header title={`${orgName} Catalog`} />
      <Container>
        <CatalogFilterLayout>
          <CatalogFilterLayout.Filters>{filters}</CatalogFilterLayout.Filters>
          <CatalogFilterLayout.Content>
            <CatalogTable columns={catalogColumns} actions={actions} />
          </CatalogFilterLayout.Content>
        </CatalogFilterLayout>
      </Container>
    </EntityListProvider>
  );
}

/** The API explorer as the api-docs plugin draws it, with the API columns. */
export function ApiExplorerPage({
  initiallySelectedFilter = 'all',
}: {
  initiallySelectedFilter?: 'owned' | 'starred' | 'all';
}) {
  const orgName =
    useApi(configApiRef).getOptionalString('organization.name') ?? 'Backstage';
  const actions = useStarAction();
  return (
    <>
      <HeaderPage title={`${orgName} API Explorer`} />
      <Content>
        <EntityListProvider>
          <CatalogFilterLayout>
            <CatalogFilterLayout.Filters>
              <EntityKindPicker initialFilter="api" hidden />
              <EntityTypePicker />
              <UserListPicker initialFilter={initiallySelectedFilter} />
              <EntityOwnerPicker />
              <EntityLifecyclePicker />
              <EntityTagPicker />
            </CatalogFilterLayout.Filters>
            <CatalogFilterLayout.Content>
              <CatalogTable columns={apiColumns} actions={actions} />
            </CatalogFilterLayout.Content>
          </CatalogFilterLayout>
        </EntityListProvider>
      </Content>
    </>
  );
}
