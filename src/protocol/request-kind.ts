// Which of the platform's requests a body is, whichever of the two URLs it was posted to. verify and
// check_deposit always carry `type`; a Gate callback never does (its `type` is `payment.type`), and
// always carries a `payment` object. A merchant may give the platform one URL for everything: a
// callback answered 200 at /terminal without being stored would lose the payment's result, and a
// check_deposit refused at /callback would leave a customer who has paid without a payment id.
export type RequestKind = 'terminal' | 'callback';

/** The kind of request `body` is; the URL's own kind when the body does not say (it is then refused there). */
export function requestKind(body: unknown, postedTo: RequestKind): RequestKind {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return postedTo;
  const { type, payment } = body as Record<string, unknown>;
  const hasPayment = payment !== null && typeof payment === 'object' && !Array.isArray(payment);
  if (type === undefined && hasPayment) return 'callback';
  if (type !== undefined && !hasPayment) return 'terminal';
  return postedTo;
}
