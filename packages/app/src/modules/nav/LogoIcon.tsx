import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 28 },
});

/** The StackTalk mark: three stacked bars with a speech notch. */
export const StackTalkMark = ({ size = 28 }: { size?: number }) => (
  <svg
    xmlns="http://www.w3.org/2000/svg"
    viewBox="0 0 32 32"
    height={size}
    width={size}
    role="img"
    style={{ flexShrink: 0 }}
    aria-label="StackTalk"
  >
    <rect x="3" y="4" width="26" height="6" rx="2" fill="#36c5b0" />
    <rect x="3" y="13" width="20" height="6" rx="2" fill="#7df3e1" />
    <path d="M3 24a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v2a2 2 0 0 1-2 2H9l-4 3v-3a2 2 0 0 1-2-2z" fill="#ffb547" />
  </svg>
);

export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <span className={classes.svg}>
      <StackTalkMark />
    </span>
  );
};
