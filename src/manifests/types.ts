// The shapes the manifest reader shares between its files: located problems and the objects read.
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';

/** How manifests read from standard input are named in findings and object sources. */
export const STDIN_LABEL = '<stdin>';

/** One problem, located in a file. `line`/`col` are 1-based; 0 means the problem has no position (I/O). */
export interface ManifestIssue {
  file: string;
  line: number;
  col: number;
  /** RFC 6901 pointer into the YAML document (`/items/0/spec/...` inside a List); `''` for file-level ones. */
  pointer: string;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
}

/** One rolegate object read from a file, valid or not. */
export interface LoadedObject<T> {
  file: string;
  /** Where the object starts (1-based). */
  line: number;
  col: number;
  /** The index of its YAML document in the file (0-based). */
  docIndex: number;
  object: T;
  /** This object's problems; empty when it is valid. */
  issues: ManifestIssue[];
}

/** Everything read from a set of paths. */
export interface LoadResult {
  roles: LoadedObject<PrivilegedRole>[];
  providers: LoadedObject<IdentityProvider>[];
  /** Every problem, file-level and per object, sorted by file, line and column. */
  issues: ManifestIssue[];
  /** The files read, as reported in issues (relative to the working directory), sorted. */
  files: string[];
}

/** What parseManifestText returns for one file. */
export interface ParsedFile {
  roles: LoadedObject<PrivilegedRole>[];
  providers: LoadedObject<IdentityProvider>[];
  issues: ManifestIssue[];
  /**
   * One finding per document that is not a rolegate object (another group's kind, or not a mapping at all),
   * which loadManifests reports only under --strict. Absent when there is none.
   */
  foreign?: ManifestIssue[];
  /** How many YAML documents the text holds (empty ones included), when known. */
  documents?: number;
}
