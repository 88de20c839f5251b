import { useCallback, useState } from 'react';
import { Box, Chip, IconButton, Tooltip, Typography } from '@material-ui/core';
import VisibilityIcon from '@material-ui/icons/Visibility';
import EditIcon from '@material-ui/icons/Edit';
import HistoryIcon from '@material-ui/icons/History';
import DeleteIcon from '@material-ui/icons/Delete';
import RestoreIcon from '@material-ui/icons/RestoreFromTrash';
import AddIcon from '@material-ui/icons/Add';
import WarningIcon from '@material-ui/icons/Warning';
import type { ScopeAccess, SecretMetadata } from '@stacktalk/plugin-secrets-common';
import { RevealedValue } from './RevealedValue';
import { age, daysUntil } from './format';

export interface SecretCellActions {
  reveal(secret: SecretMetadata): Promise<string>;
  edit(secret: SecretMetadata): void;
  create(name: string, environment: string): void;
  history(secret: SecretMetadata): void;
  remove(secret: SecretMetadata): void;
  restore(secret: SecretMetadata): void;
}

/** One name in one environment: masked value, version, age, expiry, and what the user may do. */
export function SecretCell(props: {
  name: string;
  environment: string;
  secret?: SecretMetadata;
  missing: boolean;
  access: ScopeAccess;
  actions: SecretCellActions;
}) {
  const { name, environment, secret, missing, access, actions } = props;
  const [value, setValue] = useState<string>();
  const hide = useCallback(() => setValue(undefined), []);

  if (!secret) {
    return (
      <Box display="flex" alignItems="center" aria-label={`${name} in ${environment}: missing`}>
        {missing ? (
          <Chip size="small" icon={<WarningIcon />} label="missing" style={{ background: '#fff3e0', color: '#e65100' }} />
        ) : (
          <Typography variant="caption" color="textSecondary">—</Typography>
        )}
        {access.write && (
          <Tooltip title={`Add ${name} in ${environment}`}>
            <IconButton size="small" aria-label={`Add ${name} in ${environment}`} onClick={() => actions.create(name, environment)}>
              <AddIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
      </Box>
    );
  }

  const deleted = !!secret.deletedAt;
  const due = secret.rotateBy ? daysUntil(secret.rotateBy) : undefined;
  return (
    <Box aria-label={`${name} in ${environment}`} style={deleted ? { opacity: 0.6 } : undefined}>
      <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 4 }}>
        {value !== undefined ? (
          <RevealedValue value={value} onHide={hide} />
        ) : (
          <Typography variant="body2" style={{ fontFamily: 'monospace', letterSpacing: 2 }}>
            {deleted ? 'deleted' : '••••••••'}
          </Typography>
        )}
        <Chip size="small" label={`v${secret.version}`} variant="outlined" />
        {due !== undefined && (
          <Chip
            size="small"
            label={due < 0 ? `rotate: ${-due}d overdue` : `rotate in ${due}d`}
            style={due < 14 ? { background: due < 0 ? '#ffebee' : '#fff3e0', color: due < 0 ? '#b71c1c' : '#e65100' } : undefined}
          />
        )}
      </Box>
      <Typography variant="caption" color="textSecondary" component="div">
        {age(secret.createdAt)} by {secret.createdBy.replace(/^user:default\//, '')}
        {secret.description ? ` · ${secret.description}` : ''}
      </Typography>
      <Box>
        {!deleted && access.reveal && value === undefined && (
          <Tooltip title="Reveal for 10 seconds">
            <IconButton size="small" aria-label={`Reveal ${name} in ${environment}`} onClick={async () => setValue(await actions.reveal(secret))}>
              <VisibilityIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
        {!deleted && access.write && (
          <Tooltip title="New version">
            <IconButton size="small" aria-label={`Edit ${name} in ${environment}`} onClick={() => actions.edit(secret)}>
              <EditIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
        <Tooltip title="History">
          <IconButton size="small" aria-label={`History of ${name} in ${environment}`} onClick={() => actions.history(secret)}>
            <HistoryIcon fontSize="small" />
          </IconButton>
        </Tooltip>
        {access.delete && !deleted && (
          <Tooltip title="Delete (restorable)">
            <IconButton size="small" aria-label={`Delete ${name} in ${environment}`} onClick={() => actions.remove(secret)}>
              <DeleteIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
        {access.delete && deleted && (
          <Tooltip title="Restore">
            <IconButton size="small" aria-label={`Restore ${name} in ${environment}`} onClick={() => actions.restore(secret)}>
              <RestoreIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
      </Box>
    </Box>
  );
}
