// Whether a code names a currency. An account in a code that is none (a typo such as KTZ) could
// never take a deposit, and verify would name that code to the platform as the account's currency.

// ISO 4217 as the runtime's ICU knows it.
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** Why `code` cannot be an account's currency, or undefined when it can. */
export function currencyProblem(code: string): string | undefined {
  if (!/^[A-Z]{3}$/.test(code)) return `currency must be an ISO 4217 code such as KZT, got "${code}"`;
  if (!CURRENCIES.has(code)) return `currency ${code} is not an ISO 4217 currency (this payment method pays in KZT)`;
  return undefined;
}
