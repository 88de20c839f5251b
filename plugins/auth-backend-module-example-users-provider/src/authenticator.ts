import { InputError } from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';

/** The header the development sign-in page sends with the chosen user's name. */
export const EXAMPLE_USER_HEADER = 'x-stacktalk-example-user';

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

/**
 * Reads the user name the sign-in page chose. The sign-in resolver then signs in as that
 * catalog user; a name that is not a User of the catalog is refused there.
 */
export const exampleUserAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async (result: { userName: string }) => ({ profile: { displayName: result.userName } }),
  initialize: () => undefined,
  async authenticate({ req }) {
    const userName = req.header(EXAMPLE_USER_HEADER);
    if (!userName) throw new InputError(`Missing ${EXAMPLE_USER_HEADER} header: choose a user on the sign-in page`);
    if (!USER_NAME.test(userName)) throw new InputError(`Invalid ${EXAMPLE_USER_HEADER} header: not a user name`);
    return { result: { userName } };
  },
});
