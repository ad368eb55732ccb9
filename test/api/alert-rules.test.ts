import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import { startApiSystem, type ApiSystem } from './support/api-system';
import { seedCustomer, seedUsagePoint } from './support/seed';

const CREATE = `mutation($input: AlertRuleCreateInput!) { alertRuleCreate(input: $input) { rule { id kind threshold days usagePoint { id } } userErrors { code field message } } }`;
const DELETE = `mutation($id: ID!) { alertRuleDelete(id: $id) { deletedRuleId userErrors { code field } } }`;
const RULES = `query($usagePointId: ID) { alertRules(usagePointId: $usagePointId) { id kind threshold } }`;

describe('alert rules over GraphQL', { timeout: 120_000 }, () => {
  let api: ApiSystem;
  let alice = '';
  let bob = '';
  let alicePoint = '';
  before(async () => {
    api = await startApiSystem();
    const db = api.system.database.dataSource;
    const a = await seedCustomer(db, 'Alice Rules');
    const b = await seedCustomer(db, 'Bob Rules');
    alicePoint = toGlobalId('UsagePoint', await seedUsagePoint(db, a.accountId, 'America/Chicago'));
    alice = await api.token(Role.CUSTOMER, toGlobalId('Customer', a.customerId), 'alice');
    bob = await api.token(Role.CUSTOMER, toGlobalId('Customer', b.customerId), 'bob');
  });
  after(() => api?.stop());

  const create = async (input: Record<string, unknown>, token: string) => {
    const response = await api.query(CREATE, { input }, token);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return (
      response.data as {
        alertRuleCreate: {
          rule: {
            id: string;
            kind: string;
            threshold: string | null;
            days: number | null;
            usagePoint: { id: string };
          } | null;
          userErrors: { code: string; field: string[] }[];
        };
      }
    ).alertRuleCreate;
  };
  const fieldsOf = (userErrors: { code: string; field: string[] }[]) =>
    userErrors.map((e) => [e.code, e.field.join('.')]);

  it('a customer creates, lists and deletes rules on its own usage point', async () => {
    const created = await create({ usagePointId: alicePoint, kind: 'DAILY_USAGE_ABOVE', threshold: '12.5' }, alice);
    assert.deepEqual(created.userErrors, []);
    assert.deepEqual(
      [created.rule?.kind, created.rule?.threshold, created.rule?.usagePoint.id],
      ['DAILY_USAGE_ABOVE', '12.5', alicePoint],
    );
    const missing = await create({ usagePointId: alicePoint, kind: 'DATA_MISSING', days: 2 }, alice);
    assert.deepEqual(missing.userErrors, []);
    const listed = (await api.query(RULES, {}, alice)).data as { alertRules: { id: string }[] };
    assert.deepEqual(
      listed.alertRules.map((r) => r.id),
      [created.rule?.id, missing.rule?.id],
    );
    const deleted = (await api.query(DELETE, { id: missing.rule?.id }, alice)).data as {
      alertRuleDelete: { deletedRuleId: string };
    };
    assert.equal(deleted.alertRuleDelete.deletedRuleId, missing.rule?.id);
    assert.equal(((await api.query(RULES, {}, alice)).data as { alertRules: unknown[] }).alertRules.length, 1);
  });

  it("refuses bad input as INVALID_INPUT naming the field, and another customer's usage point naming usagePointId", async () => {
    assert.deepEqual(
      fieldsOf(
        (await create({ usagePointId: alicePoint, kind: 'DAILY_USAGE_ABOVE', threshold: '0' }, alice)).userErrors,
      ),
      [['INVALID_INPUT', 'input.threshold']],
    );
    assert.deepEqual(
      fieldsOf(
        (await create({ usagePointId: alicePoint, kind: 'WEEKLY_COST_ABOVE', threshold: '1.123456' }, alice))
          .userErrors,
      ),
      [['INVALID_INPUT', 'input.threshold']],
    );
    assert.deepEqual(
      fieldsOf((await create({ usagePointId: alicePoint, kind: 'DAILY_USAGE_ABOVE' }, alice)).userErrors),
      [['INVALID_INPUT', 'input.threshold']],
    );
    assert.deepEqual(
      fieldsOf((await create({ usagePointId: alicePoint, kind: 'DATA_MISSING', days: 0 }, alice)).userErrors),
      [['INVALID_INPUT', 'input.days']],
    );
    assert.deepEqual(
      fieldsOf(
        (await create({ usagePointId: alicePoint, kind: 'DAILY_USAGE_ABOVE', threshold: '5', days: 3 }, alice))
          .userErrors,
      ),
      [['INVALID_INPUT', 'input.days']],
    );
    const foreign = await create({ usagePointId: alicePoint, kind: 'DAILY_USAGE_ABOVE', threshold: '5' }, bob);
    assert.deepEqual([foreign.rule, fieldsOf(foreign.userErrors)], [null, [['NOT_FOUND', 'input.usagePointId']]]);
    const [aliceRule] = ((await api.query(RULES, {}, alice)).data as { alertRules: { id: string }[] }).alertRules;
    const notBobs = (await api.query(DELETE, { id: aliceRule.id }, bob)).data as {
      alertRuleDelete: { userErrors: { code: string; field: string[] }[] };
    };
    assert.deepEqual(fieldsOf(notBobs.alertRuleDelete.userErrors), [['NOT_FOUND', 'id']]);
    const node = `query($id: ID!) { node(id: $id) { id ... on AlertRule { kind } } }`;
    assert.deepEqual((await api.query(node, { id: aliceRule.id }, bob)).data, { node: null });
    assert.deepEqual((await api.query(node, { id: aliceRule.id }, alice)).data, {
      node: { id: aliceRule.id, kind: 'DAILY_USAGE_ABOVE' },
    });
    assert.deepEqual(
      ((await api.query(RULES, { usagePointId: alicePoint }, bob)).data as { alertRules: unknown[] }).alertRules,
      [],
    );
  });

  it("at most 20 rules per usage point; staff list a usage point's rules, OPS may not manage them", async () => {
    const existing = ((await api.query(RULES, {}, alice)).data as { alertRules: unknown[] }).alertRules.length;
    for (let i = existing; i < 20; i++)
      assert.deepEqual(
        (await create({ usagePointId: alicePoint, kind: 'DAILY_COST_ABOVE', threshold: `${i + 1}` }, alice)).userErrors,
        [],
      );
    assert.deepEqual(
      fieldsOf(
        (await create({ usagePointId: alicePoint, kind: 'DAILY_COST_ABOVE', threshold: '99' }, alice)).userErrors,
      ),
      [['INVALID_INPUT', 'input.usagePointId']],
    );
    const ops = await api.token(Role.OPS);
    assert.equal(
      ((await api.query(RULES, { usagePointId: alicePoint }, ops)).data as { alertRules: unknown[] }).alertRules.length,
      20,
    );
    const unnamed = await api.query(RULES, {}, ops);
    assert.equal(unnamed.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    const refused = await api.query(
      CREATE,
      { input: { usagePointId: alicePoint, kind: 'DAILY_USAGE_ABOVE', threshold: '1' } },
      ops,
    );
    assert.equal(refused.errors?.[0].extensions?.code, 'FORBIDDEN');
    const csr = await api.token(Role.CSR);
    assert.equal(
      (
        (await api.query(`{ alerts(first: 5) { edges { node { id } } totalCount } }`, {}, csr)).data as {
          alerts: { totalCount: number };
        }
      ).alerts.totalCount,
      0,
    );
  });
});
