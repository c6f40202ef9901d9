import { describe, expect, it } from 'vitest';
import type { Payment } from '../../src/ledger/model.js';
import { judgeRecord } from '../../src/reconcile/compare.js';
import { CsvError, csvRows } from '../../src/reconcile/csv.js';
import {
  DEFAULT_FIELD_MAP,
  parseAmount,
  parseFieldMap,
  toRecord,
  type PlatformRecord,
  type RecordField,
} from '../../src/reconcile/records.js';
import { aPayment } from '../support/payments.js';

async function rows(...chunks: string[]): Promise<Array<[number, string[]]>> {
  const out: Array<[number, string[]]> = [];
  const source = (async function* () {
    for (const chunk of chunks) yield await Promise.resolve(chunk);
  })();
  for await (const row of csvRows(source)) out.push([row.line, row.fields]);
  return out;
}

describe('CSV as the Dashboard exports it', () => {
  it('reads a header and rows, quotes, doubled quotes, a BOM and Windows line ends', async () => {
    expect(await rows('\uFEFFid,"amount",note\r\n1,"1,50","say ""hi"""\r\n2,3,\r\n')).toEqual([
      [1, ['id', 'amount', 'note']],
      [2, ['1', '1,50', 'say "hi"']],
      [3, ['2', '3', '']],
    ]);
  });

  it('tells a semicolon file from its header, and keeps line breaks inside quotes, counting lines', async () => {
    expect(await rows('id;amount;note\n1;1,50;"two\nlines"\n2;3;x')).toEqual([
      [1, ['id', 'amount', 'note']],
      [2, ['1', '1,50', 'two\nlines']],
      [4, ['2', '3', 'x']],
    ]);
  });

  it('reads the same however the text is cut into chunks', async () => {
    // The header alone decides the delimiter: a later piece starting with more semicolons than
    // commas is still read by commas.
    for (const text of ['a,b\r\n"x""y",2\r\n"",3\n', 'a;b;c\n1;2,5;"x;y"\n', 'a,b\n"x;y;z",1\n']) {
      const whole = await rows(text);
      for (let cut = 1; cut < text.length; cut++) expect(await rows(text.slice(0, cut), text.slice(cut)), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('takes Unix, Windows and old Mac line ends mixed in one file, skipping blank lines but counting them', async () => {
    expect(await rows('a,b\r\n1,2\n3,4\r5,6\r\n\r\n\n7,8')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['3', '4']],
      [4, ['5', '6']],
      [7, ['7', '8']],
    ]);
    expect(await rows('a,b\n\n\n1,2\n')).toEqual([
      [1, ['a', 'b']],
      [4, ['1', '2']],
    ]);
  });

  it('keeps a row whose first field is empty, and a BOM that is not the first character', async () => {
    expect(await rows('a,b\n,3\n', '\uFEFFx,4\n')).toEqual([
      [1, ['a', 'b']],
      [2, ['', '3']],
      [3, ['\uFEFFx', '4']],
    ]);
  });

  it('reads a one-column file by commas, and a header with no line end', async () => {
    expect(await rows('payment_id\np;1\n')).toEqual([
      [1, ['payment_id']],
      [2, ['p;1']],
    ]);
    expect(await rows('a,', 'b')).toEqual([[1, ['a', 'b']]]);
  });

  it('names the line of a malformed row', async () => {
    await expect(rows('a,b\n1,"open\n')).rejects.toThrow(new CsvError(2, 'a quoted field is not closed'));
    await expect(rows('a,b\n1,x"y\n')).rejects.toThrow(/line 2: a quote inside an unquoted field/);
    await expect(rows('a,b\n1,"x"y\n')).rejects.toThrow(/line 2: text after a closing quote/);
  });
});

describe('amounts and columns', () => {
  it('reads major units with a point or a comma, and minor units, into integers', () => {
    expect(['150', '150.5', '150.05', '1 500,25', '-12.50', '0.1'].map((t) => parseAmount(t, 'major', 'KZT'))).toEqual([
      15000, 15050, 15005, 150025, -1250, 10,
    ]);
    expect(['15000', '-5'].map((t) => parseAmount(t, 'minor', 'KZT'))).toEqual([15000, -5]);
    expect(['1.234', 'abc', '', '1e3', '150.00'].map((t) => parseAmount(t, t === '150.00' ? 'minor' : 'major', 'KZT'))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("reads major units by the row's currency: whole yen, dinars to the thousandth", () => {
    expect(parseAmount('1 500', 'major', 'JPY')).toBe(1500);
    expect(parseAmount('1.5', 'major', 'JPY')).toBeUndefined();
    expect(parseAmount('1,250', 'major', 'KWD')).toBe(1250);
    expect(parseAmount('15000', 'minor', 'JPY')).toBe(15000);
  });

  it('maps fields to columns over the defaults, skipping empty pairs, refusing unknown fields and empty columns', () => {
    expect(parseFieldMap('status=State, amount=Sum')).toMatchObject({ status: 'State', amount: 'Sum', payment_id: 'payment_id' });
    expect(parseFieldMap(' , status=State ,')).toEqual({ ...DEFAULT_FIELD_MAP, status: 'State' });
    expect(parseFieldMap(undefined)).toEqual(DEFAULT_FIELD_MAP);
    for (const pair of ['colour=Red', 'status=', 'status', '=State'])
      expect(() => parseFieldMap(`amount=Sum,${pair}`)).toThrow(
        `--map: "${pair}" is not field=Column; fields: payment_id, status, amount, currency, type, project_id, created_at`,
      );
  });
});

describe('a platform record from named values', () => {
  const record = (values: Partial<Record<RecordField, unknown>>, unit: 'major' | 'minor' = 'minor') =>
    toRecord(7, (field) => values[field], DEFAULT_FIELD_MAP, unit);
  const refusal = (values: Partial<Record<RecordField, unknown>>, unit: 'major' | 'minor' = 'minor'): string => {
    try {
      record(values, unit);
    } catch (error) {
      if (error instanceof CsvError) return error.message;
      throw error;
    }
    throw new Error('taken');
  };

  it('reads a Data API operation or a CSV row alike: statuses and types in lower case, KZT when no currency is named', () => {
    expect(
      record({
        payment_id: 'p-1',
        status: 'Success',
        amount: 15000,
        currency: 'kzt',
        type: 'Sale',
        project_id: 1234,
        created_at: '2026-12-01 10:00:00',
      }),
    ).toEqual({
      line: 7,
      paymentId: 'p-1',
      status: 'success',
      amount: 15000,
      currency: 'KZT',
      type: 'sale',
      projectId: 1234,
      createdAt: '2026-12-01 10:00:00',
    });
    expect(record({ payment_id: 'p-1', status: 'decline', amount: '150,00' }, 'major')).toEqual({
      line: 7,
      paymentId: 'p-1',
      status: 'decline',
      amount: 15000,
      currency: 'KZT',
    });
    // A number in minor units is taken as it is; in major units it is read as its text.
    expect(record({ payment_id: 'p-1', status: 'success', amount: 150 }, 'major').amount).toBe(15000);
  });

  it('names the line and the column of what is missing or not an amount or a project id', () => {
    expect(refusal({ status: 'success', amount: 1 })).toBe('line 7: payment_id (column "payment_id") is empty or missing');
    expect(refusal({ payment_id: 'p', status: '', amount: 1 })).toBe('line 7: status (column "operation_status") is empty or missing');
    expect(refusal({ payment_id: 'p', status: 'success', amount: null })).toBe(
      'line 7: amount (column "operation_sum_amount") is empty or missing',
    );
    expect(refusal({ payment_id: 'p', status: 'success', amount: 1.5 })).toBe(
      'line 7: amount "1.5" is not an amount in minor units (15000)',
    );
    expect(refusal({ payment_id: 'p', status: 'success', amount: '1.234', currency: 'KZT' }, 'major')).toBe(
      'line 7: amount "1.234" is not an amount in major units of KZT (150.00)',
    );
    expect(refusal({ payment_id: 'p', status: 'success', amount: { value: 1 } })).toBe(
      'line 7: amount "{"value":1}" is not an amount in minor units (15000)',
    );
    expect(refusal({ payment_id: 'p', status: 'success', amount: 1, project_id: 'main' })).toBe(
      'line 7: project_id "main" is not a project id',
    );
    // What a run records must be text either store keeps.
    expect(refusal({ payment_id: 'p\u0000', status: 'success', amount: 1 })).toBe(
      'line 7: payment_id (column "payment_id") must not contain U+0000 (NUL)',
    );
    expect(refusal({ payment_id: 'p\ud800', status: 'success', amount: 1 })).toBe(
      'line 7: payment_id (column "payment_id") must be well-formed Unicode: it holds half of a UTF-16 surrogate pair (U+D800 to U+DFFF alone)',
    );
    expect(refusal({ payment_id: 'p', status: 'success', amount: 1, type: 'sale\u0000' })).toBe(
      'line 7: type (column "operation_type") must not contain U+0000 (NUL)',
    );
    for (const projectId of ['0x4d2', '1.234e3', '-1234', '12.0', 12.5, '1234567890123456'])
      expect(refusal({ payment_id: 'p', status: 'success', amount: 1, project_id: projectId })).toBe(
        `line 7: project_id "${projectId}" is not a project id`,
      );
  });
});

describe('what a platform record says about the ledger', () => {
  const payment = (status: Payment['status'], amount = 1000): Payment => aPayment({ paymentId: 'p', status, amount });
  const record = (status: string, amount = 1000): PlatformRecord => ({ line: 2, paymentId: 'p', status, amount, currency: 'KZT' });

  it.each([
    ['success', 'pending', 1000, 'missing_here'],
    ['success', 'failed', 1000, 'missing_here'],
    ['success', 'success', 1000, 'matching'],
    ['success', 'success', 999, 'amount_mismatch'],
    ['decline', 'success', 1000, 'missing_there'],
    ['processing', 'success', 1000, 'missing_there'],
    ['decline', 'pending', 1000, 'status_mismatch'],
    ['decline', 'failed', 1000, 'matching'],
    ['processing', 'pending', 1000, 'matching'],
  ] as const)('platform %s, ledger %s (%i): %s', (there, here, amount, kind) => {
    expect(judgeRecord(record(there, amount), payment(here))).toBe(kind);
  });

  it('counts a payment an operator settled by hand as paid here', () => {
    const settled = (status: Payment['status']): Payment => ({ ...payment(status), settledByAdjustment: 7 });
    expect(judgeRecord(record('decline'), settled('pending'))).toBe('missing_there');
    expect(judgeRecord(record('decline'), settled('failed'))).toBe('missing_there');
    expect(judgeRecord(record('processing'), settled('pending'))).toBe('missing_there');
    // Applied, the platform's success is recorded on it and nothing credited; then they match.
    expect(judgeRecord(record('success'), settled('pending'))).toBe('missing_here');
    expect(judgeRecord(record('success'), settled('success'))).toBe('matching');
  });

  it('calls a payment never issued here unknown', () => {
    expect(judgeRecord(record('success'), undefined)).toBe('unknown_payment');
  });
});
