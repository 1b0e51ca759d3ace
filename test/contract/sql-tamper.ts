import type { SqlClient } from '#eventstore';

/** What an insider with database access could do; the hash chain must reveal it. */
export function sqlTamperers(sql: () => SqlClient) {
  return {
    tamper: async (streamId: string, revision: number) => {
      await sql().query(`UPDATE es_events SET data = jsonb_set(data, '{amount}', '"999.00"') WHERE stream_id = $1 AND revision = $2`, [streamId, revision]);
    },
    remove: async (streamId: string, revision: number) => {
      await sql().query('DELETE FROM es_events WHERE stream_id = $1 AND revision = $2', [streamId, revision]);
    },
  };
}
