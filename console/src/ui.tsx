// Small pieces every screen uses: money, time, a problem in words, a paginated list, raw JSON.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { asProblem, type Problem } from './api';
import { localTime, money, pretty, utcTime } from './format';

export const Money = ({ amount, currency }: { amount: number; currency?: string }) => (
  <span class={`money${amount < 0 ? ' negative' : ''}`}>{money(amount, currency)}</span>
);

/** A table as wide as its column of the page, scrolling sideways rather than widening a narrow screen. */
export const Table = ({ children }: { children: ComponentChildren }) => (
  <div class="table-scroll">
    <table>{children}</table>
  </div>
);

/** Local time, UTC on hover. */
export const Time = ({ at }: { at: string | null | undefined }) =>
  at ? (
    <time dateTime={at} title={utcTime(at)}>
      {localTime(at)}
    </time>
  ) : (
    <span class="muted">—</span>
  );

// An invalid request's detail is its field errors in one line: they are listed instead.
const detailIsTheList = (problem: Problem) =>
  (problem.errors?.length ?? 0) > 0 && problem.errors!.every((e) => problem.detail.includes(e.message));

/** An API error in words, with the fields it concerns. */
export const ProblemMessage = ({ problem }: { problem: Problem | undefined }) =>
  problem ? (
    <div class="problem" role="alert">
      <strong>{problem.title}</strong>
      {!detailIsTheList(problem) && <p>{problem.detail}</p>}
      {problem.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.field + e.message}>
              <code>{e.field || 'body'}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  ) : null;

export const RawJson = ({ text, label, open = false }: { text: string; label: string; open?: boolean }) => (
  <details open={open}>
    <summary>{label}</summary>
    <pre class="raw">{pretty(text)}</pre>
  </details>
);

export const Section = ({ title, children }: { title: string; children: ComponentChildren }) => (
  <section>
    <h2>{title}</h2>
    {children}
  </section>
);

/** One record read when `key` changes; `load` answers as openapi-fetch does. */
export function useRecord<T>(load: () => Promise<{ data?: T; error?: unknown }>, key: string) {
  const [data, setData] = useState<T>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    let current = true;
    setProblem(undefined);
    // What was shown stays until the answer; a record not read leaves none, so another key's
    // facts never stand under this one's problem. A late answer for an earlier key is dropped.
    const failed = (error: unknown) => {
      if (!current) return;
      setData(undefined);
      setProblem(asProblem(error));
    };
    load()
      .then(({ data: found, error }) => (found ? current && setData(found) : failed(error)))
      .catch(failed);
    return () => {
      current = false;
    };
    // `key` names what `load` depends on.
  }, [key]);
  return { data, setData, problem, setProblem };
}

type PageAnswer<T> = { data?: { items: T[]; next_cursor: string | null }; error?: unknown };

/**
 * A list read page by page: the first page whenever `key` changes, the next on demand. `load`
 * answers as openapi-fetch does.
 */
export function usePages<T>(load: (cursor: string | undefined) => Promise<PageAnswer<T>>, key: string) {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem>();
  const [loading, setLoading] = useState(true);
  // Only the last page asked for is shown: an answer to an earlier filter may arrive after it.
  const latest = useRef(0);
  const fetchPage = useCallback(
    async (cursor: string | undefined) => {
      const asked = ++latest.current;
      setLoading(true);
      const failed = (error: unknown) => {
        setProblem(asProblem(error));
        // A first page not read leaves no rows: those shown were another filter's, or are stale.
        if (cursor === undefined) {
          setItems([]);
          setNext(null);
        }
      };
      try {
        const { data, error } = await load(cursor);
        if (asked !== latest.current) return;
        if (data) {
          setItems((shown) => (cursor ? [...shown, ...data.items] : data.items));
          setNext(data.next_cursor);
          setProblem(undefined);
        } else failed(error);
      } catch (error) {
        if (asked === latest.current) failed(error);
      } finally {
        if (asked === latest.current) setLoading(false);
      }
    },
    // `key` names what `load` depends on: a new key, a new first page.
    [key],
  );
  useEffect(() => {
    void fetchPage(undefined);
  }, [fetchPage]);
  return { items, problem, loading, more: next ? () => fetchPage(next) : undefined, reload: () => fetchPage(undefined) };
}

export const Pager = ({ more, loading, count }: { more: (() => unknown) | undefined; loading: boolean; count: number }) => (
  <div class="pager">
    <span class="muted">
      {count} shown{more ? '' : count ? ', all' : ''}
    </span>
    {more && (
      <button type="button" onClick={() => void more()} disabled={loading}>
        {loading ? 'Loading…' : 'Show more'}
      </button>
    )}
  </div>
);
