import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { MalformedFileError } from './errors';
import { inspectPe } from './inspect';
import { DIR_RESOURCE, parsePe, rvaToOffset } from './pe';
import { readResources } from './resources';
import { describeWithFixtures, dnaFile, makeTestPki, packAddIn, signPe } from '../testUtils';
import { managedHost } from '../fixture/addInSet';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LIMIT_MS = 100;

/**
 * The time bound is on the CPU time the inspection spends (process.cpuUsage: this process, user +
 * system), not on the wall clock: a loaded CI machine (other processes, other jest workers) stretches
 * wall time without the inspector doing more work, while a hang or a runaway loop in the inspector
 * (it is synchronous: no I/O, no waiting) burns CPU and is still caught. Wall time is printed.
 */
function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** Inspects a hostile file: it must be refused (MalformedFileError) or reported, quickly, never crash. */
function survive(file: Buffer): { ms: number; wallMs: number; outcome: string } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let outcome: string;
  try {
    const i = inspectPe(file);
    outcome = i.signature.status;
  } catch (e) {
    if (!(e instanceof MalformedFileError)) throw new Error(`unexpected ${(e as Error).stack}`);
    outcome = 'rejected';
  }
  return { ms: cpuMs(cpu), wallMs: performance.now() - start, outcome };
}

describeWithFixtures()('fuzzing the inspector', () => {
  let base: Buffer;
  beforeAll(() => {
    // A small signed packed PE, so every path (resources, LZMA, .dna, metadata, Authenticode) is reached.
    const pki = makeTestPki(mkdtempSync(join(tmpdir(), 'exceldna-fuzz-')));
    const dll = managedHost('v1.9.0-rc4');
    base = signPe(
      pki,
      packAddIn(dll, [
        { type: 'DNA', name: '__MAIN__', data: Buffer.from(dnaFile('Fuzz', ['INNER'])), compress: true },
        { type: 'ASSEMBLY', name: 'INNER', data: signPe(pki, dll), compress: true },
        { type: 'ASSEMBLY', name: 'EXCELDNA.MANAGEDHOST', data: dll },
      ]),
    );
    if (survive(base).outcome !== 'valid') throw new Error('the fuzz base is not a validly signed PE');
  }, 60_000);

  it('3,000 bit-flipped and truncated copies: no crash, no hang, each under 100 ms', () => {
    const rnd = random(22);
    const outcomes: Record<string, number> = {};
    let slowest = 0;
    const times: number[] = [];
    const walls: number[] = [];
    const slow: string[] = [];
    for (let n = 0; n < 3000; n++) {
      let f: Buffer;
      if (n % 3 === 0) {
        f = base.subarray(0, Math.floor(rnd() * base.length));
      } else {
        f = Buffer.from(base);
        const flips = 1 + Math.floor(rnd() * 16);
        // half the flips land in the headers and resource tree, where they hurt most
        for (let k = 0; k < flips; k++) {
          const at = Math.floor(rnd() * (rnd() < 0.5 ? 1024 : f.length));
          f[at] ^= 1 << Math.floor(rnd() * 8);
        }
      }
      const first = survive(f);
      const outcome = first.outcome;
      let ms = first.ms;
      walls.push(first.wallMs);
      // CPU time too is noisy (GC, a page fault storm): a slow sample is timed again, so only a file that is slow every time counts
      if (ms >= LIMIT_MS) ms = Math.min(ms, survive(f).ms, survive(f).ms);
      times.push(ms);
      if (ms >= LIMIT_MS) slow.push(`#${n} ${outcome} ${ms.toFixed(0)} ms`);
      slowest = Math.max(slowest, ms);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    const p99 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length * 0.99)].toFixed(1);
    // eslint-disable-next-line no-console
    console.log(`fuzz outcomes ${JSON.stringify(outcomes)}, CPU p99 ${p99(times)} ms, slowest ${slowest.toFixed(1)} ms; wall p99 ${p99(walls)} ms`);
    expect(slow).toEqual([]);
    expect(outcomes.rejected).toBeGreaterThan(0);
    expect(outcomes['hash-mismatch']).toBeGreaterThan(0);
  }, 300_000);

  describe('crafted hostile files', () => {
    const resourceRoot = (f: Buffer) => {
      const pe = parsePe(f);
      return rvaToOffset(pe, pe.directories[DIR_RESOURCE].rva, 16);
    };
    /** The reason readResources gives, and whether the whole inspection refused the file in time. */
    const refusal = (f: Buffer) => {
      let reason = '';
      try {
        readResources(parsePe(f));
      } catch (e) {
        reason = (e as Error).message;
      }
      const { ms, outcome } = survive(f);
      return { reason, refusedInTime: outcome === 'rejected' && ms < LIMIT_MS };
    };

    it('a huge resource count', () => {
      const f = Buffer.from(base);
      f.writeUInt16LE(0xffff, resourceRoot(f) + 12);
      f.writeUInt16LE(0xffff, resourceRoot(f) + 14);
      expect(refusal(f)).toEqual({ reason: expect.stringMatching(/outside the file|more than 20000/), refusedInTime: true });
    });

    it('a loop in the resource tree', () => {
      const f = Buffer.from(base);
      const root = resourceRoot(f);
      // the first type entry's subdirectory points back at the root
      f.writeUInt32LE(0x80000000, root + 16 + 4);
      expect(refusal(f)).toEqual({ reason: 'loop in the resource tree', refusedInTime: true });
    });

    it('a resource size past the end of the file', () => {
      const f = Buffer.from(base);
      const pe = parsePe(f);
      const r = readResources(pe)[0];
      // find the data entry (RVA, size) that names this resource and grow its size
      const rva = pe.sections.find(s => r.offset >= s.rawOffset && r.offset < s.rawOffset + s.rawSize)!;
      const entryRva = r.offset - rva.rawOffset + rva.virtualAddress;
      const needle = Buffer.alloc(8);
      needle.writeUInt32LE(entryRva, 0);
      needle.writeUInt32LE(r.size, 4);
      const at = f.indexOf(needle, resourceRoot(f));
      expect(at).toBeGreaterThan(0);
      f.writeUInt32LE(0x7fffffff, at + 4);
      expect(refusal(f)).toEqual({ reason: expect.stringMatching(/past its section|outside the file|in no section/), refusedInTime: true });
    });

    it('an LZMA resource claiming 2^40 unpacked bytes is reported, not unpacked', () => {
      const f = Buffer.from(base);
      const r = readResources(parsePe(f)).find(x => x.type === 'ASSEMBLY_LZMA')!;
      f.writeBigUInt64LE(1n << 40n, r.offset + 5);
      const cpu = process.cpuUsage();
      const i = inspectPe(f);
      expect(cpuMs(cpu)).toBeLessThan(LIMIT_MS);
      expect(i.excelDna.resources.find(x => x.name === 'INNER')?.problem).toMatch(/claims 1099511627776 bytes/);
      expect(i.signature.status).toBe('hash-mismatch');
    });

    it('a section table of 65,535 sections and a certificate table past the end', () => {
      const many = Buffer.from(base);
      many.writeUInt16LE(0xffff, many.readUInt32LE(0x3c) + 6);
      expect(survive(many).outcome).toBe('rejected');
      const cert = Buffer.from(base);
      const pe = parsePe(cert);
      cert.writeUInt32LE(0x7ffffff0, pe.securityDirOffset + 4);
      const i = inspectPe(cert);
      expect(i.signature).toMatchObject({ status: 'malformed', reason: 'certificate table lies outside the file' });
    });
  });
});
