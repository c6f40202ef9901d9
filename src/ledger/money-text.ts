// Amounts in texts that people act on. The protocol and the CLI count minor units while the console
// takes major ones, so a text giving only one invites an adjustment a hundred times too large.
import { majorText } from './minor-units.js';

/** 15000, "KZT" -> "150.00 KZT (15000 minor units)"; -500 -> "-5.00 KZT (-500 minor units)"; 150, "JPY" -> "150 JPY (150 minor units)". */
export function moneyText(minor: number, currency: string): string {
  return `${majorText(minor, currency)} ${currency} (${minor} minor units)`;
}
