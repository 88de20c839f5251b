import type { TableColumn } from '@backstage/core-components';
import {
  CatalogTable,
  type CatalogTableColumnsFunc,
  type CatalogTableRow,
} from '@backstage/plugin-catalog';
import { DescriptionCell, EntityNameCell } from './EntityNameCell';

type Column = TableColumn<CatalogTableRow>;
const columns = CatalogTable.columns;

/** Cells that wrap only between words (never inside one) and no narrower than their longest word. */
const WORDS = { wordBreak: 'normal', overflowWrap: 'normal' } as const;
/** Short values (a type, a lifecycle, an e-mail address) on one line. */
const ONE_LINE = { whiteSpace: 'nowrap' } as const;

export function nameColumn(defaultKind?: string): Column {
  return {
    ...columns.createNameColumn({ defaultKind }),
    render: ({ entity }) => (
      <EntityNameCell entity={entity} defaultKind={defaultKind} />
    ),
    cellStyle: WORDS,
  };
}

/** The description takes what the other columns leave: at least a third of the table. */
export function descriptionColumn(): Column {
  return {
    ...columns.createMetadataDescriptionColumn(),
    render: ({ entity }) => (
      <DescriptionCell text={entity.metadata.description} />
    ),
    width: '40%',
    cellStyle: { ...WORDS, minWidth: 240 },
  };
}

export const systemColumn = (): Column => ({
  ...columns.createSystemColumn(),
  cellStyle: WORDS,
});
export const ownerColumn = (): Column => ({
  ...columns.createOwnerColumn(),
  cellStyle: WORDS,
});
export const typeColumn = (hidden = false): Column => ({
  ...columns.createSpecTypeColumn({ hidden }),
  cellStyle: ONE_LINE,
});
const emailColumn = (): Column => ({
  title: 'Email',
  field: 'entity.spec.profile.email',
  cellStyle: ONE_LINE,
});

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
        { ...columns.createSpecTargetsColumn(), cellStyle: WORDS },
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
