import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROLES } from '../../src/auth/roles';
import { allows, assertAllowed, PERMISSIONS, type Permission } from '../../src/services/access/permissions';
import { ForbiddenError, UnauthenticatedError } from '../../src/services/errors';
import { repoRoot } from '../support/paths';

// The permission table is written twice, in code and in the README for operators: the two must say the same.

describe('permissions', () => {
  it('are listed in the README exactly as in the code: name, roles and what each allows', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('### Roles and permissions');
    const section = readme.slice(start, readme.indexOf('\n#', start + 1));
    const rows = [...section.matchAll(/^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|/gm)].map(([, name, roles, action]) => [
      name,
      roles.trim(),
      action.trim(),
    ]);
    const expected = Object.entries(PERMISSIONS).map(([name, { roles, action }]) => [name, roles.join(', '), action]);
    assert.deepEqual(rows, expected);
  });

  it('refuse no principal as UNAUTHENTICATED and every role outside the table as FORBIDDEN naming who may', () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
      assert.throws(() => assertAllowed(undefined, permission), UnauthenticatedError);
      for (const role of ROLES) {
        const principal = { subject: 'permissions-test', role };
        const held = (PERMISSIONS[permission].roles as readonly string[]).includes(role);
        assert.equal(allows(principal, permission), held, `${role} ${permission}`);
        if (held) assertAllowed(principal, permission);
        else
          assert.throws(
            () => assertAllowed(principal, permission),
            (error: Error) => error instanceof ForbiddenError && error.message.startsWith('Only '),
          );
      }
    }
  });
});
