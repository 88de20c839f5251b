// @ts-check

/**
 * Uploads per external-access token per window (exceldna.uploads.perTokenPerHour), counted in the
 * database so the limit holds across replicas.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('exceldna_upload_counts', table => {
    /** The token's principal subject, e.g. `external:ci-addin`. */
    table.string('subject', 255).notNullable();
    /** Start of the window, epoch milliseconds. */
    table.bigInteger('window_start').notNullable();
    table.integer('count').notNullable();
    table.primary(['subject', 'window_start']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('exceldna_upload_counts');
};
