// `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. Each result carries the
// file region and the JSON pointer (as a logical location and in properties), which no other Kubernetes
// validator gives.
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
import { ruleDescription } from '../../manifests/rules.js';
import type { ValidateReport } from './types.js';

/** The subset of SARIF 2.1.0 rolegate writes. */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: {
      driver: {
        name: string;
        version?: string;
        rules: {
          id: string;
          shortDescription: { text: string };
          defaultConfiguration: { level: 'error' | 'warning' };
        }[];
      };
    };
    columnKind: 'unicodeCodePoints';
    results: {
      ruleId: string;
      ruleIndex: number;
      level: 'error' | 'warning';
      message: { text: string };
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' };
          region?: { startLine: number; startColumn: number };
        };
        logicalLocations?: { name: string; fullyQualifiedName: string; kind: 'member' }[];
      }[];
      properties: { pointer: string; object?: string };
    }[];
  }[];
}

/** Encodes a relative path as a URI reference (each segment percent-encoded, `/` kept). */
export function uriOf(file: string): string {
  return file
    .split('/')
    .map((seg) => (seg === '..' || seg === '.' ? seg : encodeURIComponent(seg)))
    .join('/');
}

/** The tool of a SARIF run. */
export type SarifTool = SarifLog['runs'][number]['tool'];

/**
 * rolegate as a SARIF tool, with one rule per rule id of `findings` (sorted; a rule's level is `error` when any of
 * its findings is one), and each rule id's index in that list for `ruleIndex`.
 */
export function sarifTool(
  findings: readonly { rule: string; level: 'error' | 'warning' }[],
  describe: (rule: string) => string,
  toolVersion?: string,
): { tool: SarifTool; index: Map<string, number> } {
  const ruleIds = [...new Set(findings.map((f) => f.rule))].sort();
  const levelOf = new Map<string, 'error' | 'warning'>();
  for (const f of findings) if (levelOf.get(f.rule) !== 'error') levelOf.set(f.rule, f.level);
  return {
    index: new Map(ruleIds.map((id, n) => [id, n])),
    tool: {
      driver: {
        name: 'rolegate',
        ...(toolVersion ? { version: toolVersion } : {}),
        rules: ruleIds.map((id) => ({
          id,
          shortDescription: { text: describe(id) },
          defaultConfiguration: { level: levelOf.get(id) ?? 'error' },
        })),
      },
    },
  };
}

/** A SARIF 2.1.0 log of one run of rolegate with `results`. */
export function sarifLog<R>(
  tool: SarifTool,
  results: R[],
): {
  $schema: string;
  version: '2.1.0';
  runs: { tool: SarifTool; columnKind: 'unicodeCodePoints'; results: R[] }[];
} {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    // yaml's LineCounter columns count UTF-16 code units; for manifests (ASCII keys) they coincide.
    runs: [{ tool, columnKind: 'unicodeCodePoints', results }],
  };
}

/** Builds the SARIF log of a report. */
export function toSarif(r: ValidateReport, opts: { toolVersion?: string } = {}): SarifLog {
  const { tool, index } = sarifTool(
    r.issues.map((i) => ({ rule: i.rule, level: i.severity })),
    ruleDescription,
    opts.toolVersion,
  );
  return sarifLog(
    tool,
    r.issues.map((i) => {
      const lastToken = i.pointer.split('/').pop() ?? '';
      return {
        ruleId: i.rule,
        ruleIndex: index.get(i.rule) ?? 0,
        // Under --strict a warning fails the run, so it is reported as an error.
        level: r.strict ? 'error' : i.severity,
        message: { text: i.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: uriOf(i.file), uriBaseId: '%SRCROOT%' },
              ...(i.line > 0 ? { region: { startLine: i.line, startColumn: i.col } } : {}),
            },
            ...(i.pointer
              ? {
                  logicalLocations: [
                    {
                      name: lastToken.replace(/~1/g, '/').replace(/~0/g, '~'),
                      fullyQualifiedName: i.pointer,
                      kind: 'member' as const,
                    },
                  ],
                }
              : {}),
          },
        ],
        properties: { pointer: i.pointer, ...(i.object ? { object: i.object } : {}) },
      };
    }),
  );
}

/** Renders the SARIF log as JSON. */
export function renderSarif(r: ValidateReport, opts: { toolVersion?: string } = {}): string {
  return `${JSON.stringify(toSarif(r, opts), null, 2)}\n`;
}
