/**
 * @module store/export-jobs
 * The SQL of Bulk Data export jobs (migration 0008): the job rows, their leases (FOR UPDATE SKIP LOCKED,
 * so several Lots processes share the jobs), and the NDJSON chunks the output files are made of.
 */
import type { Db } from './db/db.js';
import type { ExportJob, ExportJobs, ExportStatus } from './store.js';

interface JobRow {
  id: string;
  owner_key: string;
  owner: unknown;
  request: string;
  params: unknown;
  transaction_time: string;
  status: ExportStatus;
  cursor: unknown;
  resources: string;
  error: string | null;
  last_polled_at: string | null;
}

const INSTANT = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const COLUMNS = `id, owner_key, owner, request, params, ${INSTANT('transaction_time')} as transaction_time, status, cursor, resources::text, error, ${INSTANT('last_polled_at')} as last_polled_at`;

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

function toJob(r: JobRow): ExportJob {
  const job: ExportJob = {
    id: r.id,
    ownerKey: r.owner_key,
    owner: json(r.owner),
    request: r.request,
    params: json(r.params),
    transactionTime: r.transaction_time,
    status: r.status,
    cursor: json(r.cursor),
    resources: Number(r.resources),
  };
  if (r.error) job.error = r.error;
  if (r.last_polled_at) job.lastPolledAt = r.last_polled_at;
  return job;
}

// Chunks are read a few at a time, so a large file never sits whole in memory.
const CHUNKS_PER_READ = 8;

export function createExportJobs(db: Db): ExportJobs {
  return {
    async create(j) {
      await db.query(
        `insert into export_job (id, owner_key, owner, request, params, transaction_time) values ($1, $2, $3::jsonb, $4, $5::jsonb, $6)`,
        [j.id, j.ownerKey, JSON.stringify(j.owner), j.request, JSON.stringify(j.params), j.transactionTime],
      );
    },

    async get(id) {
      const rows = await db.query<JobRow>(`select ${COLUMNS} from export_job where id = $1`, [id]);
      return rows[0] && toJob(rows[0]);
    },

    async polled(id) {
      const rows = await db.query<{ previous: string | null }>(
        `update export_job j set last_polled_at = now() from (select id, last_polled_at from export_job where id = $1 for update) p
         where j.id = p.id returning ${INSTANT('p.last_polled_at')} as previous`,
        [id],
      );
      return rows[0]?.previous ?? undefined;
    },

    async claim(owner, seconds) {
      const rows = await db.query<JobRow>(
        `with next as (
           select id from export_job where status in ('accepted', 'in-progress') and (lease_until is null or lease_until < now())
           order by created_at limit 1 for update skip locked)
         update export_job j set status = 'in-progress', lease_owner = $1, lease_until = now() + make_interval(secs => $2)
         from next where j.id = next.id returning ${COLUMNS.replace(/\bid\b,/, 'j.id,')}`,
        [owner, seconds],
      );
      return rows[0] && toJob(rows[0]);
    },

    async saveChunk(id, owner, chunk, cursor, seconds) {
      return db.transaction(async (tx) => {
        const held = await tx.query<{ seq: number }>(
          `update export_job set cursor = $3::jsonb, resources = resources + $4, lease_until = now() + make_interval(secs => $5)
           where id = $1 and lease_owner = $2 and status = 'in-progress'
           returning (select coalesce(max(seq), 0) + 1 from export_chunk where job_id = $1) as seq`,
          [id, owner, JSON.stringify(cursor), chunk?.count ?? 0, seconds],
        );
        if (!held[0]) return false;
        if (chunk) {
          await tx.query(`insert into export_chunk (job_id, seq, resource_type, file_no, count, content) values ($1, $2, $3, $4, $5, $6)`, [
            id,
            held[0].seq,
            chunk.resourceType,
            chunk.fileNo,
            chunk.count,
            chunk.content,
          ]);
        }
        return true;
      });
    },

    async finish(id, owner, status, error) {
      await db.query(
        `update export_job set status = $3, error = $4, finished_at = now(), lease_owner = null, lease_until = null where id = $1 and lease_owner = $2`,
        [id, owner, status, error ?? null],
      );
    },

    async release(id, owner) {
      await db.query(`update export_job set lease_owner = null, lease_until = null where id = $1 and lease_owner = $2`, [id, owner]);
    },

    async cancel(id) {
      const rows = await db.query(`delete from export_job where id = $1 returning id`, [id]);
      return rows.length > 0;
    },

    async files(id) {
      const rows = await db.query<{ resource_type: string; file_no: number; count: string }>(
        `select resource_type, file_no, sum(count)::text as count from export_chunk where job_id = $1 group by resource_type, file_no order by min(seq)`,
        [id],
      );
      return rows.map((r) => ({ resourceType: r.resource_type, fileNo: r.file_no, count: Number(r.count) }));
    },

    async *fileChunks(id, resourceType, fileNo) {
      let after = 0;
      for (;;) {
        const rows = await db.query<{ seq: number; content: string }>(
          `select seq, content from export_chunk where job_id = $1 and resource_type = $2 and file_no = $3 and seq > $4 order by seq limit ${CHUNKS_PER_READ}`,
          [id, resourceType, fileNo, after],
        );
        for (const r of rows) yield r.content;
        if (rows.length < CHUNKS_PER_READ) return;
        after = rows[rows.length - 1]!.seq;
      }
    },
  };
}
