// Amounts in texts that people act on. The protocol and the CLI count minor units while the console
// takes major ones, so a text giving only one invites an adjustment a hundred times too large.
// Two decimals, as for KZT: the method's only currency, and what the console and reports assume.

/** 15000, "KZT" -> "150.00 KZT (15000 minor units)"; -500 -> "-5.00 KZT (-500 minor units)". */
export function moneyText(minor: number, currency: string): string {
  const abs = Math.abs(minor);
  const major = `${minor < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return `${major} ${currency} (${minor} minor units)`;
}
