// A platform record as reconciliation reads it, from a Dashboard CSV row or a Data API operation:
// which payment, what status, how much. The column or field names the platform does not document
// are configuration (--map), with these defaults.
import { majorText, minorFromMajorText } from '../ledger/minor-units.js';
import { textRefusal } from '../store/storable-text.js';
import { CsvError } from './csv.js';

export interface PlatformRecord {
  /** Where it was read: the file's line, or the operation's place in the answer. */
  line: number;
  paymentId: string;
  status: string;
  /** Minor units. */
  amount: number;
  currency: string;
  type?: string;
  projectId?: number;
  createdAt?: string;
}

export const RECORD_FIELDS = ['payment_id', 'status', 'amount', 'currency', 'type', 'project_id', 'created_at'] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];
export type FieldMap = Record<RecordField, string>;

/**
 * Confirmed by the platform's documentation: payment_id, project_id, operation_created_at. The
 * names of the operation's status, sum, currency and type are not public: assumed, override them.
 */
export const DEFAULT_FIELD_MAP: FieldMap = {
  payment_id: 'payment_id',
  project_id: 'project_id',
  created_at: 'operation_created_at',
  status: 'operation_status',
  amount: 'operation_sum_amount',
  currency: 'operation_sum_currency',
  type: 'operation_type',
};

const REQUIRED: readonly RecordField[] = ['payment_id', 'status', 'amount'];

/** "--map status=State,amount=Sum" over the defaults. */
export function parseFieldMap(text: string | undefined): FieldMap {
  const map = { ...DEFAULT_FIELD_MAP };
  for (const pair of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [field = '', column = ''] = pair.split('=').map((p) => p.trim());
    if (!(RECORD_FIELDS as readonly string[]).includes(field) || column === '') {
      throw new Error(`--map: "${pair}" is not field=Column; fields: ${RECORD_FIELDS.join(', ')}`);
    }
    map[field as RecordField] = column;
  }
  return map;
}

export type AmountUnit = 'major' | 'minor';

/**
 * "150", "150.5", "1 500,25" (major units of `currency`, as ISO 4217 counts its minor units) or
 * "15025" (minor) -> minor units; integers only, no floats.
 */
export function parseAmount(text: string, unit: AmountUnit, currency: string): number | undefined {
  const compact = text.replace(/[\s\u00a0\u202f]/g, '');
  if (unit === 'minor') return /^-?\d{1,15}$/.test(compact) ? Number(compact) : undefined;
  return minorFromMajorText(compact, currency);
}

/** A record from named values (a CSV row by its header, or a Data API operation). */
export function toRecord(line: number, value: (field: RecordField) => unknown, map: FieldMap, unit: AmountUnit): PlatformRecord {
  const text = (field: RecordField): string | undefined => {
    const v = value(field);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') {
      const refusal = textRefusal(v);
      if (refusal !== undefined) throw new CsvError(line, `${field} (column "${map[field]}") ${refusal}`);
      return v;
    }
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    // An object or array where a value belongs reads as JSON, so the error names what was there.
    return JSON.stringify(v);
  };
  for (const field of REQUIRED) {
    if (text(field) === undefined) throw new CsvError(line, `${field} (column "${map[field]}") is empty or missing`);
  }
  const currency = (text('currency') ?? 'KZT').toUpperCase();
  const rawAmount = value('amount');
  const amount =
    typeof rawAmount === 'number' && unit === 'minor' && Number.isSafeInteger(rawAmount)
      ? rawAmount
      : parseAmount(text('amount')!, unit, currency);
  if (amount === undefined) {
    const example = unit === 'minor' ? 'minor units (15000)' : `major units of ${currency} (${majorText(15000, currency)})`;
    throw new CsvError(line, `amount "${text('amount')}" is not an amount in ${example}`);
  }
  const projectText = text('project_id');
  // Digits only: Number() would also read "0x4d2" or "1.234e3" as a project.
  if (projectText !== undefined && !/^[0-9]{1,15}$/.test(projectText))
    throw new CsvError(line, `project_id "${projectText}" is not a project id`);
  const projectId = projectText === undefined ? undefined : Number(projectText);
  const type = text('type');
  const createdAt = text('created_at');
  return {
    line,
    paymentId: text('payment_id')!,
    status: text('status')!.toLowerCase(),
    amount,
    currency,
    ...(type !== undefined && { type: type.toLowerCase() }),
    ...(projectId !== undefined && { projectId }),
    ...(createdAt !== undefined && { createdAt }),
  };
}
