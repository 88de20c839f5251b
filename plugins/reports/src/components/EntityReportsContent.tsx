import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ReportsPanel } from './ReportsPanel';

/** Entity tab "Reports". */
export function EntityReportsContent() {
  const { entity } = useEntity();
  return <ReportsPanel entityRef={stringifyEntityRef(entity)} />;
}
