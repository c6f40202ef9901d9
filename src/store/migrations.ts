// Schema migrations, applied at start-up (and by `cli migrate`). Append only: a released migration
// is never edited. The same migrations serve SQLite and PostgreSQL.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { MIGRATION_NAMES } from './migration-names.js';
import { callbackPlanAnswersAccountOpen, callbackPlanExecutor } from './postgres/callback-plan-executor.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * SQLite cannot alter a table's constraints or storage: the table is rebuilt instead
 * (sqlite.org/lang_altertable.html, "other kinds of table schema changes"), in one transaction with
 * foreign keys off so that the tables referring to it survive, and checked before committing.
 */
async function rebuildSqliteTable(db: Kysely<unknown>, table: string, rebuild: () => Promise<void>): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    await rebuild();
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length > 0) throw new Error(`foreign key check failed after rebuilding ${table}: ${JSON.stringify(broken.rows)}`);
    await sql`commit`.execute(db);
  } catch (error) {
    await sql`rollback`.execute(db).catch(() => undefined);
    throw error;
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

/** A migration that only SQLite needs, made of one table rebuild (PostgreSQL: nothing to do). */
function sqliteRebuild(dialect: Dialect, table: string, rebuild: (db: Kysely<unknown>) => Promise<void>): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'sqlite') await rebuildSqliteTable(db, table, () => rebuild(db));
    },
  };
}

function initial(dialect: Dialect): Migration {
  const id = dialect === 'sqlite' ? 'integer' : 'bigserial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('accounts')
        .addColumn('customer_id', 'text', (c) => c.primaryKey())
        .addColumn('currency', 'text', (c) => c.notNull().check(sql`length(currency) = 3`))
        .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'closed')`))
        .addColumn('additional_customer_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('payments')
        .addColumn('payment_id', 'text', (c) => c.primaryKey())
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('accounts.customer_id'))
        .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'success', 'failed')`))
        .addColumn('last_callback_status', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('payments_by_customer').on('payments').columns(['customer_id', 'created_at']).execute();
      await db.schema.createIndex('payments_by_status').on('payments').columns(['status', 'created_at']).execute();
      await db.schema
        .createTable('callbacks')
        .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        // One row per distinct body: a redelivery bumps `deliveries` instead of adding a row.
        .addColumn('body_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('payment_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('raw_body', 'text', (c) => c.notNull())
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('last_received_at', 'text', (c) => c.notNull())
        .addColumn('deliveries', 'integer', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('review_reason', 'text')
        .execute();
      await db.schema.createIndex('callbacks_by_payment').on('callbacks').columns(['payment_id', 'id']).execute();
      await db.schema
        .createTable('ledger_entries')
        .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        // The guarantee itself: a payment can be credited once, whatever the code above it does.
        .addColumn('payment_id', 'text', (c) => c.notNull().unique().references('payments.payment_id'))
        .addColumn('customer_id', 'text', (c) => c.notNull().references('accounts.customer_id'))
        .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('callback_id', 'bigint', (c) => c.notNull().references('callbacks.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('rejected_callbacks')
        .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('body_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('raw_body', 'text', (c) => c.notNull())
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('last_received_at', 'text', (c) => c.notNull())
        .addColumn('deliveries', 'integer', (c) => c.notNull())
        .execute();
    },
  };
}

// Payments pending past the method's 36-day threshold can be marked expired.
function paymentExpiry(dialect: Dialect): Migration {
  const statuses = sql`status in ('pending', 'success', 'failed', 'expired')`;
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`alter table payments drop constraint payments_status_check, add constraint payments_status_check check (${statuses})`.execute(
          db,
        );
        return;
      }
      // SQLite cannot alter a CHECK: rebuild the table (sqlite.org/lang_altertable.html, "other
      // kinds of table schema changes"), with foreign keys off so that ledger_entries survives.
      await rebuildSqliteTable(db, 'payments', async () => {
        await db.schema
          .createTable('payments_next')
          .addColumn('payment_id', 'text', (c) => c.primaryKey())
          .addColumn('project_id', 'bigint', (c) => c.notNull())
          .addColumn('customer_id', 'text', (c) => c.notNull().references('accounts.customer_id'))
          .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
          .addColumn('currency', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull().check(statuses))
          .addColumn('last_callback_status', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await sql`insert into payments_next select * from payments`.execute(db);
        await sql`drop table payments`.execute(db);
        await sql`alter table payments_next rename to payments`.execute(db);
        await db.schema.createIndex('payments_by_customer').on('payments').columns(['customer_id', 'created_at']).execute();
        await db.schema.createIndex('payments_by_status').on('payments').columns(['status', 'created_at']).execute();
      });
    },
  };
}

// Callbacks are told apart by (payment_id, body hash) instead of the hash alone: the same thing —
// a body names its payment — but payment ids are time-ordered (UUIDv7) and callbacks follow their
// payments, so the key's pages are written nearly in order; keyed by the hash alone, every callback
// dirtied a random page of that index, and that page's worth of write-ahead log. The key also
// serves listing a payment's callbacks, so callbacks_by_payment goes.
function callbacksKeyedByPayment(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`alter table callbacks drop constraint callbacks_body_sha256_key, add constraint callbacks_payment_body_key unique (payment_id, body_sha256)`.execute(
          db,
        );
        await sql`drop index callbacks_by_payment`.execute(db);
        return;
      }
      // SQLite cannot change a table's constraints: rebuild it, ids kept (ledger_entries refers to
      // them), foreign keys off meanwhile and checked before committing.
      await rebuildSqliteTable(db, 'callbacks', async () => {
        await db.schema
          .createTable('callbacks_next')
          .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
          .addColumn('body_sha256', 'text', (c) => c.notNull())
          .addColumn('project_id', 'bigint', (c) => c.notNull())
          .addColumn('payment_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('raw_body', 'text', (c) => c.notNull())
          .addColumn('headers', 'text', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .addColumn('last_received_at', 'text', (c) => c.notNull())
          .addColumn('deliveries', 'integer', (c) => c.notNull())
          .addColumn('result', 'text', (c) => c.notNull())
          .addColumn('review_reason', 'text')
          .addUniqueConstraint('callbacks_payment_body_key', ['payment_id', 'body_sha256'])
          .execute();
        const columns = sql.raw(
          'id, body_sha256, project_id, payment_id, status, raw_body, headers, received_at, last_received_at, deliveries, result, review_reason',
        );
        await sql`insert into callbacks_next (${columns}) select ${columns} from callbacks`.execute(db);
        await sql`drop table callbacks`.execute(db);
        await sql`alter table callbacks_next rename to callbacks`.execute(db);
      });
    },
  };
}

// SQLite: no index of payments by customer. Every deposit put an entry into it for a random
// customer, i.e. dirtied a random leaf page, and each such page is 4 kB more in the write-ahead log
// of the batch that holds the deposit (and one more page for the checkpointer to copy), while the
// rest of a deposit's writes (table, payment id, status) are time-ordered. Only the operator's
// `payments list --customer-id` read it; that now scans the table. PostgreSQL, meant for larger and
// multi-instance deployments where operators query more, keeps it.
function noCustomerIndexOnSqlite(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'sqlite') await sql`drop index if exists payments_by_customer`.execute(db);
    },
  };
}

// SQLite: accounts stored in their primary key's B-tree (WITHOUT ROWID). As a rowid table, finding
// an account by customer id took two descents — the key's index to a rowid, then the table — and
// two pages of different trees per account to keep in cache, which at a million accounts no longer
// fits the readers' cache; in their own B-tree, one descent, and a smaller file. Every statement on
// accounts is by customer id, which stays the key; nothing refers to an account's rowid.
// PostgreSQL's tables are heaps beside their indexes either way: nothing to do.
function accountsWithoutRowidOnSqlite(dialect: Dialect): Migration {
  return sqliteRebuild(dialect, 'accounts', async (db) => {
    await db.schema
      .createTable('accounts_next')
      .addColumn('customer_id', 'text', (c) => c.primaryKey())
      .addColumn('currency', 'text', (c) => c.notNull().check(sql`length(currency) = 3`))
      .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'closed')`))
      .addColumn('additional_customer_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .modifyEnd(sql`without rowid`)
      .execute();
    const columns = sql.raw('customer_id, currency, balance, status, additional_customer_id, created_at, updated_at');
    await sql`insert into accounts_next (${columns}) select ${columns} from accounts`.execute(db);
    await sql`drop table accounts`.execute(db);
    await sql`alter table accounts_next rename to accounts`.execute(db);
  });
}

// SQLite: the payment status CHECK as comparisons. SQLite evaluates `x in (list)` of more than two
// constants by building a temporary B-tree of the list, every time the constraint is checked — on
// every new payment and every status change, a noticeable share of the writer's work. `=`
// comparisons joined by `or` allow exactly the same values and build nothing.
// PostgreSQL evaluates the list as it is: nothing to do there.
function paymentStatusCheckAsComparisonsOnSqlite(dialect: Dialect): Migration {
  return sqliteRebuild(dialect, 'payments', async (db) => {
    await db.schema
      .createTable('payments_next')
      .addColumn('payment_id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'bigint', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('accounts.customer_id'))
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status = 'pending' or status = 'success' or status = 'failed' or status = 'expired'`),
      )
      .addColumn('last_callback_status', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    const columns = sql.raw('payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at');
    await sql`insert into payments_next (${columns}) select ${columns} from payments`.execute(db);
    await sql`drop table payments`.execute(db);
    await sql`alter table payments_next rename to payments`.execute(db);
    // payments_by_customer is gone on SQLite since 0004.
    await db.schema.createIndex('payments_by_status').on('payments').columns(['status', 'created_at']).execute();
  });
}

// SQLite: the status index keeps only payments not settled as success. Every successful callback
// moved its payment's entry from ('pending', t) to ('success', t) — a delete and an insert; now
// its entry is only deleted. What reads the index is expiry (pending payments) and an operator's
// listing of pending, failed or expired payments; listing successful ones, most of the table,
// scans it, which is what the planner would choose for them anyway. The index stays as small as
// the unsettled payments however many succeed. SQLite uses a partial index only when the query's
// WHERE carries the index's own condition as written (sqlite.org/partialindex.html), so the
// statements that read it say `status <> 'success'` (UNSETTLED, sqlite/statements.ts). PostgreSQL keeps its
// full index: its planner and its heap-only updates make the trade a different one.
function unsettledPaymentsIndexOnSqlite(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'sqlite') return;
      await sql`drop index if exists payments_by_status`.execute(db);
      await sql`create index payments_unsettled on payments (status, created_at) where status <> 'success'`.execute(db);
    },
  };
}

// Operators' corrections and their trail. An adjustment is a ledger entry of its own, signed, never
// an edit of a credit; its idempotency key makes a retried request write nothing twice. A flagged
// callback gets a review (who, when, a note) beside it. The audit log holds every operator action,
// refused ones too, written in the transaction of the action's effect.
function adjustmentsReviewsAndAuditLog(dialect: Dialect): Migration {
  const id = dialect === 'sqlite' ? 'integer' : 'bigserial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('adjustments')
        .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('accounts.customer_id'))
        .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount <> 0`))
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(reason) > 0`))
        .addColumn('callback_id', 'bigint', (c) => c.references('callbacks.id'))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('adjustments_by_customer').on('adjustments').columns(['customer_id', 'id']).execute();
      await db.schema.alterTable('callbacks').addColumn('reviewed_at', 'text').execute();
      await db.schema.alterTable('callbacks').addColumn('reviewed_by', 'text').execute();
      await db.schema.alterTable('callbacks').addColumn('review_note', 'text').execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('done', 'refused')`))
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

// Where a callback's facts came from: the platform's delivery, a Gate status request made by
// `payments sync`, or a reconciliation against the platform's records. Every one of them is applied
// by the same exactly-once path; the source tells an operator which.
function callbackSource(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('callbacks')
        .addColumn('source', 'text', (c) => c.notNull().defaultTo('callback'))
        .execute();
    },
  };
}

// Each reconciliation run and what it found, so that operators can read them later: the run's
// period, source and counts, and one row per discrepancy (platform and ledger sides as JSON).
function reconciliationRuns(dialect: Dialect): Migration {
  const id = dialect === 'sqlite' ? 'integer' : 'bigserial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('reconciliation_runs')
        .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('period_from', 'text')
        .addColumn('period_to', 'text')
        .addColumn('applied', 'integer', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('discrepancies', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('reconciliation_discrepancies')
        .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('run_id', 'bigint', (c) => c.notNull().references('reconciliation_runs.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payment_id', 'text', (c) => c.notNull())
        .addColumn('platform', 'text')
        .addColumn('ledger', 'text')
        .addColumn('applied', 'text')
        .execute();
      await db.schema.createIndex('discrepancies_by_run').on('reconciliation_discrepancies').columns(['run_id', 'id']).execute();
    },
  };
}

// What the operator's lists read, so that a page costs a page, not a scan of the table:
// - payments by creation (newest first, paged by created_at and payment id; the date filters). A
//   deposit adds its entry at the newest end (created_at only grows) and nothing updates the two
//   columns, so on SQLite a callback never touches it; on PostgreSQL a callback's update of the
//   indexed status column writes an entry into every index already.
// - accounts by creation, likewise (the accounts list); written when an account is added, never by
//   a credit.
// - the callbacks kept for review, a partial index as small as the review queue: a callback that
//   is not flagged adds nothing to it.
function operatorReadIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('payments_by_creation').on('payments').columns(['created_at', 'payment_id']).execute();
      await db.schema.createIndex('accounts_by_creation').on('accounts').columns(['created_at', 'customer_id']).execute();
      await db.schema
        .createIndex('callbacks_for_review')
        .on('callbacks')
        .column('id')
        .where(sql.ref('review_reason'), 'is not', null)
        .execute();
    },
  };
}

// An account's statement (the admin API's ledger, the console's account page) reads its credits and
// its adjustments newest first, in (created_at, id) order: without these each page read every credit
// of every account, and sorted the account's adjustments. Each credit writes one index entry more,
// in its own transaction.
function ledgerByCustomer(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('ledger_by_customer').on('ledger_entries').columns(['customer_id', 'created_at', 'id']).execute();
      await db.schema
        .createIndex('adjustments_by_customer_in_time')
        .on('adjustments')
        .columns(['customer_id', 'created_at', 'id'])
        .execute();
      await db.schema.dropIndex('adjustments_by_customer').execute();
    },
  };
}

// A run keeps only so many findings of each kind: the runs say how many of those found are kept.
// Runs recorded before kept every one.
function reconciliationFindingsKept(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('reconciliation_runs')
        .addColumn('discrepancies_kept', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update reconciliation_runs set discrepancies_kept = discrepancies`.execute(db);
    },
  };
}

// The overview's figures read time ranges: the amounts credited in a period and on each day, and the
// latest delivery of any callback. Without these each was a read of the whole table. Both grow at
// their newest end (a credit's time and a delivery's time only grow), so a batch of writes shares
// their last page.
function overviewIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('ledger_by_creation').on('ledger_entries').columns(['created_at', 'amount']).execute();
      await db.schema.createIndex('callbacks_by_last_delivery').on('callbacks').column('last_received_at').execute();
    },
  };
}

// The ledger of a period (the admin API's, `ledger export`) reads adjustments by time as it reads
// credits; adjustments are few, but without this every page read them all.
function adjustmentsByCreation(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('adjustments_by_creation').on('adjustments').columns(['created_at', 'id']).execute();
    },
  };
}

const MIGRATIONS: Record<(typeof MIGRATION_NAMES)[number], (dialect: Dialect) => Migration> = {
  '0001_initial': initial,
  '0002_payment_expiry': paymentExpiry,
  '0003_callbacks_keyed_by_payment': callbacksKeyedByPayment,
  '0004_no_customer_index_on_sqlite': noCustomerIndexOnSqlite,
  '0005_accounts_without_rowid_on_sqlite': accountsWithoutRowidOnSqlite,
  '0006_payment_status_check_as_comparisons_on_sqlite': paymentStatusCheckAsComparisonsOnSqlite,
  '0007_unsettled_payments_index_on_sqlite': unsettledPaymentsIndexOnSqlite,
  '0008_adjustments_reviews_and_audit_log': adjustmentsReviewsAndAuditLog,
  '0009_callback_source': callbackSource,
  '0010_reconciliation_runs': reconciliationRuns,
  '0011_callback_plan_executor': callbackPlanExecutor,
  '0012_operator_read_indexes': operatorReadIndexes,
  '0013_ledger_by_customer': ledgerByCustomer,
  '0014_reconciliation_findings_kept': reconciliationFindingsKept,
  '0015_overview_indexes': overviewIndexes,
  '0016_status_checks': statusChecks,
  '0017_payments_settled_by_hand': paymentsSettledByHand,
  '0018_adjustments_by_creation': adjustmentsByCreation,
  '0019_callback_plan_answers_account_open': callbackPlanAnswersAccountOpen,
  '0020_adjustments_name_their_payment': adjustmentsNameTheirPayment,
  '0021_ledger_feed': ledgerFeed,
  '0022_job_runs': jobRuns,
};

// When a status sync last asked the Gate about each payment. Ordered by it, a sync asks the payments
// never asked before the ones asked again and again: a payment the platform never settles would
// otherwise hold its place at the head of every run and keep a lost success from being asked.
// A table of its own: the payments table, written on every deposit and callback, is left as it was.
function statusChecks(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('status_checks')
        .addColumn('payment_id', 'text', (c) => c.primaryKey().references('payments.payment_id'))
        .addColumn('last_asked_at', 'text', (c) => c.notNull())
        .addColumn('asks', 'integer', (c) => c.notNull())
        .addColumn('last_outcome', 'text', (c) => c.notNull())
        .addColumn('last_platform_status', 'text')
        .execute();
    },
  };
}

// The operator's adjustment that paid a payment by hand. On the payment's own row, so that the
// callback that would credit it reads it with the payment, under the same lock and row version.
function paymentsSettledByHand(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('payments')
        .addColumn('settled_by_adjustment', 'bigint', (c) => c.references('adjustments.id'))
        .execute();
    },
  };
}

// The payment an adjustment was asked to pay by hand, as asked: a retry of its idempotency key is the
// same request only if it names the same payment.
function adjustmentsNameTheirPayment(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('adjustments')
        .addColumn('payment_id', 'text', (c) => c.references('payments.payment_id'))
        .execute();
    },
  };
}

// The ledger feed (ledger-feed.ts) on PostgreSQL: each entry names the transaction that wrote it, and
// is read in (tx, id) order only below the oldest transaction still open, so that an entry committed
// after a later id was read is not skipped. Added with a constant default (no rewrite; entries
// written before read as transaction 0, all committed), then defaulting to the writer's own. One
// index entry more per credit. SQLite's ids are already the order its one writer commits in.
function ledgerFeed(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      for (const table of ['ledger_entries', 'adjustments']) {
        await sql`alter table ${sql.table(table)} add column tx xid8 not null default '0'`.execute(db);
        await sql`alter table ${sql.table(table)} alter column tx set default pg_current_xact_id()`.execute(db);
        await db.schema.createIndex(`${table}_in_feed_order`).on(table).columns(['tx', 'id']).execute();
      }
    },
  };
}

// The last run of each job the service runs by itself, for operators who watch no metrics: a row a
// job, replaced at each run's end, so that it never grows.
function jobRuns(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('job_runs')
        .addColumn('job', 'text', (c) => c.primaryKey())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome = 'done' or outcome = 'failed'`))
        .addColumn('error', 'text')
        .addColumn('last_done_at', 'text')
        .execute();
    },
  };
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations() {
      return Promise.resolve(Object.fromEntries(MIGRATION_NAMES.map((name) => [name, MIGRATIONS[name](dialect)])));
    },
  };
}

/**
 * The migrator for a database. On PostgreSQL its bookkeeping tables are named in the connection's
 * current schema: left unnamed, Kysely looks for them in every schema of the database and, finding
 * another schema's (a second deployment, another application), never creates this one's — the
 * migration then fails with "relation kysely_migration_lock does not exist".
 */
export async function migratorFor<DB>(db: Kysely<DB>, dialect: Dialect): Promise<Migrator> {
  const provider = migrationProvider(dialect);
  if (dialect === 'sqlite') return new Migrator({ db, provider });
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema)
    throw new Error('PostgreSQL: no current schema (search_path names no schema that exists); create the schema or fix search_path');
  return new Migrator({ db, provider, migrationTableSchema: schema });
}

/** Throws, naming the migration, when a migrator's run failed. */
export function throwIfMigrationFailed({ error, results }: MigrationResultSet): void {
  const failed = results?.find((r) => r.status === 'Error');
  if (!error && !failed) return;
  const reason = error instanceof Error ? error.message : error === undefined ? 'unknown error' : JSON.stringify(error);
  throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${reason}`, { cause: error });
}
