import type { TableColumn } from '@backstage/core-components';
import {
  CatalogTable,
  type CatalogTableColumnsFunc,
  type CatalogTableRow,
} from '@backstage/plugin-catalog';
import { DescriptionCell, EntityNameCell } from './EntityNameCell';

type Column = TableColumn<CatalogTableRow>;
const columns = CatalogTable.columns;

/** Compact cells: the default padding (16–20 px a side) cost a column's width at 1280 px. */
const PADDING = { padding: '8px 10px' } as const;
/** Cells that wrap only between words (never inside one) and no narrower than their longest word. */
const WORDS = {
  ...PADDING,
  wordBreak: 'normal',
  overflowWrap: 'normal',
} as const;
/** Short values (a type, an e-mail address) on one line. */
const ONE_LINE = { ...PADDING, whiteSpace: 'nowrap' } as const;

function compact(column: Column, cellStyle: object, width?: string): Column {
  return {
    ...column,
    cellStyle,
    headerStyle: { ...PADDING, whiteSpace: 'nowrap' },
    ...(width ? { width } : {}),
  };
}

export function nameColumn(defaultKind?: string): Column {
  return compact(
    {
      ...columns.createNameColumn({ defaultKind }),
      render: ({ entity }) => (
        <EntityNameCell entity={entity} defaultKind={defaultKind} />
      ),
    },
    WORDS,
    '22%',
  );
}

/** The description takes what the other columns leave: about 40 % of the table, 240 px at least. */
export function descriptionColumn(): Column {
  return compact(
    {
      ...columns.createMetadataDescriptionColumn(),
      render: ({ entity }) => (
        <DescriptionCell text={entity.metadata.description} />
      ),
    },
    { ...WORDS, minWidth: 240 },
    '40%',
  );
}

export const systemColumn = (): Column =>
  compact(columns.createSystemColumn(), WORDS, '13%');
export const ownerColumn = (): Column =>
  compact(columns.createOwnerColumn(), WORDS, '13%');
export const typeColumn = (hidden = false): Column =>
  compact(columns.createSpecTypeColumn({ hidden }), ONE_LINE, '1%');
const emailColumn = (): Column =>
  compact({ title: 'Email', field: 'entity.spec.profile.email' }, ONE_LINE);

/**
 * The catalog table's columns for the kind on screen. The default puts eight columns (tags and
 * lifecycle too) into the width left by the sidebar and the filters: at 1280–1440 px names broke
 * between letters and descriptions showed 15 characters. Tags and lifecycle are filters on the
 * left; the table keeps what tells entities apart.
 */
export const catalogColumns: CatalogTableColumnsFunc = ({
  filters,
  entities,
}) => {
  const kind = (
    entities[0]?.kind ??
    filters.kind?.value ??
    'component'
  ).toLocaleLowerCase('en-US');
  // The type column says nothing when the list is filtered on one type.
  const typeFiltered = filters.type !== undefined;
  const title = { ...columns.createTitleColumn({ hidden: true }) };
  switch (kind) {
    case 'user':
      return [title, nameColumn(kind), emailColumn(), descriptionColumn()];
    case 'group':
      return [
        title,
        nameColumn(kind),
        typeColumn(typeFiltered),
        descriptionColumn(),
      ];
    case 'domain':
    case 'system':
      return [title, nameColumn(kind), ownerColumn(), descriptionColumn()];
    case 'location':
      return [
        title,
        nameColumn(kind),
        typeColumn(typeFiltered),
        compact(columns.createSpecTargetsColumn(), WORDS),
      ];
    default:
      return [
        title,
        nameColumn(kind),
        systemColumn(),
        ownerColumn(),
        typeColumn(typeFiltered),
        descriptionColumn(),
      ];
  }
};

/** The API explorer's columns: what an API is, who owns it, and what it is for. */
export const apiColumns: Column[] = [
  columns.createTitleColumn({ hidden: true }),
  nameColumn('api'),
  systemColumn(),
  ownerColumn(),
  typeColumn(),
  descriptionColumn(),
];
