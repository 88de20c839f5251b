import { X509Certificate } from 'crypto';
import { checkAuthenticode, hashFileAndImage, SignatureReport } from './authenticode';
import { MalformedFileError } from './errors';
import { ExcelDnaReport, readExcelDna } from './exceldna';
import { PeArchitecture, PeFormat, parsePe } from './pe';
import { readResources } from './resources';
import { readVersionStrings } from './versionInfo';

export interface InspectOptions {
  /** Trusted root certificates (PEM or DER), from config. */
  trustedRoots?: Array<string | Buffer>;
  /** Clock for expiry checks (tests). */
  now?: Date;
  /** The file's sha256 (hex) when the caller has it already: not computed again. */
  sha256?: string;
}

export interface Inspection {
  sha256: string;
  fileSize: number;
  format: PeFormat;
  architecture: PeArchitecture;
  isDll: boolean;
  version: Record<string, string>;
  excelDna: ExcelDnaReport;
  signature: SignatureReport;
}

const RT_VERSION = 16;

export function parseRoots(roots: Array<string | Buffer> = []): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const root of roots) {
    const pems = typeof root === 'string' ? root.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [] : [root];
    for (const pem of pems) out.push(new X509Certificate(pem));
  }
  return out;
}

/**
 * Inspects a PE file held in memory. Throws MalformedFileError when it is not a readable PE;
 * problems inside the signature or inside packed resources are reported, not thrown.
 */
export function inspectPe(buf: Buffer, options: InspectOptions = {}): Inspection {
  const now = options.now ?? new Date();
  const roots = parseRoots(options.trustedRoots);
  const pe = parsePe(buf);
  // the file's sha256 and, when signed, the PE image hash in one pass (authenticode.ts)
  const { sha256, image } = hashFileAndImage(pe, options.sha256);
  const resources = readResources(pe);
  const versionResource = resources.find(r => r.type === RT_VERSION);
  let version: Record<string, string> = {};
  if (versionResource) {
    try {
      version = readVersionStrings(buf.subarray(versionResource.offset, versionResource.offset + versionResource.size));
    } catch (e) {
      if (!(e instanceof MalformedFileError)) throw e;
    }
  }
  const loaderVersion = version.FileVersion?.trim() || version.ProductVersion?.trim() || null;
  return {
    sha256,
    fileSize: buf.length,
    format: pe.format,
    architecture: pe.architecture,
    isDll: pe.isDll,
    version,
    excelDna: readExcelDna(buf, resources, roots, now, loaderVersion),
    signature: checkAuthenticode(pe, roots, now, image),
  };
}
