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
function uriOf(file: string): string {
  return file
    .split('/')
    .map((seg) => (seg === '..' || seg === '.' ? seg : encodeURIComponent(seg)))
    .join('/');
}

/** Builds the SARIF log of a report. */
export function toSarif(r: ValidateReport, opts: { toolVersion?: string } = {}): SarifLog {
  const ruleIds = [...new Set(r.issues.map((i) => i.rule))].sort();
  const index = new Map(ruleIds.map((id, n) => [id, n]));
  const levelOf = new Map<string, 'error' | 'warning'>();
  for (const i of r.issues) {
    if (levelOf.get(i.rule) !== 'error') levelOf.set(i.rule, i.severity);
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rolegate',
            ...(opts.toolVersion ? { version: opts.toolVersion } : {}),
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: ruleDescription(id) },
              defaultConfiguration: { level: levelOf.get(id) ?? 'error' },
            })),
          },
        },
        // yaml's LineCounter columns count UTF-16 code units; for manifests (ASCII keys) they coincide.
        columnKind: 'unicodeCodePoints',
        results: r.issues.map((i) => {
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
      },
    ],
  };
}

/** Renders the SARIF log as JSON. */
export function renderSarif(r: ValidateReport, opts: { toolVersion?: string } = {}): string {
  return `${JSON.stringify(toSarif(r, opts), null, 2)}\n`;
}
