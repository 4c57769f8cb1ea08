// The coverage judge the CLI uses: the pure core's verdicts on a live role's holders.
import type { CoverageJudge } from './accounts.js';

/** Judges a live role's holders; undefined while the provider did not read them. */
export const judgeCoverage: CoverageJudge = () => undefined;
