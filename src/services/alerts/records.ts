import { AlertEntity, AlertRuleEntity } from '../../entities';
import { entityFields, selectColumns, type EntityRow, type EntitySelect } from '../../entities/columns';
import type { AlertRuleKind } from './alert-kinds';

// Alert rules and alerts as the services hand them to the GraphQL layer, and the SELECT lists that read them. The
// entities type `kind` as text; the rows carry the kinds the CHECK allows.

const RULE_FIELDS = entityFields<AlertRuleEntity>()(['id', 'usagePointId', 'kind', 'threshold', 'days', 'createdAt']);
export type AlertRuleRecord = Omit<EntityRow<AlertRuleEntity, typeof RULE_FIELDS>, 'kind'> & { kind: AlertRuleKind };
/** An alert rule's record, over `alert_rule` aliased `alias` (or unaliased: ''). */
export const ruleColumns = (alias = 'r') => selectColumns(AlertRuleEntity, RULE_FIELDS, alias);

const ALERT_FIELDS = entityFields<AlertEntity>()([
  'id',
  'ruleId',
  'usagePointId',
  'kind',
  'periodStart',
  'periodEnd',
  'value',
  'threshold',
  'raisedAt',
]);
/** A raised crossing; its rule is null once deleted. */
export type AlertRecord = Omit<EntityRow<AlertEntity, typeof ALERT_FIELDS>, 'kind'> & { kind: AlertRuleKind };
/** An alert's record, over `alert` aliased `alias` (or unaliased: ''). */
export const alertColumns = (alias = 'a') => selectColumns(AlertEntity, ALERT_FIELDS, alias);

export const ALERT_SELECTS: readonly EntitySelect[] = [
  { entity: AlertRuleEntity, columns: ruleColumns('t') },
  { entity: AlertEntity, columns: alertColumns('t') },
];
