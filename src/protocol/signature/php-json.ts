// json_decode($text, true) as the platform's reference implementation sees a body: objects and
// arrays become PHP arrays, numbers keep the digits they were written with (an int64 stays exact;
// a fraction, an exponent or an integer beyond int64 becomes a PHP float), and every scalar becomes
// the string PHP's `(string)` cast makes of it. JSON.parse cannot do this: it rounds integers
// beyond 2^53, and a signature over a rounded operation id never matches.
import { PhpArray, phpArrayKey, type PhpValue } from './php-array.js';
import { phpFloatToString } from './php-float.js';

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'JsonSyntaxError';
  }
}

// json_decode's default depth: it refuses a value nested this many levels deep (511 pass).
const MAX_DEPTH = 512;
const INT64_DIGITS = '9223372036854775808';
/** A JSON number at lastIndex (sticky): group 1 its fraction, group 2 its exponent. */
const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

/** PHP's `(string)` of a JSON number as written: int64 digits kept, anything else a float. */
function phpNumberString(text: string, isFloat: boolean): string {
  if (!isFloat) {
    const negative = text.startsWith('-');
    const digits = negative ? text.slice(1) : text;
    const fitsInt64 =
      digits.length < INT64_DIGITS.length ||
      (digits.length === INT64_DIGITS.length && (digits < INT64_DIGITS || (digits === INT64_DIGITS && negative)));
    if (fitsInt64) return digits === '0' ? '0' : text;
  }
  return phpFloatToString(Number(text));
}

class Parser {
  /** Read by readJsonString as its cursor. */
  pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): PhpValue {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected data after the JSON value');
    return value;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.pos);
  }

  /** Fails at the cursor, naming what belongs there, or that the text ended before it. */
  private failExpecting(what: string): never {
    return this.fail(this.pos < this.text.length ? `expected ${what}` : `unexpected end of input, expected ${what}`);
  }

  private skipWhitespace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
      this.pos++;
    }
  }

  private value(depth: number): PhpValue {
    this.skipWhitespace();
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', '1');
      case 'f':
        return this.literal('false', '0');
      case 'n':
        return this.literal('null', '');
      case undefined:
        return this.fail('unexpected end of input');
      default:
        return this.number();
    }
  }

  private literal(word: string, phpString: string): string {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected character');
    this.pos += word.length;
    return phpString;
  }

  private number(): string {
    JSON_NUMBER.lastIndex = this.pos;
    const match = JSON_NUMBER.exec(this.text);
    if (!match) this.fail('unexpected character');
    this.pos += match[0].length;
    return phpNumberString(match[0], match[1] !== undefined || match[2] !== undefined);
  }

  private object(depth: number): PhpArray {
    if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH - 1} levels`);
    const result = new PhpArray();
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.failExpecting('a string key');
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.failExpecting("':'");
      this.pos++;
      this.skipWhitespace();
      const isNull = this.text.startsWith('null', this.pos);
      const phpKey = phpArrayKey(key);
      result.set(phpKey, this.value(depth));
      if (isNull) result.markNull(phpKey);
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next !== ',' && next !== '}') this.failExpecting("',' or '}'");
      this.pos++;
      if (next === '}') return result;
    }
  }

  private array(depth: number): PhpArray {
    if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH - 1} levels`);
    const result = new PhpArray();
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value(depth));
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next !== ',' && next !== ']') this.failExpecting("',' or ']'");
      this.pos++;
      if (next === ']') return result;
    }
  }

  private string(): string {
    return readJsonString(this.text, this, this.pos + 1);
  }
}

/** Parses JSON text as PHP's json_decode($text, true) would. Throws JsonSyntaxError. */
export function parsePhpJson(text: string): PhpValue {
  return new Parser(text).parseDocument();
}

/** Where a reader is in its text; readJsonString moves it past the string it read. */
interface JsonCursor {
  pos: number;
}

/**
 * Reads the JSON string whose first character is at `start` (just after its opening quote), as
 * json_decode does: escapes decoded, a control character or a lone UTF-16 surrogate refused. Sets
 * `cursor.pos` after the closing quote (a cursor, not a returned pair: no object per string).
 * Throws JsonSyntaxError.
 */
function readJsonString(text: string, cursor: JsonCursor, start: number): string {
  // Fast path: no escapes.
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      cursor.pos = i + 1;
      return checkedSurrogates(text.slice(start, i), start);
    }
    if (c === 92 || c < 32) break;
  }
  let pos = start;
  let out = '';
  for (;;) {
    if (pos >= text.length) throw new JsonSyntaxError('unterminated string', pos);
    const c = text.charCodeAt(pos);
    if (c === 34) {
      cursor.pos = pos + 1;
      return checkedSurrogates(out, start);
    }
    if (c < 32) throw new JsonSyntaxError('control character in string', pos);
    if (c !== 92) {
      out += text[pos++];
      continue;
    }
    const escape = text[pos + 1];
    pos += 2;
    switch (escape) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        const hex = text.slice(pos, pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError('bad \\u escape', pos);
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 4;
        break;
      }
      default:
        throw new JsonSyntaxError('bad escape', pos - 2);
    }
  }
}

// PHP refuses a lone UTF-16 surrogate (JSON_ERROR_UTF16); so do we, rather than sign U+FFFD.
function checkedSurrogates(value: string, start: number): string {
  if (!value.isWellFormed()) throw new JsonSyntaxError('unpaired UTF-16 surrogate in string', start);
  return value;
}
