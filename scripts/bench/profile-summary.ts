// Summarises a V8 .cpuprofile: self time by function (and by package), highest first.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export function summarise(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\/.*?\/(node_modules|src|dist|generated)\//, '$1/');
    const key = `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg =
      /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (url.startsWith('node:')
        ? 'node:internal'
        : url.includes('/src/') || url.includes('/dist/')
          ? 'service'
          : url.includes('/generated/')
            ? 'generated'
            : functionName.startsWith('(')
              ? functionName
              : 'other');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const sorted = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    'self time by package:',
    ...sorted(byPackage, 12).map(([k, v]) => `  ${pct(v)}  ${k}`),
    'self time by function:',
    ...sorted(byFunction, top).map(([k, v]) => `  ${pct(v)}  ${k}`),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2])
  console.log(summarise(process.argv[2], Number(process.argv[3] ?? 25)));
