// Where platform records come from: a Dashboard CSV report (streamed), or a Data API answer saved
// to a file. A source can be read more than once: reconciliation checks every record before it
// writes anything.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { CsvError, csvRows } from './csv.js';
import { toRecord, type AmountUnit, type FieldMap, type PlatformRecord, type RecordField } from './records.js';

export interface RecordSource {
  /** What it is, for the stored run: "file:report.csv". */
  readonly name: string;
  records(): AsyncIterable<PlatformRecord>;
}

export function csvFileSource(path: string, map: FieldMap, unit: AmountUnit): RecordSource {
  return {
    name: `file:${path}`,
    async *records() {
      let columns: Map<string, number> | undefined;
      for await (const row of csvRows(createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 }))) {
        if (!columns) {
          columns = new Map(row.fields.map((name, index) => [name.trim(), index]));
          for (const field of ['payment_id', 'status', 'amount'] as const) {
            if (!columns.has(map[field])) {
              throw new CsvError(
                row.line,
                `no column "${map[field]}" for ${field}; the header has ${row.fields.map((f) => `"${f}"`).join(', ')} (--map ${field}=Column)`,
              );
            }
          }
          continue;
        }
        const at = columns;
        yield toRecord(
          row.line,
          (field: RecordField) => {
            const index = at.get(map[field]);
            return index === undefined ? undefined : row.fields[index]?.trim();
          },
          map,
          unit,
        );
      }
      if (!columns) throw new CsvError(1, 'the file is empty: a header row is needed');
    },
  };
}

/** A Data API answer saved to a file: `{"operations": [...]}` (or the array alone). Read whole. */
export function jsonFileSource(path: string, map: FieldMap, unit: AmountUnit): RecordSource {
  return {
    name: `file:${path}`,
    async *records() {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(path, 'utf8'));
      } catch (error) {
        throw new CsvError(1, `not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      const operations = Array.isArray(parsed) ? parsed : (parsed as { operations?: unknown } | null)?.operations;
      if (!Array.isArray(operations)) throw new CsvError(1, 'expected {"operations": [...]} or an array of operations');
      for (const [index, operation] of operations.entries()) {
        if (operation === null || typeof operation !== 'object') throw new CsvError(index + 1, 'not an object', 'operation');
        const named = operation as Record<string, unknown>;
        try {
          yield toRecord(index + 1, (field) => named[map[field]], map, unit);
        } catch (error) {
          throw error instanceof CsvError ? new CsvError(index + 1, error.message.replace(/^line \d+: /, ''), 'operation') : error;
        }
      }
    },
  };
}
