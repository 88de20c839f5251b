/**
 * Runs {@link startPortalBackend} as a process of its own: the Kubernetes backend loads
 * `@kubernetes/client-node` (ESM) with a dynamic import(), which jest cannot run without
 * --experimental-vm-modules. Prints `portal backend listening on <port>`; stops on SIGTERM.
 *
 *   KUBERNETES_URL=http://127.0.0.1:7080 node --require @backstage/cli/config/nodeTransform.cjs portalBackendMain.ts
 */
import { startPortalBackend } from './portalBackend';

startPortalBackend({ kubernetesUrl: process.env.KUBERNETES_URL! }).then(
  portal => {
    process.stdout.write(`portal backend listening on ${portal.port}\n`);
    process.once('SIGTERM', () => portal.stop().then(() => process.exit(0)));
  },
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
