import yauzl from 'yauzl';
import { InputError } from '@backstage/errors';

/**
 * The `.xll` files of a zip archive (a GitHub artifact), each read up to `maxBytes` of uncompressed
 * data in all, so a zip bomb stops at the limit.
 */
export function xllFilesOfZip(zip: Buffer, maxBytes: number): Promise<Array<{ fileName: string; content: Buffer }>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, archive) => {
      if (err || !archive) {
        reject(new InputError(`artifact is not a zip archive: ${err?.message}`));
        return;
      }
      const out: Array<{ fileName: string; content: Buffer }> = [];
      let total = 0;
      archive.on('error', e => reject(new InputError(`artifact zip unreadable: ${e.message}`)));
      archive.on('end', () => resolve(out));
      archive.on('entry', (entry: yauzl.Entry) => {
        if (!/\.xll$/i.test(entry.fileName) || entry.fileName.endsWith('/')) {
          archive.readEntry();
          return;
        }
        archive.openReadStream(entry, (e, stream) => {
          if (e || !stream) {
            reject(new InputError(`artifact zip unreadable: ${e?.message}`));
            return;
          }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => {
            total += c.length;
            if (total > maxBytes) {
              stream.destroy();
              archive.close();
              reject(new InputError(`artifact unpacks to more than ${maxBytes} bytes`));
              return;
            }
            chunks.push(c);
          });
          stream.on('error', se => reject(new InputError(`artifact zip unreadable: ${se.message}`)));
          stream.on('end', () => {
            out.push({ fileName: entry.fileName.split('/').pop()!, content: Buffer.concat(chunks) });
            archive.readEntry();
          });
        });
      });
      archive.readEntry();
    });
  });
}
