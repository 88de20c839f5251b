import { createHash, verify as verifySignature, X509Certificate } from 'crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DIR_SECURITY, PeImage } from './pe';

export type SignatureStatus = 'unsigned' | 'valid' | 'hash-mismatch' | 'malformed';

export interface SignerInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** SHA-1 thumbprint, upper-case hex, as Windows shows it. */
  thumbprint: string;
  thumbprintSha256: string;
}

export interface SignatureReport {
  status: SignatureStatus;
  /** Why the status is not `valid` or `unsigned`. */
  reason?: string;
  digestAlgorithm?: string;
  signer?: SignerInfo;
  timestamped: boolean;
  /** The chain reaches one of the configured roots. */
  trusted: boolean;
  /** The signer's certificate is past its notAfter (a timestamp keeps the signature acceptable). */
  expired: boolean;
  expiresInDays?: number;
}

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const TIMESTAMP_OIDS = ['1.2.840.113549.1.9.6', '1.3.6.1.4.1.311.3.3.1'];

class SignatureProblem extends Error {}

/** The Authenticode PE image hash: the whole file minus checksum, security entry and certificate table. */
export function peImageHash(pe: PeImage, algorithm: string, certOffset: number, certSize: number): Buffer {
  const { buf } = pe;
  const hash = createHash(algorithm);
  hash.update(buf.subarray(0, pe.checksumOffset));
  hash.update(buf.subarray(pe.checksumOffset + 4, pe.securityDirOffset));
  const end = certSize > 0 ? certOffset : buf.length;
  hash.update(buf.subarray(pe.securityDirOffset + 8, end));
  if (certSize > 0) hash.update(buf.subarray(certOffset + certSize));
  return hash.digest();
}

/** A PE image hash computed beforehand (with the file's sha256, in one pass: hashFileAndImage). */
export interface PrecomputedImageHash {
  algorithm: string;
  certOffset: number;
  certSize: number;
  digest: Buffer;
}

const HASH_CHUNK = 1 << 20;

/**
 * The file's sha256 and its Authenticode PE image hash (sha256, the usual digest) in ONE pass over
 * the file, 1 MiB at a time, so each chunk is hashed twice while it is in the CPU cache rather than
 * the whole file being read from memory twice. Only for the ordinary layout (the certificate table
 * after the headers' security entry); returns no image hash otherwise, and checkAuthenticode then
 * hashes as usual. With `knownSha256` (the caller hashed the file already) only the image hash is computed.
 */
export function hashFileAndImage(pe: PeImage, knownSha256?: string): { sha256: string; image?: PrecomputedImageHash } {
  const { buf } = pe;
  const file = knownSha256 ? undefined : createHash('sha256');
  const fileHex = () => knownSha256 ?? file!.digest('hex');
  const dir = pe.directories[DIR_SECURITY];
  const certOffset = dir?.rva ?? 0;
  const certSize = dir?.size ?? 0;
  const ordinary =
    certSize >= 8 &&
    pe.checksumOffset + 4 <= pe.securityDirOffset &&
    pe.securityDirOffset + 8 <= certOffset &&
    certOffset + certSize <= buf.length;
  if (!ordinary) {
    file?.update(buf);
    return { sha256: fileHex() };
  }
  const image = createHash('sha256');
  const skips: Array<[number, number]> = [
    [pe.checksumOffset, pe.checksumOffset + 4],
    [pe.securityDirOffset, pe.securityDirOffset + 8],
    [certOffset, certOffset + certSize],
  ];
  for (let at = 0; at < buf.length; at += HASH_CHUNK) {
    const end = Math.min(buf.length, at + HASH_CHUNK);
    file?.update(buf.subarray(at, end));
    let p = at;
    for (const [from, to] of skips) {
      if (to <= p || from >= end) continue;
      if (from > p) image.update(buf.subarray(p, from));
      p = Math.min(to, end);
    }
    if (p < end) image.update(buf.subarray(p, end));
  }
  return { sha256: fileHex(), image: { algorithm: 'sha256', certOffset, certSize, digest: image.digest() } };
}

/** Reads and checks the Authenticode signature of a PE. Never throws: bad structures give `malformed`. */
export function checkAuthenticode(pe: PeImage, roots: X509Certificate[] = [], now = new Date(), precomputed?: PrecomputedImageHash): SignatureReport {
  const base: SignatureReport = { status: 'unsigned', timestamped: false, trusted: false, expired: false };
  const dir = pe.directories[DIR_SECURITY];
  if (!dir || (dir.rva === 0 && dir.size === 0)) return base;
  try {
    return { ...base, ...verify(pe, dir.rva, dir.size, roots, now, precomputed) };
  } catch (e) {
    return { ...base, status: 'malformed', reason: e instanceof SignatureProblem ? e.message : `unreadable signature: ${(e as Error).message}` };
  }
}

function need(cond: unknown, message: string): asserts cond {
  if (!cond) throw new SignatureProblem(message);
}

function verify(pe: PeImage, offset: number, size: number, roots: X509Certificate[], now: Date, precomputed?: PrecomputedImageHash): Partial<SignatureReport> {
  const { buf } = pe;
  need(offset >= pe.sizeOfHeaders && offset + size <= buf.length && size >= 8, 'certificate table lies outside the file');
  const length = buf.readUInt32LE(offset);
  need(length >= 8 && length <= size, 'certificate entry length is wrong');
  need(buf.readUInt16LE(offset + 6) === 2, 'certificate entry is not PKCS#7 signed data');
  const der = buf.subarray(offset + 8, offset + length);
  const asn = asn1js.fromBER(new Uint8Array(der).buffer);
  need(asn.offset !== -1, 'PKCS#7 blob is not DER');
  const info = new pkijs.ContentInfo({ schema: asn.result });
  need(info.contentType === pkijs.ContentInfo.SIGNED_DATA, 'PKCS#7 blob is not SignedData');
  const signed = new pkijs.SignedData({ schema: info.content });
  need(signed.signerInfos.length === 1, 'expected exactly one signer');
  const eContent = signed.encapContentInfo.eContent;
  need(eContent, 'SignedData carries no SpcIndirectDataContent');
  // The original bytes of the SpcIndirectDataContent (a re-encoding could differ from what was hashed).
  const spcDer = Buffer.from((eContent as unknown as asn1js.BaseBlock).valueBeforeDecodeView);
  // SpcIndirectDataContent ::= SEQUENCE { data, messageDigest DigestInfo ::= SEQUENCE { alg, OCTET STRING } }
  const spc = asn1js.fromBER(new Uint8Array(spcDer).buffer).result as asn1js.Sequence;
  need(spc instanceof asn1js.Sequence, 'SpcIndirectDataContent is not a SEQUENCE');
  const digestInfo = spc.valueBlock?.value?.[1] as asn1js.Sequence | undefined;
  need(digestInfo?.valueBlock?.value?.length === 2, 'SpcIndirectDataContent has no digest');
  const algId = new pkijs.AlgorithmIdentifier({ schema: digestInfo.valueBlock.value[0] });
  const digestAlgorithm = DIGESTS[algId.algorithmId];
  need(digestAlgorithm, `unsupported digest algorithm ${algId.algorithmId}`);
  const signedDigest = Buffer.from((digestInfo.valueBlock.value[1] as asn1js.OctetString).valueBlock.valueHexView);

  const signerInfo = signed.signerInfos[0];
  const certs = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const x509s = certs.map(c => new X509Certificate(Buffer.from(c.toSchema().toBER())));
  const sid = signerInfo.sid as pkijs.IssuerAndSerialNumber;
  need(sid instanceof pkijs.IssuerAndSerialNumber, 'signer is not named by issuer and serial');
  const index = certs.findIndex(c => c.serialNumber.isEqual(sid.serialNumber) && c.issuer.isEqual(sid.issuer));
  need(index >= 0, "signer's certificate is not in the signature");
  const cert = x509s[index];
  const signer: SignerInfo = {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    thumbprint: cert.fingerprint.replace(/:/g, ''),
    thumbprintSha256: cert.fingerprint256.replace(/:/g, ''),
  };
  const notAfter = new Date(cert.validTo).getTime();
  const timestamped = (signerInfo.unsignedAttrs?.attributes ?? []).some(a => TIMESTAMP_OIDS.includes(a.type));
  const common = {
    digestAlgorithm,
    signer,
    timestamped,
    trusted: chainReachesRoot(cert, x509s, roots),
    expired: notAfter < now.getTime(),
    expiresInDays: Math.floor((notAfter - now.getTime()) / 86_400_000),
  };

  // The signed attributes: their messageDigest must be the hash of the SpcIndirectDataContent's value
  // (Authenticode hashes the content without its SEQUENCE tag and length), and the signature covers them.
  const attrs = signerInfo.signedAttrs;
  need(attrs, 'signer has no signed attributes');
  const signerDigest = DIGESTS[signerInfo.digestAlgorithm.algorithmId];
  need(signerDigest, `unsupported signer digest ${signerInfo.digestAlgorithm.algorithmId}`);
  const md = attrs.attributes.find(a => a.type === OID_MESSAGE_DIGEST);
  need(md, 'signed attributes carry no messageDigest');
  const mdValue = Buffer.from((md.values[0] as asn1js.OctetString).valueBlock.valueHexView);
  const spcValue = spcDer.subarray(spc.idBlock.blockLength + spc.lenBlock.blockLength);
  const attrsDer = Buffer.from(attrs.toSchema().toBER());
  attrsDer[0] = 0x31; // signed over as a SET OF, not the [0] IMPLICIT tag it is stored with
  const signatureOk =
    createHash(signerDigest).update(spcValue).digest().equals(mdValue) &&
    verifySignature(signerDigest, attrsDer, cert.publicKey, Buffer.from(signerInfo.signature.valueBlock.valueHexView));
  if (!signatureOk) return { ...common, status: 'malformed', reason: 'the signature over the signed attributes does not verify' };

  const actual =
    precomputed && precomputed.algorithm === digestAlgorithm && precomputed.certOffset === offset && precomputed.certSize === size
      ? precomputed.digest
      : peImageHash(pe, digestAlgorithm, offset, size);
  if (!actual.equals(signedDigest)) {
    return { ...common, status: 'hash-mismatch', reason: 'the file was modified after it was signed (PE hash differs from the signed digest)' };
  }
  return { ...common, status: 'valid' };
}

/** Walks issuer links through the embedded certificates until one is, or is issued by, a configured root. */
function chainReachesRoot(leaf: X509Certificate, pool: X509Certificate[], roots: X509Certificate[]): boolean {
  let current = leaf;
  for (let depth = 0; depth < 8; depth++) {
    for (const root of roots) {
      if (root.fingerprint256 === current.fingerprint256) return true;
      if (current.checkIssued(root) && current.verify(root.publicKey)) return true;
    }
    const child = current;
    const next = pool.find(c => c.fingerprint256 !== child.fingerprint256 && child.checkIssued(c) && child.verify(c.publicKey));
    if (!next) return false;
    current = next;
  }
  return false;
}
