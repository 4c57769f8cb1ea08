// Writes the go.mod of a throw-away module that builds k8s.io/kubernetes commands from the Go module proxy.
// k8s.io/kubernetes maps every staging module (k8s.io/api, …) to ./staging/src/…; replace directives only
// apply in the main module, so the wrapper maps each one to its published v0.X.Y tag instead.
// Usage: node wrapper-gomod.mjs <`go mod edit -json` of upstream go.mod> <v1.X.Y>
import { readFileSync } from 'node:fs';

const [file, version] = process.argv.slice(2);
if (!file || !version) throw new Error('usage: wrapper-gomod.mjs GOMOD_JSON VERSION');
const upstream = JSON.parse(readFileSync(file, 'utf8'));
const stagingTag = version.replace(/^v1\./, 'v0.');
const out = ['module rolegate.envtest/kubernetes', '', `go ${upstream.Go}`];
for (const g of upstream.Godebug ?? []) out.push(`godebug ${g.Key}=${g.Value}`);
out.push('', `require k8s.io/kubernetes ${version}`, '', 'replace (');
let staged = 0;
for (const r of upstream.Replace ?? []) {
  const from = r.Old.Path + (r.Old.Version ? ` ${r.Old.Version}` : '');
  if (r.New.Path.startsWith('./staging/')) {
    out.push(`\t${from} => ${r.Old.Path} ${stagingTag}`);
    staged++;
  } else if (r.New.Version) {
    out.push(`\t${from} => ${r.New.Path} ${r.New.Version}`);
  } else {
    throw new Error(`cannot translate a local replace: ${JSON.stringify(r)}`);
  }
}
out.push(')', '');
if (staged === 0) throw new Error('no ./staging replaces: is this the k8s.io/kubernetes go.mod?');
process.stdout.write(out.join('\n'));
process.stderr.write(`wrapper go.mod: ${staged} staging modules -> ${stagingTag}\n`);
