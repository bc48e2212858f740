// Save-time checks of one template part: it must parse, and it may only call
// the helpers render provides. Catching this when the template is stored means
// a campaign never fans out thousands of render requests for a broken template.
import Handlebars from 'handlebars';
import { RenderError, type SourceLocation } from './render-errors';

/** Helpers a template may call, with how many positional arguments each takes. */
export const ALLOWED_HELPERS: Readonly<Record<string, { min: number; max: number }>> = {
  if: { min: 1, max: 1 },
  unless: { min: 1, max: 1 },
  each: { min: 1, max: 1 },
  with: { min: 1, max: 1 },
  lookup: { min: 2, max: 2 },
  default: { min: 2, max: 2 },
};

type Node = hbs.AST.Node;
type CallNode = hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression;

/**
 * Parses `source` with the given Handlebars instance (the parser is shared and
 * synchronous, so its lexer still holds the failing position when it throws).
 */
export function parseTemplate(
  hbsEnv: typeof Handlebars,
  part: string,
  source: string,
): hbs.AST.Program {
  try {
    return hbsEnv.parse(source);
  } catch (e) {
    throw syntaxError(hbsEnv, part, e);
  }
}

function syntaxError(hbsEnv: typeof Handlebars, part: string, e: unknown): RenderError {
  const err = e as { message?: string; lineNumber?: number; column?: number };
  const location = locationOf(hbsEnv, err);
  // jison messages carry a multi-line caret picture; the first and last lines say enough.
  const lines = String(err.message ?? e).split('\n');
  const detail =
    lines.length > 1 ? `${lines[0].replace(/:$/, '')}; ${lines[lines.length - 1]}` : lines[0];
  return new RenderError(
    'TEMPLATE_SYNTAX',
    `${part}: syntax error at line ${location.line}, column ${location.column}: ${detail}`,
    location,
  );
}

function locationOf(
  hbsEnv: typeof Handlebars,
  err: { lineNumber?: number; column?: number },
): SourceLocation {
  if (typeof err.lineNumber === 'number') {
    return { line: err.lineNumber, column: (err.column ?? 0) + 1 };
  }
  const lexer = (hbsEnv as unknown as { Parser?: { lexer?: { yylloc?: YyLoc } } }).Parser?.lexer;
  const loc = lexer?.yylloc;
  return { line: loc?.first_line ?? 1, column: (loc?.first_column ?? 0) + 1 };
}

interface YyLoc {
  first_line: number;
  first_column: number;
}

/** Rejects partials, decorators and calls to helpers outside ALLOWED_HELPERS. */
export function checkHelpers(part: string, program: hbs.AST.Program): void {
  walk(program, (node) => {
    switch (node.type) {
      case 'PartialStatement':
      case 'PartialBlockStatement':
        throw unsupported(part, node, 'partials are not supported');
      case 'Decorator':
      case 'DecoratorBlock':
        throw unsupported(part, node, 'decorators are not supported');
      case 'MustacheStatement':
      case 'BlockStatement':
      case 'SubExpression':
        checkCall(part, node as CallNode);
    }
  });
}

function checkCall(part: string, node: CallNode): void {
  const path = node.path as hbs.AST.PathExpression;
  const name = path.type === 'PathExpression' ? path.original : String(path.original);
  const params = node.params.length;
  const isSimpleName = path.type === 'PathExpression' && path.parts.length === 1 && !path.data;
  const allowed = isSimpleName ? ALLOWED_HELPERS[name] : undefined;
  // A call is a helper call when it has arguments, is a sub-expression, or names
  // an allowed helper; `{{first_name}}` and `{{#items}}...{{/items}}` are data.
  const isCall = params > 0 || node.hash !== undefined || node.type === 'SubExpression';
  if (!allowed) {
    if (isCall) {
      throw new RenderError(
        'TEMPLATE_UNKNOWN_HELPER',
        `${part}: unknown helper "${name}" at ${at(node)}; allowed: ${Object.keys(ALLOWED_HELPERS).join(', ')}`,
        locOf(node),
      );
    }
    return;
  }
  if (params < allowed.min || params > allowed.max || node.hash !== undefined) {
    const want = allowed.min === allowed.max ? `${allowed.min}` : `${allowed.min}-${allowed.max}`;
    throw new RenderError(
      'TEMPLATE_HELPER_USAGE',
      `${part}: helper "${name}" at ${at(node)} takes ${want} argument(s) and no hash, got ${params}`,
      locOf(node),
    );
  }
}

function unsupported(part: string, node: Node, what: string): RenderError {
  return new RenderError('TEMPLATE_UNSUPPORTED', `${part}: ${what} (${at(node)})`, locOf(node));
}

function locOf(node: Node): SourceLocation {
  return { line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1 };
}

function at(node: Node): string {
  const { line, column } = locOf(node);
  return `line ${line}, column ${column}`;
}

/** Deepest nesting of block statements ({{#each}} inside {{#if}} ... is 2); 0 without blocks. */
export function blockDepth(node: Node | undefined | null): number {
  if (!node) return 0;
  const n = node as unknown as Record<string, unknown>;
  let deepest = 0;
  for (const key of ['body', 'program', 'inverse']) {
    const child = n[key];
    const children = Array.isArray(child) ? child : child ? [child] : [];
    for (const c of children) deepest = Math.max(deepest, blockDepth(c as Node));
  }
  return node.type === 'BlockStatement' ? deepest + 1 : deepest;
}

/** Depth-first visit of every node that can hold statements or expressions. */
function walk(node: Node | undefined | null, visit: (node: Node) => void): void {
  if (!node) return;
  visit(node);
  const n = node as unknown as Record<string, unknown>;
  for (const key of ['body', 'params']) {
    const list = n[key];
    if (Array.isArray(list)) for (const child of list) walk(child as Node, visit);
  }
  for (const key of ['path', 'program', 'inverse', 'hash']) {
    const child = n[key];
    if (child && typeof child === 'object') walk(child as Node, visit);
  }
  const pairs = n.pairs;
  if (Array.isArray(pairs)) {
    for (const pair of pairs) walk((pair as hbs.AST.HashPair).value, visit);
  }
}
