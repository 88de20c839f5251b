// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  // The Reports page lists the newest reports of all entities.
  await knex.schema.alterTable('report_jobs', table => {
    table.index(['created_at'], 'report_jobs_created_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('report_jobs', table => {
    table.dropIndex(['created_at'], 'report_jobs_created_at_idx');
  });
};
