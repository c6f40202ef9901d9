// Migrations 0011 and 0019: the function that runs a callback's predicted plan (ledger/callback-plan.ts,
// predictPlan) on PostgreSQL as one statement — one round trip, committed or undone as a whole. It
// decides nothing: it executes the plan's steps in the plan's order and checks every answer the plan
// was decided on; on any difference it raises serialization_failure, which undoes the statement,
// and the store applies the callback step by step instead (exact-paths.ts). Append only: a later
// change is a new migration with `create or replace`, each version's text kept as it was released.
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { Dialect } from '../migrations.js';

/** The SQLSTATE the executor raises when what the plan was decided on has changed. */
export const PLAN_STALE = '40001';

/** 0011's credit: adds the amount, answers nothing. */
const CREDIT_0011 = sql`
              update accounts set balance = balance + (step->'payment'->>'amount')::bigint, updated_at = p_received_at
               where customer_id = step->'payment'->>'customerId';`;

/** 0019's credit: answers whether the account is open, so that a credit to a closed one is kept for review. */
const CREDIT_0019 = sql`
              update accounts set balance = balance + (step->'payment'->>'amount')::bigint, updated_at = p_received_at
               where customer_id = step->'payment'->>'customerId'
              returning status = 'active' into answer;`;

function executorMigration(dialect: Dialect, create: RawBuilder<unknown>, creditStep: RawBuilder<unknown>): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await sql`
        ${create} k24_run_callback_plan(
          p_body_sha256 text, p_project_id bigint, p_payment_id text, p_status text, p_raw_body text,
          p_headers text, p_received_at text, p_source text, p_payment_version xid, p_steps jsonb
        ) returns void language plpgsql as $plan$
        declare
          step jsonb;
          callback_id bigint;
          version xid;
          answer boolean;
          plan_result text;
          plan_reason text;
        begin
          -- The plan's result is written with the callback's row rather than by updating it: one
          -- version of a row that carries the whole body, not two. Nobody sees it before commit.
          select s->>'result', s->>'reviewReason' into plan_result, plan_reason
            from jsonb_array_elements(p_steps) s where s->>'step' = 'recordResult';
          for step in select value from jsonb_array_elements(p_steps) loop
            case step->>'step'
            when 'storeCallback' then
              insert into callbacks (body_sha256, project_id, payment_id, status, raw_body, headers, received_at,
                                     last_received_at, deliveries, result, review_reason, source)
              values (p_body_sha256, p_project_id, p_payment_id, p_status, p_raw_body, p_headers, p_received_at,
                      p_received_at, 1, coalesce(plan_result, 'pending'), plan_reason, p_source)
              on conflict (payment_id, body_sha256) do nothing
              returning id into callback_id;
              answer := found;
            when 'countDelivery' then
              update callbacks set deliveries = deliveries + 1, last_received_at = p_received_at
               where payment_id = p_payment_id and body_sha256 = p_body_sha256;
            when 'lockPayment' then
              select xmin into version from payments where payment_id = p_payment_id for update;
              answer := found;
              -- The row version read before deciding must be the one now locked.
              if found and version is distinct from p_payment_version then
                raise exception 'k24: payment % changed since the plan was decided', p_payment_id using errcode = ${sql.lit(PLAN_STALE)};
              end if;
            when 'insertLedgerEntry' then
              insert into ledger_entries (payment_id, customer_id, amount, currency, callback_id, created_at)
              values (step->'payment'->>'paymentId', step->'payment'->>'customerId', (step->'payment'->>'amount')::bigint,
                      step->'payment'->>'currency', callback_id, p_received_at)
              on conflict (payment_id) do nothing;
              answer := found;
            when 'creditBalance' then${creditStep}
            when 'updatePayment' then
              update payments set status = coalesce(step->>'setStatus', status),
                                  last_callback_status = coalesce(step->>'lastCallbackStatus', last_callback_status),
                                  updated_at = p_received_at
               where payment_id = step->>'paymentId';
            when 'recordResult' then
              null; -- written with the callback's row (above)
            else
              raise exception 'k24: unknown callback plan step %', step->>'step';
            end case;
            if step ? 'expect' and answer is distinct from (step->>'expect')::boolean then
              raise exception 'k24: % answered %, the plan for payment % was decided on %', step->>'step', answer, p_payment_id,
                step->>'expect' using errcode = ${sql.lit(PLAN_STALE)};
            end if;
          end loop;
        end
        $plan$`.execute(db);
    },
  };
}

export const callbackPlanExecutor = (dialect: Dialect): Migration => executorMigration(dialect, sql`create function`, CREDIT_0011);

export const callbackPlanAnswersAccountOpen = (dialect: Dialect): Migration =>
  executorMigration(dialect, sql`create or replace function`, CREDIT_0019);
