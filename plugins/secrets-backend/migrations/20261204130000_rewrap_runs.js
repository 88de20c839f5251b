// @ts-check

/**
 * The re-wrap status, shared by every replica: the latest run (whichever replica ran it, by
 * schedule or on demand), updated after each batch. One row, id 'latest'.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rewrap_runs', table => {
    table.string('id', 16).primary();
    table.string('actor').notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('rewrapped').notNullable().defaultTo(0);
    table.text('error').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('rewrap_runs');
};
