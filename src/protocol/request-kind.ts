// Which of the platform's requests a body is. verify and check_deposit always carry `type`; a Gate
// callback never does, and always carries a `payment` object. A merchant who gives the platform one
// URL for everything has callbacks posted to /terminal: told apart here, they are handled as at
// /callback, since answering one 200 there without storing it would lose the payment's result.
export type RequestKind = 'terminal' | 'callback';

export function requestKindAtTerminal(body: unknown): RequestKind {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'terminal';
  const { type, payment } = body as Record<string, unknown>;
  const isObject = payment !== null && typeof payment === 'object' && !Array.isArray(payment);
  return type === undefined && isObject ? 'callback' : 'terminal';
}
