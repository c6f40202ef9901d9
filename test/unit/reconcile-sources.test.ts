// Where reconciliation's records come from, read from files as `cli reconcile --file` reads them:
// a Dashboard CSV report by its header, a saved Data API answer; each read as often as asked, each
// refusal naming the line or the operation at fault.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvError } from '../../src/reconcile/csv.js';
import { DEFAULT_FIELD_MAP, parseFieldMap, type AmountUnit, type PlatformRecord } from '../../src/reconcile/records.js';
import { csvFileSource, jsonFileSource, type RecordSource } from '../../src/reconcile/sources.js';

const dir = mkdtempSync(path.join(tmpdir(), 'reconcile-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function fileWith(text: string, extension: string): string {
  const file = path.join(dir, `${++files}.${extension}`);
  writeFileSync(file, text);
  return file;
}

async function read(source: RecordSource): Promise<PlatformRecord[]> {
  const out: PlatformRecord[] = [];
  for await (const record of source.records()) out.push(record);
  return out;
}

async function refusal(source: RecordSource): Promise<string> {
  try {
    await read(source);
  } catch (error) {
    if (error instanceof CsvError) return error.message;
    throw error;
  }
  throw new Error('read without a refusal');
}

const csv = (text: string, map = DEFAULT_FIELD_MAP, unit: AmountUnit = 'major') => csvFileSource(fileWith(text, 'csv'), map, unit);
const json = (value: unknown, unit: AmountUnit = 'minor') =>
  jsonFileSource(fileWith(JSON.stringify(value), 'json'), DEFAULT_FIELD_MAP, unit);

describe('a Dashboard CSV report', () => {
  it('reads each row by its header, whatever the columns’ order, trimming names and values; again when asked', async () => {
    const source = csv(
      [
        ' operation_sum_currency ;payment_id; operation_status ;operation_sum_amount;project_id;Comment',
        'KZT; p-1 ;Success; 1 500,25 ;1234;first',
        'kzt;p-2;decline;150;;',
      ].join('\r\n'),
    );
    const expected: PlatformRecord[] = [
      { line: 2, paymentId: 'p-1', status: 'success', amount: 150025, currency: 'KZT', projectId: 1234 },
      { line: 3, paymentId: 'p-2', status: 'decline', amount: 15000, currency: 'KZT' },
    ];
    expect(await read(source)).toEqual(expected);
    // Reconciliation reads a source twice: once to check every record, once to compare.
    expect(await read(source)).toEqual(expected);
    expect(source.name).toMatch(/^file:.*\.csv$/);
  });

  it('reads columns named by --map, and amounts in minor units when told', async () => {
    const source = csv('Payment,State,Sum\np-1,success,15000\n', parseFieldMap('payment_id=Payment,status=State,amount=Sum'), 'minor');
    expect(await read(source)).toEqual([{ line: 2, paymentId: 'p-1', status: 'success', amount: 15000, currency: 'KZT' }]);
  });

  it('names the column a header lacks, with the header it has and how to map it', async () => {
    expect(await refusal(csv('payment_id,operation_status,Sum\np-1,success,150\n'))).toBe(
      'line 1: no column "operation_sum_amount" for amount; the header has "payment_id", "operation_status", "Sum" (--map amount=Column)',
    );
  });

  it('refuses an empty file, and names the line of a row it cannot read', async () => {
    expect(await refusal(csv(''))).toBe('line 1: the file is empty: a header row is needed');
    expect(await refusal(csv('payment_id,operation_status,operation_sum_amount\np-1,success,150\n\np-2,success,1.5.0\n'))).toBe(
      'line 4: amount "1.5.0" is not an amount in major units of KZT (150.00)',
    );
    expect(await refusal(csv('payment_id,operation_status,operation_sum_amount\np-1,,150\n'))).toBe(
      'line 2: status (column "operation_status") is empty or missing',
    );
  });
});

describe('a saved Data API answer', () => {
  const operation = { payment_id: 'p-1', operation_status: 'success', operation_sum_amount: 15000, project_id: 1234 };
  const record: PlatformRecord = { line: 1, paymentId: 'p-1', status: 'success', amount: 15000, currency: 'KZT', projectId: 1234 };

  it('reads {"operations": [...]} or the array alone, counting operations', async () => {
    expect(await read(json({ operations: [operation, { ...operation, payment_id: 'p-2' }] }))).toEqual([
      record,
      { ...record, line: 2, paymentId: 'p-2' },
    ]);
    expect(await read(json([operation]))).toEqual([record]);
    expect(await read(json([{ ...operation, operation_sum_amount: '150.00' }], 'major'))).toEqual([record]);
  });

  it('names the operation at fault, in minor and in major units alike', async () => {
    expect(await refusal(json([operation, { ...operation, operation_sum_amount: 1.5 }]))).toBe(
      'operation 2: amount "1.5" is not an amount in minor units (15000)',
    );
    expect(await refusal(json([operation, { ...operation, operation_sum_amount: '1,2,3' }], 'major'))).toBe(
      'operation 2: amount "1,2,3" is not an amount in major units of KZT (150.00)',
    );
    expect(await refusal(json([operation, 'p-2']))).toBe('operation 2: not an object');
    expect(await refusal(json([null]))).toBe('operation 1: not an object');
  });

  it('refuses what is not an answer', async () => {
    expect(await refusal(jsonFileSource(fileWith('{"operations": [', 'json'), DEFAULT_FIELD_MAP, 'minor'))).toMatch(/^line 1: not JSON: /);
    for (const value of [{ operations: {} }, { data: [] }, null, 'operations'])
      expect(await refusal(json(value))).toBe('line 1: expected {"operations": [...]} or an array of operations');
  });
});
