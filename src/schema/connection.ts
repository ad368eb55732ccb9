import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page } from '../services/pagination';
import { PageInfo } from './page-info.type';

export interface EdgeShape<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: EdgeShape<T>[];
  pageInfo: PageInfo;
  /** Counts the whole list; called only when a client selects `totalCount`. */
  count: () => Promise<number>;
}

/** The generic Edge type of a node type (type-graphql generic types: a class factory). */
export function EdgeOf<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `An edge of a ${name} connection.` })
  class Edge implements EdgeShape<T> {
    @Field({
      description:
        'Opaque cursor of this edge; pass it as `after` to continue after it, or as `before` to page back from it.',
    })
    cursor: string;

    @Field(() => node, { description: `The ${name}.` })
    node: T;
  }
  return Edge;
}

/** The generic Relay connection of a node type. */
export function ConnectionOf<T extends object>(node: ClassType<T>, name: string) {
  const Edge = EdgeOf(node, name);
  @ObjectType(`${name}Connection`, {
    description: `A page of ${name} objects, in a stable order, keyset-paginated forward (first/after) or backward (last/before).`,
  })
  class Connection implements ConnectionShape<T> {
    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    edges: EdgeShape<T>[];

    @Field(() => PageInfo, { description: 'Whether more items follow (or precede), and the cursors of this page.' })
    pageInfo: PageInfo;

    count: () => Promise<number>;

    // Priced by the connection's own cost (pageCost), not once per item.
    @Field(() => Int, {
      complexity: 0,
      description:
        'How many items the whole list holds, over all pages, as the caller sees it (one more statement: ask for it only when shown).',
    })
    totalCount(): Promise<number> {
      return this.count();
    }
  }
  return Connection;
}

/** A service page as a connection value, converting each record with `toNode`. */
export function connectionFrom<R, T>(page: Page<R>, toNode: (record: R) => T): ConnectionShape<T> {
  return {
    edges: page.items.map((record, i) => ({ cursor: page.cursors[i], node: toNode(record) })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.cursors[0] ?? null,
      endCursor: page.cursors[page.cursors.length - 1] ?? null,
    },
    count: page.count,
  };
}
