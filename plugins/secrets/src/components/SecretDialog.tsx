import { useState } from 'react';
import {
  Button,
  Checkbox,
  FormControlLabel,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import type { SecretMetadata } from '@stacktalk/plugin-secrets-common';
import type { SecretWrite } from '../api/SecretsClient';

const NAME = /^[A-Z_][A-Z0-9_]*$/;
const MAX_BYTES = 64 * 1024;

export interface SecretDialogTarget {
  name?: string;
  environment?: string;
  /** Set when writing a new version of an existing secret. */
  current?: SecretMetadata;
}

/** Create a secret or write a new version; the server's errors (409 stale, 400 invalid) are shown as they come. */
export function SecretDialog(props: {
  target: SecretDialogTarget;
  environments: string[];
  onClose(): void;
  onSave(environment: string, name: string, body: SecretWrite): Promise<void>;
}) {
  const { target, environments, onClose, onSave } = props;
  const [name, setName] = useState(target.name ?? '');
  const [environment, setEnvironment] = useState(target.environment ?? environments[0] ?? '');
  const [value, setValue] = useState('');
  const [multiline, setMultiline] = useState(false);
  const [description, setDescription] = useState(target.current?.description ?? '');
  const [rotateBy, setRotateBy] = useState(target.current?.rotateBy?.slice(0, 10) ?? '');
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const nameError = name && !NAME.test(name) ? 'Upper-case letters, digits and _, not starting with a digit' : undefined;
  const bytes = new TextEncoder().encode(value).length;
  const valueError = bytes > MAX_BYTES ? `${bytes} bytes; the limit is 64 KiB` : undefined;
  const editing = !!target.current;

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await onSave(environment, name, {
        value,
        expectedVersion: target.current?.version ?? 0,
        description: description || undefined,
        rotateBy: rotateBy || undefined,
      });
    } catch (e) {
      setError((e as Error).message);
      setSaving(false);
    }
  };

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="secret-dialog-title">
      <DialogTitle id="secret-dialog-title">{editing ? `New version of ${name} in ${environment}` : 'New secret'}</DialogTitle>
      <DialogContent>
        {error && <Alert severity="error" style={{ marginBottom: 12 }}>{error}</Alert>}
        <TextField
          id="secret-name"
          label="Name"
          value={name}
          onChange={e => setName(e.target.value.toUpperCase())}
          disabled={!!target.name}
          error={!!nameError}
          helperText={nameError ?? 'e.g. DATABASE_URL'}
          fullWidth
          margin="dense"
          inputProps={{ 'aria-label': 'Secret name' }}
        />
        <TextField
          id="secret-environment"
          select
          label="Environment"
          value={environment}
          onChange={e => setEnvironment(e.target.value)}
          disabled={!!target.environment}
          fullWidth
          margin="dense"
          SelectProps={{ inputProps: { 'aria-label': 'Environment' } }}
        >
          {environments.map(env => (
            <MenuItem key={env} value={env}>{env}</MenuItem>
          ))}
        </TextField>
        <TextField
          id="secret-value"
          label="Value"
          value={value}
          onChange={e => setValue(e.target.value)}
          error={!!valueError}
          helperText={valueError ?? (editing ? 'The current value is not shown; this becomes a new version' : 'Stored encrypted')}
          fullWidth
          // Masked while typing; multi-line values (certificates, keys) need to be visible to edit.
          multiline={multiline}
          minRows={multiline ? 4 : undefined}
          type={multiline ? undefined : 'password'}
          margin="dense"
          inputProps={{ 'aria-label': 'Secret value', autoComplete: 'new-password', spellCheck: false }}
        />
        <FormControlLabel
          control={<Checkbox size="small" checked={multiline} onChange={e => setMultiline(e.target.checked)} />}
          label={<Typography variant="caption">Multi-line value (shown while editing)</Typography>}
        />
        <TextField id="secret-description" label="Description" value={description} onChange={e => setDescription(e.target.value)} fullWidth margin="dense" />
        <TextField
          id="secret-rotate-by"
          label="Rotate by"
          type="date"
          value={rotateBy}
          onChange={e => setRotateBy(e.target.value)}
          InputLabelProps={{ shrink: true }}
          margin="dense"
        />
        {editing && (
          <Typography variant="caption" color="textSecondary" component="p">
            Saving expects version {target.current!.version}; if someone saved in between, you will be asked to reload.
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button color="primary" variant="contained" onClick={save} disabled={saving || !name || !!nameError || !value || !!valueError || !environment}>
          {saving ? 'Saving…' : 'Save'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
