// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  // The job queue and the history of reports (one table: a finished job is a report).
  await knex.schema.createTable('report_jobs', table => {
    table.string('id').primary();
    table.string('entity_ref').notNullable();
    table.string('template').notNullable();
    table.string('format').notNullable();
    table.string('status').notNullable(); // queued | rendering | done | failed
    table.integer('progress').notNullable().defaultTo(0);
    table.string('stage').nullable();
    table.text('error').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('size').nullable();
    table.integer('pages').nullable();
    table.index(['status', 'created_at']);
    table.index(['entity_ref', 'created_at']);
  });
  // PDFs (and first-page previews) in the database by default; `reports.storage.directory` keeps them on disk instead.
  await knex.schema.createTable('report_files', table => {
    table.string('job_id').primary().references('id').inTable('report_jobs').onDelete('CASCADE');
    table.binary('pdf').nullable();
    table.binary('preview').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('report_files');
  await knex.schema.dropTable('report_jobs');
};
