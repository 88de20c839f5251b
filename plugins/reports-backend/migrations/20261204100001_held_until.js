// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  // Until when the replica that took a request holds its requester's credentials (in memory):
  // other replicas leave the job to it until then, so it is rendered on the requester's behalf.
  await knex.schema.alterTable('report_jobs', table => {
    table.timestamp('held_until', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('report_jobs', table => {
    table.dropColumn('held_until');
  });
};
