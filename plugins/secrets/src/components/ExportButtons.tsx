import { useState } from 'react';
import { Button, ButtonGroup, ListItemText, Menu, MenuItem } from '@material-ui/core';
import ArrowDropDownIcon from '@material-ui/icons/ArrowDropDown';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  EXPORT_FORMAT_BY_DEPLOYMENT,
  EXPORT_FORMAT_INFO,
  EXPORT_FORMATS,
  type ExportFormat,
  type SecretsEnvironment,
} from '@stacktalk/plugin-secrets-common';

/**
 * "Export <environment>" in the format of its deployment, and a menu with the other formats,
 * each with one line on where its file goes.
 */
export function ExportButtons(props: { environment: SecretsEnvironment; onExport: (format: ExportFormat) => void }) {
  const { environment, onExport } = props;
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const standard = EXPORT_FORMAT_BY_DEPLOYMENT[environment.deployment];
  const others = EXPORT_FORMATS.filter(f => f !== standard);
  return (
    <>
      <ButtonGroup size="small">
        <Button startIcon={<GetAppIcon />} title={EXPORT_FORMAT_INFO[standard].where} onClick={() => onExport(standard)}>
          Export {environment.name}
        </Button>
        <Button aria-label={`Other export formats for ${environment.name}`} aria-haspopup="menu" onClick={e => setAnchor(e.currentTarget)}>
          <ArrowDropDownIcon fontSize="small" />
        </Button>
      </ButtonGroup>
      <Menu anchorEl={anchor} open={Boolean(anchor)} onClose={() => setAnchor(null)}>
        {others.map(format => (
          <MenuItem
            key={format}
            aria-label={`Export ${environment.name} as ${format}`}
            onClick={() => {
              setAnchor(null);
              onExport(format);
            }}
          >
            <ListItemText primary={`${EXPORT_FORMAT_INFO[format].label} (${format})`} secondary={EXPORT_FORMAT_INFO[format].where} />
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
