// Where platform records come from: a Dashboard CSV report (streamed), or a Data API answer saved
// to a file. A source can be read more than once: reconciliation checks every record before it
// writes anything.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { dataApiOperations, type DataApiSettings, type OperationsQuery } from '../platform/data-api-client.js';
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
        yield toRecordAt(index + 1, operation as Record<string, unknown>, map, unit);
      }
    },
  };
}

/**
 * The Data API's operations of a period. They are fetched once, checked record by record as they
 * arrive, and spooled to a temporary file of JSON lines, so that the second reading (the
 * comparison) neither fetches again nor holds the period in memory. `dispose` removes the spool
 * whether or not the fetch finished: it holds the merchant's payments.
 */
export function dataApiSource(
  settings: DataApiSettings,
  query: OperationsQuery,
  map: FieldMap,
  stop?: AbortSignal,
): RecordSource & { dispose(): Promise<void> } {
  let dir: string | undefined;
  let fetched = false;
  const spoolFile = async (): Promise<string> => {
    dir ??= await mkdtemp(path.join(tmpdir(), 'kassa24-data-api-'));
    return path.join(dir, 'operations.jsonl');
  };
  return {
    name: 'data-api',
    async *records() {
      const file = await spoolFile();
      if (!fetched) {
        // A fetch cut short is started again from the first page, over what it spooled.
        const out = createWriteStream(file, { encoding: 'utf8' });
        let index = 0;
        try {
          for await (const operation of dataApiOperations(settings, query, undefined, undefined, stop)) {
            index++;
            const record = toRecordAt(index, operation, map, 'minor');
            if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
            yield record;
          }
        } finally {
          out.end();
          await once(out, 'close');
        }
        fetched = true;
        return;
      }
      for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
        if (line) yield JSON.parse(line) as PlatformRecord;
      }
    },
    async dispose() {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The operations of `projectIds` in `period` from the Data API, read by `map`: what `reconcile
 * --from --to` and the service's own reconciliation compare; the fetch ends once `stop` is aborted.
 */
export function dataApiPeriodSource(
  settings: DataApiSettings,
  period: { from: string; to: string },
  projectIds: number[],
  map: FieldMap,
  stop?: AbortSignal,
): RecordSource & { dispose(): Promise<void> } {
  const fields = [...new Set(['operation_id', 'operation_completed_at', ...Object.values(map)])];
  return dataApiSource(settings, { ...period, projectIds, fields }, map, stop);
}

/** A record from a Data API operation, errors naming the operation. */
function toRecordAt(index: number, operation: Record<string, unknown>, map: FieldMap, unit: AmountUnit): PlatformRecord {
  try {
    return toRecord(index, (field) => operation[map[field]], map, unit);
  } catch (error) {
    throw error instanceof CsvError ? new CsvError(index, error.message.replace(/^line \d+: /, ''), 'operation') : error;
  }
}
