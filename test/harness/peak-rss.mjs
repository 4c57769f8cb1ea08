// Loaded with `node --import` into a CLI run by runCliMeasured: prints the process's peak resident set size
// (getrusage's ru_maxrss, in KiB) on stderr as it exits, so a test can bound the memory of a real run.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\npeak-rss-kib=${process.resourceUsage().maxRSS}\n`);
});
