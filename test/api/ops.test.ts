import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import { checksumLockKey } from '../../src/services/import/batch';
import { sha256File } from '../../src/services/import/checksum';
import { feedXml } from '../import/feed';
import { waitFor } from '../support/wait-for';
import { describeOnEachQueueBackend } from '../support/queue-backends';
import { startTestSystem, type TestSystem } from '../support/system';
import { postGraphQL, type GraphQLResponse } from './support/api-system';
import { seedHousehold } from './support/seed';

const START = Date.UTC(2024, 0, 1, 5) / 1000;
const GOOD = feedXml({ usagePoints: [1], start: START, count: 96, value: (_u, n) => n + 1 });

const JOB_FIELDS =
  'queue jobId name state attemptsMade attemptsAllowed createdAt processedAt finishedAt failedReason stacktrace file progress { phase percent readings bytes bytesTotal }';
const BATCH_FIELDS =
  'id batchId source fileName status readings inserted rejected warnings errors createdAt finishedAt';
const IMPORT = `mutation($path: String!) { usageImportStart(input: { path: $path }) { jobId userErrors { code } } }`;
const JOB = `query($id: ID!) { job(queue: IMPORTS, id: $id) { ${JOB_FIELDS} importBatches { ${BATCH_FIELDS} } } }`;
const RETRY = `mutation($id: ID!) { importJobRetry(input: { jobId: $id }) { job { jobId state attemptsMade } userErrors { code field message } } }`;
const CANCEL = `mutation($id: ID!) { importJobCancel(input: { jobId: $id }) { cancelledJobId userErrors { code field } } }`;
const PAUSE = `mutation { queuePause(input: { queue: IMPORTS }) { queue { name paused } userErrors { code } } }`;
const RESUME = `mutation { queueResume(input: { queue: IMPORTS }) { queue { name paused } userErrors { code } } }`;
// Every ops read at once: what OPS sees must carry no customer data.
const EVERYTHING = `{
  queues { name paused counts { waiting active delayed prioritized waitingChildren paused completed failed }
    throughput(minutes: 60) { minutes completed failed failureRate completedTotal failedTotal }
    schedulers { id jobName pattern everyMs timeZone nextRunAt lastRun { ${JOB_FIELDS} } }
    completed: jobs(state: COMPLETED, first: 20) { edges { cursor node { ${JOB_FIELDS} importBatches { ${BATCH_FIELDS} } } } pageInfo { hasNextPage endCursor } }
    failed: jobs(state: FAILED, first: 20) { edges { node { ${JOB_FIELDS} } } } }
  importBatches(first: 50) { edges { node { ${BATCH_FIELDS} job { jobId state } } } pageInfo { hasNextPage } }
}`;

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describeOnEachQueueBackend('ops API', { timeout: 300_000 }, (backend) => {
  let t: TestSystem;
  let inbox: string;
  let admin: string;
  let ops: string;
  const gql = async (
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<GraphQLResponse> => postGraphQL(`${t.url}/graphql`, query, variables, token);
  const data = async (query: string, variables: Record<string, unknown>, token: string): Promise<Data> => {
    const response = await gql(query, variables, token);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data as Data;
  };
  const jobIn = async (id: string, states: string[], token = ops) => {
    const job = (await data(JOB, { id }, token)).job;
    return states.includes(job?.state) ? job : undefined;
  };
  const enqueue = async (path: string): Promise<string> => {
    const { usageImportStart } = await data(IMPORT, { path }, admin);
    assert.deepEqual(usageImportStart.userErrors, []);
    return usageImportStart.jobId;
  };

  before(async () => {
    inbox = mkdtempSync(join(tmpdir(), 'ops-inbox-'));
    t = await startTestSystem('serve', {
      INBOX_DIR: inbox,
      // Only the tests enqueue loads here; the scheduler stays, for the scheduler test.
      INBOX_SCAN_CRON: '0 0 1 1 *',
      ...backend.settings('ops'),
    });
    admin = await t.token(Role.ADMIN);
    ops = await t.token(Role.OPS);
  });
  after(() => t?.stop());

  it('shows a failing import with its reason, and a retry after fixing the file loads it', async () => {
    writeFileSync(join(inbox, 'broken.xml'), GOOD.slice(0, GOOD.length / 2));
    const id = await enqueue('broken.xml');
    const failed = await waitFor('the job to fail', () => jobIn(id, ['FAILED']));
    assert.match(failed.failedReason, /broken\.xml rejected: xml-truncated/);
    assert.equal(failed.file, 'broken.xml');
    assert.equal(failed.stacktrace, null, 'OPS sees no stack trace');
    assert.equal(failed.attemptsMade, 1);
    assert.deepEqual(
      failed.importBatches.map((b: Data) => [b.fileName, b.status, b.source]),
      [['broken.xml', 'REJECTED', 'FILE']],
    );
    assert.match(failed.importBatches[0].errors[0], /xml-truncated/);
    assert.ok((await jobIn(id, ['FAILED'], admin)).stacktrace.length > 0, 'ADMIN sees the stack trace');

    const listed = await data(EVERYTHING, {}, ops);
    const imports = listed.queues.find((q: Data) => q.name === 'IMPORTS');
    assert.equal(imports.counts.failed, 1);
    assert.deepEqual(
      imports.failed.edges.map((e: Data) => e.node.jobId),
      [id],
    );
    const rejected = await data(
      `{ importBatches(first: 10, status: REJECTED, source: FILE) { edges { node { ${BATCH_FIELDS} job { jobId } } } } }`,
      {},
      ops,
    );
    assert.deepEqual(
      rejected.importBatches.edges.map((e: Data) => [e.node.fileName, e.node.job.jobId]),
      [['broken.xml', id]],
    );

    // Retrying is for ADMIN only, and only for failed jobs.
    assert.equal((await gql(RETRY, { id }, ops)).errors?.[0].extensions?.code, 'FORBIDDEN');
    assert.deepEqual(
      (await data(RETRY, { id: '999999' }, admin)).importJobRetry.userErrors.map((e: Data) => e.code),
      ['JOB_NOT_FOUND'],
    );

    // The file went to rejected/ with its reason; fixed there, a retry puts it back and loads it.
    assert.ok(existsSync(join(inbox, 'rejected', 'broken.xml.reason.txt')));
    writeFileSync(join(inbox, 'rejected', 'broken.xml'), GOOD);
    const retried = await data(RETRY, { id }, admin);
    assert.deepEqual(retried.importJobRetry.userErrors, []);
    assert.equal(retried.importJobRetry.job.jobId, id);
    const done = await waitFor('the retried job to complete', () => jobIn(id, ['COMPLETED']));
    assert.equal(done.progress.phase, 'done');
    assert.equal(done.progress.percent, 100);
    assert.deepEqual(
      done.importBatches.map((b: Data) => [b.status, b.readings, b.inserted]),
      [
        ['LOADED', 96, 96],
        ['REJECTED', 0, 0],
      ],
    );
    assert.ok(existsSync(join(inbox, 'loaded', 'broken.xml')), 'the loaded file left the inbox');
    assert.ok(!existsSync(join(inbox, 'rejected', 'broken.xml.reason.txt')), 'the stale reason went with it');
    assert.deepEqual(
      (await data(RETRY, { id }, admin)).importJobRetry.userErrors.map((e: Data) => e.code),
      ['JOB_NOT_FAILED'],
    );
  });

  it('pause stops new jobs from starting and resume continues them', async () => {
    assert.equal((await gql(PAUSE, {}, ops)).errors?.[0].extensions?.code, 'FORBIDDEN');
    assert.deepEqual((await data(PAUSE, {}, admin)).queuePause, {
      queue: { name: 'IMPORTS', paused: true },
      userErrors: [],
    });
    writeFileSync(join(inbox, 'paused.xml'), feedXml({ usagePoints: [2], start: START, count: 48, value: () => 7 }));
    const id = await enqueue('paused.xml');
    // Meanwhile the workers keep working (a maintenance run completes), and an idle worker takes a job of a running
    // queue in milliseconds: seconds later, the paused queue's job has still not started.
    const RUN = `mutation { jobSchedulerRun(input: { queue: MAINTENANCE, scheduler: "partition-maintenance" }) { job { jobId } } }`;
    const maintenance = (await data(RUN, {}, admin)).jobSchedulerRun.job.jobId;
    await waitFor(
      'the maintenance run',
      async () =>
        (await data(`{ job(queue: MAINTENANCE, id: "${maintenance}") { state } }`, {}, ops)).job.state === 'COMPLETED',
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const waiting = await jobIn(id, ['WAITING', 'PAUSED']);
    assert.ok(waiting, 'the job waits in the paused queue');
    assert.equal(waiting.processedAt, null);
    const { queue } = await data('{ queue(name: IMPORTS) { paused counts { waiting paused active } } }', {}, ops);
    assert.equal(queue.paused, true);
    assert.equal(queue.counts.waiting + queue.counts.paused, 1);
    assert.deepEqual((await data(RESUME, {}, admin)).queueResume, {
      queue: { name: 'IMPORTS', paused: false },
      userErrors: [],
    });
    await waitFor('the job to complete after resume', () => jobIn(id, ['COMPLETED']));
  });

  it('reports throughput and failure rate over recent minutes from the BullMQ metrics', async () => {
    const { queue } = await data(
      '{ queue(name: IMPORTS) { throughput(minutes: 60) { minutes completed failed failureRate completedTotal failedTotal } } }',
      {},
      ops,
    );
    // The retried job and the paused one completed; the first attempt of the broken file failed.
    assert.deepEqual(queue.throughput, {
      minutes: 60,
      completed: 2,
      failed: 1,
      failureRate: 1 / 3,
      completedTotal: 2,
      failedTotal: 1,
    });
    const bad = await gql('{ queue(name: IMPORTS) { throughput(minutes: 0) { completed } } }', {}, ops);
    assert.equal(bad.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
  });

  it('cancels a job that has not started, and nothing that has finished', async () => {
    await data(PAUSE, {}, admin);
    try {
      writeFileSync(
        join(inbox, 'cancelled.xml'),
        feedXml({ usagePoints: [3], start: START, count: 10, value: () => 1 }),
      );
      const id = await enqueue('cancelled.xml');
      assert.equal((await gql(CANCEL, { id }, ops)).errors?.[0].extensions?.code, 'FORBIDDEN');
      assert.deepEqual((await data(CANCEL, { id }, admin)).importJobCancel, { cancelledJobId: id, userErrors: [] });
      assert.equal((await data(JOB, { id }, ops)).job, null);
      assert.deepEqual((await data(CANCEL, { id }, admin)).importJobCancel.userErrors, [
        { code: 'JOB_NOT_FOUND', field: ['input', 'jobId'] },
      ]);
      const completed = (
        await data(
          '{ queue(name: IMPORTS) { jobs(state: COMPLETED, first: 1) { edges { node { jobId } } } } }',
          {},
          ops,
        )
      ).queue.jobs.edges[0].node.jobId;
      assert.deepEqual(
        (await data(CANCEL, { id: completed }, admin)).importJobCancel.userErrors.map((e: Data) => e.code),
        ['JOB_FINISHED'],
      );
    } finally {
      // Out of the inbox, so that the scheduler test's scan finds nothing to load.
      rmSync(join(inbox, 'cancelled.xml'), { force: true });
      await data(RESUME, {}, admin);
    }
  });

  it('shows a running load with its progress, and does not interrupt it on cancel', async () => {
    const path = join(inbox, 'held.xml');
    writeFileSync(path, feedXml({ usagePoints: [4], start: START, count: 30, value: () => 5 }));
    // The load takes this file's advisory lock first thing in its transaction: held here, the job stays running.
    const holder = t.system.database.dataSource.createQueryRunner();
    await holder.connect();
    const key = checksumLockKey(await sha256File(path));
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    let id: string;
    try {
      id = await enqueue('held.xml');
      // Progress is reported as the load goes; the first report comes before the lock.
      const running = await waitFor('the load to start and report', async () => {
        const job = await jobIn(id, ['ACTIVE']);
        return job?.progress?.phase ? job : undefined;
      });
      assert.equal(running.processedAt !== null, true);
      assert.deepEqual([running.progress.phase, running.progress.bytesTotal], ['parse', statSync(path).size]);
      assert.deepEqual(
        (await data(CANCEL, { id }, admin)).importJobCancel.userErrors.map((e: Data) => e.code),
        ['JOB_ACTIVE'],
      );
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      await holder.release();
    }
    const done = await waitFor('the load to finish', () => jobIn(id, ['COMPLETED']));
    assert.deepEqual(
      done.importBatches.map((b: Data) => [b.fileName, b.status, b.readings]),
      [['held.xml', 'LOADED', 30]],
    );
  });

  it('lists Job Schedulers with pattern, next run and last outcome, and runs one now', async () => {
    const schedulersOf = async (name: string) =>
      (
        await data(
          `query($name: QueueName!) { queue(name: $name) { schedulers { id jobName pattern timeZone nextRunAt lastRun { jobId state finishedAt } } } }`,
          { name },
          ops,
        )
      ).queue.schedulers;
    // The startup run of partition maintenance is that scheduler's last run.
    const [maintenance] = await waitFor('the startup maintenance run', async () => {
      const list = await schedulersOf('MAINTENANCE');
      return list[0]?.lastRun?.state === 'COMPLETED' && list;
    });
    assert.equal(maintenance.id, 'partition-maintenance');
    assert.equal(maintenance.pattern, t.config.partitionCron);
    assert.equal(maintenance.timeZone, 'UTC');
    assert.ok(Date.parse(maintenance.nextRunAt) > Date.now());

    const RUN = `mutation($scheduler: String!) { jobSchedulerRun(input: { queue: IMPORTS, scheduler: $scheduler }) { job { jobId name } userErrors { code field } } }`;
    assert.equal((await gql(RUN, { scheduler: 'inbox-scan' }, ops)).errors?.[0].extensions?.code, 'FORBIDDEN');
    assert.deepEqual((await data(RUN, { scheduler: 'nope' }, admin)).jobSchedulerRun, {
      job: null,
      userErrors: [{ code: 'SCHEDULER_NOT_FOUND', field: ['input', 'scheduler'] }],
    });
    const { job } = (await data(RUN, { scheduler: 'inbox-scan' }, admin)).jobSchedulerRun;
    assert.equal(job.name, 'inbox-scan');
    const [scan] = await waitFor('the inbox scan run to be the last run', async () => {
      const list = await schedulersOf('IMPORTS');
      return list[0]?.lastRun?.jobId === job.jobId && list[0].lastRun.state === 'COMPLETED' && list;
    });
    assert.deepEqual([scan.id, scan.jobName, scan.pattern], ['inbox-scan', 'inbox-scan', '0 0 1 1 *']);
  });

  it('pages jobs and import batches with cursors, and filters batches by status, source and time', async () => {
    const first = await data(
      '{ queue(name: IMPORTS) { jobs(state: COMPLETED, first: 1) { edges { cursor node { jobId } } pageInfo { hasNextPage endCursor } } } }',
      {},
      ops,
    );
    const page1 = first.queue.jobs;
    assert.equal(page1.pageInfo.hasNextPage, true);
    const second = await data(
      `query($after: String) { queue(name: IMPORTS) { jobs(state: COMPLETED, first: 1, after: $after) { edges { node { jobId } } } } }`,
      { after: page1.pageInfo.endCursor },
      ops,
    );
    assert.notEqual(second.queue.jobs.edges[0].node.jobId, page1.edges[0].node.jobId);

    const batches = async (args: string) =>
      (
        await data(
          `{ importBatches(first: 1${args}) { edges { node { fileName status } } pageInfo { hasNextPage endCursor } } }`,
          {},
          ops,
        )
      ).importBatches;
    const newest = await batches('');
    assert.equal(newest.edges[0].node.fileName, 'held.xml');
    const older = await batches(`, after: "${newest.pageInfo.endCursor}"`);
    assert.equal(older.edges[0].node.fileName, 'paused.xml');
    assert.equal((await batches(', status: LOADED, source: ODS')).edges.length, 0);
    assert.equal((await batches(`, from: "${new Date(Date.now() + 60_000).toISOString()}"`)).edges.length, 0);
    assert.equal((await batches(`, to: "${new Date().toISOString()}", status: LOADED`)).edges.length, 1);
    const inverted = await gql(
      `{ importBatches(first: 1, from: "2025-01-02T00:00:00Z", to: "2025-01-01T00:00:00Z") { edges { cursor } } }`,
      {},
      ops,
    );
    assert.equal(inverted.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
  });

  it('gives OPS no customer personal data, and CUSTOMER nothing at all', async () => {
    const household = await seedHousehold(
      t.system.database.dataSource,
      'Grace Hopper',
      'America/New_York',
      new Date('2024-03-01T00:00:00Z'),
      new Date('2024-03-02T00:00:00Z'),
    );
    const everything = JSON.stringify(await data(EVERYTHING, {}, ops));
    for (const personal of ['Grace', 'Hopper', 'Main St', 'Springfield', 'example.com'])
      assert.ok(!everything.includes(personal), personal);
    const customer = await data(
      `query($id: ID!) { customer(id: $id) { name email phone accounts(first: 5) { edges { node { accountNumber usagePoints(first: 5) { edges { node { serviceLocation { streetAddress city } } } } } } } } }`,
      { id: toGlobalId('Customer', household.customerId) },
      ops,
    );
    const text = JSON.stringify(customer);
    for (const personal of ['Grace', 'Hopper', 'Main St', 'Springfield', 'example.com'])
      assert.ok(!text.includes(personal), `${personal} in ${text}`);
    assert.equal(customer.customer.name, null);

    const batchId = (await data('{ importBatches(first: 1) { edges { node { id } } } }', {}, ops)).importBatches
      .edges[0].node.id;
    assert.equal(
      (await data('query($id: ID!) { node(id: $id) { ... on ImportBatch { fileName } } }', { id: batchId }, ops)).node
        .fileName,
      'held.xml',
    );
    const asCustomer = await t.token(Role.CUSTOMER, toGlobalId('Customer', household.customerId));
    for (const query of [
      '{ queues { name } }',
      '{ queue(name: IMPORTS) { name } }',
      '{ job(queue: IMPORTS, id: "1") { jobId } }',
      '{ importBatches(first: 1) { edges { cursor } } }',
      `{ importBatch(id: "${batchId}") { fileName } }`,
    ]) {
      const response = await gql(query, {}, asCustomer);
      assert.equal(response.errors?.[0].extensions?.code, 'FORBIDDEN', query);
      assert.ok(
        Object.values(response.data ?? {}).every((value) => value === null),
        query,
      );
      assert.equal((await gql(query)).errors?.[0].extensions?.code, 'UNAUTHENTICATED', query);
    }
    assert.equal((await data('query($id: ID!) { node(id: $id) { id } }', { id: batchId }, asCustomer)).node, null);
    for (const mutation of [PAUSE, RESUME])
      assert.equal((await gql(mutation, {}, asCustomer)).errors?.[0].extensions?.code, 'FORBIDDEN');
    assert.equal((await gql(RETRY, { id: '1' }, asCustomer)).errors?.[0].extensions?.code, 'FORBIDDEN');
    assert.equal(
      (await gql('{ queues { name } }', {}, await t.token(Role.CSR))).errors?.[0].extensions?.code,
      'FORBIDDEN',
    );
  });
});
