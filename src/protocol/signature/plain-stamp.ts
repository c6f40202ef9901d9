// The stamp of a plain body straight from its text, in one pass: no PHP array model, no second walk.
// Plain is stamp.ts's quick-path condition — objects only, at most three levels, every key made of
// lower-case ASCII letters and '_' — tightened to what one pass can settle alone: no key twice in
// one object (PHP keeps the last at the first one's place), no escape in a key, no array. Values
// may carry escapes (PHP's json_encode writes '/' and every non-ASCII letter as one unless told
// not to), decoded by the exact parser's own string reader. Anything not plain, malformed text
// included, answers undefined, and the caller takes the exact path, which also names the error.
import { JSON_NUMBER, JsonSyntaxError, phpNumberString, readJsonString } from './php-json.js';

export interface PlainStamp {
  /** The joined entries, the omitted top-level key left out. */
  readonly stamp: string;
  /** The omitted key's value as PHP's string cast makes it; undefined when the body has none. */
  readonly omitted: string | undefined;
}

// As in stamp.ts: past this depth the reference carries a cut entry under an int key.
const MAX_DEPTH = 3;

const enum Char {
  Tab = 9, Newline = 10, Return = 13, Space = 32, Quote = 34, Comma = 44, Minus = 45, Dot = 46,
  Digit0 = 48, Digit1 = 49, Digit9 = 57, Colon = 58, UpperE = 69, Underscore = 95,
  LowerA = 97, LowerE = 101, LowerF = 102, LowerN = 110, LowerT = 116, LowerZ = 122, OpenBrace = 123,
  CloseBrace = 125,
}

/** Thrown inside the pass when the body is not plain; never escapes plainStamp. */
const NOT_PLAIN = Symbol('not plain');
/** Where the omitted key's value was. */
const OMITTED: PlainObject = { keys: [], values: [] };

/** One object of the body: its keys, and for each a scalar's PHP string or a nested object. */
interface PlainObject {
  keys: string[];
  values: Array<string | PlainObject>;
}

class PlainPass {
  pos = 0;
  omitted: string | undefined;

  constructor(
    private readonly text: string,
    private readonly omit: string | undefined,
  ) {}

  skipWhitespace(): void {
    const text = this.text;
    let c = text.charCodeAt(this.pos);
    while (c === Char.Space || c === Char.Newline || c === Char.Return || c === Char.Tab) c = text.charCodeAt(++this.pos);
  }

  expect(c: number): void {
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== c) throw NOT_PLAIN;
    this.pos++;
  }

  object(depth: number): PlainObject {
    const node: PlainObject = { keys: [], values: [] };
    this.expect(Char.OpenBrace);
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === Char.CloseBrace) {
      this.pos++;
      return node;
    }
    for (;;) {
      this.expect(Char.Quote);
      const key = this.key();
      this.expect(Char.Colon);
      this.skipWhitespace();
      let value: string | PlainObject;
      if (depth === 0 && key === this.omit) {
        if (this.text.charCodeAt(this.pos) === Char.OpenBrace) throw NOT_PLAIN;
        this.omitted = this.scalar();
        // Kept among the keys, so that a second one is caught; render() skips it.
        value = OMITTED;
      } else if (this.text.charCodeAt(this.pos) === Char.OpenBrace) {
        if (depth + 1 >= MAX_DEPTH) throw NOT_PLAIN;
        value = this.object(depth + 1);
      } else {
        value = this.scalar();
      }
      insertSorted(node, key, value);
      this.skipWhitespace();
      const next = this.text.charCodeAt(this.pos++);
      if (next === Char.CloseBrace) return node;
      if (next !== Char.Comma) throw NOT_PLAIN;
    }
  }

  /** After the opening quote: one or more of [a-z_], then the closing quote. */
  key(): string {
    const text = this.text;
    const start = this.pos;
    let c = text.charCodeAt(this.pos);
    while ((c >= Char.LowerA && c <= Char.LowerZ) || c === Char.Underscore) c = text.charCodeAt(++this.pos);
    if (c !== Char.Quote || this.pos === start) throw NOT_PLAIN;
    return text.slice(start, this.pos++);
  }

  /** A string, number or literal, as PHP's `(string)` cast makes it. */
  scalar(): string {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === Char.Quote) return readJsonString(text, this, this.pos + 1);
    if (c === Char.LowerT) return this.literal('true', '1');
    if (c === Char.LowerF) return this.literal('false', '0');
    if (c === Char.LowerN) return this.literal('null', '');
    // An integer written plainly (every amount and id): its digits are its PHP string when they fit
    // in int64, which phpNumberString settles; a fraction or an exponent goes through the regex.
    const start = this.pos;
    let i = c === Char.Minus ? start + 1 : start;
    const first = text.charCodeAt(i);
    if (first >= Char.Digit1 && first <= Char.Digit9) {
      let d = text.charCodeAt(++i);
      while (d >= Char.Digit0 && d <= Char.Digit9) d = text.charCodeAt(++i);
      if (d !== Char.Dot && d !== Char.LowerE && d !== Char.UpperE) {
        this.pos = i;
        return phpNumberString(text.slice(start, i), false);
      }
    }
    JSON_NUMBER.lastIndex = start;
    const match = JSON_NUMBER.exec(text);
    if (!match) throw NOT_PLAIN;
    this.pos += match[0].length;
    return phpNumberString(match[0], match[1] !== undefined || match[2] !== undefined);
  }

  literal(word: string, phpString: string): string {
    if (!this.text.startsWith(word, this.pos)) throw NOT_PLAIN;
    this.pos += word.length;
    return phpString;
  }
}

/**
 * Puts a key in its place among an object's keys, kept in byte order as they are read (objects have
 * a handful of keys). A key met twice is not plain: PHP keeps the last value at the first one's place.
 */
function insertSorted(node: PlainObject, key: string, value: string | PlainObject): void {
  const { keys, values } = node;
  let i = keys.length;
  // Shifted by hand: splice costs more than the whole shift of a handful of entries.
  keys.push(key);
  values.push(value);
  while (i > 0 && keys[i - 1]! > key) {
    keys[i] = keys[i - 1]!;
    values[i] = values[i - 1]!;
    i--;
  }
  if (i > 0 && keys[i - 1] === key) throw NOT_PLAIN;
  keys[i] = key;
  values[i] = value;
}

/**
 * Appends the entries of `node` to `out` in natural order. Each object's keys in order give the
 * whole paths in order: a path continues with ':', which sorts before every key character, so an
 * object's entries sit together exactly where its key does.
 */
function render(node: PlainObject, prefix: string, out: string[]): void {
  const { keys, values } = node;
  for (let i = 0; i < keys.length; i++) {
    const value = values[i]!;
    if (value === OMITTED) continue;
    if (typeof value === 'string') out.push(`${prefix}${keys[i]}:${value}`);
    else render(value, `${prefix}${keys[i]}:`, out);
  }
}

/**
 * The stamp of `text` if it is a plain JSON object (see above), with the top-level key `omit` left
 * out of it and handed back; undefined for any other text.
 */
export function plainStamp(text: string, omit?: string): PlainStamp | undefined {
  const pass = new PlainPass(text, omit);
  let root: PlainObject;
  try {
    root = pass.object(0);
  } catch (error) {
    // Not plain, or not JSON: the exact path says where and why.
    if (error === NOT_PLAIN || error instanceof JsonSyntaxError) return undefined;
    throw error;
  }
  pass.skipWhitespace();
  if (pass.pos < text.length) return undefined;
  const entries: string[] = [];
  render(root, '', entries);
  return { stamp: entries.join(';'), omitted: pass.omitted };
}
