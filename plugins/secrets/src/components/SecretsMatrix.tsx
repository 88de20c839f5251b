import { Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@material-ui/core';
import LockIcon from '@material-ui/icons/Lock';
import type { SecretsMatrix as Matrix } from '@stacktalk/plugin-secrets-common';
import { SecretCell, type SecretCellActions } from './SecretCell';

const DEPLOYMENT_LABEL = { droplet: 'Droplet', kubernetes: 'DOKS', 'app-platform': 'App Platform' };

/** Secret names × environments; a cell per pair, warnings where a name is missing. */
export function SecretsMatrix(props: { matrix: Matrix; actions: SecretCellActions }) {
  const { matrix, actions } = props;
  const environments = matrix.environments.filter(e => e.access.list);
  const names = [...new Set(matrix.secrets.map(s => s.name))].sort();
  return (
    <Table size="small" aria-label="Secrets matrix">
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          {environments.map(env => (
            <TableCell key={env.name}>
              <Typography variant="subtitle2">
                {env.name}{' '}
                {!env.access.reveal && (
                  <Tooltip title="You may see names and metadata here, not values">
                    <LockIcon fontSize="inherit" aria-label={`${env.name} values locked`} />
                  </Tooltip>
                )}
              </Typography>
              <Typography variant="caption" color="textSecondary">
                {DEPLOYMENT_LABEL[env.deployment]} · {env.target}
              </Typography>
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {names.map(name => (
          <TableRow key={name} hover>
            <TableCell>
              <Typography variant="body2" style={{ fontFamily: 'monospace', fontWeight: 600 }}>{name}</Typography>
            </TableCell>
            {environments.map(env => (
              <TableCell key={env.name} style={{ verticalAlign: 'top' }}>
                <SecretCell
                  name={name}
                  environment={env.name}
                  secret={matrix.secrets.find(s => s.name === name && s.environment === env.name)}
                  missing={(matrix.missing[name] ?? []).includes(env.name)}
                  access={env.access}
                  actions={actions}
                />
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
