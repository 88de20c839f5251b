import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import type { ExceldnaService } from './ExceldnaService';
import { TooManyUploadsError, type UploadQuota } from './UploadQuota';

const ENTITY = '/entities/:kind/:namespace/:name';
const entityRefOf = (req: express.Request) => `${req.params.kind}:${req.params.namespace}/${req.params.name}`;

/** 413 through Backstage's error handler (it honours `statusCode`). */
class PayloadTooLargeError extends Error {
  readonly statusCode = 413;
  constructor(message: string) {
    super(message);
    this.name = 'PayloadTooLargeError';
  }
}

/** Reads the request body up to `max` bytes; stops reading (413) as soon as it would pass the limit. */
export function readBody(req: express.Request, max: number): Promise<Buffer> {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    return Promise.reject(new PayloadTooLargeError(`the file is ${declared} bytes, more than the ${max} allowed (exceldna.uploadMaxBytes)`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.pause();
        req.removeAllListeners('data');
        reject(new PayloadTooLargeError(`the file is more than the ${max} bytes allowed (exceldna.uploadMaxBytes)`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const text = (v: unknown, what: string, re: RegExp, required = false): string | undefined => {
  if (v === undefined || v === '') {
    if (required) throw new InputError(`${what} is required`);
    return undefined;
  }
  if (typeof v !== 'string' || !re.test(v)) throw new InputError(`${what} is not valid`);
  return v;
};

export async function createRouter(o: { httpAuth: HttpAuthService; service: ExceldnaService; uploadMaxBytes: number; quota: UploadQuota }): Promise<express.Router> {
  const { httpAuth, service } = o;
  const router = Router();

  router.get(`${ENTITY}/builds`, async (req, res) => {
    res.json(await service.builds(entityRefOf(req), await httpAuth.credentials(req, { allow: ['user', 'service'] })));
  });

  router.get(`${ENTITY}/files/:sha256`, async (req, res) => {
    const file = await service.download(entityRefOf(req), req.params.sha256, await httpAuth.credentials(req, { allow: ['user', 'service'] }));
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-disposition', `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`);
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(file.content);
  });

  // CI pushes builds with an external-access token: service principals only.
  router.post(`${ENTITY}/uploads`, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const q = req.query;
    const fileName = text(q.fileName, 'fileName', /^[\w.-]{1,200}\.xll$/i, true)!;
    const buildKey = text(q.build, 'build', /^[\w.:#/+-]{1,200}$/, true)!;
    const meta = {
      version: text(q.version, 'version', /^[\w.+#-]{1,100}$/),
      branch: text(q.branch, 'branch', /^[\w./+-]{1,255}$/),
      commit: text(q.commit, 'commit', /^[0-9a-f]{7,64}$/),
    };
    try {
      await o.quota.take((credentials.principal as { subject: string }).subject);
    } catch (e) {
      if (e instanceof TooManyUploadsError) res.setHeader('retry-after', String(e.retryAfterSeconds));
      throw e;
    }
    const content = await readBody(req, o.uploadMaxBytes);
    if (!content.length) throw new InputError('the request body (the .xll) is empty');
    const result = await service.upload(entityRefOf(req), { buildKey, fileName, content, ...meta }, credentials);
    const file = result.build.files.find(f => f.sha256 === result.sha256)!;
    if (file.inspection.malformed) throw new InputError(`${fileName} is not a readable PE: ${file.inspection.malformed}`);
    res.status(201).json(result);
  });

  return router;
}
