// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  // One row per (entity, environment, NAME): the current version and soft-delete state.
  await knex.schema.createTable('secret_heads', table => {
    table.string('entity_ref').notNullable();
    table.string('environment').notNullable();
    table.string('name').notNullable();
    table.integer('current_version').notNullable();
    table.timestamp('deleted_at', { useTz: true }).nullable();
    table.primary(['entity_ref', 'environment', 'name']);
  });
  // Every version ever written; values only as envelope-encrypted parts.
  await knex.schema.createTable('secret_versions', table => {
    table.string('entity_ref').notNullable();
    table.string('environment').notNullable();
    table.string('name').notNullable();
    table.integer('version').notNullable();
    table.string('kek_id').notNullable();
    table.binary('wrapped_key').notNullable();
    table.binary('nonce').notNullable();
    table.binary('ciphertext').notNullable();
    table.binary('tag').notNullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.text('description').nullable();
    table.timestamp('rotate_by', { useTz: true }).nullable();
    table.primary(['entity_ref', 'environment', 'name', 'version']);
    table.index(['kek_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('secret_versions');
  await knex.schema.dropTable('secret_heads');
};
