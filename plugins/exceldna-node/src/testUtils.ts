/*
 * Test helpers: the fixture add-ins of src/fixture (the official Excel-DNA loaders from
 * ../shared/fixtures/exceldna, never copied into the repository; packed with resedit, signed with
 * osslsigncode and test certificates from openssl), and jest's describe-or-skip on them.
 */
import { exceldnaFixturesDir, haveExcelDnaFixtures } from './fixture/addIns';

/**
 * `describe` when the official loaders are there, else `describe.skip` after saying so:
 * `describeWithFixtures()('name', () => ...)`.
 */
export function describeWithFixtures(): jest.Describe {
  if (haveExcelDnaFixtures()) return describe;
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED: the Excel-DNA fixtures are absent from ${exceldnaFixturesDir} (set EXCELDNA_FIXTURES); the real-file tests do not run`);
  return describe.skip;
}

export {
  exceldnaFixturesDir,
  haveExcelDnaFixtures,
  loader,
  xorEncode,
  lzmaResource,
  packAddIn,
  dnaFile,
  makeTestPki,
  signPe,
} from './fixture/addIns';
export type { LoaderVersion, PackedPart, TestPki } from './fixture/addIns';
export { buildAddIns, managedHost, loaderParts } from './fixture/addInSet';
export type { AddInSet } from './fixture/addInSet';
