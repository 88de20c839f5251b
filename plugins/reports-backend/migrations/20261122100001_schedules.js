// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  // A cron schedule per template and entity; the reports-schedules task queues due ones.
  await knex.schema.createTable('report_schedules', table => {
    table.string('id').primary();
    table.string('entity_ref').notNullable();
    table.string('template').notNullable();
    table.string('format').notNullable();
    table.string('cron').notNullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('next_run_at', { useTz: true }).notNullable();
    table.timestamp('last_run_at', { useTz: true }).nullable();
    table.string('last_job_id').nullable();
    table.index(['next_run_at']);
    table.index(['entity_ref']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('report_schedules');
};
