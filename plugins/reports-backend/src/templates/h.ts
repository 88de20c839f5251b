import { createElement, Fragment, type ReactNode } from 'react';

/**
 * `h('td', props, ...children)`: React elements without JSX. The backend runs from TypeScript
 * through Backstage's node transform, which compiles .ts but not .tsx.
 */
export function h(type: string | ((props: any) => ReactNode), props?: Record<string, unknown> | null, ...children: ReactNode[]) {
  return createElement(type as any, props ?? null, ...children);
}

export const fragment = (...children: ReactNode[]) => createElement(Fragment, null, ...children);
