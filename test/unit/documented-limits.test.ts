// A limit the code enforces and the documents state in words: each document names the code's own
// number, so changing the constant fails here until the words follow. (The changelogs are history:
// they keep the number of their release.)
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KEPT_PER_KIND } from '../../src/reconcile/reconcile.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const words = async (file: string) => (await readFile(path.join(root, file), 'utf8')).replace(/\s+/g, ' ');

describe('the findings a reconciliation run keeps', () => {
  it.each(['openapi/kassa24-admin.yaml', 'README.md', 'RELIABILITY.md', 'bench/README.md'])(
    '%s states the number the code keeps',
    async (file) => {
      const stated = [...(await words(file)).matchAll(/first ([\d,]+) (?:discrepancies |findings )?of each kind/g)].map((m) => m[1]);
      expect(stated.length).toBeGreaterThan(0);
      expect(new Set(stated)).toEqual(new Set([KEPT_PER_KIND.toLocaleString('en-US')]));
    },
  );
});
