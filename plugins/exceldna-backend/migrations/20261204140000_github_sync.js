// @ts-check

/**
 * GitHub sync state per entity, written by the scheduled sync task (one run across replicas) and
 * read by the builds route ("syncing" / last synced).
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('exceldna_github_sync', table => {
    table.string('entity_ref', 512).primary();
    /** When a sync of this entity started and has not finished yet. */
    table.timestamp('syncing_since');
    table.timestamp('last_synced_at');
    /** GitHub's answer was served from cache because GitHub failed: since when, why. */
    table.string('stale_since', 64);
    table.text('stale_reason');
    /** The last sync failed: why. */
    table.text('problem');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('exceldna_github_sync');
};
