// `--format json`: the ValidateReport itself (see types.ts for the documented, versioned shape).
import type { ValidateReport } from './types.js';

/** Renders the JSON report, pretty-printed, with a trailing newline. */
export function renderJson(r: ValidateReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
