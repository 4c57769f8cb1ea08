// The worker thread of parallel.ts: parses the chunks of files it is sent and answers with their results.
import { parentPort } from 'node:worker_threads';
import { parseManifestFile } from './load.js';
import { packChunk, type ChunkRequest } from './parallel.js';

parentPort?.on('message', (c: ChunkRequest) => {
  parentPort?.postMessage(
    packChunk(
      c.id,
      c.files.map((f) => parseManifestFile(f.abs, f.shown)),
    ),
  );
});
