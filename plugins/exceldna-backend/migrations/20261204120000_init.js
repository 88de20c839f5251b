// @ts-check

/**
 * Excel-DNA builds: every .xll kept once by sha256 with its inspection; builds (a GitHub workflow
 * run, or a CI upload) of a catalog entity point at their files.
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('exceldna_files', table => {
    table.string('sha256', 64).primary();
    table.bigInteger('size').notNullable();
    table.binary('content').notNullable();
    table.text('inspection').notNullable();
    table.timestamp('inspected_at').notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('exceldna_builds', table => {
    table.increments('id');
    table.string('entity_ref', 512).notNullable();
    table.string('source', 16).notNullable();
    /** GitHub run id, or the uploader's build key. */
    table.string('build_key', 255).notNullable();
    table.string('version', 255);
    table.string('branch', 255);
    table.string('commit_sha', 64);
    table.string('url', 1024);
    table.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
    table.unique(['entity_ref', 'source', 'build_key']);
    table.index(['entity_ref', 'created_at']);
  });
  await knex.schema.createTable('exceldna_build_files', table => {
    table.integer('build_id').notNullable().references('id').inTable('exceldna_builds').onDelete('CASCADE');
    table.string('file_name', 255).notNullable();
    table.string('sha256', 64).notNullable().references('sha256').inTable('exceldna_files');
    table.primary(['build_id', 'file_name']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('exceldna_build_files');
  await knex.schema.dropTable('exceldna_builds');
  await knex.schema.dropTable('exceldna_files');
};
