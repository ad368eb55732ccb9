// Entry point for the TypeORM CLI (`npx typeorm -d dist/src/db/typeorm-cli.js migration:show`), which needs a module
// that exports exactly one DataSource.
import { createDataSource } from './data-source';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must be set for the TypeORM CLI');

export default createDataSource(url);
