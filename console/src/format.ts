// How money and time read on screen. Amounts stay integers of minor units until they become text.
import { majorText } from '../../src/ledger/minor-units';

/** 1500000 -> "15 000.00 KZT"; -500 -> "−5.00 KZT"; 150, "JPY" -> "150 JPY" (ISO 4217's minor units). */
export function money(minor: number, currency = 'KZT'): string {
  const [major = '', fraction] = majorText(Math.abs(minor), currency).split('.');
  const grouped = major.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${minor < 0 ? '−' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`} ${currency}`;
}

/** 1, "account" -> "1 account"; 3 -> "3 accounts". */
export const counted = (n: number, noun: string): string => `${n} ${n === 1 ? noun : `${noun}s`}`;

/** The browser's local time, for a timestamp in UTC. */
export const localTime = (iso: string): string =>
  new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

export const utcTime = (iso: string): string => `${iso.replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;

/** A raw body, pretty-printed when it is JSON. */
export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The start of a local calendar day (an `<input type=date>` value), as the API's ISO time. */
export const dayStart = (date: string, plusDays = 0): string | undefined => {
  if (!date) return undefined;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
};
