// The schema's migrations, in order. Kept apart from the migrations themselves so that a start-up
// on an up-to-date database can tell without loading the migrator.
export const MIGRATION_NAMES = [
  '0001_initial',
  '0002_payment_expiry',
  '0003_callbacks_keyed_by_payment',
  '0004_no_customer_index_on_sqlite',
  '0005_accounts_without_rowid_on_sqlite',
  '0006_payment_status_check_as_comparisons_on_sqlite',
  '0007_unsettled_payments_index_on_sqlite',
  '0008_adjustments_reviews_and_audit_log',
  '0009_callback_source',
  '0010_reconciliation_runs',
  '0011_callback_plan_executor',
  '0012_operator_read_indexes',
  '0013_ledger_by_customer',
  '0014_reconciliation_findings_kept',
  '0015_overview_indexes',
  '0016_status_checks',
  '0017_payments_settled_by_hand',
  '0018_adjustments_by_creation',
  '0019_callback_plan_answers_account_open',
  '0020_adjustments_name_their_payment',
] as const;
