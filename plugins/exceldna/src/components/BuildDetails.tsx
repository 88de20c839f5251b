import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { AddInBuild, AddInFile } from '@stacktalk/plugin-exceldna-common';
import { exceldnaApiRef } from '../api/ExceldnaClient';
import { FileBadges } from './badges';

interface PackedRow {
  type: string;
  name: string;
  compressed: boolean;
  encoded: boolean;
  size: number;
  unpackedSize: number | null;
  assembly?: { name: string; version: string };
  signature?: { status: string };
  problem?: string;
}

const columns: TableColumn<PackedRow>[] = [
  { title: 'Type', field: 'type' },
  { title: 'Name', field: 'name' },
  { title: 'Assembly', render: r => (r.assembly ? `${r.assembly.name} ${r.assembly.version}` : '') },
  { title: 'Stored', render: r => `${r.size.toLocaleString()} B${r.compressed ? ' (LZMA)' : ''}${r.encoded ? ' (XOR)' : ''}` },
  { title: 'Unpacked', render: r => (r.unpackedSize === null ? '' : `${r.unpackedSize.toLocaleString()} B`) },
  { title: 'Own signature', render: r => r.problem ?? r.signature?.status ?? '' },
];

function AddInFileDetails({ entityRef, file }: { entityRef: string; file: AddInFile }) {
  const api = useApi(exceldnaApiRef);
  const i = file.inspection;
  const save = async () => {
    const blob = await api.download(entityRef, file.sha256);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = file.fileName;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const dna = i.excelDna?.dna;
  return (
    <Box mb={3} data-testid={`addin-file-${file.architecture}`}>
      <Typography variant="subtitle1">
        {file.fileName} <FileBadges file={file} />
        <Button size="small" variant="outlined" onClick={save} style={{ marginLeft: 8 }}>
          Download
        </Button>
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {i.format ?? ''} · {file.size.toLocaleString()} bytes · sha256 {file.sha256}
        {i.excelDna?.loaderVersion ? ` · Excel-DNA loader ${i.excelDna.loaderVersion}` : ''}
        {i.signature?.signer ? ` · signed by ${i.signature.signer.subject} (thumbprint ${i.signature.signer.thumbprint})` : ''}
      </Typography>
      {dna && (
        <Typography variant="body2" component="div">
          .dna: <b>{dna.name}</b> (runtime {dna.runtimeVersion ?? '?'}) —{' '}
          {dna.entries.map((e: { kind: string; path?: string }) => `${e.kind} ${e.path ?? ''}`).join(', ')}
        </Typography>
      )}
      {i.excelDna?.resources?.length > 0 && (
        <Table<PackedRow>
          title="Packed contents"
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={i.excelDna.resources}
        />
      )}
    </Box>
  );
}

/** One build: readiness problems, then each .xll with its badges, .dna and packed contents. */
export function BuildDetails({ entityRef, build }: { entityRef: string; build: AddInBuild }) {
  return (
    <Box p={2}>
      {build.readiness.problems.length > 0 && (
        <Box mb={2}>
          <Typography variant="subtitle2">Why it is blocked</Typography>
          <ul>
            {build.readiness.problems.map(p => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Box>
      )}
      {build.files.map(f => (
        <AddInFileDetails key={f.fileName} entityRef={entityRef} file={f} />
      ))}
    </Box>
  );
}
