import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { createRuntime } from '@postline/platform/http';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { AppModule } from '../app.module';
import { listConfigSchema } from '../config/list.config';
import { openApiDocumentPaths } from './openapi.controller';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type ModuleLike = Type<unknown> | DynamicModule | Promise<DynamicModule>;

/** Every controller the service's module tree registers, as Nest would find them. */
function controllersOf(module: ModuleLike, seen = new Set<unknown>()): Type<unknown>[] {
  if (module instanceof Promise || seen.has(module)) return [];
  seen.add(module);
  const dynamic = typeof module === 'object' ? module : undefined;
  const cls = dynamic ? dynamic.module : (module as Type<unknown>);
  const meta = (key: string) => (Reflect.getMetadata(key, cls) as unknown[] | undefined) ?? [];
  const controllers = [...meta(MODULE_METADATA.CONTROLLERS), ...(dynamic?.controllers ?? [])];
  const imports = [...meta(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])];
  return [
    ...(controllers as Type<unknown>[]),
    ...imports.flatMap((m) => controllersOf(m as ModuleLike, seen)),
  ];
}

/** `GET /v1/lists/{listId}` for each route handler, from Nest's route metadata. */
function routesOf(controller: Type<unknown>): string[] {
  const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat();
  const proto = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).flatMap((name) => {
    const handler = proto[name];
    if (typeof handler !== 'function' || name === 'constructor') return [];
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
    if (method === undefined || paths === undefined) return [];
    return prefixes.flatMap((prefix) =>
      [paths].flat().map((path) => `${RequestMethod[method]} ${openApiPath(prefix, path)}`),
    );
  });
}

function openApiPath(prefix: string, path: string): string {
  const joined = `/${[prefix, path].join('/')}`.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
}

function documentRoutes(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((k) => HTTP_METHODS.includes(k))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

describe('the list service OpenAPI document', () => {
  const path = openApiDocumentPaths().find((p) => existsSync(p));
  const doc = parse(readFileSync(path ?? 'services/list/openapi.yaml', 'utf8')) as OpenApiDocument;
  const runtime = createRuntime('list', listConfigSchema, {});
  const served = [...new Set(controllersOf(AppModule.register(runtime)).flatMap(routesOf))].sort();

  it('is found where the controller serves it from, and is OpenAPI 3.1', () => {
    expect(path).toMatch(/services\/list\/openapi\.yaml$/);
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('finds the routes of every controller (the walk itself works)', () => {
    expect(served).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'POST /v1/lists',
        'GET /v1/lists/{listId}/subscribers',
        'POST /u/{token}',
        'POST /u/confirm/{token}',
        'GET /openapi.yaml',
      ]),
    );
  });

  it('documents every route the service serves', () => {
    const documented = new Set(documentRoutes(doc));
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
  });

  it('documents no route the service does not serve', () => {
    const routes = new Set(served);
    expect(documentRoutes(doc).filter((r) => !routes.has(r))).toEqual([]);
  });

  it('declares every path parameter of each route', () => {
    const undeclared: string[] = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const method of Object.keys(item).filter((k) => HTTP_METHODS.includes(k))) {
        const params = [
          ...((item.parameters as unknown[]) ?? []),
          ...(((item[method] as { parameters?: unknown[] }).parameters as unknown[]) ?? []),
        ].map((x) => resolveParam(doc, x));
        for (const name of names) {
          if (!params.some((q) => q.in === 'path' && q.name === name))
            undeclared.push(`${method.toUpperCase()} ${p}: ${name}`);
        }
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('resolves every $ref it uses', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]);
    const missing = refs.filter((ref) => lookup(doc, ref.split('/')) === undefined);
    expect([...new Set(missing)]).toEqual([]);
  });
});

function lookup(root: unknown, keys: string[]): unknown {
  return keys.reduce<unknown>(
    (node, k) =>
      node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined,
    root,
  );
}

function resolveParam(doc: OpenApiDocument, p: unknown): { in?: string; name?: string } {
  const ref = (p as { $ref?: string }).$ref;
  return (ref ? lookup(doc, ref.slice(2).split('/')) : p) as { in?: string; name?: string };
}
