import type { ReactNode } from 'react';
import { usePermission } from '@backstage/plugin-permission-react';

type BasicPermission = Extract<Parameters<typeof usePermission>[0], { resourceRef?: undefined }>['permission'];

/**
 * Shows an admin page's sidebar entry only to people the permission policy lets in: the page
 * itself would only answer "not allowed". Who may use it is on the development sign-in page
 * (the groups) and in docs/getting-started.md.
 */
export function AdminNavItem({ permission, children }: { permission: BasicPermission; children: ReactNode }) {
  const { allowed, loading } = usePermission({ permission });
  if (loading || !allowed) return null;
  return <>{children}</>;
}
