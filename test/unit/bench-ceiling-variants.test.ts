// `npm run bench:ceiling` builds the service with part of a callback's work replaced; the text each
// variant replaces must still be in the sources, once, or the variant would measure something else.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyReplacements, CEILING_VARIANTS } from '../../scripts/bench/ceiling-variants.js';
import { projectRoot } from '../support/processes.js';

describe('bench:ceiling variants', () => {
  const replaced = CEILING_VARIANTS.flatMap((variant) => variant.replacements.map((r) => ({ variant: variant.name, ...r })));

  it('cover the service as built and three builds with less of a callback', () => {
    expect(CEILING_VARIANTS.map((v) => v.name)).toEqual(['service', 'one-row', 'no-sql', 'no-store']);
    expect(CEILING_VARIANTS[0]!.replacements).toEqual([]);
  });

  it.each(replaced)('$variant: $file still holds the text it replaces, once', (r) => {
    const text = readFileSync(path.join(projectRoot, r.file), 'utf8');
    expect(text.split(r.find)).toHaveLength(2);
    const result = applyReplacements(r.file, text, [r]);
    expect(result).toContain(r.replace);
    expect(result.length).toBe(text.length - r.find.length + r.replace.length);
  });

  it('says which file and which text when a source has moved on', () => {
    const r = { file: 'src/x.ts', find: 'gone\n', replace: 'new\n' };
    expect(() => applyReplacements('src/x.ts', 'nothing here', [r])).toThrow(/src\/x\.ts: the text a bench:ceiling variant replaces is no longer there; update scripts\/bench\/ceiling-variants\.ts:\ngone/);
    expect(() => applyReplacements('src/x.ts', 'gone\ngone\n', [r])).toThrow(/there more than once/);
    expect(applyReplacements('src/other.ts', 'gone\n', [r])).toBe('gone\n');
  });
});
