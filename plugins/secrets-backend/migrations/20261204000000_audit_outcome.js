// @ts-check

/**
 * Denied reveals and exports are audited too: `outcome` says whether the action was done.
 * Adding a column is not an UPDATE, so the append-only triggers stay as they are.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('secret_audit', table => {
    table.string('outcome', 16).notNullable().defaultTo('allowed');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('secret_audit', table => {
    table.dropColumn('outcome');
  });
};
