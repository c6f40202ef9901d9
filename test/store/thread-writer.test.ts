// The SQLite writer thread as callers meet it: a failure on the thread arrives as the same error
// class it was there, writes go over in small messages without waiting for a busy turn to end, a
// dead thread fails what it had not answered as "store unavailable" and is replaced, closing
// answers everything queued first, and the checkpointer keeps the log short without any commit
// doing it.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { ThreadWriter } from '../../src/store/sqlite/thread-writer.js';
import { AccountExistsError, StoreUnavailableError, type Store } from '../../src/store/store.js';

let dir: string;
let file: string;
let store: Store | undefined;
let writer: ThreadWriter | undefined;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kassa24-writer-'));
  file = path.join(dir, 'kassa24.db');
  const migrating = await openStore(`sqlite:${file}`);
  await migrating.migrate();
  await migrating.close();
});
afterEach(async () => {
  await writer?.close();
  await store?.close();
  writer = store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('ThreadWriter', () => {
  it('commits on the thread and answers with plain data; a domain error keeps its class', async () => {
    writer = new ThreadWriter(file);
    const account = await writer.run('addAccount', { customerId: 'acc-1', currency: 'KZT' });
    expect(account).toMatchObject({ customerId: 'acc-1', currency: 'KZT', balance: 0, status: 'active' });
    const duplicate = writer.run('addAccount', { customerId: 'acc-1', currency: 'KZT' });
    await expect(duplicate).rejects.toBeInstanceOf(AccountExistsError);
    await expect(duplicate).rejects.toMatchObject({ customerId: 'acc-1' });
  });

  it('reports a write lock it cannot get as "store unavailable", then writes once the lock is gone', async () => {
    writer = new ThreadWriter(file, { busyTimeoutMs: 50 });
    await writer.run('ensureAccount', { customerId: 'acc-1', currency: 'KZT' });
    const other = new Database(file);
    other.exec('begin immediate');
    try {
      const refused = writer.run('addAccount', { customerId: 'acc-2', currency: 'KZT' });
      await expect(refused).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(refused).rejects.toMatchObject({ cause: { code: 'SQLITE_BUSY' } });
    } finally {
      other.exec('rollback');
      other.close();
    }
    await expect(writer.run('addAccount', { customerId: 'acc-2', currency: 'KZT' })).resolves.toMatchObject({ customerId: 'acc-2' });
  });

  it('fails what a dead thread had not answered as "store unavailable", and a new thread takes the next writes', async () => {
    writer = new ThreadWriter(file);
    await writer.run('ensureAccount', { customerId: 'acc-1', currency: 'KZT' });
    const pending = writer.run('addAccount', { customerId: 'acc-2', currency: 'KZT' });
    // Killed before it could take the message: the write it was sent is never made.
    await writer['worker']!.terminate();
    await expect(pending).rejects.toBeInstanceOf(StoreUnavailableError);
    // Right after a death writes fail fast instead of starting a thread per request…
    await expect(writer.run('addAccount', { customerId: 'acc-3', currency: 'KZT' })).rejects.toBeInstanceOf(StoreUnavailableError);
    // …and a second later a new thread serves them.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(writer.run('addAccount', { customerId: 'acc-3', currency: 'KZT' })).resolves.toMatchObject({ customerId: 'acc-3' });
  });

  it("hands a busy turn's writes over eight at a time, and the rest when the turn ends", async () => {
    writer = new ThreadWriter(file);
    await writer.run('ensureAccount', { customerId: 'acc-1', currency: 'KZT' });
    const worker = writer['worker']!;
    const sizes: number[] = [];
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message: { type: string; writes?: unknown[] }) => {
      if (message.type === 'writes') sizes.push(message.writes!.length);
      post(message);
    };
    const opening = Array.from({ length: 20 }, (_, i) =>
      writer!.run('openPayment', { paymentId: `p-${i}`, projectId: 1234, customerId: 'acc-1', amount: 100, currency: 'KZT' }),
    );
    // Two messages went over while the turn was still queueing writes.
    expect(sizes).toEqual([8, 8]);
    const opened = await Promise.all(opening);
    expect(sizes).toEqual([8, 8, 4]);
    expect(opened.map((o) => ('opened' in o ? o.opened.paymentId : o.refused))).toEqual(opening.map((_, i) => `p-${i}`));
  });

  it('reports the batches the thread committed, with the answers to their writes', async () => {
    writer = new ThreadWriter(file);
    const batches: number[] = [];
    writer.onCommit((writes, batchSeconds, commitSeconds) => {
      expect(commitSeconds).toBeGreaterThan(0);
      expect(batchSeconds).toBeGreaterThanOrEqual(commitSeconds);
      batches.push(writes);
    });
    await writer.run('ensureAccount', { customerId: 'acc-1', currency: 'KZT' });
    expect(batches).toEqual([1]);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        writer!.run('openPayment', { paymentId: `p-${i}`, projectId: 1234, customerId: 'acc-1', amount: 100, currency: 'KZT' }),
      ),
    );
    // However the thread grouped them, every write was in exactly one reported batch.
    expect(batches.reduce((sum, writes) => sum + writes, 0)).toBe(21);
  });

  it('on close, answers every write already queued before stopping the thread', async () => {
    writer = new ThreadWriter(file);
    await writer.run('ensureAccount', { customerId: 'acc-1', currency: 'KZT' });
    const writes = Array.from({ length: 50 }, (_, i) => writer!.run('addAccount', { customerId: `late-${i}`, currency: 'KZT' }));
    const closed = writer.close();
    await expect(Promise.all(writes)).resolves.toHaveLength(50);
    await closed;
    await expect(writer.run('addAccount', { customerId: 'after', currency: 'KZT' })).rejects.toBeInstanceOf(StoreUnavailableError);
    writer = undefined;
    const db = new Database(file, { readonly: true });
    expect((db.prepare("select count(*) n from accounts where customer_id like 'late-%'").get() as { n: number }).n).toBe(50);
    db.close();
  });

  it('closing while the thread dies still settles every write, and finishes', async () => {
    writer = new ThreadWriter(file);
    await writer.run('ensureAccount', { customerId: 'acc-1', currency: 'KZT' });
    const pending = writer.run('addAccount', { customerId: 'acc-2', currency: 'KZT' });
    const dying = writer['worker']!.terminate();
    const closed = writer.close();
    await dying;
    await expect(pending).rejects.toBeInstanceOf(StoreUnavailableError);
    const finished = await Promise.race([
      closed.then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still closing'), 5000)),
    ]);
    expect(finished).toBe('closed');
    writer = undefined;
  });

  it('keeps the write-ahead log checkpointed off the commit path', async () => {
    store = await openStore(`sqlite:${file}`);
    await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store!.openPayment({ paymentId: `p-${round}-${i}`, projectId: 1234, customerId: 'acc-1', amount: 100, currency: 'KZT' }),
        ),
      );
    }
    // The checkpointer runs every 100 ms; soon the database file alone, without its log, holds
    // every committed payment. Nobody else checkpoints here: the writer's own threshold is far away.
    let checkpointed = 0;
    for (let attempt = 0; attempt < 30 && checkpointed < 1000; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const copy = path.join(dir, `copy-${attempt}.db`);
      copyFileSync(file, copy);
      const db = new Database(copy, { readonly: true });
      try {
        checkpointed = (db.prepare("select count(*) n from payments where payment_id like 'p-%'").get() as { n: number }).n;
      } catch {
        // Copied while the checkpointer was writing pages: a torn copy, so it is at work. Again.
      } finally {
        db.close();
      }
    }
    expect(checkpointed).toBe(1000);
  });
});
