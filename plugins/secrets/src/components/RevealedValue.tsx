import { useEffect, useState } from 'react';
import { Box, IconButton, Tooltip, Typography } from '@material-ui/core';
import FileCopyIcon from '@material-ui/icons/FileCopy';
import VisibilityOffIcon from '@material-ui/icons/VisibilityOff';

export const REVEAL_SECONDS = 10;

/** A revealed value that hides itself after {@link REVEAL_SECONDS}, with a copy button. */
export function RevealedValue(props: { value: string; onHide: () => void }) {
  const { value, onHide } = props;
  const [left, setLeft] = useState(REVEAL_SECONDS);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (left <= 0) {
      onHide();
      return undefined;
    }
    const t = setTimeout(() => setLeft(l => l - 1), 1000);
    return () => clearTimeout(t);
  }, [left, onHide]);
  return (
    <Box display="flex" alignItems="center" maxWidth={360}>
      <Typography
        variant="body2"
        component="code"
        aria-label="Revealed value"
        style={{ fontFamily: 'monospace', wordBreak: 'break-all', background: 'rgba(255,193,7,0.15)', padding: '2px 4px' }}
      >
        {value.length > 200 ? `${value.slice(0, 200)}…` : value}
      </Typography>
      <Tooltip title={copied ? 'Copied' : 'Copy'}>
        <IconButton
          size="small"
          aria-label="Copy value"
          onClick={() => navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false))}
        >
          <FileCopyIcon fontSize="small" />
        </IconButton>
      </Tooltip>
      <Tooltip title={`Hides in ${left} s`}>
        <IconButton size="small" aria-label="Hide value" onClick={onHide}>
          <VisibilityOffIcon fontSize="small" />
        </IconButton>
      </Tooltip>
      <Typography variant="caption" color="textSecondary" style={{ whiteSpace: 'nowrap' }} aria-label="Seconds until hidden">
        {left}s
      </Typography>
    </Box>
  );
}
