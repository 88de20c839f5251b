/**
 * Inspector of Excel-DNA `.xll` add-ins: PE headers, Excel-DNA resources (packed, LZMA, v1.6.0 encoding),
 * the `.dna` configuration, .NET assembly identities and Authenticode.
 *
 * @packageDocumentation
 */
export { inspectPe, parseRoots } from './inspector/inspect';
export type { Inspection, InspectOptions } from './inspector/inspect';
export { evaluatePolicy, compareVersions } from './inspector/policy';
export type { ReadinessPolicy, PolicyResult } from './inspector/policy';
export { MalformedFileError } from './inspector/errors';
export type { SignatureReport, SignatureStatus, SignerInfo } from './inspector/authenticode';
export type { ExcelDnaReport, ExcelDnaResource } from './inspector/exceldna';
export type { DnaLibrary, DnaEntry } from './inspector/dna';
export type { PeArchitecture, PeFormat } from './inspector/pe';
export { runCli } from './cli';
