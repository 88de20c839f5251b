// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('secret_audit', table => {
    table.bigIncrements('id').primary();
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('actor').notNullable();
    table.string('action').notNullable();
    table.string('entity_ref').nullable();
    table.string('environment').nullable();
    table.string('name').nullable();
    table.integer('version').nullable();
    table.string('source').notNullable();
    table.text('detail').nullable();
    table.index(['entity_ref', 'at']);
    table.index(['at']);
  });
  // Append-only in the database itself, not only in the code: updates and deletes are refused.
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE FUNCTION secret_audit_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'secret_audit is append-only'; END;
      $$ LANGUAGE plpgsql`);
    await knex.raw(`
      CREATE TRIGGER secret_audit_append_only BEFORE UPDATE OR DELETE ON secret_audit
      FOR EACH ROW EXECUTE FUNCTION secret_audit_append_only()`);
  } else {
    for (const op of ['UPDATE', 'DELETE']) {
      await knex.raw(`
        CREATE TRIGGER secret_audit_no_${op.toLowerCase()} BEFORE ${op} ON secret_audit
        BEGIN SELECT RAISE(ABORT, 'secret_audit is append-only'); END`);
    }
  }
  // Expiry / rotate-by lives on the version; soft delete records who deleted it.
  await knex.schema.alterTable('secret_heads', table => {
    table.string('deleted_by').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('secret_heads', table => {
    table.dropColumn('deleted_by');
  });
  await knex.schema.dropTable('secret_audit');
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP FUNCTION IF EXISTS secret_audit_append_only()');
  }
};
