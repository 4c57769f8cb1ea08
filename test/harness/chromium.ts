// A real headless Chromium (Debian's `chromium` package) that opens a page and reports what a reader sees: the
// rendered text (innerText, which follows CSS), the tables, the scripts and the resources the page fetched. It
// speaks the DevTools protocol over the pipe Chromium opens on fds 3 and 4 (--remote-debugging-pipe), so no
// WebSocket client or browser-driving library is needed. Missing Chromium is an error, never a skip.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

/** Where Debian installs Chromium; CHROMIUM overrides it. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** What a page shows once loaded. */
export interface RenderedPage {
  title: string;
  /** document.body.innerText: the text as laid out, hidden elements left out. */
  text: string;
  /** Every table: its header cells and the text of each body row's cells. */
  tables: { id: string; headers: string[]; rows: string[][] }[];
  /** The text of each `section` by id. */
  sections: Record<string, string>;
  /** Script elements in the document. */
  scripts: number;
  /** Resources the page fetched beside itself (Resource Timing entries). */
  resources: string[];
  /** Requests the browser sent for the page, the document itself included (Network domain). */
  requests: string[];
  /** Page width and height in CSS pixels, as laid out. */
  size: { width: number; height: number };
  /** A PNG screenshot of the whole page. */
  screenshot: Buffer;
}

/** The version Chromium reports; throws with the install command when it is missing. */
export function chromiumVersion(): string {
  const r = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(
      `Chromium is needed to render the report (${CHROMIUM}: ${r.error?.message ?? r.stderr}); install Debian's package: apt-get install -y chromium (.ci/run does)`,
    );
  return r.stdout.trim();
}

const EXTRACT = `(() => {
  const cells = (tr, sel) => [...tr.querySelectorAll(sel)].map((c) => c.innerText.trim());
  return JSON.stringify({
    title: document.title,
    text: document.body.innerText,
    tables: [...document.querySelectorAll('table')].map((t) => ({
      id: t.closest('section')?.id ?? '',
      headers: cells(t, 'thead th'),
      rows: [...t.querySelectorAll('tbody tr')].map((tr) => cells(tr, 'td')),
    })),
    sections: Object.fromEntries([...document.querySelectorAll('section[id]')].map((s) => [s.id, s.innerText])),
    scripts: document.scripts.length,
    resources: performance.getEntriesByType('resource').map((r) => r.name),
    size: { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight },
  });
})()`;

/** Opens `file` in headless Chromium and returns what it shows. */
export async function renderPage(file: string, timeoutMs = 60_000): Promise<RenderedPage> {
  chromiumVersion();
  const profile = mkdtempSync(join(tmpdir(), 'rolegate-chromium-'));
  const child = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox', // root in CI containers
      '--disable-gpu',
      '--no-first-run',
      '--disable-extensions',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners: ((m: { method: string; params: unknown; sessionId?: string }) => void)[] = [];
  let buf = '';
  fromBrowser.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let end = buf.indexOf('\0');
    while (end >= 0) {
      const msg = JSON.parse(buf.slice(0, end)) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
        method?: string;
        params?: unknown;
        sessionId?: string;
      };
      buf = buf.slice(end + 1);
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result);
      } else if (msg.method) {
        for (const l of listeners)
          l({
            method: msg.method,
            params: msg.params,
            ...(msg.sessionId ? { sessionId: msg.sessionId } : {}),
          });
      }
      end = buf.indexOf('\0');
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${stderr}`))),
  );
  const send = <T>(method: string, params: object = {}, sessionId?: string): Promise<T> => {
    const id = nextId++;
    const answer = new Promise<T>((resolve, reject) =>
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject }),
    );
    toBrowser.write(
      JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0',
    );
    return Promise.race([answer, exited]);
  };
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const { targetId } = await send<{ targetId: string }>('Target.createTarget', {
      url: 'about:blank',
    });
    const { sessionId } = await send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    const requests: string[] = [];
    listeners.push((m) => {
      if (m.sessionId === sessionId && m.method === 'Network.requestWillBeSent')
        requests.push((m.params as { request: { url: string } }).request.url);
    });
    await send('Network.enable', {}, sessionId);
    await send('Page.enable', {}, sessionId);
    const loaded = new Promise<void>((resolve) =>
      listeners.push((m) => {
        if (m.sessionId === sessionId && m.method === 'Page.loadEventFired') resolve();
      }),
    );
    await send('Page.navigate', { url: pathToFileURL(file).href }, sessionId);
    await Promise.race([loaded, exited]);
    const { result } = await send<{ result: { value: string } }>(
      'Runtime.evaluate',
      { expression: EXTRACT, returnByValue: true },
      sessionId,
    );
    const shown = JSON.parse(result.value) as Omit<RenderedPage, 'screenshot' | 'requests'>;
    const shot = await send<{ data: string }>(
      'Page.captureScreenshot',
      { format: 'png', captureBeyondViewport: true },
      sessionId,
    );
    return { ...shown, requests, screenshot: Buffer.from(shot.data, 'base64') };
  } finally {
    clearTimeout(timer);
    exited.catch(() => undefined);
    await send('Browser.close').catch(() => undefined);
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(kill);
    }
    rmSync(profile, { recursive: true, force: true });
  }
}
