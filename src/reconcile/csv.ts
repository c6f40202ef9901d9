// CSV as the platform's Dashboard exports it, read as a stream: a header row, comma or semicolon
// (told from the header), fields quoted with "" inside quotes, a BOM, Windows or Unix line ends,
// line breaks inside quoted fields. Memory stays bounded by the longest row.

export interface CsvRow {
  /** The line the row starts on, counting the header as line 1. */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  override name = 'CsvError';
  constructor(
    readonly line: number,
    message: string,
    /** What `line` counts: lines of a file, or operations of an answer. */
    unit = 'line',
  ) {
    super(`${unit} ${line}: ${message}`);
  }
}

/** The same text, its first chunk holding at least the whole first line (the header decides the delimiter). */
async function* headerWhole(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let head = '';
  let started = false;
  for await (const chunk of chunks) {
    if (started) {
      yield chunk;
      continue;
    }
    head += chunk;
    if (head.includes('\n')) {
      started = true;
      yield head;
    }
  }
  if (!started && head !== '') yield head;
}

/** The rows of `chunks` (text in any pieces), the header first. */
export async function* csvRows(chunks: AsyncIterable<string>): AsyncGenerator<CsvRow> {
  let delimiter: string | undefined;
  let special = /[,"\r\n]/g;
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  let first = true;
  let pendingCr = false;

  const endRow = (): CsvRow | undefined => {
    fields.push(field);
    const row = { line: rowLine, fields };
    field = '';
    fields = [];
    afterQuote = false;
    const blank = row.fields.length === 1 && row.fields[0] === '';
    return blank ? undefined : row;
  };

  for await (let chunk of headerWhole(chunks)) {
    if (first) {
      chunk = chunk.replace(/^\uFEFF/, '');
      first = false;
    }
    if (delimiter === undefined) {
      // The header's first line decides: the delimiter it has more of.
      const header = chunk.split('\n', 1)[0] ?? '';
      delimiter = (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
      special = delimiter === ';' ? /[;"\r\n]/g : /[,"\r\n]/g;
    }
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') continue;
      }
      if (quoted) {
        // The quoted text up to the next quote, in one piece.
        const close = chunk.indexOf('"', i);
        const end = close === -1 ? chunk.length : close;
        const part = chunk.slice(i, end);
        for (let at = part.indexOf('\n'); at !== -1; at = part.indexOf('\n', at + 1)) line++;
        field += part;
        i = end;
        // Closing, or the first of a doubled quote: the next character says which.
        if (close !== -1) {
          quoted = false;
          afterQuote = true;
        }
        continue;
      }
      if (c === '"') {
        if (afterQuote) {
          // A doubled quote: a literal one, and the field is still quoted.
          field += '"';
          quoted = true;
          afterQuote = false;
          continue;
        }
        if (field !== '') throw new CsvError(line, 'a quote inside an unquoted field');
        quoted = true;
        continue;
      }
      if (c === delimiter) {
        fields.push(field);
        field = '';
        afterQuote = false;
        continue;
      }
      if (c === '\r' || c === '\n') {
        const row = endRow();
        if (row) yield row;
        line++;
        rowLine = line;
        pendingCr = c === '\r';
        continue;
      }
      if (afterQuote) throw new CsvError(line, 'text after a closing quote');
      // Plain text up to the next character that means something, in one piece.
      special.lastIndex = i;
      const next = special.exec(chunk)?.index ?? chunk.length;
      field += chunk.slice(i, next);
      i = next - 1;
    }
  }
  if (quoted) throw new CsvError(rowLine, 'a quoted field is not closed');
  const row = endRow();
  if (row) yield row;
}
