// Exec plugins (aws eks get-token, kubelogin, gke-gcloud-auth-plugin) and legacy auth-providers have many
// variants with their own caching and refresh rules. @kubernetes/client-node implements them; rolegate hands such
// kubeconfigs to it, loaded only then, and asks it for TLS settings and the Authorization header per request.
import type { LoadedTarget, KubeTarget, KubeTls } from './kubeconfig.js';

type Delegated = Extract<LoadedTarget, { kind: 'delegated' }>;

/** A KubeTarget whose credentials come from @kubernetes/client-node (loaded on first use). */
export function clientNodeTarget(d: Delegated): KubeTarget {
  type Options = {
    headers?: Record<string, string | string[] | number | undefined>;
    auth?: string;
    ca?: unknown;
    cert?: unknown;
    key?: unknown;
    rejectUnauthorized?: boolean;
    servername?: string;
  };
  let loading: Promise<{ apply: (o: Options) => Promise<void> }> | undefined;
  const kubeConfig = (): Promise<{ apply: (o: Options) => Promise<void> }> =>
    (loading ??= import('@kubernetes/client-node').then(({ KubeConfig }) => {
      const kc = new KubeConfig();
      kc.loadFromFile(d.files[0]!);
      for (const f of d.files.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(f);
        kc.mergeConfig(more);
      }
      kc.setCurrentContext(d.context);
      return { apply: (o: Options) => kc.applyToHTTPSOptions(o as never) };
    }));
  const buf = (v: unknown): Buffer | undefined =>
    Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : undefined;
  return {
    server: d.server,
    origin: `${d.origin} (${d.credential} credentials through @kubernetes/client-node)`,
    headers: {},
    async tls(): Promise<KubeTls> {
      const o: Options = {};
      await (await kubeConfig()).apply(o);
      const tls: KubeTls = { rejectUnauthorized: o.rejectUnauthorized !== false };
      const ca = buf(o.ca);
      if (ca) tls.ca = ca;
      const cert = buf(o.cert);
      if (cert) tls.cert = cert;
      const key = buf(o.key);
      if (key) tls.key = key;
      if (o.servername) tls.servername = o.servername;
      return tls;
    },
    async authorization(): Promise<string | undefined> {
      const o: Options = { headers: {} };
      await (await kubeConfig()).apply(o);
      const h = o.headers?.Authorization ?? o.headers?.authorization;
      if (typeof h === 'string') return h;
      return o.auth ? `Basic ${Buffer.from(o.auth).toString('base64')}` : undefined;
    },
  };
}
