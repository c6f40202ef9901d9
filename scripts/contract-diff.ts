// Which changes between two versions of the contract can break a partner. Pure: documents in,
// findings out. Requests: an operation or response gone, a field newly required, a type changed,
// allowed values narrowed. Answers: a field gone or no longer guaranteed, a type changed, new
// values a strict client does not know.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = { [key: string]: Json };
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// A schema's type is a string; anything else is shown as JSON.
const typeName = (type: Json): string => (typeof type === 'string' ? type : JSON.stringify(type));

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolver(doc: Obj) {
  const resolve = (node: Json | undefined, seen = new Set<string>()): Json | undefined => {
    if (!isObj(node) || typeof node.$ref !== 'string') return node;
    if (seen.has(node.$ref)) return {};
    const target = node.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<Json | undefined>((at, key) => (isObj(at) ? at[key] : undefined), doc);
    return resolve(target, new Set([...seen, node.$ref]));
  };
  return resolve;
}

/** The branches of a schema: itself, or each member of its oneOf/anyOf. */
function branches(schema: Obj, resolve: ReturnType<typeof resolver>): Obj[] {
  const members = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  return members ? members.map((m) => resolve(m)).filter(isObj) : [schema];
}

function compareSchemas(
  before: Json | undefined,
  after: Json | undefined,
  where: string,
  direction: 'request' | 'response',
  r: { old: ReturnType<typeof resolver>; now: ReturnType<typeof resolver> },
  found: string[],
  depth = 0,
): void {
  const a = r.old(before);
  const b = r.now(after);
  if (!isObj(a) || !isObj(b) || depth > 8) return;
  if (a.type !== undefined && b.type !== undefined && a.type !== b.type)
    found.push(`${where}: type ${typeName(a.type)} became ${typeName(b.type)}`);
  if (Array.isArray(a.enum) && Array.isArray(b.enum)) {
    const removed = a.enum.filter((v) => !(b.enum as Json[]).includes(v));
    const added = b.enum.filter((v) => !(a.enum as Json[]).includes(v));
    if (direction === 'request' && removed.length)
      found.push(`${where}: no longer accepts ${removed.map((v) => JSON.stringify(v)).join(', ')}`);
    if (direction === 'response' && added.length) found.push(`${where}: may now answer ${added.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  const oldBranches = branches(a, r.old);
  const newBranches = branches(b, r.now);
  if (oldBranches.length !== 1 || newBranches.length !== 1) {
    // Unions: compare branch by branch where the shapes line up, else only by count.
    if (oldBranches.length === newBranches.length)
      oldBranches.forEach((ob, i) => compareSchemas(ob, newBranches[i], `${where}[${i}]`, direction, r, found, depth + 1));
    else if (direction === 'request' && newBranches.length < oldBranches.length)
      found.push(`${where}: fewer request variants (${oldBranches.length} -> ${newBranches.length})`);
    return;
  }
  const oldRequired = new Set((a.required as string[] | undefined) ?? []);
  const newRequired = new Set((b.required as string[] | undefined) ?? []);
  const oldProps = isObj(a.properties) ? a.properties : {};
  const newProps = isObj(b.properties) ? b.properties : {};
  for (const name of newRequired) {
    if (direction === 'request' && !oldRequired.has(name)) found.push(`${where}.${name}: newly required`);
  }
  for (const name of oldRequired) {
    if (direction === 'response' && !newRequired.has(name)) found.push(`${where}.${name}: no longer guaranteed in answers`);
  }
  for (const name of Object.keys(oldProps)) {
    if (direction === 'response' && !(name in newProps)) found.push(`${where}.${name}: removed from answers`);
    if (name in newProps) compareSchemas(oldProps[name], newProps[name], `${where}.${name}`, direction, r, found, depth + 1);
  }
}

export function breakingChanges(oldDoc: Obj, newDoc: Obj): string[] {
  const found: string[] = [];
  const r = { old: resolver(oldDoc), now: resolver(newDoc) };
  const oldPaths = (oldDoc.paths ?? {}) as Obj;
  const newPaths = (newDoc.paths ?? {}) as Obj;
  for (const [path, oldItem] of Object.entries(oldPaths)) {
    for (const method of METHODS) {
      const oldOp = (oldItem as Obj)[method];
      if (!isObj(oldOp)) continue;
      const newOp = isObj(newPaths[path]) ? newPaths[path][method] : undefined;
      const name = `${method.toUpperCase()} ${path}`;
      if (!isObj(newOp)) {
        found.push(`${name}: operation removed`);
        continue;
      }
      const body = (op: Obj, doc: ReturnType<typeof resolver>) => {
        const rb = doc(op.requestBody);
        return isObj(rb) && isObj(rb.content) && isObj(rb.content['application/json']) ? rb.content['application/json'].schema : undefined;
      };
      compareSchemas(body(oldOp, r.old), body(newOp, r.now), `${name} request`, 'request', r, found);
      const oldResponses = (oldOp.responses ?? {}) as Obj;
      const newResponses = (newOp.responses ?? {}) as Obj;
      for (const status of Object.keys(oldResponses)) {
        if (!(status in newResponses)) {
          found.push(`${name}: response ${status} removed`);
          continue;
        }
        const schemaOf = (resp: Json | undefined, doc: ReturnType<typeof resolver>) => {
          const resolved = doc(resp);
          return isObj(resolved) && isObj(resolved.content) && isObj(resolved.content['application/json'])
            ? resolved.content['application/json'].schema
            : undefined;
        };
        compareSchemas(
          schemaOf(oldResponses[status], r.old),
          schemaOf(newResponses[status], r.now),
          `${name} ${status}`,
          'response',
          r,
          found,
        );
      }
    }
  }
  return found;
}

export function parseSemver(version: unknown): [number, number, number] | undefined {
  const match = typeof version === 'string' ? /^(\d+)\.(\d+)\.(\d+)$/.exec(version) : null;
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}
