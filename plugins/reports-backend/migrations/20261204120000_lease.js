// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  // Which replica renders a job, and until when its claim holds unless renewed (the replica
  // renews it while rendering). A replica killed mid-job stops renewing; once the lease has run
  // out another replica takes the job over, and only the claimant's completion is stored.
  await knex.schema.alterTable('report_jobs', table => {
    table.string('claimed_by').nullable();
    table.timestamp('lease_until', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('report_jobs', table => {
    table.dropColumn('claimed_by');
    table.dropColumn('lease_until');
  });
};
