// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  // A report belongs to its creator: `created_by` is their entity ref alone (scheduled jobs
  // said "user:... (schedule <cron>)"); `schedule_id` marks the ones a schedule made.
  await knex.schema.alterTable('report_jobs', table => {
    table.string('schedule_id').nullable();
    table.index(['created_by', 'status'], 'report_jobs_created_by_status_idx');
  });
  await knex.schema.alterTable('report_schedules', table => {
    table.index(['created_by'], 'report_schedules_created_by_idx');
  });
  const scheduled = await knex('report_jobs').where('created_by', 'like', '% (schedule %').select('id', 'created_by');
  for (const row of scheduled) {
    await knex('report_jobs').where({ id: row.id }).update({ created_by: String(row.created_by).replace(/ \(schedule .*\)$/, '') });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('report_schedules', table => {
    table.dropIndex(['created_by'], 'report_schedules_created_by_idx');
  });
  await knex.schema.alterTable('report_jobs', table => {
    table.dropIndex(['created_by', 'status'], 'report_jobs_created_by_status_idx');
    table.dropColumn('schedule_id');
  });
};
