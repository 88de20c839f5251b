import Chip from '@material-ui/core/Chip';
import type { AddInFile } from '@stacktalk/plugin-exceldna-common';

const chip = (label: string, color: 'ok' | 'bad' | 'warn' | 'plain') => {
  const style = {
    ok: { background: '#1b5e20', color: '#fff' },
    bad: { background: '#b71c1c', color: '#fff' },
    warn: { background: '#e65100', color: '#fff' },
    plain: {},
  }[color];
  return <Chip key={label} size="small" label={label} style={{ ...style, marginRight: 4, marginBottom: 2 }} />;
};

const SIGNATURE_LABEL: Record<string, [string, 'ok' | 'bad' | 'warn']> = {
  valid: ['signed, valid', 'ok'],
  unsigned: ['unsigned', 'bad'],
  'hash-mismatch': ['tampered (modified after signing)', 'bad'],
  malformed: ['signature malformed', 'bad'],
};

/** Architecture, packed, signature state and certificate expiry of one .xll. */
export function FileBadges({ file }: { file: AddInFile }) {
  const i = file.inspection;
  if (i.malformed) return chip('not a readable PE', 'bad');
  const sig = i.signature ?? {};
  const [label, color] = SIGNATURE_LABEL[sig.status] ?? [String(sig.status), 'warn'];
  const days: number | undefined = sig.expiresInDays;
  return (
    <>
      {chip(file.architecture, 'plain')}
      {chip(i.excelDna?.packed ? 'packed' : 'not packed', i.excelDna?.packed ? 'ok' : 'warn')}
      {chip(label, color)}
      {sig.status === 'valid' && !sig.trusted && chip('untrusted root', 'warn')}
      {sig.status === 'valid' && days !== undefined && (days < 0 ? chip('certificate expired', 'bad') : chip(`certificate expires in ${days} days`, days < 30 ? 'warn' : 'plain'))}
    </>
  );
}

export function ReadinessChip({ ready }: { ready: boolean }) {
  return chip(ready ? 'ready for release' : 'blocked', ready ? 'ok' : 'bad');
}
