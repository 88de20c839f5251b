import { makeStyles } from '@material-ui/core';
import { StackTalkMark } from './LogoIcon';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: 8,
    color: '#ffffff',
    whiteSpace: 'nowrap',
  },
  name: { fontSize: 18, fontWeight: 700, letterSpacing: 0.2, lineHeight: 1.1 },
  sub: { fontSize: 11, fontWeight: 400, color: '#7df3e1', display: 'block' },
});

export const LogoFull = () => {
  const classes = useStyles();
  return (
    <span className={classes.root}>
      <StackTalkMark size={30} />
      <span className={classes.name}>
        StackTalk
        <span className={classes.sub}>Portal</span>
      </span>
    </span>
  );
};
